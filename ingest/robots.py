"""robots.txt per host (RFC 9309, parsed by Protego), fetched through ingest.http and cached.

Policy (RFC 9309 section 2.3.1): a robots.txt answered with 4xx (404, 410, ...) allows
everything; an unreachable one (5xx, timeout, connection error) disallows the whole host *for
now*: the verdict says `retryable`, the page is deferred to a later pass (never remembered as
refused) and the failure is cached only briefly. Rules are matched by the longest path
(Allow wins a tie) with `*` and `$` wildcards; `Crawl-delay` is reported, bounded by
`settings.max_crawl_delay_s`. Redirects are followed by fetch_url.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import httpx
from protego import Protego

from extract.charset import decode_text
from ingest.config import Settings
from ingest.http import FetchReason, fetch_url_async, run_sync

log = logging.getLogger(__name__)

CACHE_TTL_S = 6 * 3600
FAILURE_TTL_S = 300  # an unreachable robots.txt is asked again after this long
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks to parse at least the first 500 KiB


@dataclass(frozen=True)
class RobotsVerdict:
    allowed: bool
    detail: str = ""
    retryable: bool = False  # refused only because robots.txt could not be read just now
    crawl_delay_s: float = 0.0  # the host's Crawl-delay for us, within the configured maximum


@dataclass
class _Entry:
    rules: Protego | None  # None: allow all
    unreachable: str | None  # why the file could not be read (disallow all, for now)
    expires: float


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


class RobotsCache:
    """robots.txt verdicts, one fetch per origin (scheme + host + port) per cache lifetime.

    Use `check_async` inside one event loop (fetch_articles does), or `check` from sync code.
    """

    def __init__(self, settings: Settings, *, ttl_s: float = CACHE_TTL_S) -> None:
        self.settings = settings
        self.ttl_s = ttl_s
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}

    def check(self, url: str) -> RobotsVerdict:
        return run_sync(self.check_async(url))

    async def check_async(self, url: str, client: httpx.AsyncClient | None = None
                          ) -> RobotsVerdict:
        origin = _origin(url)
        if origin is None:
            return RobotsVerdict(True)  # fetch_url reports the bad URL itself
        entry = await self._entry(origin, client)
        if entry.unreachable:
            return RobotsVerdict(False, entry.unreachable, retryable=True)
        if entry.rules is None:
            return RobotsVerdict(True)
        agent = self.settings.user_agent
        delay = self._crawl_delay(entry.rules, agent)
        if entry.rules.can_fetch(url, agent):
            return RobotsVerdict(True, crawl_delay_s=delay)
        log.info("robots.txt of %s disallows %s", origin, url)
        return RobotsVerdict(False, f"robots.txt of {origin} disallows {url}",
                             crawl_delay_s=delay)

    def _crawl_delay(self, rules: Protego, agent: str) -> float:
        try:
            delay = float(rules.crawl_delay(agent) or 0.0)
        except (TypeError, ValueError, OverflowError):
            return 0.0
        if delay != delay or delay <= 0:  # NaN or nothing asked
            return 0.0
        return min(delay, max(0.0, self.settings.max_crawl_delay_s))

    async def _entry(self, origin: str, client: httpx.AsyncClient | None) -> _Entry:
        key = (id(asyncio.get_running_loop()), origin)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one fetch per origin even when many tasks ask at once
            entry = self._entries.get(origin)
            if entry is None or entry.expires < time.monotonic():
                entry = await self._load(origin, client)
                self._entries[origin] = entry
                log.debug("robots.txt of %s: %s", origin,
                          "rules" if entry.rules else entry.unreachable or "allows everything")
            return entry

    async def _load(self, origin: str, client: httpx.AsyncClient | None) -> _Entry:
        expires = time.monotonic() + self.ttl_s
        settings = self.settings
        if settings.max_body_bytes > MAX_ROBOTS_BYTES:
            settings = replace(settings, max_body_bytes=MAX_ROBOTS_BYTES)
        result = await fetch_url_async(f"{origin}/robots.txt", settings, client=client,
                                       accept_header="text/plain, */*;q=0.5")
        if result.reason is FetchReason.OK:
            text, _ = decode_text(result.content, result.charset)
            try:
                return _Entry(Protego.parse(text), None, expires)
            except Exception:  # an unparseable file has no usable rules: allow (RFC 9309 2.2)
                return _Entry(None, None, expires)
        if result.reason is FetchReason.HTTP_ERROR and result.status and \
                400 <= result.status < 500:
            return _Entry(None, None, expires)  # "unavailable": everything allowed
        if result.reason in (FetchReason.BLOCKED_ADDRESS, FetchReason.INVALID_URL):
            return _Entry(None, None, expires)  # the page fetch itself refuses with this reason
        if result.reason is FetchReason.TOO_LARGE:
            return _Entry(None, None, expires)
        # "unreachable" (5xx, timeout, connection error, ...): disallow all, ask again soon
        log.info("robots.txt of %s unreachable (%s: %s): its pages wait", origin,
                 result.reason.value, result.detail)
        return _Entry(None, f"robots.txt of {origin} unreachable ({result.reason.value}: "
                      f"{result.detail}); pages of this host wait for a later pass",
                      time.monotonic() + min(self.ttl_s, FAILURE_TTL_S))
