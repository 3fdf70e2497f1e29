"""Feed state and health in the newswatch-feeds index: conditional-GET validators and back-off.

Saving is optimistic (if_seq_no/if_primary_term): two writers of one feed (overlapping runs,
tasks on two workers) never overwrite each other; the later one merges what the other saved."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, helpers

from ingest.bounds import bounded_seconds
from ingest.config import Settings
from ingest.es import NewswatchError
from ingest.feeds import PollResult
from ingest.feedspec import FeedSpec
from ingest.schema import fit_document
from ingest.times import iso, parse_iso

BACKOFF_BASE = timedelta(minutes=10)
SAVE_ATTEMPTS = 10  # a save that keeps meeting newer writes gives up (FeedStateConflict)
BACKOFF_CAP = timedelta(hours=6)


class FeedStoreError(NewswatchError):
    """Elasticsearch refused to read or write feed state."""


class FeedStateConflict(FeedStoreError):
    """Other writers kept saving the same feed's state first; the task may be retried."""


@dataclass
class StoredVersion:
    """Where a state's document stood when it was read or last saved (_seq_no, _primary_term;
    None: not stored yet). The states derived from one read share it and each save moves it
    on, so a writer's next save only succeeds if nobody else wrote in between."""

    seq_no: int | None = None
    primary_term: int | None = None


@dataclass(frozen=True)
class FeedState:
    """What newswatch remembers about one feed between polls (times are ISO 8601 UTC)."""

    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_status: str | None = None  # "ok" | "not_modified" | "failed"
    last_error: str | None = None  # detail of the last failure (kept after recovery: history)
    last_reason: str | None = None  # reason of the last poll
    consecutive_failures: int = 0
    entries_seen: int = 0  # entries in the last successfully parsed answer
    next_poll_after: str | None = None  # set while backing off after failures
    title: str | None = None  # the feed's own title, from its last parsed answer
    # last time the feed answered in full (200): validators older than the revalidation
    # period are not sent, so a server that keeps an ETag while its content changes is caught
    last_full_poll: str | None = None
    # ids of this feed's articles refused for good (newest first): every one the feed still
    # lists is kept, so none of them is fetched again
    rejected_ids: tuple[str, ...] = ()
    # articles that failed for a reason that may pass: id -> [failures, next try (ISO 8601)]
    retries: dict[str, list] = field(default_factory=dict)
    # not part of the document: the version this state was read at (see StoredVersion)
    stored: StoredVersion = field(default_factory=StoredVersion, compare=False, repr=False)


def backoff(failures: int) -> timedelta:
    """Wait after `failures` consecutive failures: 10 min, 20, 40, ... capped at 6 h."""
    if failures <= 0:
        return timedelta(0)
    return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** min(failures - 1, 20)))


def next_state(state: FeedState | None, result: PollResult, now: datetime) -> FeedState:
    """The feed's state after a poll: validators kept, failures counted and backed off."""
    state = state or FeedState()
    polled = iso(now)
    if result.status == "failed":
        failures = state.consecutive_failures + 1
        wait = backoff(failures)
        asked = bounded_seconds(result.retry_after_s, BACKOFF_CAP.total_seconds())
        if asked:  # the server said how long to stay away (capped)
            wait = max(wait, timedelta(seconds=asked))
        return replace(state, last_polled=polled, last_status="failed",
                       last_error=result.detail or result.reason, last_reason=result.reason,
                       consecutive_failures=failures, next_poll_after=iso(now + wait))
    return replace(
        state,
        etag=result.etag or state.etag,
        last_modified=result.last_modified or state.last_modified,
        last_polled=polled,
        last_status=result.status,
        last_reason=result.reason,
        consecutive_failures=0,
        entries_seen=len(result.entries) if result.status == "ok" else state.entries_seen,
        last_full_poll=polled if result.status == "ok" else state.last_full_poll,
        next_poll_after=None,
        title=result.title or state.title,
    )


def is_due(state: FeedState | None, now: datetime) -> bool:
    """True unless the feed is backing off and its next poll time has not come."""
    if state is None or not state.next_poll_after:
        return True
    after = parse_iso(state.next_poll_after)
    return after is None or now >= after


# ---------------------------------------------------------------- Elasticsearch

_STATE_FIELDS = tuple(f.name for f in fields(FeedState) if f.name != "stored")


def merge_states(mine: FeedState, theirs: FeedState) -> FeedState:
    """One feed's state saved by two writers, so neither loses what it learnt: refused ids
    and retries are joined (the higher failure count wins), the rest comes from the later
    poll (mine on a tie). Validators survive only if both kept them: a writer that dropped
    them has articles left over, and one full fetch too many costs little."""
    newer = theirs if (theirs.last_polled or "") > (mine.last_polled or "") else mine
    rejected = tuple(dict.fromkeys(mine.rejected_ids + theirs.rejected_ids))
    refused = set(rejected)
    retries = {aid: list(entry) for aid, entry in theirs.retries.items()}
    for aid, entry in mine.retries.items():
        if aid not in retries or int(entry[0]) >= int(retries[aid][0]):
            retries[aid] = list(entry)
    both_kept = (mine.etag or mine.last_modified) and (theirs.etag or theirs.last_modified)
    return replace(newer, rejected_ids=rejected, stored=mine.stored,
                   retries={aid: v for aid, v in retries.items() if aid not in refused},
                   etag=newer.etag if both_kept else None,
                   last_modified=newer.last_modified if both_kept else None)


