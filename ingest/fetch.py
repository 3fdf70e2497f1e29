"""Polite concurrent article fetching: per-host limits and delay, robots.txt, HTML only.

`iter_fetched` streams: pages come back as they arrive and at most a small window of them is
in memory at once, however many URLs a feed lists; `fetch_articles` returns a list.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Sequence
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
# pages being downloaded or waiting to be taken by iter_fetched's reader: the bodies held
# at once are at most this many times settings.max_body_bytes
FETCH_WINDOW = 16


def _host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _Host:
    """One host's politeness: a concurrency limit and a minimum spacing of request starts
    (the configured delay, lengthened by the host's robots.txt Crawl-delay)."""

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


class _Fetcher:
    """Shared state of one batch of fetches: hosts, robots.txt cache, HTTP client."""

    def __init__(self, urls: Sequence[str], settings: Settings, robots: RobotsCache | None,
                 http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.robots = robots or RobotsCache(settings)
        self.http = http
        self.hosts = {key: _Host(settings.per_host_concurrency, settings.per_host_delay_s)
                      for key in {_host_key(u) for u in urls}}

    async def fetch(self, url: str, before_request: Callable[[], Awaitable[None]] | None = None
                    ) -> FetchResult:
        """One page; never raises (a bug in one fetch must not lose the others)."""
        host = self.hosts.setdefault(_host_key(url), _Host(self.settings.per_host_concurrency,
                                                           self.settings.per_host_delay_s))
        try:
            async with host.slots:
                verdict = await self.robots.check_async(url, self.http)
                if not verdict.allowed:
                    reason = (FetchReason.ROBOTS_UNAVAILABLE if verdict.retryable
                              else FetchReason.ROBOTS_DISALLOWED)
                    return FetchResult(url=url, final_url=url, status=None, ok=False,
                                       reason=reason, detail=verdict.detail)
                host.delay_s = max(host.delay_s, verdict.crawl_delay_s)
                await host.wait_turn()
                if before_request is not None:
                    await before_request()
                return await fetch_url_async(url, self.settings, accept=HTML_TYPES,
                                             client=self.http)
        except Exception as exc:
            return FetchResult(url=url, final_url=url, status=None, ok=False,
                               reason=FetchReason.CONNECTION_ERROR,
                               detail=f"{type(exc).__name__}: {exc}")


def fetch_articles(
    urls: Sequence[str],
    settings: Settings,
    *,
    on_result: Callable[[int, FetchResult], None] | None = None,
    robots: RobotsCache | None = None,
) -> list[FetchResult]:
    """Fetch article pages (HTML/XHTML only); results in the order of `urls`; never raises.

    At most `settings.per_host_concurrency` requests run against one host, started at least
    `settings.per_host_delay_s` apart (longer when robots.txt asks a Crawl-delay); hosts
    proceed independently, so a slow host only delays its own pages. robots.txt is honoured
    (cached per host). `on_result(index, result)` is called as each URL finishes.
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
    own = client is None
    http = client or make_client(settings, max_connections=MAX_CONNECTIONS)
    fetcher = _Fetcher(urls, settings, robots, http)

    async def one(index: int) -> FetchResult:
        result = await fetcher.fetch(urls[index])
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


def iter_fetched(urls: Sequence[str], settings: Settings, *, robots: RobotsCache | None = None,
                 window: int = FETCH_WINDOW) -> Generator[tuple[int, FetchResult], None, None]:
    """Fetch in a background event loop; yield (index into urls, result) as pages arrive.

    A page's window slot is freed when the reader asks for the next one, so at most `window`
    bodies are downloaded or waiting at once: memory does not grow with len(urls). Closing
    the iterator early (a deadline, an error in the reader) cancels the fetches not done.
    """
    if not urls:
        return
    out: queue.SimpleQueue = queue.SimpleQueue()
    box: dict = {}
    started = threading.Event()

    async def produce() -> None:
        box["loop"], box["task"] = asyncio.get_running_loop(), asyncio.current_task()
        slots = box["slots"] = asyncio.Semaphore(max(1, window))
        started.set()
        async with make_client(settings, max_connections=MAX_CONNECTIONS) as http:
            fetcher = _Fetcher(urls, settings, robots, http)

            async def one(index: int) -> None:
                held = False

                async def take_slot() -> None:
                    nonlocal held
                    await slots.acquire()
                    held = True

                result = await fetcher.fetch(urls[index], before_request=take_slot)
                if not held:  # refused before any request (robots.txt): still one slot each
                    await slots.acquire()
                out.put((index, result))

            await asyncio.gather(*(one(i) for i in range(len(urls))))

    def runner() -> None:
        try:
            asyncio.run(produce())
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # handed to the reader
            out.put(exc)
        finally:
            started.set()

    thread = threading.Thread(target=runner, name="newswatch-fetch", daemon=True)
    thread.start()
    started.wait()
    try:
        for _ in range(len(urls)):
            item = out.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            _call_in(box, lambda: box["slots"].release())
    finally:
        _call_in(box, lambda: box["task"].cancel())
        thread.join()


def _call_in(box: dict, fn: Callable[[], object]) -> None:
    """Run fn in the background loop, if it still runs."""
    loop = box.get("loop")
    if loop is None:
        return
    try:
        loop.call_soon_threadsafe(fn)
    except RuntimeError:  # the loop has finished
        pass
