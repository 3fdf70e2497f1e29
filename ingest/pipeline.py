"""One pass of the pipeline per feed: poll -> fetch -> clean -> extract -> index -> feed state.

The order is what makes re-runs safe. Pages stream through clean and extract and are indexed
in batches (an article after its incidents: ingest.index); the feed's state (refused and
retried articles, no ETag / Last-Modified yet) is saved after each batch, and the validators
only once nothing of the feed is left for later (a timeout, a 5xx, an unreachable robots.txt,
a per-pass cap or deadline, a failed write). Until then the next pass sees the whole feed
again, skips what is indexed (ids are hashes of canonical URLs) and picks up the rest. So a
crash or kill at any point loses nothing and duplicates nothing.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from elasticsearch import Elasticsearch

from extract.article import ArticleResult, extract_record
from extract.clean import clean_html
from extract.incidents import EXTRACTOR_VERSION
from ingest import event_store, feed_store, index, schema
from ingest.article import Article
from ingest.article_memory import ArticleMemory
from ingest.claims import ArticleLeases, purge_expired
from ingest.config import Settings
from ingest.es import START_HINT, NewswatchError, connect, es_errors
from ingest.feeds import DropReason, FeedEntry, poll_feed
from ingest.feedspec import FeedSpec, load_feeds
from ingest.fetch import iter_fetched
from ingest.http import FetchReason, FetchResult
from ingest.newness import select_new
from ingest.times import iso

log = logging.getLogger(__name__)

# what to do when Elasticsearch goes away during a pass
_NOTHING_MARKED_DONE = ("what was not written is not marked done: run again once it answers ("
                        f"{START_HINT})")

# articles indexed together; the feed's progress is saved after each batch
INDEX_BATCH = 50

# Fetch failures worth another try on a later pass (at most settings.max_article_attempts
# times, backing off); the rest (404, not HTML, disallowed by robots.txt...) are final.
RETRYABLE = {
    FetchReason.TIMEOUT,
    FetchReason.CONNECTION_ERROR,
    FetchReason.ROBOTS_UNAVAILABLE,  # RFC 9309: an unreachable robots.txt disallows for now
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
    from_feed: int = 0  # articles made of a feed item's own text (no link): never fetched
    articles_indexed: int = 0
    incidents_indexed: int = 0
    stale_incidents_removed: int = 0
    index_failures: int = 0  # documents Elasticsearch did not take (kept as dead letters)
    write_failures: int = 0  # articles not written for a reason that may pass: run fails
    dead_letters_unsaved: int = 0  # refused documents the dead-letter folder could not take
    deferred: int = 0  # new articles left for the next pass (retryable failure, cap, deadline)
    deadline_reached: bool = False
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
    with es_errors("reading feed state"):
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


class WritesFailed(NewswatchError):
    """Some articles of a feed were not written (their incidents or themselves) for a reason
    that may pass, e.g. a write block. Raised after the feed's state is saved (it says to try
    them again), so the run and its Airflow task fail while nothing is lost."""

    def __init__(self, outcome: dict) -> None:
        super().__init__(
            f"feed {outcome['feed_id']}: {outcome['write_failures']} article(s) not written to "
            "Elasticsearch (see the dead letters for the error); they are tried again on the "
            "next run")
        self.outcome = outcome


def ingest_feed(settings: Settings, feed_id: str, *, client: Elasticsearch | None = None,
                spec: FeedSpec | None = None, now: datetime | None = None,
                claims: ArticleClaims | None = None) -> dict:
    """Run one feed through every stage; returns FeedOutcome.as_dict().

    A broken feed or page is recorded in the outcome and in the feed's state, never raised.
    Raises ElasticsearchUnavailable when the node goes away (the caller retries later) and
    WritesFailed, once the state is saved, when some articles could not be written.
    """
    client = client or connect(settings)
    spec = spec or feeds_by_id(settings)[feed_id]
    now = now or datetime.now(UTC)
    outcome = FeedOutcome(feed_id=feed_id)
    with es_errors(f"ingesting feed {feed_id}", _NOTHING_MARKED_DONE):
        state = feed_store.load_states(client, settings, [feed_id]).get(feed_id)
        polled = poll_feed(spec, state, settings)
        outcome.status, outcome.entries = polled.status, len(polled.entries)
        outcome.reason = _value(polled.reason) if polled.status == "failed" else None
        outcome.detail = polled.detail if polled.status == "failed" else ""
        new_state = feed_store.next_state(state, polled, now)
        if polled.status == "ok":
            memory = ArticleMemory(state, [e.article_id for e in polled.entries],
                                   max_attempts=settings.max_article_attempts)

            def save_progress() -> None:  # after each batch: a killed pass keeps its work
                feed_store.save_states(client, settings, {
                    feed_id: (spec, memory.into(_without_validators(new_state)))})

            for reason, count in polled.dropped_by_reason.items():
                if reason != DropReason.DUPLICATE:  # a duplicate's article is the earlier one
                    outcome.rejected[f"feed:{reason}"] = count
            leases = ArticleLeases(client, settings, feed_id, local=claims or ArticleClaims())
            try:  # a story another worker's feed is fetching is left to it (ingest.claims)
                _ingest_entries(settings, client, spec, polled.entries, outcome, leases,
                                memory, now, save_progress)
            finally:
                leases.release()
            leases.count_into(outcome)
            unfinished = outcome.deferred > 0 or outcome.write_failures > 0
            # while something is left, the next pass must see the whole feed, not a 304
            new_state = memory.into(_without_validators(new_state) if unfinished
                                    else new_state)
        feed_store.save_states(client, settings, {feed_id: (spec, new_state)})
    if outcome.write_failures:
        raise WritesFailed(outcome.as_dict())
    return outcome.as_dict()


def _ingest_entries(settings: Settings, client: Elasticsearch, spec: FeedSpec,
                    entries: Sequence[FeedEntry], outcome: FeedOutcome,
                    claims: ArticleLeases, memory: ArticleMemory, now: datetime,
                    save_progress: Callable[[], None]) -> None:
    """Fetch, clean, extract and index the feed's new entries, streaming.

    Each page is cleaned as it arrives and its bytes dropped; articles are indexed in batches
    of INDEX_BATCH, each followed by save_progress, so memory does not grow with the feed and
    a killed pass keeps what it did. The pass stops taking pages at its deadline. Refusals
    and retries are recorded in `memory`.
    """
    stored = index.stored_articles(client, settings, [e.article_id for e in entries])
    known = {aid: src.get("updated") or src.get("published") for aid, src in stored.items()}
    incomplete = index.incomplete_articles(client, settings, stored)
    candidates = [e for e in entries if not memory.is_refused(e.article_id)]
    new = claims.claim(select_new(candidates, known, incomplete))
    outcome.new = len(new)
    due = [e for e in new if not memory.waiting(e.article_id, now)]
    outcome.deferred += len(new) - len(due)  # backing off after a failure that may pass
    cap = settings.max_articles_per_feed
    if cap and len(due) > cap:
        outcome.deferred += len(due) - cap
        due = due[:cap]
    deadline = (time.monotonic() + settings.feed_pass_deadline_s
                if settings.feed_pass_deadline_s > 0 else None)
    rejected: Counter[str] = Counter(outcome.rejected)
    batch: list[tuple[Article, list[dict]]] = []
    fetched_at = datetime.now(UTC)
    for entry in (e for e in due if e.feed_only):  # the feed's own text: nothing to fetch
        batch.append(_feed_item(spec, entry, fetched_at, rejected))
        outcome.from_feed += 1
        if len(batch) >= INDEX_BATCH:
            _index_batch(settings, client, batch, outcome, rejected, memory, now)
            batch = []
            save_progress()
    due = [e for e in due if not e.feed_only]
    taken = 0
    stream = iter_fetched([e.link or "" for e in due], settings)
    try:
        for position, fetch in stream:
            taken += 1
            entry = due[position]
            item = _article_item(spec, entry, fetch, fetched_at, rejected, outcome, memory, now)
            del fetch  # the page's bytes go now, not at the end of the feed
            if item is not None:
                batch.append(item)
            if len(batch) >= INDEX_BATCH:
                _index_batch(settings, client, batch, outcome, rejected, memory, now)
                batch = []
                save_progress()
            if deadline is not None and time.monotonic() >= deadline:
                outcome.deadline_reached = True
                log.info("feed %s: pass deadline of %s s reached, %d pages left for the next "
                         "pass", spec.id, settings.feed_pass_deadline_s, len(due) - taken)
                break
    finally:
        stream.close()
    outcome.deferred += len(due) - taken
    if batch:
        _index_batch(settings, client, batch, outcome, rejected, memory, now)
    outcome.rejected = dict(rejected)


def _article_item(spec: FeedSpec, entry: FeedEntry, fetch: FetchResult, fetched_at: datetime,
                  rejected: Counter[str], outcome: FeedOutcome, memory: ArticleMemory,
                  now: datetime) -> tuple[Article, list[dict]] | None:
    """The (article, incidents) of one fetched page, or None with the reason counted."""
    if not fetch.ok:
        rejected[f"fetch:{_value(fetch.reason)}"] += 1
        if _retryable(fetch):
            if memory.failed(entry.article_id, now,
                             may_give_up=fetch.reason is not FetchReason.ROBOTS_UNAVAILABLE):
                rejected["gave_up"] += 1
            else:
                outcome.deferred += 1
        else:
            memory.refuse(entry.article_id)
        log.info("feed %s: %s not fetched (%s: %s)", spec.id, entry.link,
                 _value(fetch.reason), fetch.detail)
        return None
    outcome.fetched += 1
    cleaned = clean_html(fetch.content, fetch.final_url or entry.link,
                         declared_charset=fetch.charset)
    if not cleaned.ok:
        rejected[f"clean:{_value(cleaned.reason)}"] += 1
        memory.refuse(entry.article_id)
        return None
    outcome.cleaned += 1
    return _extracted(article_document(spec, entry, fetch, cleaned, fetched_at), rejected)


def _feed_item(spec: FeedSpec, entry: FeedEntry, read_at: datetime,
               rejected: Counter[str]) -> tuple[Article, list[dict]]:
    """The (article, incidents) of a feed-only entry: its own text, extracted like a page's."""
    return _extracted(feed_article_document(spec, entry, read_at), rejected)