def state_from_doc(doc: Mapping[str, Any]) -> FeedState:
    values: dict[str, Any] = {name: doc.get(name) for name in _STATE_FIELDS
                              if doc.get(name) is not None}
    values["rejected_ids"] = tuple(values.get("rejected_ids") or ())
    retries = values.get("retries")
    values["retries"] = {str(k): list(v) for k, v in retries.items()
                         if isinstance(v, list) and len(v) == 2} \
        if isinstance(retries, dict) else {}
    for name in ("consecutive_failures", "entries_seen"):
        try:
            values[name] = int(values.get(name) or 0)
        except (TypeError, ValueError):
            values[name] = 0
    return FeedState(**values)


def feed_document(spec: FeedSpec, state: FeedState) -> dict[str, Any]:
    """The newswatch-feeds document of one feed (its id is the feed id)."""
    doc = {"feed_id": spec.id, "name": spec.name, "url": spec.url, "language": spec.language,
           "country": spec.country, "region": spec.region, "tags": list(spec.tags)}
    doc.update({name: value for name, value in asdict(state).items() if name != "stored"})
    return fit_document("feeds", doc)


def load_states(client: Elasticsearch, settings: Settings,
                feed_ids: Iterable[str]) -> dict[str, FeedState]:
    """The stored state of each feed that has one (one mget); a missing index means none."""
    ids = list(dict.fromkeys(feed_ids))
    if not ids:
        return {}
    try:
        answer = client.options(ignore_status=404).mget(index=settings.index("feeds"), ids=ids)
    except Exception as exc:
        raise FeedStoreError(f"cannot read feed state from {settings.index('feeds')}: "
                             f"{type(exc).__name__}: {exc}") from exc
    states: dict[str, FeedState] = {}
    for doc in answer.body.get("docs", []) if isinstance(answer.body, dict) else []:
        if doc.get("found") and isinstance(doc.get("_source"), dict):
            states[doc["_id"]] = replace(state_from_doc(doc["_source"]), stored=StoredVersion(
                doc.get("_seq_no"), doc.get("_primary_term")))
    return states


def save_states(client: Elasticsearch, settings: Settings,
                items: Mapping[str, tuple[FeedSpec, FeedState]], *,
                refresh: bool | str = False) -> int:
    """Write each feed's document in one bulk request; returns how many were written.

    A document is written only if nobody saved it since this state was read (a new one only
    if none exists); otherwise the stored state is read again, merged (merge_states) and
    saved again. Raises FeedStateConflict after SAVE_ATTEMPTS rounds, FeedStoreError when
    Elasticsearch refuses a write."""
    index = settings.index("feeds")
    pending = dict(items)
    written = 0
    for _ in range(SAVE_ATTEMPTS):
        if not pending:
            return written
        conflicts = _write_states(client, index, pending, refresh)
        written += len(pending) - len(conflicts)
        if not conflicts:
            return written
        stored = load_states(client, settings, conflicts)
        pending = {}
        for feed_id in conflicts:
            spec, mine = items[feed_id]
            theirs = stored.get(feed_id)
            mine.stored.seq_no, mine.stored.primary_term = (
                (theirs.stored.seq_no, theirs.stored.primary_term) if theirs else (None, None))
            pending[feed_id] = (spec, merge_states(mine, theirs) if theirs else mine)
    raise FeedStateConflict(f"feed state of {', '.join(pending)} in {index} kept changing "
                            f"under {SAVE_ATTEMPTS} attempts to save it; run the feed again")


def _write_states(client: Elasticsearch, index: str,
                  items: Mapping[str, tuple[FeedSpec, FeedState]],
                  refresh: bool | str) -> list[str]:
    """One bulk request of conditional writes; the ids refused for a version conflict.
    Each written state's StoredVersion moves on to the version just saved."""
    actions = []
    for feed_id, (spec, state) in items.items():
        action: dict[str, Any] = {"_index": index, "_id": feed_id}
        if state.stored.seq_no is None:
            action.update({"_op_type": "create", "_source": feed_document(spec, state)})
        else:
            action.update({"_op_type": "update", "doc": feed_document(spec, state),
                           "if_seq_no": state.stored.seq_no,
                           "if_primary_term": state.stored.primary_term})
        actions.append(action)
    conflicts: list[str] = []
    errors: list[dict] = []
    try:
        for ok, item in helpers.streaming_bulk(client, actions, raise_on_error=False,
                                               refresh=refresh):
            result = next(iter(item.values()))
            feed_id = str(result.get("_id"))
            if ok:
                version = items[feed_id][1].stored
                version.seq_no, version.primary_term = (result.get("_seq_no"),
                                                        result.get("_primary_term"))
            elif result.get("status") == 409:
                conflicts.append(feed_id)
            else:
                errors.append(item)
    except Exception as exc:
        raise FeedStoreError(f"cannot save feed state to {index}: "
                             f"{type(exc).__name__}: {exc}") from exc
    if errors:
        raise FeedStoreError(f"{len(errors)} feed state document(s) not saved to {index}, "
                             f"first: {errors[0]}")
    return conflicts
