"""Cross-worker article claims: a story listed by two feeds whose tasks run on two workers (or
two processes) at once is fetched and indexed once.

Before fetching, a feed's pass takes a lease on each new article: a small document in the
`<prefix>-claims` index, keyed by the article id and written with op_type `create`, so of two
writers exactly one wins (Elasticsearch serialises writes to one id). The loser skips the
article for this pass. A lease names the feed that holds it and when it expires:

* held while the pass runs (the pass deadline plus a margin), then released at the end of
  the pass to a short guard, which covers a pass that read "not indexed yet" just before the
  holder indexed and released it;
* an expired lease (its worker died) is taken over with a conditional write
  (if_seq_no/if_primary_term), so of two late-comers one wins and nothing is lost;
* the holding feed itself may always take its lease again (a retried task, the next pass).

Claims of finished passes are deleted by purge_expired() once a run is over.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from elasticsearch import ApiError, Elasticsearch, helpers

from ingest.config import Settings
from ingest.es import NewswatchError, es_errors
from ingest.feeds import FeedEntry

log = logging.getLogger(__name__)

KIND = "claims"
# margin over the pass deadline for the last batch's indexing and the state save
LEASE_MARGIN_S = 300.0
# lease of a pass without a deadline
UNBOUNDED_PASS_LEASE_S = 3600.0
# how long a released claim still keeps other feeds off the article
RELEASED_GUARD_S = 60.0
# expired claims older than this are deleted by purge_expired
PURGE_AFTER_S = 3600.0

_MAPPINGS = {"dynamic": "strict", "properties": {
    "feed_id": {"type": "keyword"},
    "expires": {"type": "date", "format": "epoch_millis"},
}}
_READY: set[tuple[str, str]] = set()  # (es_url, index) known to exist in this process


def claims_index(settings: Settings) -> str:
    return settings.index(KIND)


def lease_seconds(settings: Settings) -> float:
    """How long a running pass holds its claims: its deadline plus a margin."""
    if settings.feed_pass_deadline_s > 0:
        return settings.feed_pass_deadline_s + LEASE_MARGIN_S
    return UNBOUNDED_PASS_LEASE_S


class ClaimError(NewswatchError):
    """Elasticsearch refused to write a claim for a reason other than another holder."""


@dataclass
class ClaimCounts:
    taken: int = 0
    taken_over: int = 0  # expired leases of another feed (its worker died)
    held_elsewhere: int = 0


class LocalClaims(Protocol):
    def claim(self, entries: Sequence[FeedEntry]) -> list[FeedEntry]: ...


class ArticleLeases:
    """The claims one feed's pass takes and releases (see the module docstring), after the
    claims of its own process (`local`: feeds of one `newswatch run`)."""

    def __init__(self, client: Elasticsearch, settings: Settings, feed_id: str, *,
                 local: LocalClaims | None = None, lease_s: float | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.client, self.settings, self.feed_id, self.local = client, settings, feed_id, local
        self.index = claims_index(settings)
        self.lease_s = lease_seconds(settings) if lease_s is None else lease_s
        self.clock = clock
        self.counts = ClaimCounts()
        self._mine: list[str] = []
        self._versions: dict[str, tuple[int, int]] = {}  # id -> (_seq_no, _primary_term)

    def claim(self, entries: Sequence[FeedEntry]) -> list[FeedEntry]:
        """The entries this pass may fetch: not taken in this process, nor by another."""
        return self.take(self.local.claim(entries) if self.local is not None else entries)

    def count_into(self, outcome: Any) -> None:
        """Articles held by another feed's pass are left for the next pass: deferred (so the
        feed is read in full again) and counted as claim:held_elsewhere."""
        if self.counts.held_elsewhere:
            outcome.deferred += self.counts.held_elsewhere
            outcome.rejected["claim:held_elsewhere"] = self.counts.held_elsewhere

    def take(self, entries: Sequence[FeedEntry]) -> list[FeedEntry]:
        """The entries whose article this pass now holds; the rest are held by another feed's
        running pass (counted in self.counts.held_elsewhere)."""
        return take_together([(self, entries)])[0]

    def release(self) -> None:
        """Shorten this pass's claims to the guard, each only if still as this pass wrote it
        (a pass that outlived its lease may have lost a claim to another feed); a failure is
        logged (the leases run out by themselves)."""
        release_together([self])

    def _doc(self, seconds: float) -> dict:
        return {"feed_id": self.feed_id, "expires": int((self.clock() + seconds) * 1000)}

    def _held(self, ids: Sequence[str], won: Mapping[str, tuple[int, int]],
              taken_over: Mapping[str, str], conflicts: int) -> set[str]:
        """Record what one bulk of claims gave this feed; the ids it now holds."""
        self._versions.update((aid, won[aid]) for aid in ids if aid in won)
        self.counts.taken += sum(1 for aid in ids if aid in won)
        self.counts.taken_over += sum(1 for aid in ids if aid in taken_over
                                      and taken_over[aid] != self.feed_id)
        self.counts.held_elsewhere += conflicts
        mine = {aid for aid in ids if aid in won}
        self._mine.extend(aid for aid in ids if aid in mine)
        return mine


def claim_together(pairs: Sequence[tuple[ArticleLeases, Sequence[FeedEntry]]]
                   ) -> list[list[FeedEntry]]:
    """ArticleLeases.claim for several feeds of one pass: claims of this process first, then
    one bulk for them all."""
    return take_together([(leases, leases.local.claim(entries) if leases.local is not None
                           else entries) for leases, entries in pairs])


def take_together(pairs: Sequence[tuple[ArticleLeases, Sequence[FeedEntry]]]
                  ) -> list[list[FeedEntry]]:
    """ArticleLeases.take for several feeds of one pass (one client, one index), in one bulk
    of creates and, when some are held, one multi-get and one bulk of take-overs, rather than
    as many of each as there are feeds. An article must be in one feed's entries only (the
    process's own claims see to that)."""
    asked = [(leases, list(dict.fromkeys(e.article_id for e in entries)))
             for leases, entries in pairs]
    if not any(ids for _, ids in asked):
        return [[] for _ in pairs]
    first = pairs[0][0]
    ensure_index(first.client, first.settings)
    with es_errors("claiming articles"):
        won, conflicts = _write(first.client, first.index, [
            {"_op_type": "create", "_id": aid, "_source": leases._doc(leases.lease_s)}
            for leases, ids in asked for aid in ids])
        taken_over = _take_over(first.client, first.index, [
            (leases, aid) for leases, ids in asked for aid in ids if aid in conflicts])
    won.update(taken_over.versions)
    held = []
    for (leases, ids), (_, entries) in zip(asked, pairs, strict=True):
        refused = sum(1 for aid in ids if aid in conflicts and aid not in taken_over.holders)
        mine = leases._held(ids, won, taken_over.holders, refused)
        held.append([e for e in entries if e.article_id in mine])
    return held


