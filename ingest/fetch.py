"""Polite concurrent article fetching: per-host limits and delay, robots.txt, HTML only."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import httpx

from ingest.config import Settings
from ingest.http import (
    HTML_TYPES,
    FetchReason,
    FetchResult,
    fetch_url_async,
    make_client,
    run_sync,
)
from ingest.robots import RobotsCache

MAX_CONNECTIONS = 32  # across all hosts at once


def _host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _Host:
    """One host's politeness: a concurrency limit and a minimum spacing of request starts."""

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self.slots = asyncio.Semaphore(max(1, concurrency))
        self.delay_s = delay_s
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait_turn(self) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.delay_s
        if start > now:
            await asyncio.sleep(start - now)


def fetch_articles(
    urls: Sequence[str],
    settings: Settings,
    *,
    on_result: Callable[[int, FetchResult], None] | None = None,
    robots: RobotsCache | None = None,
) -> list[FetchResult]:
    """Fetch article pages (HTML/XHTML only); results in the order of `urls`; never raises.

    At most `settings.per_host_concurrency` requests run against one host, started at least
    `settings.per_host_delay_s` apart; hosts proceed independently, so a slow host only
    delays its own pages. robots.txt is honoured (cached per host). `on_result(index,
    result)` is called as each URL finishes.
    """
    return run_sync(fetch_articles_async(urls, settings, on_result=on_result, robots=robots))


async def fetch_articles_async(
    urls: Sequence[str],
    settings: Settings,
    *,
    on_result: Callable[[int, FetchResult], None] | None = None,
    robots: RobotsCache | None = None,
    client: httpx.AsyncClient | None = None,
) -> list[FetchResult]:
    """fetch_articles inside an event loop."""
    if not urls:
        return []
    robots = robots or RobotsCache(settings)
    hosts = {key: _Host(settings.per_host_concurrency, settings.per_host_delay_s)
             for key in {_host_key(u) for u in urls}}
    own = client is None
    http = client or make_client(settings, max_connections=MAX_CONNECTIONS)

    async def one(index: int) -> FetchResult:
        url = urls[index]
        host = hosts[_host_key(url)]
        try:
            async with host.slots:
                verdict = await robots.check_async(url, http)
                if not verdict.allowed:
                    result = FetchResult(url=url, final_url=url, status=None, ok=False,
                                         reason=FetchReason.ROBOTS_DISALLOWED,
                                         detail=verdict.detail)
                else:
                    await host.wait_turn()
                    result = await fetch_url_async(url, settings, accept=HTML_TYPES,
                                                   client=http)
        except Exception as exc:  # a bug in one fetch must not lose the others
            result = FetchResult(url=url, final_url=url, status=None, ok=False,
                                 reason=FetchReason.CONNECTION_ERROR,
                                 detail=f"{type(exc).__name__}: {exc}")
        if on_result is not None:
            try:
                on_result(index, result)
            except Exception:  # a progress display error never stops fetching
                pass
        return result

    try:
        return list(await asyncio.gather(*(one(i) for i in range(len(urls)))))
    finally:
        if own:
            await http.aclose()