def _extracted(article: Article, rejected: Counter[str]) -> tuple[Article, list[dict]]:
    """The article with what extraction told (language, relevance) and its incidents; why it
    has none, when it has none, counted by reason."""
    result = _extraction(article.to_document(), rejected)
    skipped = result.skipped
    if skipped:  # indexed, no incidents: counted by reason
        rejected["extract:" + ("skipped_" if skipped.startswith("language_") else "")
                 + skipped] += 1
    return (article.extracted(result.language, result.incident_relevance),
            [incident.to_dict() for incident in result.incidents])


def _index_batch(settings: Settings, client: Elasticsearch,
                 batch: list[tuple[Article, list[dict]]],
                 outcome: FeedOutcome, rejected: Counter[str], memory: ArticleMemory,
                 now: datetime) -> None:
    report = index.index_articles(client, settings, batch)
    outcome.articles_indexed += report.articles_indexed
    outcome.incidents_indexed += report.incidents_indexed
    outcome.stale_incidents_removed += report.stale_incidents_removed
    outcome.index_failures += report.failed
    outcome.dead_letters_unsaved += report.dead_letters_unsaved
    outcome.lags_s.extend(report.ingest_lags_s)
    for aid in report.refused_articles:  # the same document would be refused again
        rejected["index:refused"] += 1
        memory.refuse(aid)
    # not the article's fault (a write block, an overloaded node): tried again on every pass
    # until Elasticsearch takes it, never given up; the run fails meanwhile
    outcome.write_failures += len(report.unwritten_articles)
    failed = set(report.refused_articles) | set(report.unwritten_articles)
    for article, _ in batch:
        if article.article_id not in failed:
            memory.succeeded(article.article_id)