def release_together(leases: Sequence[ArticleLeases]) -> None:
    """ArticleLeases.release for several feeds of one pass, in one bulk."""
    actions: list[dict[str, Any]] = []
    for lease in leases:
        mine = [aid for aid in lease._mine if aid in lease._versions]
        lease._mine = []
        actions.extend({"_op_type": "update", "_id": aid, "doc": lease._doc(RELEASED_GUARD_S),
                        "if_seq_no": lease._versions[aid][0],
                        "if_primary_term": lease._versions[aid][1]} for aid in mine)
    if not actions:
        return
    try:
        _write(leases[0].client, leases[0].index, actions)
    except Exception as exc:  # the leases run out by themselves
        log.warning("feeds %s: could not release %d article claims (%s); they expire "
                    "within %.0f s", ", ".join(lease.feed_id for lease in leases),
                    len(actions), exc, max(lease.lease_s for lease in leases))


@dataclass
class _TakenOver:
    versions: dict[str, tuple[int, int]]  # id -> (_seq_no, _primary_term) as now written
    holders: dict[str, str]  # id -> the feed that held it before


def _take_over(client: Elasticsearch, index: str,
               wanted: Sequence[tuple[ArticleLeases, str]]) -> _TakenOver:
    """The conflicting claims taken over: expired, or the asking feed's own; each written
    only if nobody changed it since it was read."""
    if not wanted:
        return _TakenOver({}, {})
    lease_of = {aid: leases for leases, aid in wanted}
    docs = client.mget(index=index, ids=list(lease_of)).body.get("docs", [])
    takeable: dict[str, dict] = {}
    for doc in docs:
        src, leases = doc.get("_source") or {}, lease_of[doc["_id"]]
        if not doc.get("found"):  # released and purged meanwhile: create it again
            takeable[doc["_id"]] = {"_op_type": "create"}
        elif src.get("feed_id") == leases.feed_id or \
                src.get("expires", 0) <= leases.clock() * 1000:
            takeable[doc["_id"]] = {"_op_type": "index", "if_seq_no": doc["_seq_no"],
                                    "if_primary_term": doc["_primary_term"]}
    holders = {d["_id"]: (d.get("_source") or {}).get("feed_id", "") for d in docs}
    won, _ = _write(client, index, [
        {**action, "_id": aid, "_source": lease_of[aid]._doc(lease_of[aid].lease_s)}
        for aid, action in takeable.items()])
    return _TakenOver(won, {aid: holders[aid] for aid in won})


