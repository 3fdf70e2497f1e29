"""What a feed remembers about its articles between passes (pure): the ids refused for good,
and the articles that failed for a reason that may pass, with their failure count and the
time of the next try (the next pass, then exponential back-off), so a page that keeps timing
out is tried a bounded number of times, then refused for good like a 404.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from ingest.feed_store import FeedState, backoff
from ingest.times import iso, parse_iso


class ArticleMemory:
    """Refused ids and retries of one feed, updated during a pass, written into its state.

    Only ids the feed lists now are kept: an id the feed no longer lists is never fetched
    again anyway, and a feed of any size keeps every one of its refusals.
    """

    def __init__(self, state: FeedState | None, listed: Collection[str], *,
                 max_attempts: int) -> None:
        listed = set(listed)
        self.max_attempts = max(1, max_attempts)
        old_refused = state.rejected_ids if state else ()
        self.refused: dict[str, None] = {i: None for i in old_refused if i in listed}
        self.retries: dict[str, list] = {i: list(v) for i, v in
                                         (state.retries if state else {}).items()
                                         if i in listed}

    def is_refused(self, article_id: str) -> bool:
        return article_id in self.refused

    def waiting(self, article_id: str, now: datetime) -> bool:
        """True while the article backs off after a failure that may pass."""
        entry = self.retries.get(article_id)
        after = parse_iso(entry[1]) if entry else None
        return after is not None and now < after

    def refuse(self, article_id: str) -> None:
        self.retries.pop(article_id, None)
        self.refused = {article_id: None, **self.refused}  # newest first

    def failed(self, article_id: str, now: datetime, *, may_give_up: bool = True) -> bool:
        """Count a failure that may pass; True when that was the last try (now refused).
        may_give_up=False: the article waits (backing off) however often it fails, e.g. while
        its host's robots.txt is unreachable (RFC 9309: disallowed for now, not for good)."""
        failures = int((self.retries.get(article_id) or [0])[0]) + 1
        if may_give_up and failures >= self.max_attempts:
            self.refuse(article_id)
            return True
        # the next pass tries again at once; after that 10 min, 20, 40... (at most 6 h)
        self.retries[article_id] = [failures, iso(now + backoff(failures - 1))]
        return False

    def succeeded(self, article_id: str) -> None:
        self.retries.pop(article_id, None)

    def into(self, state: FeedState) -> FeedState:
        return replace(state, rejected_ids=tuple(self.refused), retries=dict(self.retries))
