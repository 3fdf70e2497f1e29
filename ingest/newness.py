"""New-article detection: which feed entries are not indexed yet, or were updated since."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from ingest.config import Settings
from ingest.es import NewswatchError
from ingest.feeds import FeedEntry


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def select_new(entries: Iterable[FeedEntry], known: Mapping[str, str | None]) -> list[FeedEntry]:
    """Entries worth fetching, first occurrence per article, input order kept.

    `known` maps article_id -> the stored `updated` time (ISO 8601, or None) of articles
    already indexed. An entry is new when its article is unknown, or when both it and the
    stored article carry an updated time and the entry's is later. A stored None never
    triggers a refetch (otherwise an article stored without a time would be fetched again
    on every poll).
    """
    chosen: list[FeedEntry] = []
    seen: set[str] = set()
    for entry in entries:
        if entry.article_id in seen:
            continue
        if entry.article_id not in known:
            chosen.append(entry)
            seen.add(entry.article_id)
            continue
        stored, fresh = _moment(known[entry.article_id]), _moment(entry.updated)
        if stored is not None and fresh is not None and fresh > stored:
            chosen.append(entry)
            seen.add(entry.article_id)
    return chosen


def lookup_known(client: Elasticsearch, settings: Settings, article_ids: Iterable[str], *,
                 updated_field: str = "updated") -> dict[str, str | None]:
    """article_id -> stored updated time, for the ids already in the articles index.

    One mget for the whole batch; a missing index means nothing is known yet.
    """
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    index = settings.index("articles")
    try:
        answer = client.options(ignore_status=404).mget(
            index=index, ids=ids, source_includes=[updated_field])
    except Exception as exc:
        raise NewswatchError(f"cannot look up known articles in {index}: "
                             f"{type(exc).__name__}: {exc}") from exc
    body = answer.body if isinstance(answer.body, dict) else {}
    known: dict[str, str | None] = {}
    for doc in body.get("docs", []):
        if doc.get("found"):
            value = (doc.get("_source") or {}).get(updated_field)
            known[doc["_id"]] = str(value) if value is not None else None
    return known
