"""Cross-worker article claims (ingest/claims.py): two processes whose feeds list the same
stories fetch each story once; a claim another feed holds is skipped and counted, an expired
one (its worker died) is taken over, so nothing is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter

import pytest

from ingest import claims, pipeline, schema
from ingest.feeds import FeedEntry
from ingest.ids import article_id
from tests.support.demo import demo_settings
from tests.support.feeds import ITEM, RSS

pytestmark = pytest.mark.timeout(300)

PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>On day {n} the council of {{title}} met in the town hall to discuss the "
                  f"budget for roads, schools and water, item {n} of the agenda.</p>"
                  for n in range(6))
        + "</article></body></html>")
STORIES = [f"story-{i}.html" for i in range(6)]


def _serve(http_server, feeds: dict[str, list[str]], page_delay_s: float = 0.0) -> None:
    for name in {n for names in feeds.values() for n in names}:
        http_server.route(f"/{name}", body=PAGE.format(title=name).encode(),
                          delay_s=page_delay_s)
    for feed_id, names in feeds.items():
        items = "".join(ITEM.format(title=n, link=http_server.url(f"/{n}")) for n in names)
        http_server.route(f"/{feed_id}.xml", body=RSS.format(items=items).encode(),
                          content_type="application/rss+xml")


def _feeds_file(http_server, path, feed_ids):
    path.write_text("feeds:\n" + "".join(
        f"  - {{id: {fid}, name: {fid}, url: '{http_server.url(f'/{fid}.xml')}', "
        "language: en, region: global}\n" for fid in feed_ids))
    return path


def _page_requests(http_server) -> Counter[str]:
    return Counter(r.path.lstrip("/") for r in http_server.requests
                   if r.path.lstrip("/") in STORIES)


def _claim(client, settings, name: str, feed_id: str, expires_in_s: float) -> None:
    claims.ensure_index(client, settings)
    client.index(index=claims.claims_index(settings), id=article_id(name), refresh=True,
                 document={"feed_id": feed_id,
                           "expires": int((time.time() + expires_in_s) * 1000)})


def test_two_processes_whose_feeds_list_the_same_stories_fetch_each_once(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    # pages answer slowly, so both passes are fetching at the same time
    _serve(http_server, {"east": STORIES, "west": list(reversed(STORIES))}, page_delay_s=0.4)
    schema.setup(client, es_settings)
    env = {**os.environ, "NEWSWATCH_ES_URL": es_settings.es_url,
           "NEWSWATCH_INDEX_PREFIX": prefix, "NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
           "NEWSWATCH_PER_HOST_DELAY": "0", "NEWSWATCH_DEAD_LETTER_DIR": str(tmp_path / "dl")}
    runs = [subprocess.Popen(
        [sys.executable, "-m", "ingest.cli", "run", "--json"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        env={**env, "NEWSWATCH_FEEDS": str(_feeds_file(http_server, tmp_path / f"{fid}.yaml",
                                                        [fid]))})
        for fid in ("east", "west")]
    outputs = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in outputs]

    assert _page_requests(http_server) == Counter({name: 1 for name in STORIES})
    client.indices.refresh(index=f"{prefix}-articles")
    assert client.count(index=f"{prefix}-articles")["count"] == len(STORIES)
    summaries = [json.loads(out) for out, _ in outputs]
    skipped = sum(_rejected(s).get("claim:held_elsewhere", 0) for s in summaries)
    indexed = sum(_indexed(s) for s in summaries)
    # each story was indexed by one process; the other skipped it, or found it indexed
    assert indexed == len(STORIES) and skipped <= len(STORIES)


def _rejected(summary: dict) -> dict:
    return summary["summary"].get("rejected", {})


def _indexed(summary: dict) -> int:
    return summary["summary"]["articles_indexed"]


def test_a_story_claimed_by_another_feed_is_skipped_then_fetched_once_its_claim_expires(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    _serve(http_server, {"desk": STORIES[:3]})
    settings = demo_settings(es_settings, _feeds_file(http_server, tmp_path / "f.yaml",
                                                      ["desk"]))
    schema.setup(client, settings)
    _claim(client, settings, http_server.url(f"/{STORIES[0]}"), "other-feed", 600)
    _claim(client, settings, http_server.url(f"/{STORIES[1]}"), "other-feed", -5)  # expired

    first = pipeline.ingest_feed(settings, "desk", client=client)
    assert _page_requests(http_server) == Counter({STORIES[1]: 1, STORIES[2]: 1})
    assert first["articles_indexed"] == 2
    assert first["rejected"].get("claim:held_elsewhere") == 1 and first["deferred"] == 1
    taken_over = client.get(index=claims.claims_index(settings),
                            id=article_id(http_server.url(f"/{STORIES[1]}")))["_source"]
    assert taken_over["feed_id"] == "desk"

    # the other feed's worker died: its claim runs out and the story is not lost
    _claim(client, settings, http_server.url(f"/{STORIES[0]}"), "other-feed", -5)
    second = pipeline.ingest_feed(settings, "desk", client=client)
    assert second["articles_indexed"] == 1 and "claim:held_elsewhere" not in second["rejected"]
    assert _page_requests(http_server) == Counter({name: 1 for name in STORIES[:3]})


def test_a_feed_takes_its_own_claims_again_and_other_feeds_wait_for_the_guard(
        es, es_settings):
    client, _ = es
    settings = es_settings
    story = _entry("one")
    mine = claims.ArticleLeases(client, settings, "desk")
    assert mine.take([story]) == [story]
    other = claims.ArticleLeases(client, settings, "wire")
    assert other.take([story]) == [] and other.counts.held_elsewhere == 1
    mine.release()  # shortened to the guard, still held against other feeds
    assert claims.ArticleLeases(client, settings, "wire").take([story]) == []
    again = claims.ArticleLeases(client, settings, "desk")  # e.g. a retried task
    assert again.take([story]) == [story] and again.counts.taken_over == 0

    later = claims.ArticleLeases(client, settings, "wire",
                                 clock=lambda: time.time() + claims.lease_seconds(settings) + 1)
    assert later.take([story]) == [story] and later.counts.taken_over == 1


def test_a_pass_that_outlived_its_lease_does_not_release_the_claim_another_feed_took(
        es, es_settings):
    client, _ = es
    story = _entry("two")
    slow = claims.ArticleLeases(client, es_settings, "slow")
    assert slow.take([story]) == [story]
    late = claims.ArticleLeases(client, es_settings, "wire", clock=lambda: time.time()
                                + claims.lease_seconds(es_settings) + 1)
    assert late.take([story]) == [story]
    slow.release()
    held = client.get(index=claims.claims_index(es_settings), id=story.article_id)["_source"]
    assert held["feed_id"] == "wire"


def test_purge_deletes_only_claims_long_expired(es, es_settings):
    client, _ = es
    settings = es_settings
    _claim(client, settings, "http://example.org/old", "desk", -2 * claims.PURGE_AFTER_S)
    _claim(client, settings, "http://example.org/live", "desk", 600)
    assert claims.purge_expired(client, settings) == 1
    index = claims.claims_index(settings)
    assert client.exists(index=index, id=article_id("http://example.org/live"))
    assert not client.exists(index=index, id=article_id("http://example.org/old"))


def _entry(name: str) -> FeedEntry:
    url = f"http://example.org/{name}"
    return FeedEntry(source="test", link=url, canonical_url=url, article_id=article_id(url),
                     guid=None, title=name, summary=None, published=None, updated=None)
