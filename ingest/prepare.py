"""The CPU part of one article's pass: a fetched page (or a feed item's own text) -> cleaned
text -> Article -> incidents. No network, no Elasticsearch: these functions run in the worker
processes of ingest.workers, so they take and return plain picklable data, and what they
would log or count comes back in Prepared for the pipeline to log and count. The text's
fingerprint is taken here too, where the text already is: event merging then only compares it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from extract.article import ArticleResult, extract_record
from extract.clean import clean_html
from extract.fingerprint import fingerprint
from extract.incidents import EXTRACTOR_VERSION
from ingest.article import Article
from ingest.feeds import FeedEntry
from ingest.feedspec import FeedSpec
from ingest.times import iso


@dataclass(frozen=True)
class Prepared:
    """What one page or feed item became: the article and its incidents, or why cleaning
    refused the page; the counts by reason (extract:skipped_*, extract:dropped_*); how much
    of the text extraction did not read (chars_cut)."""

    article: Article | None
    incidents: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    clean_reason: str | None = None
    chars_cut: int = 0


def prepare_page(spec: FeedSpec, entry: FeedEntry, content: bytes, url: str,
                 charset: str | None, fetched_at: datetime) -> Prepared:
    """Clean a fetched page (`url` is where it was read after redirects) and extract it."""
    cleaned = clean_html(content, url or entry.link, declared_charset=charset)
    if not cleaned.ok:
        return Prepared(None, clean_reason=getattr(cleaned.reason, "value", cleaned.reason))
    return extracted(page_article(spec, entry, url, cleaned, fetched_at))


def prepare_feed_item(spec: FeedSpec, entry: FeedEntry, read_at: datetime) -> Prepared:
    """A feed-only entry (no link): its own text, extracted like a page's."""
    return extracted(feed_article_document(spec, entry, read_at))


def extracted(article: Article) -> Prepared:
    """The article with what extraction told (language, relevance) and its fingerprint, its
    incidents, and why it has none, when it has none, counted by reason."""
    counts: Counter[str] = Counter()
    result = extraction(article.to_document(), counts)
    skipped = result.skipped
    if skipped:  # indexed, no incidents: counted by reason
        counts["extract:" + ("skipped_" if skipped.startswith("language_") else "")
               + skipped] += 1
    fp = fingerprint(article.text)  # what reconcile looks copies up by (ingest.event_store)
    return Prepared(replace(article.extracted(result.language, result.incident_relevance),
                            simhash_bands=fp.bands if fp else ()),
                    [incident.to_dict() for incident in result.incidents], dict(counts),
                    chars_cut=result.chars_cut if result.text_truncated else 0)


def extraction(record: Mapping, counts: Counter[str] | None) -> ArticleResult:
    """The one extraction entry point over an article as indexed; dropped candidates counted
    in `counts` ("extract:dropped_<reason>")."""
    result = extract_record(record)
    if counts is not None:
        for reason, n in result.dropped.items():
            counts[f"extract:dropped_{reason}"] += n
    return result


def page_article(spec: FeedSpec, entry: FeedEntry, url: str, cleaned,
                 fetched_at: datetime) -> Article:
    """The article of a fetched page: feed metadata first, what the page itself says fills
    the gaps."""
    url = url or entry.link or ""
    return Article.of_text(
        cleaned.text or "",
        article_id=entry.article_id,
        url=url,
        canonical_url=cleaned.canonical_url or entry.canonical_url,
        feed_id=spec.id,
        source=cleaned.sitename or spec.name,
        domain=urlsplit(url).hostname or "",
        title=entry.title or cleaned.title or "",
        description=cleaned.description or entry.summary or None,
        authors=entry.authors or cleaned.authors or (),
        language=cleaned.language or entry.language or spec.language,
        tags=set(entry.tags or ()) | set(cleaned.tags or ()),
        published=entry.published or cleaned.date or None,
        updated=entry.updated,
        fetched=iso(fetched_at),
        extractor_version=EXTRACTOR_VERSION,
        text_source="page",
    )


def feed_article_document(spec: FeedSpec, entry: FeedEntry, read_at: datetime) -> Article:
    """The article of a feed-only entry: the feed's own text, no URL (there is none); its
    domain is the feed's host."""
    return Article.of_text(
        entry.text or "",
        article_id=entry.article_id,
        url=None,
        canonical_url=None,
        feed_id=spec.id,
        source=spec.name,
        domain=urlsplit(spec.url).hostname or "",
        title=entry.title or "",
        description=entry.summary or None,
        authors=entry.authors,
        language=entry.language or spec.language,
        tags=entry.tags,
        published=entry.published,
        updated=entry.updated,
        fetched=iso(read_at),
        extractor_version=EXTRACTOR_VERSION,
        text_source="feed",
    )
