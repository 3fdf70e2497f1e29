"""One pass of the pipeline per feed: poll -> fetch -> clean -> extract -> index -> feed state.

The order is what makes re-runs safe. A feed's state (ETag, Last-Modified, entries seen) is
saved only after its articles are indexed, and it keeps the old validators while any article
of the feed failed for a reason that may pass (a timeout, a 5xx, a per-pass cap): the next
pass then sees the whole feed again, skips what is indexed (ids are hashes of canonical URLs)
and picks up the rest. So a crash or kill at any point loses nothing and duplicates nothing.
"""

from __future__ import annotations

import hashlib
import logging
import statistics
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions

from extract.article import extract_record
from extract.clean import clean_html
from extract.incidents import EXTRACTOR_VERSION
from ingest import feed_store, index, schema
from ingest.config import Settings
from ingest.es import ElasticsearchUnavailable, connect
from ingest.feeds import FeedEntry, poll_feed
from ingest.feedspec import FeedSpec, load_feeds
from ingest.fetch import fetch_articles
from ingest.http import FetchReason, FetchResult
from ingest.newness import select_new

log = logging.getLogger(__name__)

# Fetch failures worth another try on the next pass; the rest (404, not HTML, robots...) are final.
RETRYABLE = {
    FetchReason.TIMEOUT,
    FetchReason.CONNECTION_ERROR,
    FetchReason.HTTP_ERROR,  # retried only for 5xx and 429, see _retryable
}


@dataclass
class FeedOutcome:
    """What one feed's pass did, by stage; plain data so it can travel through XCom."""

    feed_id: str
    status: str = "ok"  # ok | not_modified | failed
    reason: str | None = None
    detail: str = ""
    entries: int = 0
    new: int = 0
    fetched: int = 0
    cleaned: int = 0
    articles_indexed: int = 0
    incidents_indexed: int = 0
    stale_incidents_removed: int = 0
    index_failures: int = 0
    deferred: int = 0  # new articles left for the next pass (retryable failure or cap)
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> count
    lags_s: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def feeds_by_id(settings: Settings) -> dict[str, FeedSpec]:
    return {spec.id: spec for spec in load_feeds(settings.feeds_path) if spec.enabled}


def due_feed_ids(settings: Settings, *, client: Elasticsearch | None = None,
                 now: datetime | None = None) -> list[str]:
    """Enabled feeds whose back-off (after failures) has expired, in file order."""
    client = client or connect(settings)
    now = now or datetime.now(UTC)
    specs = feeds_by_id(settings)
    with _es_errors(settings):
        states = feed_store.load_states(client, settings, list(specs))
    return [fid for fid in specs if fid not in states or feed_store.is_due(states[fid], now)]