def _write(client: Elasticsearch, index: str, actions: list[dict[str, Any]]
           ) -> tuple[dict[str, tuple[int, int]], set[str]]:
    """One bulk request; (ids written -> their _seq_no and _primary_term, ids refused for a
    version conflict). Any other refusal raises: a claim that cannot be written must not be
    taken as held."""
    won: dict[str, tuple[int, int]] = {}
    conflicts: set[str] = set()
    if not actions:
        return won, conflicts
    for ok, item in helpers.streaming_bulk(
            client, [{**a, "_index": index} for a in actions],
            raise_on_error=False, raise_on_exception=True, chunk_size=max(500, len(actions))):
        result = next(iter(item.values()))
        if ok:
            won[str(result["_id"])] = (result["_seq_no"], result["_primary_term"])
        elif result.get("status") == 409:
            conflicts.add(str(result["_id"]))
        else:
            raise ClaimError(f"{index} refused a claim on {result.get('_id')}: "
                             f"{result.get('error')}; check the index (newswatch "
                             "setup-es) and the cluster's health")
    return won, conflicts


def ensure_index(client: Elasticsearch, settings: Settings) -> None:
    """Create the claims index once (shards and replicas as configured)."""
    index = claims_index(settings)
    if (settings.es_url, index) in _READY:
        return
    try:
        with es_errors("creating the claims index"):
            client.indices.create(index=index, mappings=_MAPPINGS, settings={
                "number_of_shards": 1, "number_of_replicas": settings.index_replicas})
    except ApiError as exc:
        if not (exc.status_code == 400 and exc.error == "resource_already_exists_exception"):
            raise
    _READY.add((settings.es_url, index))


def purge_expired(client: Elasticsearch, settings: Settings, *,
                  older_than_s: float = PURGE_AFTER_S, clock: Callable[[], float] = time.time,
                  page: int = 1000) -> int:
    """Delete claims expired more than `older_than_s` ago; returns how many. Searched, then
    deleted by id each only if unchanged (no delete-by-query: the integ-test-zip lacks it),
    so a claim taken again meanwhile stays."""
    cutoff = int((clock() - older_than_s) * 1000)
    index = claims_index(settings)
    deleted = 0
    with es_errors("purging expired article claims"):
        while True:
            hits = client.options(ignore_status=404).search(
                index=index, size=page, seq_no_primary_term=True, source=False,
                query={"range": {"expires": {"lt": cutoff}}}).body.get("hits", {}).get("hits", [])
            if not hits:
                return deleted
            done = sum(ok for ok, _ in helpers.streaming_bulk(client, [
                {"_op_type": "delete", "_index": index, "_id": h["_id"],
                 "if_seq_no": h["_seq_no"], "if_primary_term": h["_primary_term"]}
                for h in hits], raise_on_error=False, refresh=True))
            deleted += done
            if done == 0 or len(hits) < page:
                return deleted
