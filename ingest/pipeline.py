"""One pass of the pipeline over some feeds: poll -> fetch -> clean -> extract -> index ->
feed state.

The order is what makes re-runs safe. Pages stream through clean and extract (in worker
processes for `newswatch run`: ingest.workers) and are indexed in batches (an article after
its incidents: ingest.index); each feed's state (refused and retried articles, no ETag /
Last-Modified yet) is saved after each batch, and the validators only once nothing of the
feed is left for later (a timeout, a 5xx, an unreachable robots.txt, a per-pass cap or
deadline, a failed write, a worker that died). Until then the next pass sees the whole feed
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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import zip_longest

from elasticsearch import Elasticsearch

from ingest import event_store, feed_store, index, schema
from ingest.article import Article
from ingest.article_memory import ArticleMemory
from ingest.claims import ArticleLeases, claim_together, purge_expired, release_together
from ingest.config import Settings
from ingest.es import START_HINT, NewswatchError, connect, es_errors
from ingest.feeds import DropReason, FeedEntry, poll_feeds
from ingest.feedspec import FeedSpec, load_feeds
from ingest.fetch import FETCH_WINDOW, iter_fetched
from ingest.http import FetchReason, FetchResult
from ingest.newness import select_new
from ingest.prepare import (
    Prepared,
    extraction,
    feed_article_document,  # noqa: F401 - part of this module's API
    page_article,
    prepare_feed_item,
    prepare_page,
)
from ingest.times import iso
from ingest.workers import Job, WorkerCrashed, Workers, shared_workers

log = logging.getLogger(__name__)

# what to do when Elasticsearch goes away during a pass
_NOTHING_MARKED_DONE = ("what was not written is not marked done: run again once it answers ("
                        f"{START_HINT})")

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
    specs = feeds_by_id(settings)
    with es_errors("reading feed state"):
        states = feed_store.load_states(client, settings, list(specs))
    return _due(specs, states, now or datetime.now(UTC))


def _due(specs: Mapping[str, FeedSpec], states: Mapping[str, feed_store.FeedState],
         now: datetime) -> list[str]:
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
                claims: ArticleClaims | None = None, workers: Workers | None = None) -> dict:
    """Run one feed through every stage; returns FeedOutcome.as_dict().

    A broken feed or page is recorded in the outcome and in the feed's state, never raised.
    Raises ElasticsearchUnavailable when the node goes away (the caller retries later) and
    WritesFailed, once the state is saved, when some articles could not be written. Pages
    are cleaned and extracted in this process unless `workers` says otherwise: an Airflow
    task is one process per feed already (see README, "newswatch run").
    """
    spec = spec or feeds_by_id(settings)[feed_id]
    outcome = ingest_feeds(settings, {feed_id: spec}, client=client, now=now, claims=claims,
                           workers=workers)[0]
    if outcome["write_failures"]:
        raise WritesFailed(outcome)
    return outcome


class _FeedPass:
    """One feed's part of a pass: what it polled, which of its entries are due, what became of
    them (outcome, rejections by reason) and what to remember (memory, next state)."""

    def __init__(self, spec: FeedSpec, state: feed_store.FeedState | None) -> None:
        self.spec, self.state = spec, state
        self.outcome = FeedOutcome(feed_id=spec.id)
        self.rejected: Counter[str] = Counter()
        self.new_state: feed_store.FeedState | None = None
        self.memory: ArticleMemory | None = None
        self.leases: ArticleLeases | None = None
        self.entries: Sequence[FeedEntry] = ()
        self.open = 0  # due articles not yet indexed, refused or left for later
        self.reported = False

    def saved_state(self, *, final: bool) -> feed_store.FeedState:
        """The state to store: until nothing is left for later, without the validators, so
        the next pass sees the whole feed rather than a 304."""
        assert self.new_state is not None
        if self.memory is None:  # not modified, or the feed failed
            return self.new_state
        unfinished = not final or self.outcome.deferred > 0 or self.outcome.write_failures > 0
        return self.memory.into(_without_validators(self.new_state) if unfinished
                                else self.new_state)


def ingest_feeds(settings: Settings, specs: Mapping[str, FeedSpec], *,
                 client: Elasticsearch | None = None,
                 states: Mapping[str, feed_store.FeedState] | None = None,
                 now: datetime | None = None, claims: ArticleClaims | None = None,
                 workers: Workers | None = None,
                 on_feed: Callable[[dict], None] | None = None,
                 on_indexed: Callable[[Bulk], None] | None = None) -> list[dict]:
    """Several feeds in one pass; their outcomes (FeedOutcome.as_dict()) in the order given.

    The feeds share their Elasticsearch round trips: one read of their states (unless given),
    one newness lookup, bulks of settings.index_batch articles whatever feed they come from,
    each followed by one save of the progress of the feeds in it, and one final save. Their pages
    share one fetcher (per-host limits hold across feeds) and are cleaned and extracted by
    `workers` (default: this process). `on_indexed` is called after each bulk with what it
    indexed and what the pass has left (a Bulk). Outcomes with write_failures are
    returned, not raised; ElasticsearchUnavailable is raised.
    """
    if not specs:
        return []
    client = client or connect(settings)
    now = now or datetime.now(UTC)
    workers = workers or Workers(1, seeds_dir=settings.seeds_dir, cache_dir=settings.cache_dir)
    passes = [_FeedPass(spec, None) for spec in specs.values()]
    what = f"ingesting feed {passes[0].spec.id}" if len(passes) == 1 \
        else f"ingesting {len(passes)} feeds"

    def report(done: Iterable[_FeedPass]) -> None:
        for fp in done:
            if not fp.reported:
                fp.reported = True
                fp.outcome.rejected = dict(fp.rejected)
                if fp.leases is not None:
                    fp.leases.count_into(fp.outcome)
                if on_feed:
                    on_feed(fp.outcome.as_dict())

    def save(items: Iterable[_FeedPass], *, final: bool) -> None:
        feed_store.save_states(client, settings, {
            fp.spec.id: (fp.spec, fp.saved_state(final=final)) for fp in items})

    with es_errors(what, _NOTHING_MARKED_DONE):
        if states is None:
            states = feed_store.load_states(client, settings, [fp.spec.id for fp in passes])
        for fp in passes:
            fp.state = states.get(fp.spec.id)
        _poll(settings, passes, now)
        done = [fp for fp in passes if fp.memory is None]
        if done:  # failed or not modified: their state now, their outcome told at once
            save(done, final=True)
            report(done)
        polled = [fp for fp in passes if fp.memory is not None]
        if polled:
            local = claims or ArticleClaims()
            for fp in polled:
                fp.leases = ArticleLeases(client, settings, fp.spec.id, local=local)
            try:  # a story another worker's feed is fetching is left to it (ingest.claims)
                _ingest_entries(settings, client, polled, workers, now,
                                lambda touched: save(touched, final=False),
                                lambda settled: report([fp for fp in settled if fp.open == 0]),
                                on_indexed)
            finally:
                release_together([fp.leases for fp in polled if fp.leases is not None])
            save(polled, final=True)
            report(polled)
    return [fp.outcome.as_dict() for fp in passes]


def _poll(settings: Settings, passes: Sequence[_FeedPass], now: datetime) -> None:
    """Poll every feed (a few at once: settings.feed_workers); outcome, next state and, for a
    feed that answered with entries, its article memory."""
    states = {fp.spec.id: fp.state for fp in passes if fp.state is not None}
    results = poll_feeds([fp.spec for fp in passes], states, settings,
                         workers=settings.feed_workers)  # one HTTP client for them all
    for fp, polled in zip(passes, results, strict=True):
        fp.outcome.status, fp.outcome.entries = polled.status, len(polled.entries)
        if polled.status == "failed":
            fp.outcome.reason, fp.outcome.detail = _value(polled.reason), polled.detail
        fp.new_state = feed_store.next_state(fp.state, polled, now)
        if polled.status == "ok":
            fp.entries = polled.entries
            fp.memory = ArticleMemory(fp.state, [e.article_id for e in polled.entries],
                                      max_attempts=settings.max_article_attempts)
            for reason, count in polled.dropped_by_reason.items():
                if reason != DropReason.DUPLICATE:  # a duplicate's article is the earlier one
                    fp.rejected[f"feed:{reason}"] = count


def _ingest_entries(settings: Settings, client: Elasticsearch, passes: Sequence[_FeedPass],
                    workers: Workers, now: datetime,
                    save_progress: Callable[[Iterable[_FeedPass]], None],
                    settled: Callable[[Iterable[_FeedPass]], None],
                    on_indexed: Callable[[Bulk], None] | None = None) -> None:
    """Fetch, clean, extract and index the feeds' new entries, streaming.

    Each page goes to the workers as it arrives and its bytes are dropped once they have it;
    articles are indexed in batches of settings.index_batch, each followed by save_progress,
    so memory does not grow with the feeds and a killed pass keeps what it did. The feeds' pages are
    taken in turn (one of each feed, then the next), so a pass that stops at its deadline
    has moved every feed on. Refusals and retries are recorded in each feed's memory.
    """
    ids = [e.article_id for fp in passes for e in fp.entries]
    stored = index.stored_articles(client, settings, ids)
    known = {aid: src.get("updated") or src.get("published") for aid, src in stored.items()}
    incomplete = index.incomplete_articles(client, settings, stored)
    cap = settings.max_articles_per_feed
    lists: list[list[tuple[_FeedPass, FeedEntry]]] = []
    unseen = []
    for fp in passes:
        assert fp.memory is not None and fp.leases is not None
        candidates = [e for e in fp.entries if not fp.memory.is_refused(e.article_id)]
        unseen.append((fp.leases, select_new(candidates, known, incomplete)))
    for fp, new in zip(passes, claim_together(unseen), strict=True):  # one bulk for all feeds
        assert fp.memory is not None
        fp.outcome.new = len(new)
        due = [e for e in new if not fp.memory.waiting(e.article_id, now)]
        fp.outcome.deferred += len(new) - len(due)  # backing off after a failure that may pass
        if cap and len(due) > cap:
            fp.outcome.deferred += len(due) - cap
            due = due[:cap]
        fp.open = len(due)
        lists.append([(fp, e) for e in due])
    deadline = (time.monotonic() + settings.feed_pass_deadline_s
                if settings.feed_pass_deadline_s > 0 else None)
    batches = _Batches(settings, client, workers, now, save_progress, settled, on_indexed,
                       passes)
    fetched_at = datetime.now(UTC)
    for fp, entry in (item for items in lists for item in items if item[1].feed_only):
        fp.outcome.from_feed += 1  # the feed's own text: nothing to fetch
        batches.submit(fp, entry, prepare_feed_item, fp.spec, entry, fetched_at)
    pages = [item for group in zip_longest(*lists) for item in group
             if item is not None and not item[1].feed_only]
    taken: Counter[str] = Counter()
    window = FETCH_WINDOW * max(1, min(settings.feed_workers, len(passes)))
    stream = iter_fetched([e.link or "" for _, e in pages], settings, window=window)
    try:
        for position, fetch in stream:
            fp, entry = pages[position]
            taken[fp.spec.id] += 1
            if fetch.ok:
                fp.outcome.fetched += 1
                batches.submit(fp, entry, prepare_page, fp.spec, entry, fetch.content,
                               fetch.final_url or entry.link or "", fetch.charset, fetched_at)
            else:
                _not_fetched(fp, entry, fetch, now)
                batches.settled([fp])
            del fetch  # the page's bytes go now, not at the end of the pass
            if deadline is not None and time.monotonic() >= deadline:
                log.info("pass deadline of %s s reached, %d pages left for the next pass",
                         settings.feed_pass_deadline_s, len(pages) - taken.total())
                break
    finally:
        stream.close()
    left = Counter(fp.spec.id for fp, _ in pages) - taken
    for fp in passes:
        if left[fp.spec.id]:
            fp.outcome.deadline_reached = True
            fp.outcome.deferred += left[fp.spec.id]
            fp.open -= left[fp.spec.id]
    batches.finish()


def _not_fetched(fp: _FeedPass, entry: FeedEntry, fetch: FetchResult, now: datetime) -> None:
    """A page that could not be fetched: tried again later, or refused for good."""
    assert fp.memory is not None
    fp.open -= 1
    fp.rejected[f"fetch:{_value(fetch.reason)}"] += 1
    if _retryable(fetch):
        if fp.memory.failed(entry.article_id, now,
                            may_give_up=fetch.reason is not FetchReason.ROBOTS_UNAVAILABLE):
            fp.rejected["gave_up"] += 1
        else:
            fp.outcome.deferred += 1
    else:
        fp.memory.refuse(entry.article_id)
    log.info("feed %s: %s not fetched (%s: %s)", fp.spec.id, entry.link,
             _value(fetch.reason), fetch.detail)


# pages held for each worker process: enough to keep it busy while this process waits for a
# bulk (a few hundred ms on a busy node), each page's bytes held until a worker has it
JOBS_PER_WORKER = 12


@dataclass(frozen=True)
class Bulk:
    """What one bulk of a pass indexed, and how many of the pass's due articles are left to
    settle (being fetched, cleaned or waiting for a bulk) after it."""

    articles: int
    incidents: int
    left: int = 0
    last: bool = False


class _Batches:
    """The pages at the workers and the articles waiting for their bulk. A bounded number of
    jobs is in flight (the pages' bytes are held until a worker has them); finished ones are
    taken in the order they finish."""

    def __init__(self, settings: Settings, client: Elasticsearch, workers: Workers,
                 now: datetime, save_progress: Callable[[Iterable[_FeedPass]], None],
                 settled: Callable[[Iterable[_FeedPass]], None],
                 on_indexed: Callable[[Bulk], None] | None = None,
                 passes: Sequence[_FeedPass] = ()) -> None:
        self.settings, self.client, self.workers, self.now = settings, client, workers, now
        self.save_progress, self.settled, self.on_indexed = save_progress, settled, on_indexed
        self.passes = passes
        self.in_flight: list[tuple[_FeedPass, FeedEntry, Job]] = []
        self.limit = max(2, JOBS_PER_WORKER * workers.processes)
        self.batch: list[tuple[_FeedPass, Article, list[dict]]] = []

    def submit(self, fp: _FeedPass, entry: FeedEntry, fn: Callable[..., Prepared],
               *args: object) -> None:
        self.in_flight.append((fp, entry, self.workers.submit(fn, *args)))
        if len(self.in_flight) >= self.limit:
            self.workers.first_done(job for _, _, job in self.in_flight)
        self._take(done_only=True)

    def finish(self) -> None:
        """Take every job still in flight and index what is left (no progress save: the
        pass's final save follows)."""
        self._take(done_only=False)
        if self.batch:
            self._index(progress=False)

    def _take(self, *, done_only: bool) -> None:
        waiting = []
        for fp, entry, job in self.in_flight:
            if done_only and not job.done():
                waiting.append((fp, entry, job))
                continue
            self._settle(fp, entry, job)
        self.in_flight = waiting

    def _settle(self, fp: _FeedPass, entry: FeedEntry, job: Job) -> None:
        assert fp.memory is not None
        try:
            prepared: Prepared = job.result()
        except WorkerCrashed as crash:  # like a timeout: tried again later, then given up
            log.warning("feed %s: %s not cleaned or extracted: %s", fp.spec.id,
                        entry.link or entry.article_id, crash)
            fp.open -= 1
            fp.rejected["worker:crashed"] += 1
            if fp.memory.failed(entry.article_id, self.now):
                fp.rejected["gave_up"] += 1
            else:
                fp.outcome.deferred += 1
            self.settled([fp])
            return
        if prepared.article is None:
            fp.open -= 1
            fp.rejected[f"clean:{prepared.clean_reason}"] += 1
            fp.memory.refuse(entry.article_id)
            self.settled([fp])
            return
        if prepared.article.text_source == "page":
            fp.outcome.cleaned += 1
        fp.rejected.update(prepared.counts)
        if prepared.chars_cut:
            _log_cut(entry.article_id, prepared.article.text, prepared.chars_cut)
        self.batch.append((fp, prepared.article, prepared.incidents))
        if len(self.batch) >= self.settings.index_batch:
            self._index(progress=True)

    def _index(self, *, progress: bool) -> None:
        """One bulk for the batch, whatever feeds its articles come from; each feed's counts
        and memory from what became of its own articles."""
        batch, self.batch = self.batch, []
        report = index.index_articles(self.client, self.settings,
                                      [(article, incidents) for _, article, incidents in batch])
        feed_of = {article.article_id: fp for fp, article, _ in batch}
        refused, unwritten = set(report.refused_articles), set(report.unwritten_articles)
        for fp, article, incidents in batch:
            assert fp.memory is not None
            aid = article.article_id
            fp.open -= 1
            if aid in refused:  # the same document would be refused again
                fp.rejected["index:refused"] += 1
                fp.memory.refuse(aid)
            elif aid in unwritten:
                # not the article's fault (a write block, an overloaded node): tried again on
                # every pass until Elasticsearch takes it, never given up; the run fails
                fp.outcome.write_failures += 1
            else:
                fp.memory.succeeded(aid)
                fp.outcome.articles_indexed += 1
                fp.outcome.incidents_indexed += len(incidents)
                if aid in report.lags_by_article:
                    fp.outcome.lags_s.append(report.lags_by_article[aid])
        def owner(doc_id: str) -> _FeedPass:  # an incident's id is its article's + "-N"
            return feed_of.get(doc_id) or feed_of.get(doc_id.rsplit("-", 1)[0]) or batch[0][0]

        for doc_id, _reason in report.failures:
            owner(doc_id).outcome.index_failures += 1
        for doc_id in report.stale_removed_ids:
            owner(doc_id).outcome.stale_incidents_removed += 1
        if report.dead_letters_unsaved:  # told on the feed of the first refused document
            first = report.failures[0][0] if report.failures else ""
            owner(first).outcome.dead_letters_unsaved += report.dead_letters_unsaved
        touched = list({id(fp): fp for fp, _, _ in batch}.values())
        if self.on_indexed is not None:  # merging starts while the progress is saved
            self.on_indexed(Bulk(articles=report.articles_indexed,
                                 incidents=report.incidents_indexed,
                                 left=sum(fp.open for fp in self.passes), last=not progress))
        if progress:
            self.save_progress(touched)
        self.settled(touched)


def _log_cut(article_id: str, text: str, chars_cut: int) -> None:
    log.info("article %s: extraction read its first %d characters (%d more cut)",
             article_id, len(text or "") - chars_cut, chars_cut)


def extract_into(article: dict, counts: Counter[str] | None = None
                 ) -> tuple[list[dict], str | None]:
    """The incidents of a stored or new article (as indexed) and why it has none, from the
    one extraction entry point; sets the article's language (told from its text) and its
    incident_relevance. `counts` gets the candidates extraction dropped, by reason
    ("extract:dropped_<reason>")."""
    result = extraction(article, counts)
    if result.text_truncated:
        _log_cut(article.get("article_id") or "", article.get("text") or "", result.chars_cut)
    article["language"] = result.language or article.get("language")
    article["incident_relevance"] = result.incident_relevance
    return [incident.to_dict() for incident in result.incidents], result.skipped


def incidents_of(article: dict) -> list[dict]:
    """The incidents of a stored or new article (as indexed); [] when it is skipped."""
    return extract_into(article)[0]


def article_document(spec: FeedSpec, entry: FeedEntry, fetch: FetchResult, cleaned,
                     fetched_at: datetime) -> Article:
    """The article of a fetched page (ingest.prepare.page_article at its final URL)."""
    return page_article(spec, entry, fetch.final_url or entry.link or "", cleaned, fetched_at)


def run_once(settings: Settings, *, client: Elasticsearch | None = None,
             feed_ids: Iterable[str] | None = None,
             on_feed: Callable[[dict], None] | None = None,
             workers: Workers | None = None) -> list[dict]:
    """Every due feed once, in one pass (ingest_feeds); schema set up first, incidents merged
    into events while the pass goes on (MergeBeside), or after it when pages are cleaned in
    this process or a round failed. Pages are cleaned and extracted by `workers`, by default
    the process's shared pool of settings.processes workers (ingest.workers). Returns the
    outcomes."""
    client = client or connect(settings)
    with es_errors("setting up the schema"):
        schema.setup(client, settings)
    specs = feeds_by_id(settings)
    now = datetime.now(UTC)
    with es_errors("reading feed state"):
        states = feed_store.load_states(client, settings, list(specs))
    ids = list(dict.fromkeys(feed_ids)) if feed_ids is not None else _due(specs, states, now)
    workers = workers or shared_workers(settings)
    # beside a pass that cleans in this process the merging would only take turns with it
    # under the GIL: then it all runs after the pass
    merging = MergeBeside(client, settings, enabled=not workers.in_process)
    try:
        outcomes = ingest_feeds(settings, {fid: specs[fid] for fid in ids}, client=client,
                                states=states, now=now, workers=workers, on_feed=on_feed,
                                on_indexed=merging.poke)
    except BaseException:
        merging.finish(merge_the_rest=False)
        raise
    merged = merging.finish()  # the round after the last bulk overlaps the pass's end
    for outcome in outcomes:
        if outcome["write_failures"]:  # reported in the outcome and the summary
            log.warning("%s", WritesFailed(outcome))
    with es_errors("merging incidents into events", _NOTHING_MARKED_DONE):
        if not merged:  # the rest of this pass's incidents (and any left over)
            event_store.reconcile(client, settings)
        purge_expired(client, settings)  # article claims of finished passes
    return outcomes


# incidents indexed since the last merge round that start another during the pass. A round
# has costs on the node that many small rounds pay again and again (refreshes, the search for
# events other runs wrote, which finds this run's earlier rounds), and while the workers clean
# pages on every core the node's work takes their time: on bench_stages' corpus (2 cores, 364
# incidents) rounds after every bulk made the node work 11-19 s, one round after 200 incidents
# 8 s, one round after the pass 3-5 s, the last also the fastest run. Five batches of
# reconcile a round: a long pass still merges as it goes; the rest is merged by the round
# after the last bulk
ROUND_INCIDENTS = 5 * event_store.BATCH
# ... and rounds to catch up before the pass ends: once half a reconcile batch of incidents
# waits and the pass has indexed, since the last round began, as many articles as it has left
# to settle (so at about 1/2, 3/4... of the pass). After the last bulk the worker processes are
# idle and the merge runs alone, one request after another (on bench_stages' corpus, 2 cores,
# quiet: 2 s of a 6 s run after a 4 s pass); beside the pass it takes turns with cleaning
# instead, and what is left after the last bulk is about what the pass indexed during the
# round before. A pass with fewer incidents still merges once, after its last bulk: a round
# smaller than that pays more in its fixed part (refreshes, searches) than it overlaps.
# A catch-up round only marks copies (the larger part of the merge: 60% of it on
# bench_stages' corpus); the incidents are merged into events after the last bulk, all at
# once in publication order, so the events are those of one merge after the pass (merged in
# rounds of arrival order, 149-153 events instead of 155 there)
CATCH_UP_INCIDENTS = event_store.BATCH // 2


class MergeBeside:
    """Event merging while the pass goes on: once bulks have indexed `round_incidents`
    incidents, or `catch_up_incidents` and the pass has no more articles left than it indexed
    since the last round began, they are merged in a thread of its own (one round at a time;
    the next waits for enough new ones), so the run does not wait for all of its merging after
    the last page. A catch-up round only marks copies; the run's rounds share what they read
    (RunCopies), so that copies come out as one round over the whole pass marks them. The
    round after the last bulk merges the rest; it starts while the pass releases its claims
    and saves the feeds' states, and when it succeeds the run needs no merge of its own after
    the pass. Safe because reconcile is: rounds meet the pass's writes
    and other runs with optimistic concurrency, and what a round misses the next one, or the
    run's final reconcile, takes. A failed round is logged; the run then reconciles after the
    pass and tells the error."""

    def __init__(self, client: Elasticsearch, settings: Settings, *,
                 enabled: bool = True, round_incidents: int | None = None,
                 catch_up_incidents: int | None = None) -> None:
        self.client, self.settings, self.enabled = client, settings, enabled
        self.round_incidents = ROUND_INCIDENTS if round_incidents is None else round_incidents
        self.catch_up_incidents = CATCH_UP_INCIDENTS if catch_up_incidents is None \
            else catch_up_incidents
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pending = 0  # incidents indexed since the last round started
        self._pending_articles = 0  # articles indexed since the last round started
        self._left = 0  # the pass's due articles not settled yet, as of its latest bulk
        self._behind = False  # a bulk indexed since the last round started
        self._last = False  # the pass is over: merge whatever is pending
        self._last_ok = False  # the last round that ran merged without an error
        self.rounds = 0
        self.copies = event_store.RunCopies(iso(datetime.now(UTC)),
                                            event_store.COPY_WINDOW_DAYS)

    def poke(self, bulk: Bulk) -> None:
        """A bulk is done: start a round when enough is waiting, or after the last bulk."""
        if not self.enabled:
            return
        with self._lock:
            self._pending += bulk.incidents
            self._pending_articles += bulk.articles
            self._left = bulk.left
            self._behind = True
            self._last = self._last or bulk.last
            self._start()

    def _due(self) -> bool:
        """Whether a round is due (the lock is held)."""
        if not self._behind:
            return False
        return (self._last or self._pending >= self.round_incidents
                or (self._pending >= self.catch_up_incidents
                    and self._pending_articles >= self._left))

    def _start(self) -> None:
        """Start the rounds' thread if a round is due and none runs (the lock is held)."""
        if self._due() and self._thread is None:
            self._thread = threading.Thread(target=self._rounds, name="newswatch-merge",
                                            daemon=True)
            self._thread.start()

    def _rounds(self) -> None:
        while True:
            with self._lock:
                if not self._due():
                    self._thread = None
                    return
                full = self._last or self._pending >= self.round_incidents
                self._behind, self._pending, self._pending_articles = False, 0, 0
            try:
                event_store.reconcile(self.client, self.settings, run=self.copies,
                                      assign=full)
                ok = full
            except Exception as exc:  # noqa: BLE001 - the run's final reconcile tells it
                log.warning("merging during the pass failed (%s); the run merges at its end",
                            exc)
                ok = False
            with self._lock:
                self.rounds += 1
                self._last_ok = ok

    def last_bulk(self) -> None:
        """The pass has indexed its last bulk: merge what is pending now, whatever its size."""
        with self._lock:
            self._last = True
            if self.enabled:
                self._start()

    def finish(self, *, merge_the_rest: bool = True) -> bool:
        """Wait for the rounds: with `merge_the_rest`, until one has run after the last bulk;
        without (the pass failed), only for the round in progress. True when everything
        indexed before this call is merged (the last round ran after it and succeeded)."""
        if merge_the_rest:
            self.last_bulk()
        with self._lock:
            if not merge_the_rest:
                self._behind = False
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._lock:
            return self.enabled and self.rounds > 0 and self._last_ok and not self._behind


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

