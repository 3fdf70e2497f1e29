"""Poison pills: huge numbers, lone surrogates, 40 KB keywords, absurd dates never stick a run."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ingest import feed_store, schema
from ingest.feeds import PollResult, parse_feed, retry_after_seconds
from ingest.ids import article_id
from ingest.index import index_articles

pytestmark = pytest.mark.timeout(120)
NOW = datetime(2024, 4, 22, 12, 0, tzinfo=UTC)
HUGE = "9" * 20


def test_a_huge_retry_after_backs_off_at_most_the_cap():
    wait = retry_after_seconds(HUGE)
    result = PollResult("f", "failed", "http_error", "HTTP 503", http_status=503,
                        retry_after_s=wait)
    state = feed_store.next_state(None, result, NOW)
    assert state.next_poll_after == feed_store.iso(NOW + feed_store.BACKOFF_CAP)
    also_huge = PollResult("f", "failed", "http_error", "", retry_after_s=float("inf"))
    assert feed_store.next_state(None, also_huge, NOW).consecutive_failures == 1


def _json_feed(**item) -> bytes:
    base = {"id": "1", "url": "https://example.test/a", "title": "A title"}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Feed \ud800",
                       "items": [{**base, **item}]}).encode()


def _encodes(value) -> bool:
    json.dumps(value, ensure_ascii=False).encode("utf-8")
    return True


def test_lone_surrogates_in_a_json_feed_become_valid_text():
    data = _json_feed(title="Bad \ud800 title", summary="x \udfff y",
                      authors=[{"name": "Ann \ud83d"}], tags=["t\ud800"],
                      url="https://example.test/a\ud800b")
    parsed = parse_feed(data, "f")
    assert parsed.ok, parsed.detail
    (entry,) = parsed.entries
    assert _encodes(entry.to_dict()) and _encodes(parsed.title)
    assert entry.title == "Bad \ufffd title" and entry.authors == ("Ann \ufffd",)


@pytest.mark.parametrize("moment", ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z",
                                    "1850-06-01T00:00:00+00:00"])
def test_dates_far_from_now_are_unknown(moment):
    (entry,) = parse_feed(_json_feed(date_published=moment, date_modified=moment), "f").entries
    assert entry.published is None and entry.updated is None


def test_a_plausible_date_is_kept():
    (entry,) = parse_feed(_json_feed(date_published="2024-04-21T10:00:00Z"), "f").entries
    assert entry.published == "2024-04-21T10:00:00Z"


def test_keyword_fields_over_32_kb_are_cut_and_the_article_indexes(es_client, es_settings):
    schema.setup(es_client, es_settings)
    long = "x" * 40_000
    url = "https://example.test/" + long
    doc = {"article_id": article_id(url), "url": url, "canonical_url": url, "feed_id": "f",
           "source": "S", "domain": "example.test", "title": "T", "text": "Some text.",
           "authors": [long], "tags": ["é" * 40_000], "language": "en",
           "description": "bad \ud800 surrogate"}
    incident = {"event_type": "Battles", "actors": ["y" * 40_000], "location": long,
                "evidence": "e", "country": "Iraq"}
    report = index_articles(es_client, es_settings, [(doc, [incident])], now=NOW)
    assert report.failed == 0, report.failures
    assert (report.articles_indexed, report.incidents_indexed) == (1, 1)
    stored = es_client.get(index=es_settings.index("articles"), id=doc["article_id"])["_source"]
    assert len(stored["authors"][0]) == schema.KEYWORD_MAX_CHARS
    assert stored["description"] == "bad \ufffd surrogate"


def test_a_huge_etag_does_not_stop_the_feed_state_from_saving(es_client, es_settings):
    from ingest.feedspec import FeedSpec

    schema.setup(es_client, es_settings)
    spec = FeedSpec(id="ff", name="F", url="https://example.test/feed", language="en")
    state = feed_store.FeedState(etag='"' + "e" * 40_000 + '"', title="t\ud800")
    assert feed_store.save_states(es_client, es_settings, {"ff": (spec, state)}) == 1


def test_poison_feeds_neither_crash_a_run_nor_stick_the_next(es_client, es_settings, tmp_path,
                                                              http_server):
    from ingest import pipeline
    from tests.support.demo import demo_settings

    page = ("<html><head><title>P</title></head><body><article>"
            + "".join(f"<p>Paragraph {n} about the council meeting on roads, schools and the "
                      "water supply, and what the residents asked the mayor.</p>"
                      for n in range(6))
            + f'<link rel="canonical" href="{http_server.url("/p.html")}?{"c" * 40_000}">'
            + "</article></body></html>").encode()
    http_server.route("/p.html", body=page)
    http_server.route("/busy.xml", status=503, headers={"Retry-After": HUGE})
    item = {"id": "1", "url": http_server.url("/p.html"), "title": "Bad \ud800 title",
            "authors": [{"name": "a" * 40_000}], "tags": ["t" * 40_000]}
    http_server.route("/json.json", content_type="application/feed+json", body=json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [item]}).encode())
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n"
                     f"  - {{id: busy, name: B, url: '{http_server.url('/busy.xml')}', "
                     "language: en, region: global}\n"
                     f"  - {{id: json, name: J, url: '{http_server.url('/json.json')}', "
                     "language: en, region: global}\n")
    settings = demo_settings(es_settings, feeds)
    first = {o["feed_id"]: o for o in pipeline.run_once(settings, client=es_client)}
    assert first["busy"]["status"] == "failed"
    assert first["json"]["articles_indexed"] == 1 and first["json"]["index_failures"] == 0
    again = {o["feed_id"]: o for o in pipeline.run_once(settings, client=es_client,
                                                        feed_ids=["busy", "json"])}
    assert again["json"]["new"] == 0 and again["json"]["index_failures"] == 0
    es_client.indices.refresh(index=es_settings.index("articles"))
    (hit,) = es_client.search(index=es_settings.index("articles"))["hits"]["hits"]
    assert hit["_source"]["title"] == "Bad \ufffd title"
