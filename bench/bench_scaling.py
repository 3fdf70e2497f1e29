"""How time and memory grow with work: articles through clean + extract (+ index), feeds polled.

    .venv/bin/python bench/bench_scaling.py [--quick] [--articles 1000,10000,50000]
                                            [--feeds 100,1000,5000] [--budget-s 600]

Articles: pages from bench/corpus.py are generated in memory one at a time and go through
clean_html + extract_incidents (and, up to --index-max articles, bulk indexing into a
throw-away prefix, in batches of 200 as the pipeline does); only that work is timed, not the
page generation. Feeds: N RSS feeds of 20 items each, served over loopback from a separate
process, polled with poll_feeds (16 at once). Every size runs in a fresh interpreter so its
peak RSS is its own. A size whose work would exceed --budget-s stops there and the rest is
extrapolated linearly from the measured part; the table says so.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import REPO, current_rss_mb, node_env, rss_mb, served, table, write_results  # noqa: E402

BASE = "http://127.0.0.1:8000"
# clean + extract is one thread of CPU work: its CPU time per article is the growth measure,
# since wall time also counts whatever else the (shared) machine is doing
ARTICLE_KEY = "cpu_ms_per_item"


def work_articles(n: int, budget_s: float, index: bool, seed: int) -> dict:
    """Clean + extract (+ index) n generated pages; stops early past budget_s of work."""
    from corpus import make_article

    from extract import incidents
    from extract.clean import clean_html

    incidents.load()
    base_rss = current_rss_mb()
    client = settings = prefix = None
    batch: list = []
    if index:
        from harness import delete_prefix

        from ingest import schema
        from ingest.config import Settings
        from ingest.es import connect
        from ingest.ids import article_id
        from ingest.index import index_articles

        prefix = f"nwbench-{uuid.uuid4().hex[:8]}-scale"
        settings = Settings.from_env(node_env(), index_prefix=prefix,
                                     dead_letter_dir=Path(tempfile.gettempdir()) / "nwbench-dl")
        client = connect(settings, request_timeout=120)
        schema.setup(client, settings)
    work = idx_s = work_cpu = 0.0
    done = found = 0
    try:
        for number in range(n):
            art = make_article(number, seed)
            url = f"{BASE}/{art.path}"
            page = art.html.replace("{{BASE_URL}}", BASE)
            t, c = time.perf_counter(), time.process_time()
            cleaned = clean_html(page, url)
            incs = incidents.extract_incidents(cleaned.text or "", title=cleaned.title,
                                               published=art.published.isoformat(), url=url)
            work += time.perf_counter() - t
            work_cpu += time.process_time() - c
            found += len(incs)
            done += 1
            if index:
                batch.append(({"article_id": article_id(url), "url": url, "canonical_url": url,
                               "feed_id": "bench", "source": "Bench Wire",
                               "domain": "127.0.0.1", "title": cleaned.title,
                               "text": cleaned.text, "language": "en",
                               "published": art.published.isoformat(),
                               "word_count": art.words}, [i.to_dict() for i in incs]))
                if len(batch) == 200 or done == n:
                    t = time.perf_counter()
                    index_articles(client, settings, batch)
                    idx_s += time.perf_counter() - t
                    batch = []
            if work + idx_s > budget_s:
                break
        if index and batch:
            t = time.perf_counter()
            index_articles(client, settings, batch)
            idx_s += time.perf_counter() - t
    finally:
        if client is not None:
            delete_prefix(client, prefix)
            client.close()
    return {"kind": "articles", "size": n, "measured": done, "work_s": work, "index_s": idx_s,
            "cpu_s": work_cpu, "incidents": found,
            "rss_base_mb": base_rss, "peak_rss_mb": rss_mb()}


def _feed_folder(root: Path, feeds: int, per_feed: int = 20) -> None:
    from corpus import make_article, rss

    pool = [make_article(i) for i in range(50)]
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    for f in range(feeds):
        items = [(pool[(f + k) % 50].title, f"{{{{BASE_URL}}}}/articles/{f}-{k}.html",
                  pool[(f + k) % 50].summary, pool[(f + k) % 50].published, "Staff")
                 for k in range(per_feed)]
        (root / "feeds" / f"f{f}.xml").write_text(rss(f"Feed {f}", items), "utf-8")


def work_feeds(n: int, workers: int) -> dict:
    """Poll n local feeds once (no stored state, so every one is downloaded and parsed)."""
    from ingest.config import Settings
    from ingest.feeds import poll_feeds
    from ingest.feedspec import FeedSpec

    with tempfile.TemporaryDirectory(prefix="nwbench-feeds-") as tmp:
        _feed_folder(Path(tmp), n)
        with served(Path(tmp)) as base:
            settings = Settings.from_env(node_env(), allow_private_hosts=("127.0.0.1",))
            specs = [FeedSpec(id=f"feed-{f}", name=f"Feed {f}", url=f"{base}/feeds/f{f}.xml",
                              language="en") for f in range(n)]
            base_rss = current_rss_mb()
            cpu0 = time.process_time()
            t = time.perf_counter()
            results = poll_feeds(specs, {}, settings, workers=workers)
            wall = time.perf_counter() - t
    return {"kind": "feeds", "size": n, "measured": n, "work_s": wall, "index_s": 0.0,
            "cpu_s": time.process_time() - cpu0,
            "ok": sum(r.status == "ok" for r in results),
            "entries": sum(len(r.entries) for r in results),
            "rss_base_mb": base_rss, "peak_rss_mb": rss_mb()}


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], cwd=REPO,
                         capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"worker {args} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _finish(rows: list[dict]) -> list[dict]:
    """Per-item cost, growth against the previous size, extrapolation where stopped early."""
    prev = None
    for r in rows:
        per_item = r["work_s"] / r["measured"]  # indexing is reported on its own
        r["extrapolated"] = r["measured"] < r["size"]
        r["time_s"] = per_item * r["size"]
        r["ms_per_item"] = per_item * 1000
        r["cpu_ms_per_item"] = r["cpu_s"] * 1000 / r["measured"]
        r["memory_growth_mb"] = r["peak_rss_mb"] - r["rss_base_mb"]
        if prev is not None:
            r["size_ratio"] = r["size"] / prev["size"]
            r["time_ratio"] = r["time_s"] / prev["time_s"]
            r["per_item_ratio"] = r["ms_per_item"] / prev["ms_per_item"]
        prev = r
    return rows


def knee(rows: list[dict], key: str = "ms_per_item") -> str:
    """Where the cost per item (`key`) first rises by more than 25% over the smallest size."""
    what = "CPU time" if key.startswith("cpu") else "wall time"
    if len(rows) < 2:
        return "one size only: no growth measured"
    first = rows[0][key]
    for r in rows[1:]:
        if r[key] > 1.25 * first:
            return f"knee at {r['size']:,}: {r[key] / first:.2f}x the {what} per item"
    low = min(r[key] for r in rows) / first
    high = max(r[key] for r in rows) / first
    return (f"no knee up to {rows[-1]['size']:,}: linear or better ({what} per item "
            f"{low:.2f}x-{high:.2f}x that of the smallest size)")


def _print(title: str, rows: list[dict], unit: str, key: str) -> None:
    print(f"\n{title}")
    print(table(
        ["size", "time s", f"ms/{unit}", f"CPU ms/{unit}", "x time vs prev", "peak RSS MB",
         "growth MB", "note"],
        [[f"{r['size']:,}", f"{r['time_s']:.1f}", f"{r['ms_per_item']:.2f}",
          f"{r['cpu_ms_per_item']:.2f}",
          f"{r['time_ratio']:.2f} (size x{r['size_ratio']:.0f})" if "time_ratio" in r else "-",
          f"{r['peak_rss_mb']:.0f}", f"{r['memory_growth_mb']:.0f}",
          (f"extrapolated from {r['measured']:,} measured" if r["extrapolated"] else "measured")
          + (f"; + bulk index {r['index_s']:.1f} s ("
             f"{r['measured'] / r['index_s']:,.0f} articles/s)" if r["index_s"] else "")]
         for r in rows]))
    print(knee(rows, key))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", default="1000,10000,50000")
    ap.add_argument("--feeds", default="100,1000,5000")
    ap.add_argument("--quick", action="store_true", help="the smallest size of each only")
    ap.add_argument("--index-max", type=int, default=10000,
                    help="also bulk index sizes up to this many articles")
    ap.add_argument("--budget-s", type=float, default=600.0,
                    help="work seconds per size before extrapolating the rest")
    ap.add_argument("--workers", type=int, default=16, help="feeds polled at once")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        kind, n = a.worker[0], int(a.worker[1])
        if kind == "articles":
            res = work_articles(n, float(a.worker[2]), a.worker[3] == "1", int(a.worker[4]))
        else:
            res = work_feeds(n, int(a.worker[2]))
        print(json.dumps(res))
        return 0
    article_sizes = [int(x) for x in a.articles.split(",") if x]
    feed_sizes = [int(x) for x in a.feeds.split(",") if x]
    if a.quick:
        article_sizes, feed_sizes = article_sizes[:1], feed_sizes[:1]
    started = time.perf_counter()
    arts = _finish([_child(["articles", str(n), str(a.budget_s),
                            "1" if n <= a.index_max else "0", str(a.seed)])
                    for n in article_sizes])
    _print("articles through clean + extract (+ bulk index where noted), one process:",
           arts, "article", ARTICLE_KEY)
    feeds = _finish([_child(["feeds", str(n), str(a.workers)]) for n in feed_sizes])
    _print(f"feeds polled from the local server ({a.workers} at once, 20 items each):",
           feeds, "feed", "ms_per_item")
    result = {"articles": arts, "feeds": feeds, "article_knee": knee(arts, ARTICLE_KEY),
              "feed_knee": knee(feeds), "run_s": round(time.perf_counter() - started, 1)}
    name = "bench_scaling_quick" if a.quick else "bench_scaling"
    print(f"\nwrote {write_results(name, result, a.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
