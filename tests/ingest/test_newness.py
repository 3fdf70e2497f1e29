"""select_new: unknown articles, newer updates, one entry per article."""

from __future__ import annotations

from ingest.feeds import FeedEntry
from ingest.ids import article_id
from ingest.newness import select_new


def entry(url: str, updated: str | None = None, source: str = "f") -> FeedEntry:
    return FeedEntry(source=source, link=url, canonical_url=url, article_id=article_id(url),
                     guid=None, title=url, summary=None, published=None, updated=updated)


def test_select_new():
    a, b, c, d = (f"https://e.example/{n}" for n in "abcd")
    entries = [entry(a), entry(b, "2024-04-21T12:00:00Z"), entry(c, "2024-04-21T09:00:00Z"),
               entry(d, "2024-04-21T12:00:00Z"), entry(a, source="other")]
    known = {article_id(b): "2024-04-21T10:00:00+00:00",  # updated since: fetch again
             article_id(c): "2024-04-21T10:00:00Z",  # older entry: skip
             article_id(d): None}  # stored without a time: never refetched
    chosen = select_new(entries, known)
    assert [e.link for e in chosen] == [a, b]
    assert chosen[0].source == "f"  # the first occurrence wins


def test_nothing_known_keeps_everything_once():
    entries = [entry("https://e.example/1"), entry("https://e.example/2")]
    assert select_new(entries, {}) == entries
    assert select_new([], {}) == []


def test_an_article_stored_without_all_its_incidents_is_fetched_again():
    entries = [entry("https://e.example/a"), entry("https://e.example/b")]
    known = {entries[0].article_id: None, entries[1].article_id: None}
    assert select_new(entries, known) == []
    assert select_new(entries, known, incomplete={entries[1].article_id}) == [entries[1]]
