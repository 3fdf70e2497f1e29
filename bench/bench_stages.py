"""Cost of each pipeline stage on one corpus, the whole pipeline, the floor and the peer.

    .venv/bin/python bench/bench_stages.py [--pages 400] [--quick] [--profile]

A generated corpus (bench/corpus.py) plus the shared HTML pages is served over loopback from
a separate process. Each stage runs over the same articles in turn: feed parse, fetch (local),
clean, incident extraction, bulk index (a throw-away index prefix, deleted afterwards); then
the whole pipeline (`run_once` over the corpus feeds, into a second throw-away prefix). The
floor is trafilatura.extract() alone on the same pages already in memory; the peer is
newspaper4k's download + parse of the same URLs (not its nlp(), which needs NLTK data). CPU
ms/article is this process's CPU time (time.process_time), so the server's work is not counted.
Each stage runs --repeat times (default 3; the peer twice, bulk index once) and the fastest run
is kept: other work on a shared machine only ever adds time.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from harness import (  # noqa: E402
    REPO,
    best_of,
    delete_prefix,
    profile_top,
    rss_mb,
    served,
    table,
    timed,
    write_results,
)

LOAD_SNIPPET = """
import resource, time
t = time.perf_counter()
from extract import incidents
t_import = time.perf_counter() - t
incidents.load()
total = time.perf_counter() - t
t = time.perf_counter()
import trafilatura, extract.clean
t_clean = time.perf_counter() - t
print(t_import, total, t_clean, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def load_times() -> dict:
    """Gazetteer + dictionaries load time, measured in a fresh interpreter (nothing cached)."""
    out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], cwd=REPO, capture_output=True,
                         text=True, timeout=300, check=True).stdout.split()
    imp, total, clean, rss = map(float, out)
    return {"import_s": round(imp, 3), "import_and_load_s": round(total, 3),
            "trafilatura_import_s": round(clean, 3), "rss_after_load_mb": round(rss)}


def _row(name: str, items: int, t, note: str = "") -> dict:
    return {"stage": name, "items": items, "wall_s": round(t.wall_s, 3),
            "per_s": round(items / t.wall_s, 1) if t.wall_s else None,
            "cpu_ms_per_item": round(t.cpu_s * 1000 / items, 2) if items else None,
            "note": note}