class ArticleClaims:
    """Article ids taken by a feed in this pass, so a story listed by two feeds handled at the
    same time is fetched and indexed once."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, entries: Sequence[FeedEntry]) -> list[FeedEntry]:
        with self._lock:
            mine = [e for e in entries if e.article_id not in self._ids]
            self._ids.update(e.article_id for e in mine)
        return mine


def ingest_feed(settings: Settings, feed_id: str, *, client: Elasticsearch | None = None,
                spec: FeedSpec | None = None, now: datetime | None = None,
                claims: ArticleClaims | None = None) -> dict:
    """Run one feed through every stage; returns FeedOutcome.as_dict().

    A broken feed or page is recorded in the outcome and in the feed's state, never raised;
    an unreachable Elasticsearch raises ElasticsearchUnavailable so the caller can retry later.
    """
    client = client or connect(settings)
    spec = spec or feeds_by_id(settings)[feed_id]
    now = now or datetime.now(UTC)
    outcome = FeedOutcome(feed_id=feed_id)
    with _es_errors(settings):
        state = feed_store.load_states(client, settings, [feed_id]).get(feed_id)
        polled = poll_feed(spec, state, settings)
        outcome.status, outcome.entries = polled.status, len(polled.entries)
        outcome.reason = _value(polled.reason) if polled.status == "failed" else None
        outcome.detail = polled.detail if polled.status == "failed" else ""
        keep_validators, refused = False, list[str]()
        if polled.status == "ok":
            keep_validators, refused = _ingest_entries(
                settings, client, spec, polled.entries, outcome, claims or ArticleClaims(),
                already_refused=set(state.rejected_ids) if state else set())
        new_state = feed_store.next_state(state, polled, now)
        if keep_validators:  # the next pass must see the whole feed again, not a 304
            new_state = _with_old_validators(new_state, state)
        if refused:
            remembered = (*refused, *new_state.rejected_ids)[:feed_store.MAX_REJECTED_IDS]
            new_state = replace(new_state, rejected_ids=remembered)
        feed_store.save_states(client, settings, {feed_id: (spec, new_state)})
    return outcome.as_dict()


def _ingest_entries(settings: Settings, client: Elasticsearch, spec: FeedSpec,
                    entries: Sequence[FeedEntry], outcome: FeedOutcome,
                    claims: ArticleClaims, already_refused: set[str]) -> tuple[bool, list[str]]:
    """Fetch, clean, extract and index the feed's new entries.

    Returns whether some must be retried next pass, and the ids refused for good this pass
    (a 404, not HTML, no article text...), which the feed remembers so they are not fetched
    again while the feed lists them.
    """
    known = index.known_articles(client, settings, [e.article_id for e in entries])
    candidates = [e for e in entries if e.article_id not in already_refused]
    new = claims.claim(select_new(candidates, known))
    outcome.new = len(new)
    cap = settings.max_articles_per_feed
    if cap and len(new) > cap:
        outcome.deferred += len(new) - cap
        new = new[:cap]
    fetched_at = datetime.now(UTC)
    fetches = fetch_articles([e.link for e in new], settings)
    rejected: Counter[str] = Counter()
    refused: list[str] = []
    items = []
    for entry, fetch in zip(new, fetches, strict=True):
        if not fetch.ok:
            rejected[f"fetch:{_value(fetch.reason)}"] += 1
            if _retryable(fetch):
                outcome.deferred += 1
            else:
                refused.append(entry.article_id)
            log.info("feed %s: %s not fetched (%s: %s)", spec.id, entry.link,
                     _value(fetch.reason), fetch.detail)
            continue
        outcome.fetched += 1
        cleaned = clean_html(fetch.content, fetch.final_url or entry.link,
                             declared_charset=fetch.charset)
        if not cleaned.ok:
            rejected[f"clean:{_value(cleaned.reason)}"] += 1
            refused.append(entry.article_id)
            continue
        outcome.cleaned += 1
        doc = article_document(spec, entry, fetch, cleaned, fetched_at)
        incidents, skipped = extract_into(doc)
        if skipped:      # indexed, no incidents: counted by reason
            rejected["extract:" + ("skipped_" if skipped.startswith("language_") else "")
                     + skipped] += 1
        items.append((doc, incidents))
    outcome.rejected = dict(rejected)
    if items:
        report = index.index_articles(client, settings, items)
        outcome.articles_indexed = report.articles_indexed
        outcome.incidents_indexed = report.incidents_indexed
        outcome.stale_incidents_removed = report.stale_incidents_removed
        outcome.index_failures = report.failed
        outcome.lags_s = report.ingest_lags_s
    return outcome.deferred > 0 or outcome.index_failures > 0, refused


def extract_into(article: dict) -> tuple[list[dict], str | None]:
    """The incidents of a stored or new article (as indexed) and why it has none, from the
    one extraction entry point; sets the article's language (told from its text) and its
    incident_relevance."""
    result = extract_record(article)
    article["language"] = result.language or article.get("language")
    article["incident_relevance"] = result.incident_relevance
    return [incident.to_dict() for incident in result.incidents], result.skipped


def incidents_of(article: dict) -> list[dict]:
    """The incidents of a stored or new article (as indexed); [] when it is skipped."""
    return extract_into(article)[0]


def article_document(spec: FeedSpec, entry: FeedEntry, fetch: FetchResult, cleaned,
                     fetched_at: datetime) -> dict:
    """The article as stored: feed metadata first, what the page itself says fills the gaps."""
    url = fetch.final_url or entry.link
    text = cleaned.text or ""
    return {
        "article_id": entry.article_id,
        "url": url,
        "canonical_url": cleaned.canonical_url or entry.canonical_url,
        "feed_id": spec.id,
        "source": cleaned.sitename or spec.name,
        "domain": urlsplit(url).hostname or "",
        "title": entry.title or cleaned.title or "",
        "text": text,
        "description": cleaned.description or entry.summary or None,
        "authors": list(entry.authors or cleaned.authors or []),
        "language": cleaned.language or entry.language or spec.language,
        "tags": sorted(set(entry.tags or []) | set(cleaned.tags or [])),
        "published": entry.published or cleaned.date or None,
        "updated": entry.updated,
        "fetched": fetched_at.isoformat(),
        "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "word_count": len(text.split()),
        "extractor_version": EXTRACTOR_VERSION,
    }


def run_once(settings: Settings, *, client: Elasticsearch | None = None,
             feed_ids: Iterable[str] | None = None,
             on_feed: Callable[[dict], None] | None = None) -> list[dict]:
    """Every due feed once (a few at a time); schema set up first. Returns the outcomes."""
    client = client or connect(settings)
    with _es_errors(settings):
        schema.setup(client, settings)
    specs = feeds_by_id(settings)
    ids = list(feed_ids) if feed_ids is not None else due_feed_ids(settings, client=client)
    outcomes: list[dict] = []
    with ThreadPoolExecutor(max_workers=max(1, settings.feed_workers)) as pool:
        claims = ArticleClaims()
        futures = {pool.submit(ingest_feed, settings, fid, client=client, spec=specs[fid],
                               claims=claims): fid for fid in ids}
        for future in as_completed(futures):
            outcome = future.result()  # ElasticsearchUnavailable propagates: the run fails
            outcomes.append(outcome)
            if on_feed:
                on_feed(outcome)
    return sorted(outcomes, key=lambda o: ids.index(o["feed_id"]))


def summarise(outcomes: Sequence[dict]) -> dict:
    """Totals over feed outcomes: counts by stage, rejections by reason, lag percentiles."""
    keys = ("entries", "new", "fetched", "cleaned", "articles_indexed", "incidents_indexed",
            "stale_incidents_removed", "index_failures", "deferred")
    totals = {key: sum(o.get(key, 0) for o in outcomes) for key in keys}
    totals["feeds"] = len(outcomes)
    totals["feeds_failed"] = sum(o["status"] == "failed" for o in outcomes)
    totals["feeds_not_modified"] = sum(o["status"] == "not_modified" for o in outcomes)
    rejected: Counter[str] = Counter()
    for o in outcomes:
        rejected.update(o.get("rejected", {}))
    totals["rejected"] = dict(rejected)
    lags = sorted(lag for o in outcomes for lag in o.get("lags_s", []))
    totals["ingest_lag_p50_s"] = statistics.median(lags) if lags else None
    totals["ingest_lag_p95_s"] = lags[min(len(lags) - 1, int(0.95 * len(lags)))] if lags else None
    return totals


def _retryable(fetch: FetchResult) -> bool:
    if fetch.reason not in RETRYABLE:
        return False
    if fetch.reason == FetchReason.HTTP_ERROR:
        return fetch.status is not None and (fetch.status >= 500 or fetch.status == 429)
    return True


def _with_old_validators(new_state: feed_store.FeedState,
                         old_state: feed_store.FeedState | None) -> feed_store.FeedState:
    return replace(new_state, etag=getattr(old_state, "etag", None),
                   last_modified=getattr(old_state, "last_modified", None))


def _value(reason) -> str | None:
    return getattr(reason, "value", reason)


@contextmanager
def _es_errors(settings: Settings) -> Iterator[None]:
    """Turn the client's connection errors into ElasticsearchUnavailable (one clear message)."""
    try:
        yield
    except (es_exceptions.ConnectionError, es_exceptions.ConnectionTimeout) as exc:
        raise ElasticsearchUnavailable(
            f"Elasticsearch at {settings.es_url} stopped answering ({exc}); "
            "nothing of this feed was marked done — run again when it is back"
        ) from exc
