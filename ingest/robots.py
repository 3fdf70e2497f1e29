"""robots.txt per host, fetched through ingest.http and cached, so article fetching is polite.

Policy (RFC 9309): a robots.txt answered with 4xx (404, 410, ...) allows everything; an
unreachable one (5xx, timeout, connection error, blocked) disallows the whole host for
this cache lifetime, with the reason in the verdict. Redirects are followed by fetch_url.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ingest.config import Settings
from ingest.http import FetchReason, decode_text, fetch_url_async, run_sync

CACHE_TTL_S = 6 * 3600
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(frozen=True)
class RobotsVerdict:
    allowed: bool
    detail: str = ""


@dataclass
class _Entry:
    parser: RobotFileParser | None  # None: allow all
    disallow_all: str | None  # reason when the file could not be read
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
        if entry.disallow_all:
            return RobotsVerdict(False, entry.disallow_all)
        if entry.parser is None:
            return RobotsVerdict(True)
        if entry.parser.can_fetch(self.settings.user_agent, url):
            return RobotsVerdict(True)
        return RobotsVerdict(False, f"robots.txt of {origin} disallows {url}")

    async def _entry(self, origin: str, client: httpx.AsyncClient | None) -> _Entry:
        key = (id(asyncio.get_running_loop()), origin)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one fetch per origin even when many tasks ask at once
            entry = self._entries.get(origin)
            if entry is None or entry.expires < time.monotonic():
                entry = await self._load(origin, client)
                self._entries[origin] = entry
            return entry

    async def _load(self, origin: str, client: httpx.AsyncClient | None) -> _Entry:
        expires = time.monotonic() + self.ttl_s
        settings = self.settings
        if settings.max_body_bytes > MAX_ROBOTS_BYTES:
            settings = replace(settings, max_body_bytes=MAX_ROBOTS_BYTES)
        result = await fetch_url_async(f"{origin}/robots.txt", settings, client=client,
                                       accept_header="text/plain, */*;q=0.5")
        if result.reason is FetchReason.OK:
            parser = RobotFileParser()
            text, _ = decode_text(result.content, result.charset)
            parser.parse(text.splitlines())
            return _Entry(parser, None, expires)
        if result.reason is FetchReason.HTTP_ERROR and result.status and \
                400 <= result.status < 500:
            return _Entry(None, None, expires)  # no robots.txt: everything allowed
        if result.reason in (FetchReason.BLOCKED_ADDRESS, FetchReason.INVALID_URL):
            return _Entry(None, None, expires)  # the page fetch itself refuses with this reason
        if result.reason is FetchReason.TOO_LARGE:
            return _Entry(None, None, expires)  # RFC 9309 asks to parse the first 500 KiB
        return _Entry(None, f"robots.txt of {origin} unreachable ({result.reason.value}: "
                      f"{result.detail}); treated as disallow-all", expires)
