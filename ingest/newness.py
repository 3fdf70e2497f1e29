"""New-article detection (pure): which feed entries are not indexed yet, or updated since.

The batched lookup of stored articles is ingest.index.stored_articles (one mget per batch),
of their missing incidents ingest.index.incomplete_articles.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from ingest.feeds import FeedEntry
from ingest.times import parse_iso


def select_new(entries: Iterable[FeedEntry], known: Mapping[str, str | None],
               incomplete: Collection[str] = ()) -> list[FeedEntry]:
    """Entries worth fetching, first occurrence per article, input order kept.

    `known` maps article_id -> the stored `updated` time (ISO 8601, or None) of articles
    already indexed. An entry is new when its article is unknown, when its article is in
    `incomplete` (stored without all of its incidents: ingest.index.incomplete_articles), or
    when both it and the stored article carry an updated time and the entry's is later. A
    stored None never triggers a refetch (otherwise an article stored without a time would be
    fetched again on every poll).
    """
    chosen: list[FeedEntry] = []
    seen: set[str] = set()
    for entry in entries:
        if entry.article_id in seen:
            continue
        if entry.article_id not in known or entry.article_id in incomplete:
            chosen.append(entry)
            seen.add(entry.article_id)
            continue
        stored, fresh = parse_iso(known[entry.article_id]), parse_iso(entry.updated)
        if stored is not None and fresh is not None and fresh > stored:
            chosen.append(entry)
            seen.add(entry.article_id)
    return chosen
