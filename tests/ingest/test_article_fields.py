"""The typed article against the articles mapping: nothing written unmapped, nothing mapped
that no code writes."""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, datetime
from types import SimpleNamespace

from ingest import pipeline
from ingest.article import Article
from ingest.feeds import parse_feed
from ingest.feedspec import FeedSpec
from ingest.index import build_documents
from ingest.schema import ARTICLE_FIELDS, fit_document

# written onto stored articles by event merging (ingest.event_store.reconcile), not here
WRITTEN_BY_EVENT_MERGING = {"simhash", "duplicate_of"}

# what a Python annotation may be stored as
STORED_AS = {str: {"keyword", "text", "date"}, int: {"integer", "long"},
             float: {"float", "double"}}

NOW = datetime(2025, 11, 18, 15, 0, tzinfo=UTC)
SPEC = FeedSpec(id="desk", name="Desk", url="https://news.example.org/feed.xml", language="en")
FEED = b"""<rss version="2.0"><channel><title>Desk</title>
<item><title>Clash</title><link>https://news.example.org/a</link><category>World</category>
<pubDate>Tue, 18 Nov 2025 14:05:00 GMT</pubDate></item>
<item><guid isPermaLink="false">g2</guid><title>Wire</title><description>Five people were
killed in Goma on Tuesday, police said.</description></item></channel></rss>"""


def _articles() -> list[Article]:
    linked, feed_only = parse_feed(FEED, "desk").entries
    fetch = SimpleNamespace(final_url="https://news.example.org/a")
    cleaned = SimpleNamespace(text="Rockets hit the base.", canonical_url=None, sitename="Desk",
                              title="Clash", description=None, authors=["A. Writer"],
                              language="en", tags=["Politics"], date=None)
    return [pipeline.article_document(SPEC, linked, fetch, cleaned, NOW),
            pipeline.feed_article_document(SPEC, feed_only, NOW)]


def _allowed(annotation: object) -> set[str]:
    """Mapping types an annotation may be stored as (optional and tuple types unwrapped)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is tuple:
        return _allowed(args[0])
    if origin is typing.Literal:
        return {"keyword"}
    if args:
        return set().union(*(_allowed(a) for a in args))
    return STORED_AS[annotation]


def test_every_article_field_is_mapped_with_a_type_that_fits():
    hints = typing.get_type_hints(Article)
    for field in dataclasses.fields(Article):
        assert field.name in ARTICLE_FIELDS, f"{field.name} is not in the articles mapping"
        mapped = ARTICLE_FIELDS[field.name]["type"]
        assert mapped in _allowed(hints[field.name]), (field.name, mapped)


def test_every_mapped_field_is_produced_derived_or_written_by_event_merging():
    for article in _articles():
        incident = {"event_type": "Battles", "country": "DR Congo", "country_code": "CD",
                    "location": "Goma", "actors": ["M23"], "fatalities": 5, "injured": 2,
                    "lat": -1.68, "lon": 29.22}
        document, _ = build_documents(article, [incident], now=NOW)
        produced = {f.name for f in dataclasses.fields(Article)}
        derived = set(document) - produced
        assert produced <= set(document)  # the index writes every field of the article
        unwritten = set(ARTICLE_FIELDS) - produced - derived
        assert unwritten == WRITTEN_BY_EVENT_MERGING, unwritten
        assert set(document) <= set(ARTICLE_FIELDS), set(document) - set(ARTICLE_FIELDS)


def test_articles_are_written_as_json_ready_documents():
    page, feed = _articles()
    assert page.text_source == "page" and feed.text_source == "feed" and feed.url is None
    assert page.tags == ("Politics", "World") and page.authors == ("A. Writer",)
    document = page.to_document()
    assert document["tags"] == ["Politics", "World"] and document["authors"] == ["A. Writer"]
    assert fit_document("articles", document) == document
    assert feed.word_count == len(feed.text.split()) > 5
    assert page.extracted(None, 0.4).language == "en"  # kept when the text could not tell
    assert page.extracted("fr", 0.4).language == "fr"
