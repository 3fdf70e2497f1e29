"""Polite concurrent article fetching: per-host limits and delay, robots.txt, HTML only."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx

from ingest.config import Settings
from ingest.http import HTML_TYPES, FetchReason, FetchResult, fetch_url, make_client
from ingest.robots import RobotsCache

MAX_WORKERS = 16


def _host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _HostPace:
    """Minimum spacing between request starts to one host, shared by its lanes."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.delay_s
        if start > now:
            time.sleep(start - now)


def fetch_articles(
    urls: Sequence[str],
    settings: Settings,
    *,
    on_result: Callable[[int, FetchResult], None] | None = None,
    robots: RobotsCache | None = None,
    client: httpx.Client | None = None,
    workers: int = MAX_WORKERS,
) -> list[FetchResult]:
    """Fetch article pages; results in the order of `urls`; never raises.

    Each host gets at most `settings.per_host_concurrency` lanes that take its URLs in turn,
    starting requests at least `settings.per_host_delay_s` apart; lanes of different hosts
    run side by side in a bounded thread pool, so a slow host only holds its own lanes.
    `on_result(index, result)` is called as each URL finishes (from worker threads).
    """
    results: list[FetchResult | None] = [None] * len(urls)
    if not urls:
        return []
    queues: dict[str, deque[int]] = defaultdict(deque)
    for index, url in enumerate(urls):
        queues[_host_key(url)].append(index)
    own = client is None
    lanes_total = sum(min(max(1, settings.per_host_concurrency), len(q)) for q in queues.values())
    size = max(1, min(workers, lanes_total))
    http = client or make_client(settings, max_connections=size + 2)
    robots = robots or RobotsCache(settings, client=http)
    paces = {host: _HostPace(settings.per_host_delay_s) for host in queues}
    lock = threading.Lock()

    def one(index: int, pace: _HostPace) -> FetchResult:
        url = urls[index]
        verdict = robots.check(url)
        if not verdict.allowed:
            return FetchResult(url=url, final_url=url, status=None, ok=False,
                               reason=FetchReason.ROBOTS_DISALLOWED, detail=verdict.detail)
        pace.wait()
        return fetch_url(url, settings, accept=HTML_TYPES, client=http)

    def lane(host: str) -> None:
        queue = queues[host]
        while True:
            with lock:
                if not queue:
                    return
                index = queue.popleft()
            try:
                result = one(index, paces[host])
            except Exception as exc:  # a bug in one fetch must not lose the others
                result = FetchResult(url=urls[index], final_url=urls[index], status=None,
                                     ok=False, reason=FetchReason.CONNECTION_ERROR,
                                     detail=f"{type(exc).__name__}: {exc}")
            results[index] = result
            if on_result is not None:
                try:
                    on_result(index, result)
                except Exception:  # progress display errors never stop fetching
                    pass

    try:
        with ThreadPoolExecutor(max_workers=size, thread_name_prefix="fetch") as pool:
            # interleave hosts so the first lanes started cover as many hosts as possible
            lanes = []
            for round_ in range(max(1, settings.per_host_concurrency)):
                for host, queue in queues.items():
                    if round_ < len(queue):
                        lanes.append(host)
            for future in [pool.submit(lane, host) for host in lanes]:
                future.result()
    finally:
        if own:
            http.close()
    return [r if r is not None else FetchResult(url=u, final_url=u, status=None, ok=False,
                                                reason=FetchReason.CONNECTION_ERROR,
                                                detail="not fetched")
            for u, r in zip(urls, results, strict=True)]
