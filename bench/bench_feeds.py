"""Feed polling and parsing figures: 1,000 local feeds (half answering 304), a 200-entry feed.

    .venv/bin/python bench/bench_feeds.py [--feeds 1000] [--workers 16] [--entries 30]

The feeds are served by tests/support/httpserver.py in a separate process over loopback, so
the memory figure is the poller's own (peak RSS growth and the Python heap peak).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feedparser  # noqa: E402

from ingest.config import Settings  # noqa: E402
from ingest.feed_store import FeedState  # noqa: E402
from ingest.feeds import parse_feed, poll_feeds  # noqa: E402
from ingest.feedspec import FeedSpec  # noqa: E402


def make_rss(feed: int, entries: int) -> bytes:
    items = []
    for i in range(entries):
        items.append(
            f"<item><title>Clashes reported near town {i} of region {feed}</title>"
            f"<link>https://news{feed}.example.org/world/2024/04/21/story-{i}?utm_source=rss"
            f"&amp;utm_medium=feed</link><guid isPermaLink=\"false\">urn:{feed}:{i}</guid>"
            f"<description>&lt;p&gt;Security forces and armed men exchanged fire on Sunday in "
            f"district {i}, officials said; at least {i % 7} people were killed and several "
            f"wounded, according to a local hospital.&lt;/p&gt;</description>"
            f"<category>World</category><category>Conflict</category>"
            f"<dc:creator>Staff reporter {i % 5}</dc:creator>"
            f"<pubDate>Sun, 21 Apr 2024 {i % 24:02d}:{i % 60:02d}:00 +0000</pubDate></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>Desk {feed}</title><link>https://news{feed}.example.org/</link>"
            f"<language>en</language>{''.join(items)}</channel></rss>").encode()


def serve(count: int, entries: int, ready, stop) -> None:
    from tests.support.httpserver import LocalHTTPServer

    with LocalHTTPServer() as server:
        for n in range(count):
            server.route(f"/feed/{n}.xml", body=make_rss(n, entries),
                         content_type="application/rss+xml; charset=utf-8", etag=f'"v{n}"')
        ready.send(server.base_url)
        stop.wait()


def bench_poll(count: int, workers: int, entries: int, heap: bool) -> None:
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    proc = ctx.Process(target=serve, args=(count, entries, child, stop), daemon=True)
    proc.start()
    try:
        base = parent.recv()
        settings = Settings.from_env({}, allow_private_hosts=("127.0.0.1",))
        specs = [FeedSpec(id=f"feed-{n}", name=f"Feed {n}", url=f"{base}/feed/{n}.xml",
                          language="en") for n in range(count)]
        # half the feeds were polled before: their stored ETag makes the server answer 304
        fresh = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # validators still trusted
        states = {s.id: FeedState(etag=f'"v{n}"', last_full_poll=fresh)
                  for n, s in enumerate(specs) if n % 2 == 0}
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if heap:
            tracemalloc.start()
        start = time.perf_counter()
        results = poll_feeds(specs, states, settings, workers=workers)
        elapsed = time.perf_counter() - start
        heap_peak = tracemalloc.get_traced_memory()[1] if heap else 0
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finally:
        stop.set()
        proc.join(timeout=10)
    statuses = {s: sum(r.status == s for r in results) for s in ("ok", "not_modified", "failed")}
    entries_total = sum(len(r.entries) for r in results)
    print(f"poll {count} local feeds ({entries} entries each, half 304), {workers} workers:")
    print(f"  wall time        {elapsed:.2f} s  ({count / elapsed:.0f} feeds/s)")
    print(f"  statuses         {statuses}; {entries_total} entries parsed")
    print(f"  peak RSS         {rss_after / 1024:.0f} MB (growth during the poll "
          f"{(rss_after - rss_before) / 1024:.0f} MB)")
    if heap:
        print(f"  Python heap peak {heap_peak / 2**20:.1f} MB (tracemalloc on: time is slower)")


def bench_parse(entries: int = 200, repeats: int = 20) -> None:
    data = make_rss(0, entries)
    times, raw = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        parsed = parse_feed(data, "bench", base_url="https://news0.example.org/feed")
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        feedparser.parse(data)
        raw.append(time.perf_counter() - start)
    assert len(parsed.entries) == entries, parsed
    median = statistics.median(times)
    print(f"parse a {entries}-entry RSS feed ({len(data) / 1024:.0f} KB), median of {repeats}:")
    print(f"  parse_feed       {median * 1000:.1f} ms  ({median / entries * 1000:.2f} ms/entry)")
    print(f"  feedparser alone {statistics.median(raw) * 1000:.1f} ms  (normalising, canonical "
          f"links and ids add the rest)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--entries", type=int, default=30)
    parser.add_argument("--heap", action="store_true", help="also trace the Python heap peak")
    args = parser.parse_args()
    bench_parse()
    bench_poll(args.feeds, args.workers, args.entries, args.heap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
