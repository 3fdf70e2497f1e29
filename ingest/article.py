"""The article as the pipeline builds it, typed: one place that says which fields it has.

The index adds what is derived when it writes (`indexed`, `ingest_lag_s`, the incident
facets: ingest.index.build_documents) and event merging adds `simhash` and `duplicate_of` later
(ingest.event_store); tests/ingest/test_article_fields.py checks the three against the mapping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

TextSource = Literal["page", "feed"]


@dataclass(frozen=True)
class Article:
    """One article before indexing: from a fetched page or a feed item's own text."""

    article_id: str
    url: str | None  # None for a feed-only article: there is no page
    canonical_url: str | None
    feed_id: str
    source: str
    domain: str
    title: str
    text: str
    description: str | None
    authors: tuple[str, ...]
    language: str | None  # declared first; the text decides after extraction
    tags: tuple[str, ...]
    published: str | None  # ISO 8601
    updated: str | None
    fetched: str  # when newswatch read the page or the feed (ISO 8601)
    content_hash: str  # SHA-256 of the text
    word_count: int
    extractor_version: str
    text_source: TextSource  # "page": fetched and cleaned; "feed": the feed item's own text
    incident_relevance: float | None = None  # set by extraction
    # the text's SimHash bands (extract.fingerprint), () when too short; None: not taken yet
    simhash_bands: tuple[str, ...] | None = None

    @classmethod
    def of_text(cls, text: str, *, authors: Iterable[str] = (), tags: Iterable[str] = (),
                **fields: Any) -> Article:
        """An article whose hash and word count are its text's."""
        return cls(text=text, content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                   word_count=len(text.split()), authors=tuple(authors),
                   tags=tuple(sorted(set(tags))), **fields)

    def extracted(self, language: str | None, incident_relevance: float | None) -> Article:
        """The article once extraction told its language (kept when it could not) and
        relevance."""
        return replace(self, language=language or self.language,
                       incident_relevance=incident_relevance)

    def to_document(self) -> dict[str, Any]:
        """The fields as the index writes them (JSON types: lists, not tuples)."""
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in asdict(self).items()}
