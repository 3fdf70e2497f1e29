"""Elasticsearch going away in the middle of a run: a clean failure, then a full catch-up.

Runs its own node on another port (the shared one stays up), stopped by the demo site itself
the moment the pipeline fetches a certain page, i.e. between polling and indexing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.config import REPO_ROOT, Settings
from ingest.demo_server import DemoServer
from ingest.es import ElasticsearchUnavailable, connect
from tests.support.demo import DEMO_ARTICLES, demo_settings


def _free_port_pair() -> str:
    """A port whose neighbour +100 (the node's transport port) is free as well."""
    for port in range(9251, 9300):
        try:
            for candidate in (port, port + 100):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return str(port)
    raise RuntimeError("no free port pair between 9251 and 9399")


PORT = _free_port_pair()
NODE_ENV = {"NEWSWATCH_ES_PORT": PORT, "NEWSWATCH_ES_HEAP": "256m"}
RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>trap</title><item>'
       "<title>Trap</title><link>{link}</link><pubDate>Mon, 17 Nov 2025 10:00:00 GMT</pubDate>"
       "</item></channel></rss>")


def _node(action: str) -> subprocess.CompletedProcess:
    result = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "elasticsearch.sh"), action],
                            capture_output=True, text=True, timeout=240,
                            env={**os.environ, **NODE_ENV})
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.fixture
def own_node():
    _node("start")
    try:
        yield Settings.from_env(es_url=f"http://127.0.0.1:{PORT}", index_prefix="outage")
    finally:
        subprocess.run(["bash", str(REPO_ROOT / "scripts" / "elasticsearch.sh"), "stop"],
                       capture_output=True, timeout=120, env={**os.environ, **NODE_ENV})
        for run_dir in Path(REPO_ROOT / ".cache").glob(f"es/run-{PORT}"):
            shutil.rmtree(run_dir, ignore_errors=True)


@pytest.mark.slow
def test_stopped_node_fails_the_run_cleanly_and_the_next_run_catches_up(
        own_node, http_server, tmp_path):
    with DemoServer() as demo:
        page = (REPO_ROOT / "seeds" / "demo" / "articles" / "goma-shelling.html").read_bytes()
        page = page.replace(b"{{BASE_URL}}", demo.base_url.encode())

        def stop_node_then_answer(handler):
            _node("stop")  # Elasticsearch goes away while the pipeline holds fetched pages
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(page)))
            handler.end_headers()
            handler.wfile.write(page)

        http_server.route("/trap.html", handler=stop_node_then_answer)
        http_server.route("/trap.xml", body=RSS.format(link=http_server.url("/trap.html"))
                          .encode(), content_type="application/rss+xml")
        feeds = tmp_path / "feeds.yaml"
        demo_feeds = demo.render_feeds_file(tmp_path / "demo.yaml").read_text()
        world = demo_feeds.split("  - id: demo-africa")[0]
        trap = http_server.url("/trap.xml")
        feeds.write_text(world + f"  - {{id: trap, name: Trap, url: '{trap}', "
                         "language: en, region: global}\n")
        settings = replace(demo_settings(own_node, feeds), feed_workers=1, http_timeout_s=120,
                           dead_letter_dir=tmp_path / "dead")
        client = connect(settings)
        with pytest.raises(ElasticsearchUnavailable) as failure:
            pipeline.run_once(settings, client=client)
        assert "Elasticsearch" in str(failure.value)

        http_server.route("/trap.html", body=page, content_type="text/html; charset=utf-8")
        _node("start")
        client = connect(settings)
        outcomes = {o["feed_id"]: o for o in pipeline.run_once(settings, client=client)}
    assert outcomes["trap"]["articles_indexed"] == 1
    client.indices.refresh(index=settings.index("articles"))
    ids = {hit["_source"]["feed_id"] for hit in client.search(
        index=settings.index("articles"), size=100, source_includes=["feed_id"])["hits"]["hits"]}
    assert ids == {"demo-world", "trap"}
    world = sum(article["feed"] == "world" for article in DEMO_ARTICLES) + 1  # + the seed page
    assert client.count(index=settings.index("articles"))["count"] == world + 1
