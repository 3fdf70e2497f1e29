"""One Elasticsearch error boundary: transport failures become ElasticsearchUnavailable that
says what was being done; answers with a status (404, 400...) are left to the caller."""

from __future__ import annotations

import socket

import pytest
from elasticsearch import NotFoundError

from ingest.config import Settings
from ingest.dead_letters import Letter, replay
from ingest.es import ElasticsearchUnavailable, es_errors, make_client
from ingest.schema import setup


@pytest.fixture
def dead_node(tmp_path) -> Settings:
    """Settings pointing at a loopback port where nothing listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return Settings.from_env({}, es_url=f"http://127.0.0.1:{port}",
                             dead_letter_dir=tmp_path / "letters")


def test_connection_refused_becomes_unavailable_naming_the_work(dead_node):
    client = make_client(dead_node, request_timeout=2).options(max_retries=0)
    with pytest.raises(ElasticsearchUnavailable) as failure:
        with es_errors("counting articles"):
            client.count(index="anything")
    message = str(failure.value)
    assert "while counting articles" in message and "ConnectionError" in message
    assert "NEWSWATCH_ES_URL" in message  # what to do


def test_as_a_decorator_with_its_own_advice(dead_node):
    client = make_client(dead_node, request_timeout=2).options(max_retries=0)

    @es_errors("reading feed state", then="polling goes on without it")
    def read():
        return client.get(index="feeds", id="x")

    with pytest.raises(ElasticsearchUnavailable, match="polling goes on without it"):
        read()


def test_an_answer_with_a_status_passes_through(es_client, es_prefix):
    with pytest.raises(NotFoundError):
        with es_errors("reading"):
            es_client.get(index=f"{es_prefix}-nothing", id="x")


def test_schema_setup_and_dead_letter_replay_use_it(dead_node):
    client = make_client(dead_node, request_timeout=2).options(max_retries=0)
    with pytest.raises(ElasticsearchUnavailable, match="while setting up or reading the schema"):
        setup(client, dead_node)
    letter = Letter(path=dead_node.dead_letter_dir / "x.jsonl", line=1, raw=b"",
                    record={"index": "nw-articles", "id": "a", "op": "index",
                            "document": {"title": "t"}, "error": "refused"})
    with pytest.raises(ElasticsearchUnavailable, match="dead letters' indices"):
        replay(client, [letter])
