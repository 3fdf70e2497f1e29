"""Deterministic document ids, so re-runs and retries update instead of duplicating."""

from __future__ import annotations

import hashlib


def article_id(canonical_url: str) -> str:
    """The article's id: the first 32 hex digits of the SHA-256 of its canonical URL."""
    return hashlib.sha256(canonical_url.strip().encode("utf-8")).hexdigest()[:32]


def feed_entry_id(source: str, *, guid: str | None, title: str | None, text: str) -> str:
    """The id of an article that is a feed item's own text (no link): from its guid, else from
    its title and text, always with the feed it came from, since a guid such as "1" is unique
    within its feed only. Hashed like article_id, in a namespace of its own."""
    parts = ("feed-guid", source, guid) if guid else ("feed-text", source, title or "", text)
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


def incident_id(article: str, ordinal: int) -> str:
    """An incident's id: its article's id and its position in the extraction (0, 1, ...)."""
    return f"{article}-{ordinal}"
