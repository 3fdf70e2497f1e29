"""Faults that used to lose data for good or stick a feed: a robots.txt outage, a write block
on the incidents index, a failure between two bulk requests, pages that keep timing out, a
feed longer than one pass, more than a thousand refused pages."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions

from ingest import pipeline, schema
from ingest.demo_server import DemoServer
from ingest.es import ElasticsearchUnavailable
from ingest.ids import article_id
from ingest.index import index_articles
from tests.support.demo import demo_settings
from tests.support.feeds import ITEM, RSS

pytestmark = pytest.mark.timeout(300)

PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>On day {n} the council of {{title}} met in the town hall to discuss the "
                  f"budget for roads, schools and water, item {n} of the agenda.</p>"
                  for n in range(6))
        + "</article></body></html>")


def _feed(http_server, tmp_path, names, *, feed_id="desk", etag=None):
    items = "".join(ITEM.format(title=n, link=http_server.url(f"/{n}")) for n in names)
    http_server.route("/feed.xml", body=RSS.format(items=items).encode(),
                      content_type="application/rss+xml", etag=etag)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{id: {feed_id}, name: Desk, "
                     f"url: '{http_server.url('/feed.xml')}', language: en, region: global}}\n")
    return feeds


def _pages(http_server, names, **route):
    for name in names:
        http_server.route(f"/{name}", body=PAGE.format(title=name).encode(), **route)


def _count(client, alias: str) -> int:
    client.indices.refresh(index=alias)
    return client.count(index=alias)["count"]


def _state(client, prefix: str, feed_id: str = "desk") -> dict:
    client.indices.refresh(index=f"{prefix}-feeds")
    return client.get(index=f"{prefix}-feeds", id=feed_id)["_source"]


def _missing_incidents(client, prefix: str) -> int:
    """Incidents the stored articles say they have but the incidents index lacks."""
    for kind in ("articles", "incidents"):
        client.indices.refresh(index=f"{prefix}-{kind}")
    articles = client.search(index=f"{prefix}-articles", size=1000,
                             source_includes=["incident_count"])["hits"]["hits"]
    present = client.search(index=f"{prefix}-incidents", size=10_000,
                            source_includes=["article_id"])["hits"]["hits"]
    have: dict[str, int] = {}
    for hit in present:
        have[hit["_source"]["article_id"]] = have.get(hit["_source"]["article_id"], 0) + 1
    return sum(max(0, (a["_source"].get("incident_count") or 0) - have.get(a["_id"], 0))
               for a in articles)


# ------------------------------------------------------------------ robots.txt outage


def test_a_robots_txt_outage_defers_the_articles_and_the_next_pass_indexes_them(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    names = [f"a{i}.html" for i in range(5)]
    _pages(http_server, names)
    http_server.route("/robots.txt", status=503, body=b"busy")
    settings = replace(demo_settings(es_settings, _feed(http_server, tmp_path, names,
                                                        etag='"v1"')), max_article_attempts=2)

    first = pipeline.run_once(settings, client=client)[0]
    assert first["rejected"] == {"fetch:robots_unavailable": 5} and first["deferred"] == 5
    state = _state(client, prefix)
    assert state.get("rejected_ids") in (None, []) and state.get("etag") is None
    for days in (1, 2, 3):  # an outage longer than the give-up count never refuses a page
        later = pipeline.ingest_feed(settings, "desk", client=client,
                                     now=datetime.now(UTC) + timedelta(days=days))
        assert later["deferred"] == 5 and "gave_up" not in later["rejected"]
    assert _state(client, prefix).get("rejected_ids") in (None, [])

    http_server.route("/robots.txt", status=404, body=b"none")
    second = pipeline.ingest_feed(settings, "desk", client=client,
                                  now=datetime.now(UTC) + timedelta(days=4))
    assert second["articles_indexed"] == 5, str(second)
    assert _count(client, f"{prefix}-articles") == 5


# ------------------------------------------------------------------ write block on incidents


def _demo_env(settings, prefix, tmp_path) -> dict:
    return {**os.environ, "NEWSWATCH_ES_URL": settings.es_url, "NEWSWATCH_INDEX_PREFIX": prefix,
            "NEWSWATCH_FEEDS": str(settings.feeds_file),
            "NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1", "NEWSWATCH_PER_HOST_DELAY": "0",
            "NEWSWATCH_DEAD_LETTER_DIR": str(tmp_path / "dead")}


def test_a_write_block_on_incidents_fails_the_run_and_later_runs_restore_everything(
        es, es_settings, tmp_path):
    client, prefix = es
    with DemoServer() as server:
        settings = demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml"))
        schema.setup(client, settings)
        client.indices.put_settings(index=f"{prefix}-incidents",
                                    settings={"index.blocks.write": True})
        blocked = subprocess.run([sys.executable, "-m", "ingest.cli", "run", "--json"],
                                 env=_demo_env(settings, prefix, tmp_path),
                                 capture_output=True, text=True, timeout=240)
        assert blocked.returncode != 0, blocked.stdout[-2000:]
        assert _count(client, f"{prefix}-incidents") == 0
        client.indices.put_settings(index=f"{prefix}-incidents",
                                    settings={"index.blocks.write": False})
        pipeline.run_once(settings, client=client)
        pipeline.run_once(settings, client=client)
    missing = _missing_incidents(client, prefix)
    print(f"incidents missing after the write block and two re-runs: {missing}")
    assert missing == 0
    assert _count(client, f"{prefix}-incidents") >= 15


# ------------------------------------------------------------------ failure between two bulks


class _FailsOnSecondBulk(Elasticsearch):
    """The real node, with a connection failure injected on the second bulk request."""

    calls = {"bulk": 0}

    def bulk(self, *args, **kwargs):
        type(self).calls["bulk"] += 1
        if type(self).calls["bulk"] == 2:
            raise es_exceptions.ConnectionError("injected: node gone between two requests")
        return super().bulk(*args, **kwargs)


def _incident(n: int) -> dict:
    return {"event_type": "Battles", "country": "Iraq", "location": f"Place {n}",
            "actors": ["A"], "fatalities": 1, "evidence": "e"}


def test_a_failure_between_two_bulk_requests_leaves_no_article_with_part_of_its_incidents(
        es_settings):
    settings = es_settings
    plain = Elasticsearch(settings.es_url)
    schema.setup(plain, settings)
    items = []
    for n in range(300):  # 300 articles x 2 incidents: more than one 500-action request
        url = f"https://example.test/{n}"
        items.append(({"article_id": article_id(url), "url": url, "title": f"t{n}",
                       "text": "x", "language": "en"}, [_incident(0), _incident(1)]))
    faulty = _FailsOnSecondBulk(settings.es_url)
    with pytest.raises(ElasticsearchUnavailable):
        index_articles(faulty, settings, items, chunk_articles=1000)
    assert _missing_incidents(plain, settings.index_prefix) == 0
    index_articles(plain, settings, items, chunk_articles=1000)  # the next run
    assert _missing_incidents(plain, settings.index_prefix) == 0
    assert _count(plain, settings.index("incidents")) == 600


def test_an_article_stored_without_all_its_incidents_is_repaired_by_the_next_run(
        es, es_settings, tmp_path):
    client, prefix = es
    with DemoServer() as server:
        settings = demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml"))
        pipeline.run_once(settings, client=client)
        seed = article_id(f"{server.base_url}/articles/seed-article.html")
        stored = client.get(index=f"{prefix}-articles", id=seed)["_source"]
        assert stored["incident_count"] >= 2
        # what an older version left behind: the article says N incidents, one is gone
        client.delete(index=f"{prefix}-incidents", id=f"{seed}-1", refresh=True)
        assert _missing_incidents(client, prefix) == 1
        again = pipeline.summarise(pipeline.run_once(settings, client=client))
    assert again["new"] == 1 and _missing_incidents(client, prefix) == 0


# ------------------------------------------------------------------ retries, deadline, memory


def test_a_page_that_keeps_timing_out_backs_off_then_is_given_up(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    http_server.route("/slow.html", body=PAGE.format(title="slow").encode(), delay_s=3)
    settings = replace(demo_settings(es_settings, _feed(http_server, tmp_path, ["slow.html"])),
                       http_timeout_s=0.5, max_article_attempts=3)
    schema.setup(client, settings)
    start = datetime.now(UTC)
    times = [start, start, start + timedelta(minutes=5), start + timedelta(minutes=11),
             start + timedelta(days=1)]
    outcomes = [pipeline.ingest_feed(settings, "desk", client=client, now=t) for t in times]
    assert len(http_server.requests_to("/slow.html")) == 3  # tries 1, 2, (backs off), 3
    assert [o["deferred"] for o in outcomes] == [1, 1, 1, 0, 0]
    assert outcomes[3]["rejected"].get("gave_up") == 1
    state = _state(client, prefix)
    assert article_id(http_server.url("/slow.html")) in state["rejected_ids"]
    assert state.get("etag") is None or outcomes[-1]["deferred"] == 0


def test_a_feed_longer_than_the_pass_deadline_is_finished_by_later_passes(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    names = [f"p{i}.html" for i in range(300)]
    _pages(http_server, names, delay_s=0.02)
    settings = replace(demo_settings(es_settings, _feed(http_server, tmp_path, names,
                                                        etag='"big"')),
                       per_host_concurrency=1, feed_pass_deadline_s=1.0)
    first = pipeline.run_once(settings, client=client)[0]
    assert first["deadline_reached"] and 0 < first["articles_indexed"] < 300
    assert _state(client, prefix).get("etag") is None  # the next pass sees the whole feed
    passes = 1
    while _count(client, f"{prefix}-articles") < 300 and passes < 200:
        pipeline.run_once(settings, client=client)
        passes += 1
    assert _count(client, f"{prefix}-articles") == 300
    assert all(len(http_server.requests_to(f"/{n}")) <= 2 for n in names)
    last = pipeline.run_once(settings, client=client)[0]
    assert last["new"] == 0 and last["deferred"] == 0
    assert _state(client, prefix).get("etag") == '"big"'


def test_every_refused_page_the_feed_lists_is_remembered_past_a_thousand(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    names = [f"gone{i}.html" for i in range(1100)]  # no route: every page answers 404
    settings = replace(demo_settings(es_settings, _feed(http_server, tmp_path, names)),
                       per_host_concurrency=8)
    first = pipeline.run_once(settings, client=client)[0]
    assert first["rejected"] == {"fetch:http_error": 1100}
    second = pipeline.run_once(settings, client=client)[0]
    assert second["new"] == 0 and second["rejected"] == {}
    assert all(len(http_server.requests_to(f"/{n}")) == 1 for n in names)
    assert len(_state(client, prefix)["rejected_ids"]) == 1100


def test_a_pass_killed_midway_keeps_its_progress_and_the_next_pass_finishes(
        es, es_settings, tmp_path, http_server):
    import signal
    import time

    client, prefix = es
    names = [f"k{i}.html" for i in range(200)]
    _pages(http_server, [n for i, n in enumerate(names) if i % 4], delay_s=0.02)  # 1 in 4: 404
    feeds = _feed(http_server, tmp_path, names, etag='"long"')
    settings = demo_settings(es_settings, feeds)
    schema.setup(client, settings)
    env = {**_demo_env(settings, prefix, tmp_path), "NEWSWATCH_PER_HOST_CONCURRENCY": "1"}
    runner = subprocess.Popen([sys.executable, "-m", "ingest.cli", "run", "--json"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and runner.poll() is None:
            if client.exists(index=f"{prefix}-feeds", id="desk"):  # the first checkpoint
                break
            time.sleep(0.05)
        assert runner.poll() is None, "the pass ended before it could be killed"
        runner.send_signal(signal.SIGKILL)
    finally:
        runner.wait(timeout=30)
    kept = _state(client, prefix)
    assert kept.get("etag") is None and len(kept["rejected_ids"]) > 0
    assert 0 < _count(client, f"{prefix}-articles") < 150
    pipeline.run_once(settings, client=client)
    assert _count(client, f"{prefix}-articles") == 150
    refused = [n for i, n in enumerate(names) if not i % 4]
    assert sum(len(http_server.requests_to(f"/{n}")) for n in refused) <= len(refused) + 50
    assert _state(client, prefix).get("etag") == '"long"'
