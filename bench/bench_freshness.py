"""Published-to-searchable latency while feeds publish at a steady rate and the pipeline loops.

    .venv/bin/python bench/bench_freshness.py [--minutes 3] [--interval 2] [--feeds 3] [--quick]

A loopback feed server (in this process) makes one new article visible every --interval
seconds, round robin over --feeds RSS feeds (ETag + 304 when nothing changed); the moment an
item first appears in its feed is its `published` time. Meanwhile the pipeline runs
`run_once` back to back on those feeds with their stored state, as an Airflow @continuous DAG
would (without Airflow's own scheduling overhead), into a throw-away index prefix. A watcher
searches the live articles alias every --search-every seconds for the items not yet found;
searchable = the first search that returns the item. The article's own `indexed` field gives
published-to-indexed as well (before the index refresh makes it visible).
"""

from __future__ import annotations

import argparse
import http.server
import math
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import delete_prefix, node_env, rss_mb, table, write_results  # noqa: E402


class Publisher:
    """Item k appears at start + k * interval in feed k % feeds; thread-safe by construction
    (visibility is computed from the clock on each request)."""

    def __init__(self, feeds: int, interval_s: float, count: int, seed: int = 11) -> None:
        self.feeds, self.interval_s, self.count, self.seed = feeds, interval_s, count, seed
        self.start = float(math.ceil(time.time()) + 1)  # whole seconds, as RSS dates are
        self.base_url = ""

    def published_at(self, k: int) -> float:
        return self.start + k * self.interval_s

    def visible(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        if now < self.start:
            return 0
        return min(self.count, int((now - self.start) // self.interval_s) + 1)

    def url(self, k: int) -> str:
        return f"{self.base_url}/articles/{k}.html"

    def feed(self, f: int) -> tuple[str, bytes]:
        """(etag, RSS body) of feed f right now: its newest 30 visible items."""
        from corpus import make_article, rss

        shown = [k for k in range(self.visible()) if k % self.feeds == f][-30:]
        items = []
        for k in reversed(shown):
            art = make_article(k, self.seed, published=self._dt(k))
            items.append((art.title, self.url(k), art.summary, art.published, art.author))
        body = rss(f"Live {f}", items).replace("{{BASE_URL}}", self.base_url).encode()
        # the ETag names the newest item: the count stops changing once the window is full
        return f'"{f}-{shown[-1] if shown else -1}"', body

    def page(self, k: int) -> bytes | None:
        from corpus import make_article

        if k >= self.visible():
            return None
        html = make_article(k, self.seed, published=self._dt(k)).html
        return html.replace("{{BASE_URL}}", self.base_url).encode()

    def _dt(self, k: int) -> datetime:
        return datetime.fromtimestamp(int(self.published_at(k)), UTC)


def _handler(pub: Publisher):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path = self.path.split("?")[0]
            body, ctype, etag = None, "text/html; charset=utf-8", None
            if path.startswith("/feeds/") and path.endswith(".xml"):
                f = int(path[len("/feeds/"):-4])
                etag, body = pub.feed(f)
                ctype = "application/rss+xml; charset=utf-8"
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
            elif path.startswith("/articles/") and path.endswith(".html"):
                body = pub.page(int(path[len("/articles/"):-5]))
            elif path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Last-Modified", format_datetime(datetime.now(UTC), usegmt=True))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:
            pass

    return Handler


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(minutes: float, interval_s: float, feeds: int, search_every_s: float,
        settle_s: float = 30.0, pause_s: float = 0.0) -> dict:
    from ingest import schema
    from ingest.config import Settings
    from ingest.es import connect
    from ingest.pipeline import run_once, summarise

    count = max(1, int(minutes * 60 / interval_s))
    pub = Publisher(feeds, interval_s, count)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(pub))
    server.daemon_threads = True
    pub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = tempfile.TemporaryDirectory(prefix="nwbench-fresh-")
    feeds_file = Path(tmp.name) / "feeds.yaml"
    feeds_file.write_text("feeds:\n" + "".join(
        f"  - id: live-{f}\n    name: Live {f}\n    url: \"{pub.base_url}/feeds/{f}.xml\"\n"
        f"    language: en\n" for f in range(feeds)), "utf-8")
    prefix = f"nwbench-{uuid.uuid4().hex[:8]}-fresh"
    settings = Settings.from_env(node_env(), index_prefix=prefix, feeds_file=feeds_file,
                                 allow_private_hosts=("127.0.0.1",), per_host_delay_s=0.05,
                                 feed_workers=max(1, feeds),
                                 dead_letter_dir=Path(tmp.name) / "dead-letter")
    client = connect(settings, request_timeout=60)
    schema.setup(client, settings)
    from extract import incidents
    incidents.load()
    found: dict[int, float] = {}
    indexed: dict[int, float] = {}
    cycles: list[float] = []
    outcomes: list[dict] = []
    stop = threading.Event()
    errors: list[str] = []

    def pipeline() -> None:
        ids = [f"live-{f}" for f in range(feeds)]
        while not stop.is_set():
            t = time.perf_counter()
            try:
                outcomes.extend(run_once(settings, client=client, feed_ids=ids))
            except Exception as exc:  # noqa: BLE001 - reported, the loop goes on
                errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(1)
            cycles.append(time.perf_counter() - t)
            stop.wait(pause_s)

    def watcher() -> None:
        url_of = {pub.url(k): k for k in range(count)}
        while not stop.is_set():
            now = time.time()
            pending = [pub.url(k) for k in range(pub.visible(now)) if k not in found]
            if pending:
                try:
                    res = client.search(index=settings.index("articles"),
                                        query={"terms": {"url": pending}}, size=len(pending),
                                        source=["url", "indexed"])
                except Exception as exc:  # noqa: BLE001 - counted, retried next round
                    errors.append(f"search: {exc}")
                    res = {"hits": {"hits": []}}
                seen = time.time()
                for hit in res["hits"]["hits"]:
                    k = url_of[hit["_source"]["url"]]
                    found.setdefault(k, seen)
                    stamp = hit["_source"].get("indexed")
                    if stamp:
                        indexed[k] = datetime.fromisoformat(stamp.replace("Z", "+00:00")
                                                            ).timestamp()
            stop.wait(search_every_s)

    threads = [threading.Thread(target=pipeline, daemon=True),
               threading.Thread(target=watcher, daemon=True)]
    for t in threads:
        t.start()
    try:
        end = pub.published_at(count - 1)
        while time.time() < end:
            time.sleep(0.5)
        deadline = time.time() + settle_s
        while len(found) < count and time.time() < deadline:
            time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
        server.shutdown()
        server.server_close()
        delete_prefix(client, prefix)
        client.close()
        tmp.cleanup()
    searchable = [found[k] - pub.published_at(k) for k in sorted(found)]
    to_index = [indexed[k] - pub.published_at(k) for k in sorted(indexed)]
    totals = summarise(outcomes)

    def stats(values: list[float]) -> dict:
        return {"p50_s": _pct(values, .5), "p95_s": _pct(values, .95),
                "max_s": max(values) if values else None,
                "mean_s": statistics.fmean(values) if values else None}

    return {"settings": {"minutes": minutes, "interval_s": interval_s, "feeds": feeds,
                         "search_every_s": search_every_s, "pause_s": pause_s,
                         "per_host_delay_s": 0.05},
            "published": count, "searchable": len(found), "missing": count - len(found),
            "published_to_searchable": stats(searchable),
            "published_to_indexed": stats(to_index),
            "cycles": len(cycles), "cycle_p50_s": _pct(cycles, .5),
            "cycle_max_s": max(cycles) if cycles else None,
            "feeds_not_modified": totals["feeds_not_modified"],
            "articles_indexed": totals["articles_indexed"], "errors": errors[:5],
            "peak_rss_mb": round(rss_mb())}


def print_report(r: dict) -> None:
    s = r["settings"]
    print(f"{r['published']} items published, one every {s['interval_s']} s over {s['feeds']} "
          f"feeds for {s['minutes']:.3g} min; {r['searchable']} searchable, {r['missing']} missing")
    print(f"pipeline: {r['cycles']} run_once cycles back to back (median "
          f"{r['cycle_p50_s']:.2f} s, max {r['cycle_max_s']:.2f} s), "
          f"{r['feeds_not_modified']} feed polls answered 304")

    def fmt(v):
        return "-" if v is None else f"{v:.2f}"
    print(table(["latency (s)", "p50", "p95", "max", "mean"],
                [[name, fmt(r[key]["p50_s"]), fmt(r[key]["p95_s"]), fmt(r[key]["max_s"]),
                  fmt(r[key]["mean_s"])]
                 for name, key in (("published -> searchable (search poll)",
                                    "published_to_searchable"),
                                   ("published -> indexed (doc field)",
                                    "published_to_indexed"))]))
    if r["errors"]:
        print("errors:", *r["errors"], sep="\n  ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between new items")
    ap.add_argument("--feeds", type=int, default=3)
    ap.add_argument("--search-every", type=float, default=0.5)
    ap.add_argument("--pause", type=float, default=0.0,
                    help="seconds between pipeline passes (0: back to back, as @continuous)")
    ap.add_argument("--quick", action="store_true", help="10 seconds, one item a second")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    minutes, interval = (10 / 60, 1.0) if a.quick else (a.minutes, a.interval)
    result = run(minutes, interval, a.feeds, a.search_every, pause_s=a.pause)
    print_report(result)
    name = "bench_freshness_quick" if a.quick else "bench_freshness"
    print(f"\nwrote {write_results(name, result, a.json)}")
    return 0 if result["searchable"] else 1


if __name__ == "__main__":
    sys.exit(main())
