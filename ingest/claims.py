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
from collections.abc import Callable, Sequence
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
        if not entries:
            return []
        ensure_index(self.client, self.settings)
        ids = list(dict.fromkeys(e.article_id for e in entries))
        with es_errors("claiming articles"):
            won, conflicts = self._write(
                [{"_op_type": "create", "_id": aid, "_source": self._doc(self.lease_s)}
                 for aid in ids])
            taken_over = self._take_over(conflicts)
        self.counts.taken += len(won) + len(taken_over)
        self.counts.taken_over += sum(1 for _, theirs in taken_over if theirs != self.feed_id)
        self.counts.held_elsewhere += len(conflicts) - len(taken_over)
        mine = set(won) | {aid for aid, _ in taken_over}
        self._mine.extend(aid for aid in ids if aid in mine)
        return [e for e in entries if e.article_id in mine]

    def release(self) -> None:
        """Shorten this pass's claims to the guard, each only if still as this pass wrote it
        (a pass that outlived its lease may have lost a claim to another feed); a failure is
        logged (the leases run out by themselves)."""
        mine = [aid for aid in self._mine if aid in self._versions]
        self._mine = []
        if not mine:
            return
        try:
            self._write([{"_op_type": "update", "_id": aid, "doc": self._doc(RELEASED_GUARD_S),
                          "if_seq_no": self._versions[aid][0],
                          "if_primary_term": self._versions[aid][1]} for aid in mine])
        except Exception as exc:  # the leases run out by themselves
            log.warning("feed %s: could not release %d article claims (%s); they expire "
                        "within %.0f s", self.feed_id, len(mine), exc, self.lease_s)

    def _doc(self, seconds: float) -> dict:
        return {"feed_id": self.feed_id, "expires": int((self.clock() + seconds) * 1000)}

    def _take_over(self, ids: list[str]) -> list[tuple[str, str]]:
        """(id, previous holder) of the conflicting claims this pass took over: expired, or
        its own; each written only if nobody changed it since it was read."""
        if not ids:
            return []
        now_ms = self.clock() * 1000
        docs = self.client.mget(index=self.index, ids=ids).body.get("docs", [])
        takeable: dict[str, dict] = {}
        for doc in docs:
            src = doc.get("_source") or {}
            if not doc.get("found"):  # released and purged meanwhile: create it again
                takeable[doc["_id"]] = {"_op_type": "create"}
            elif src.get("feed_id") == self.feed_id or src.get("expires", 0) <= now_ms:
                takeable[doc["_id"]] = {"_op_type": "index", "if_seq_no": doc["_seq_no"],
                                        "if_primary_term": doc["_primary_term"]}
        holders = {d["_id"]: (d.get("_source") or {}).get("feed_id", "") for d in docs}
        won, _ = self._write([{**action, "_id": aid, "_source": self._doc(self.lease_s)}
                              for aid, action in takeable.items()])
        return [(aid, holders[aid]) for aid in won]

    def _write(self, actions: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
        """One bulk request; (ids written, ids refused for a version conflict). Any other
        refusal raises: a claim that cannot be written must not be taken as held."""
        won: list[str] = []
        conflicts: list[str] = []
        for ok, item in helpers.streaming_bulk(
                self.client, [{**a, "_index": self.index} for a in actions],
                raise_on_error=False, raise_on_exception=True):
            result = next(iter(item.values()))
            if ok:
                won.append(str(result["_id"]))
                self._versions[str(result["_id"])] = (result["_seq_no"], result["_primary_term"])
            elif result.get("status") == 409:
                conflicts.append(str(result["_id"]))
            else:
                raise ClaimError(f"{self.index} refused a claim on {result.get('_id')}: "
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
