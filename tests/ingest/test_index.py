"""Bulk indexing against the real node: re-runs, dead letters, stale incidents, lookups."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from ingest import schema
from ingest.config import Settings
from ingest.es import ElasticsearchUnavailable, make_client
from ingest.ids import article_id, incident_id
from ingest.index import (
    IndexReport,
    build_documents,
    index_articles,
    index_incidents_into,
    iter_articles,
    known_articles,
)
from ingest.times import iso

NOW = datetime(2024, 4, 22, 12, 0, tzinfo=UTC)


def _incident(event_type="Battles", **extra) -> dict:
    base = {
        "event_type": event_type, "sub_event_type": "Armed clash", "date": "2024-04-21",
        "date_precision": "day", "country_code": "IQ", "country": "Iraq", "admin1": "Ninewa",
        "location": "Zummar", "lat": 36.64, "lon": 42.52, "geo_precision": 1,
        "actors": ["Kataib Hezbollah"], "fatalities": 2, "injured": None,
        "weapons": ["rockets"], "evidence": "Rockets were fired from Zummar.", "confidence": 0.8,
    }
    return {**base, **extra}


def _article(url: str, **extra) -> dict:
    doc = {
        "article_id": article_id(url), "url": url, "canonical_url": url, "feed_id": "f1",
        "source": "Example News", "domain": "example.test", "title": "Rockets hit a base",
        "text": "Rockets were fired from Zummar at a base in Rumaylan.",
        "published": "2024-04-22T10:00:00+00:00", "language": "en", "word_count": 10,
    }
    return {**doc, **extra}


@pytest.fixture
def ready(es_client, es_settings):
    schema.setup(es_client, es_settings)
    return es_client, es_settings


def _count(client, settings, kind: str) -> int:
    client.indices.refresh(index=settings.index(kind))
    return client.count(index=settings.index(kind))["count"]


def test_documents_carry_ids_facets_geo_and_lag():
    doc = _article("http://example.test/1")
    incidents = [
        _incident(),
        _incident("Explosions/Remote violence", country="Syria", country_code="SY",
                  location="Rumaylan", lat=None, lon=None, fatalities=None, injured=3,
                  actors=["U.S.-led coalition", "Kataib Hezbollah"]),
    ]
    article, docs = build_documents(doc, incidents, now=NOW)
    aid = doc["article_id"]
    assert [d["incident_id"] for d in docs] == [incident_id(aid, 0), incident_id(aid, 1)]
    assert docs[0]["geo"] == {"lat": 36.64, "lon": 42.52} and docs[1]["geo"] is None
    assert "lat" not in docs[0] and docs[0]["article_title"] == "Rockets hit a base"
    assert docs[1]["source"] == "Example News" and docs[1]["published"] == doc["published"]
    assert article["event_types"] == ["Battles", "Explosions/Remote violence"]
    assert article["countries"] == ["Iraq", "Syria"]
    assert article["actors"] == ["Kataib Hezbollah", "U.S.-led coalition"]
    assert (article["fatalities_total"], article["injured_total"]) == (2, 3)
    assert article["incident_count"] == 2 and article["geo"] == docs[0]["geo"]
    assert article["indexed"] == iso(NOW) and article["ingest_lag_s"] == 7200.0
    bare, _ = build_documents({"article_id": "x", "url": "u"}, [], now=NOW)
    assert bare["ingest_lag_s"] is None and bare["fatalities_total"] is None
    assert bare["incident_count"] == 0 and bare["geo"] is None


def test_same_batch_twice_gives_the_same_counts(ready):
    client, settings = ready
    batch = [(_article(f"http://example.test/{i}"), [_incident()] * (i % 3)) for i in range(12)]
    first = index_articles(client, settings, batch, now=NOW, chunk_articles=5)
    second = index_articles(client, settings, batch, now=NOW, chunk_articles=5)
    lags = [7200.0] * 12  # every test article was published two hours before NOW
    assert first.lags_by_article == second.lags_by_article  # per article: one per id
    assert set(first.lags_by_article.values()) == {7200.0} and len(first.lags_by_article) == 12
    first, second = (replace(r, lags_by_article={}) for r in (first, second))
    assert first == second == IndexReport(articles_indexed=12, incidents_indexed=12,
                                          ingest_lags_s=lags)
    assert _count(client, settings, "articles") == 12
    assert _count(client, settings, "incidents") == 12


def test_rejected_document_goes_to_dead_letters_and_the_rest_index(ready):
    client, settings = ready
    bad = _article("http://example.test/bad", word_count="many words")
    unknown_field = _article("http://example.test/strict", surprise="not in the mapping")
    batch = [(_article("http://example.test/good"), [_incident()]), (bad, [_incident()]),
             (unknown_field, [])]
    report = index_articles(client, settings, batch, now=NOW)
    # the refused article's incident is not kept: no incident without its article
    assert (report.articles_indexed, report.incidents_indexed, report.failed) == (1, 1, 2)
    assert sorted(report.refused_articles) == sorted([bad["article_id"],
                                                      unknown_field["article_id"]])
    assert _count(client, settings, "incidents") == 1
    assert {fid for fid, _ in report.failures} == {bad["article_id"], unknown_field["article_id"]}
    reasons = dict(report.failures)
    assert "word_count" in reasons[bad["article_id"]]
    assert "strict" in reasons[unknown_field["article_id"]]
    assert report.dead_letter_path.parent == settings.dead_letter_dir
    lines = [json.loads(line) for line in report.dead_letter_path.read_text().splitlines()]
    by_id = {line["id"]: line for line in lines}
    assert by_id[bad["article_id"]]["document"]["word_count"] == "many words"
    assert by_id[bad["article_id"]]["index"] == settings.index("articles")
    assert by_id[bad["article_id"]]["error"]["type"] == "document_parsing_exception"
    assert by_id[unknown_field["article_id"]]["error"]["type"] == "strict_dynamic_mapping_exception"
    assert _count(client, settings, "articles") == 1


def test_reextraction_with_fewer_incidents_removes_stale_ones(ready):
    client, settings = ready
    doc = _article("http://example.test/shrinks")
    index_articles(client, settings, [(doc, [_incident(), _incident(), _incident()])], now=NOW)
    # immediately (not yet refreshed): the real-time article lookup finds the old count
    report = index_articles(client, settings, [(doc, [_incident("Protests")])], now=NOW)
    assert (report.incidents_indexed, report.stale_incidents_removed) == (1, 2)
    assert _count(client, settings, "incidents") == 1
    stored = client.get(index=settings.index("incidents"), id=incident_id(doc["article_id"], 0))
    assert stored["_source"]["event_type"] == "Protests"
    article = client.get(index=settings.index("articles"), id=doc["article_id"])["_source"]
    assert article["incident_count"] == 1 and article["event_types"] == ["Protests"]
    none_left = index_articles(client, settings, [(doc, [])], now=NOW, refresh="wait_for")
    assert none_left.stale_incidents_removed == 1
    assert _count(client, settings, "incidents") == 0


def test_a_refused_article_leaves_no_incidents_and_orphans_are_found_by_search(ready):
    client, settings = ready
    doc = _article("http://example.test/orphans")
    broken = {**doc, "word_count": "x"}  # the article is refused: its incidents must go too
    first = index_articles(client, settings, [(broken, [_incident(), _incident()])], now=NOW,
                           refresh="wait_for")
    assert (first.failed, first.incidents_indexed) == (1, 0)
    assert first.refused_articles == [doc["article_id"]]
    assert _count(client, settings, "incidents") == 0
    # an orphan left by an older version (or a kill between two requests) is found by search
    orphan = build_documents(doc, [_incident(), _incident()], now=NOW)[1][1]
    client.index(index=settings.index("incidents"), id=orphan["incident_id"], document=orphan,
                 refresh="wait_for")
    report = index_articles(client, settings, [(doc, [_incident()])], now=NOW)
    assert report.stale_incidents_removed == 1 and report.failed == 0
    assert _count(client, settings, "incidents") == 1


def test_known_articles_and_iter_articles(ready):
    client, settings = ready
    a = _article("http://example.test/a", updated="2024-04-23T08:00:00+00:00")
    b = _article("http://example.test/b")
    c = _article("http://example.test/c", published=None)
    index_articles(client, settings, [(a, []), (b, [_incident()]), (c, [])], now=NOW)
    ids = [a["article_id"], b["article_id"], c["article_id"], article_id("http://nowhere")]
    known = known_articles(client, settings, ids, chunk=2)
    assert known == {a["article_id"]: "2024-04-23T08:00:00+00:00",
                     b["article_id"]: b["published"], c["article_id"]: None}
    assert known_articles(client, settings, []) == {}
    client.indices.refresh(index=settings.index("articles"))
    stored = {d["article_id"]: d for d in iter_articles(client, settings, batch=2)}
    assert set(stored) == set(ids[:3])
    assert stored[b["article_id"]]["text"] == b["text"]
    assert "event_types" not in stored[b["article_id"]]  # default fields: the article itself


def test_index_incidents_into_a_new_version(ready):
    client, settings = ready
    doc = _article("http://example.test/re")
    index_articles(client, settings, [(doc, [_incident(), _incident()])], now=NOW,
                   refresh="wait_for")
    stored = list(iter_articles(client, settings, fields=None))
    new_incidents = schema.create_next_version(client, settings, "incidents")
    new_articles = schema.create_next_version(client, settings, "articles")
    later = datetime(2025, 1, 1, tzinfo=UTC)
    report = index_incidents_into(client, settings, new_incidents,
                                  [(stored[0], [_incident("Riots")])],
                                  articles_index=new_articles, now=later)
    assert (report.articles_indexed, report.incidents_indexed, report.failed) == (1, 1, 0)
    assert _count(client, settings, "incidents") == 2  # live alias untouched until the swap
    schema.swap_alias(client, settings, "incidents", new_incidents)
    schema.swap_alias(client, settings, "articles", new_articles)
    assert _count(client, settings, "incidents") == 1
    article = client.get(index=settings.index("articles"), id=doc["article_id"])["_source"]
    assert article["event_types"] == ["Riots"]
    assert article["indexed"] == iso(NOW)  # the original indexing time is kept


def test_indexing_before_setup_says_what_to_do(es_client, es_settings):
    with pytest.raises(schema.SchemaError, match="setup-es"):
        index_articles(es_client, es_settings, [(_article("http://example.test/x"), [])])


def test_unreachable_node_raises_unavailable(tmp_path):
    settings = Settings(es_url="http://127.0.0.1:9", dead_letter_dir=tmp_path)
    client = make_client(settings, request_timeout=2).options(max_retries=0)
    with pytest.raises(ElasticsearchUnavailable, match="scripts/elasticsearch.sh"):
        index_articles(client, settings, [(_article("http://example.test/x"), [])])
    with pytest.raises(ElasticsearchUnavailable):
        known_articles(client, settings, ["x"])
    assert not list(tmp_path.iterdir())  # nothing dead-lettered for an outage