def run(pages: int, *, seed: int = 7, peer: bool = True, profile: bool = False,
        workdir: Path | None = None, repeat: int = 3) -> dict:
    from corpus import generate

    from extract.clean import clean_html
    from extract.incidents import extract_incidents
    from ingest import schema
    from ingest.config import Settings
    from ingest.es import connect
    from ingest.feeds import parse_feed
    from ingest.feedspec import load_feeds
    from ingest.fetch import fetch_articles
    from ingest.index import index_articles
    from ingest.pipeline import article_document, ingest_feed, run_once, summarise

    load = load_times()
    from extract import incidents
    incidents.load()  # its cost is the load figure above, not the first article's
    tmp = tempfile.TemporaryDirectory(prefix="nwbench-") if workdir is None else None
    root = Path(tmp.name) if tmp else workdir
    corpus = generate(root / "corpus", pages, seed=seed)
    run_id = uuid.uuid4().hex[:8]
    stage_prefix, e2e_prefix = f"nwbench-{run_id}-s", f"nwbench-{run_id}-e"
    rows: list[dict] = []
    profiles: dict[str, list[dict]] = {}
    result: dict = {"corpus": {"generated_pages": len(corpus.pages),
                               "shared_pages": len(corpus.shared_pages),
                               "feeds": len(corpus.feeds), "words": corpus.words,
                               "incidents_written": corpus.incidents, "seed": seed},
                    "load": load}
    with served(corpus.root) as base:
        feeds_file = root / "feeds.rendered.yaml"
        feeds_file.write_text(corpus.feeds_file.read_text("utf-8").replace(
            "{{BASE_URL}}", base), "utf-8")
        settings = Settings.from_env(
            {}, index_prefix=stage_prefix, feeds_file=feeds_file,
            allow_private_hosts=("127.0.0.1",), per_host_delay_s=0.0, per_host_concurrency=8,
            feed_workers=4, dead_letter_dir=root / "dead-letter")
        specs = load_feeds(feeds_file)
        client = connect(settings, request_timeout=120)
        try:
            # feed parse: bytes downloaded first, only the parsing is timed
            bodies = [(spec, httpx.get(spec.url).content) for spec in specs]
            parse_feed(bodies[0][1], specs[0].id, base_url=specs[0].url)  # warm-up
            entries, t = best_of(lambda: [
                e for spec, data in bodies
                for e in parse_feed(data, spec.id, base_url=spec.url).entries], repeat)
            rows.append(_row("feed parse", len(entries), t, f"{len(specs)} RSS feeds"))
            spec_of = {spec.id: spec for spec in specs}

            fetches, t = best_of(lambda: fetch_articles([e.link for e in entries], settings),
                                 repeat)
            ok = [(e, f) for e, f in zip(entries, fetches, strict=True) if f.ok]
            rows.append(_row("fetch (local)", len(entries), t,
                             f"{len(ok)} ok, 8 at once, no delay"))

            clean_html(ok[0][1].content, ok[0][1].final_url)  # warm-up
            def clean_all():
                return [(e, f, clean_html(f.content, f.final_url, declared_charset=f.charset))
                        for e, f in ok]
            cleaned, t = best_of(clean_all, repeat)
            cleaned = [(e, f, c) for e, f, c in cleaned if c.ok]
            rows.append(_row("clean (trafilatura + ours)", len(ok), t,
                             f"{len(cleaned)} kept"))

            def extract_all():
                return [extract_incidents(c.text, title=c.title, published=e.published,
                                          url=f.final_url) for e, f, c in cleaned]
            found, t = best_of(extract_all, repeat)
            n_inc = sum(map(len, found))
            rows.append(_row("incident extraction", len(cleaned), t, f"{n_inc} incidents"))

            now = datetime.now(UTC)
            items = [(article_document(spec_of[e.source], e, f, c, now),
                      [i.to_dict() for i in incs])
                     for (e, f, c), incs in zip(cleaned, found, strict=True)]
            schema.setup(client, settings)
            with timed() as t:
                report = index_articles(client, settings, items)
            rows.append(_row("bulk index", len(items), t,
                             f"{report.articles_indexed} articles + "
                             f"{report.incidents_indexed} incidents, {report.failed} failed"))
            stage_total = sum(r["wall_s"] for r in rows)

            # the whole pipeline, as `newswatch run` does it, into a fresh prefix
            e2e_settings = replace(settings, index_prefix=e2e_prefix)
            outcomes, t = best_of(lambda: run_once(e2e_settings, client=client), repeat,
                                  setup=lambda: delete_prefix(client, e2e_prefix))
            totals = summarise(outcomes)
            rows.append(_row("end to end (run_once)", totals["articles_indexed"], t,
                             f"{totals['feeds']} feeds, {totals['incidents_indexed']} "
                             f"incidents, 4 feeds at once"))
            e2e = t

            # floor: trafilatura.extract alone on the same pages, already in memory
            import trafilatura
            trafilatura.extract(ok[0][1].content, url=ok[0][1].final_url)
            _, t = best_of(lambda: [trafilatura.extract(f.content, url=f.final_url)
                                    for _e, f in ok], repeat)
            rows.append(_row("floor: trafilatura.extract", len(ok), t, "no I/O"))
            floor = t

            peer_t = None
            if peer:
                peer_ok, peer_t = best_of(lambda: _newspaper([f.final_url for _e, f in ok]),
                                          min(repeat, 2))
                rows.append(_row("peer: newspaper4k download+parse", len(ok), peer_t,
                                 f"{peer_ok} with text, sequential"))

            if profile:
                _, profiles["clean"] = profile_top(clean_all)
                _, profiles["incident extraction"] = profile_top(extract_all)
                # run_once's work happens in pool threads, which cProfile does not follow:
                # the profile runs the same per-feed function on this thread, feed by feed
                delete_prefix(client, e2e_prefix)
                schema.setup(client, e2e_settings)
                _, profiles["end to end (ingest_feed per feed, serial)"] = profile_top(
                    lambda: [ingest_feed(e2e_settings, spec.id, client=client, spec=spec)
                             for spec in specs])
                tiny = replace(settings, index_prefix=f"{stage_prefix}p")
                schema.setup(client, tiny)
                _, profiles["bulk index"] = profile_top(index_articles, client, tiny, items)
                _, profiles["fetch (local)"] = profile_top(
                    fetch_articles, [e.link for e in entries], settings)
        finally:
            for prefix in (stage_prefix, e2e_prefix, f"{stage_prefix}p"):
                delete_prefix(client, prefix)
            client.close()
    if tmp:
        tmp.cleanup()
    ratios = {"end_to_end_over_trafilatura": round(e2e.wall_s / floor.wall_s, 2),
              "stages_sum_over_trafilatura": round(stage_total / floor.wall_s, 2)}
    if peer_t is not None:
        clean_fetch = next(r for r in rows if r["stage"] == "fetch (local)")["wall_s"] + \
            next(r for r in rows if r["stage"].startswith("clean"))["wall_s"]
        ratios["newspaper4k_over_end_to_end"] = round(peer_t.wall_s / e2e.wall_s, 2)
        ratios["newspaper4k_over_fetch_plus_clean"] = round(peer_t.wall_s / clean_fetch, 2)
    result.update(stages=rows, ratios=ratios, peak_rss_mb=round(rss_mb()), profiles=profiles)
    return result