def extract_into(article: dict, counts: Counter[str] | None = None
                 ) -> tuple[list[dict], str | None]:
    """The incidents of a stored or new article (as indexed) and why it has none, from the
    one extraction entry point; sets the article's language (told from its text) and its
    incident_relevance. `counts` gets the candidates extraction dropped, by reason
    ("extract:dropped_<reason>")."""
    result = _extraction(article, counts)
    article["language"] = result.language or article.get("language")
    article["incident_relevance"] = result.incident_relevance
    return [incident.to_dict() for incident in result.incidents], result.skipped


def _extraction(record: Mapping, counts: Counter[str] | None) -> ArticleResult:
    """The one extraction entry point over an article as indexed; dropped candidates counted,
    a cut text logged."""
    result = extract_record(record)
    if counts is not None:
        for reason, n in result.dropped.items():
            counts[f"extract:dropped_{reason}"] += n
    if result.text_truncated:
        log.info("article %s: extraction read its first %d characters (%d more cut)",
                 record.get("article_id"), len(record.get("text") or "") - result.chars_cut,
                 result.chars_cut)
    return result


def incidents_of(article: dict) -> list[dict]:
    """The incidents of a stored or new article (as indexed); [] when it is skipped."""
    return extract_into(article)[0]


def article_document(spec: FeedSpec, entry: FeedEntry, fetch: FetchResult, cleaned,
                     fetched_at: datetime) -> Article:
    """The article of a fetched page: feed metadata first, what the page itself says fills
    the gaps."""
    url = fetch.final_url or entry.link or ""
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


