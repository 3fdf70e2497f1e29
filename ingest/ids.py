"""Deterministic document ids, so re-runs and retries update instead of duplicating."""

from __future__ import annotations

import hashlib


def article_id(canonical_url: str) -> str:
    """The article's id: the first 32 hex digits of the SHA-256 of its canonical URL."""
    return hashlib.sha256(canonical_url.strip().encode("utf-8")).hexdigest()[:32]


def incident_id(article: str, ordinal: int) -> str:
    """An incident's id: its article's id and its position in the extraction (0, 1, ...)."""
    return f"{article}-{ordinal}"