def _newspaper(urls: list[str]):
    """newspaper4k's Article.download() + parse() over the URLs, one after another."""
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # offline: uses its snapshot
    from newspaper import Article, Config

    config = Config()
    config.fetch_images = False
    config.request_timeout = 20
    warm = Article(urls[0], config=config)
    warm.download()
    warm.parse()
    with_text = 0
    for url in urls:
        art = Article(url, config=config)
        try:
            art.download()
            art.parse()
        except Exception:  # noqa: BLE001 - the peer's failures only count as "no text"
            continue
        with_text += bool(art.text)
    return with_text


def print_report(result: dict) -> None:
    load = result["load"]
    print(f"corpus: {result['corpus']['generated_pages']} generated pages "
          f"({result['corpus']['words']:,} words) + {result['corpus']['shared_pages']} shared "
          f"pages, {result['corpus']['feeds']} feeds")
    print(f"load (fresh interpreter): extract.incidents import {load['import_s']:.2f} s, "
          f"import + gazetteer/dictionaries {load['import_and_load_s']:.2f} s, "
          f"RSS {load['rss_after_load_mb']} MB; trafilatura import "
          f"{load['trafilatura_import_s']:.2f} s")
    print(table(["stage", "articles", "wall s", "articles/s", "CPU ms/article", "note"],
                [[r["stage"], r["items"], f"{r['wall_s']:.2f}", f"{r['per_s']:,.1f}",
                  f"{r['cpu_ms_per_item']:.2f}", r["note"]] for r in result["stages"]]))
    print(f"peak RSS of this process: {result['peak_rss_mb']} MB")
    for key, value in result["ratios"].items():
        print(f"{key.replace('_', ' ')}: {value}")
    for stage, rows in result.get("profiles", {}).items():
        print(f"\nprofile, {stage} (top by own time):")
        print(table(["function", "calls", "own s", "cumulative s"],
                    [[r["function"][:70], r["calls"], r["own_s"], r["cumulative_s"]]
                     for r in rows]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=400, help="generated pages (%(default)s)")
    ap.add_argument("--quick", action="store_true", help="40 pages, no profile")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-peer", action="store_true", help="skip newspaper4k")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per stage, the fastest kept (the index stage runs once)")
    ap.add_argument("--profile", action="store_true", help="cProfile the slow stages")
    ap.add_argument("--json", type=Path, default=None, help="results file "
                    "(default bench/results/bench_stages.json; --quick: ..._quick.json)")
    a = ap.parse_args(argv)
    pages = 40 if a.quick else a.pages
    started = time.perf_counter()
    result = run(pages, seed=a.seed, peer=not a.no_peer, profile=a.profile and not a.quick,
                 repeat=1 if a.quick else a.repeat)
    result["run_s"] = round(time.perf_counter() - started, 1)
    print_report(result)
    name = "bench_stages_quick" if a.quick else "bench_stages"
    print(f"\nwrote {write_results(name, result, a.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