def run_once(settings: Settings, *, client: Elasticsearch | None = None,
             feed_ids: Iterable[str] | None = None,
             on_feed: Callable[[dict], None] | None = None) -> list[dict]:
    """Every due feed once (a few at a time); schema set up first. Returns the outcomes."""
    client = client or connect(settings)
    with es_errors("setting up the schema"):
        schema.setup(client, settings)
    specs = feeds_by_id(settings)
    ids = list(feed_ids) if feed_ids is not None else due_feed_ids(settings, client=client)
    outcomes: list[dict] = []
    with ThreadPoolExecutor(max_workers=max(1, settings.feed_workers)) as pool:
        claims = ArticleClaims()
        futures = {pool.submit(ingest_feed, settings, fid, client=client, spec=specs[fid],
                               claims=claims): fid for fid in ids}
        for future in as_completed(futures):
            try:
                outcome = future.result()  # ElasticsearchUnavailable propagates: run fails
            except WritesFailed as failed:  # reported in the outcome and the summary
                log.warning("%s", failed)
                outcome = failed.outcome
            outcomes.append(outcome)
            if on_feed:
                on_feed(outcome)
    # this pass's incidents (and any left over) merged into events
    with es_errors("merging incidents into events", _NOTHING_MARKED_DONE):
        event_store.reconcile(client, settings)
        purge_expired(client, settings)  # article claims of finished passes
    return sorted(outcomes, key=lambda o: ids.index(o["feed_id"]))


def summarise(outcomes: Sequence[dict]) -> dict:
    """Totals over feed outcomes: counts by stage, rejections by reason, lag percentiles."""
    keys = ("entries", "new", "fetched", "cleaned", "from_feed", "articles_indexed",
            "incidents_indexed", "stale_incidents_removed", "index_failures", "write_failures",
            "deferred", "dead_letters_unsaved")
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


def _without_validators(state: feed_store.FeedState) -> feed_store.FeedState:
    """The state with no ETag / Last-Modified, so the next poll gets the whole feed."""
    return replace(state, etag=None, last_modified=None)


def _value(reason) -> str | None:
    return getattr(reason, "value", reason)

