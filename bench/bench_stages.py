"""Cost of each pipeline stage on one corpus, the whole pipeline, the floor and the peer.

    .venv/bin/python bench/bench_stages.py [--pages 400] [--quick] [--profile]

A generated corpus (bench/corpus.py) plus the shared HTML pages is served over loopback from
a separate process. Each stage runs over the same articles in turn: feed parse, fetch (local),
clean, incident extraction, bulk index and event merge (a throw-away index prefix, deleted
afterwards); then the whole pipeline (`run_once` over the corpus feeds, into a second
throw-away prefix) twice: cleaning and extracting in its own process (1 process), and in a
pool of --processes worker processes (started and loaded before the timing, as the stages'
gazetteer is), each with its phases (RunPhases: when the last bulk is done, the pass, what
follows it, the merge rounds). The floor is trafilatura.extract() alone on the same pages
already in memory; the peer is newspaper4k's download + parse of the same URLs (not its
nlp(), which needs NLTK data). CPU ms/article is this process's CPU time
(time.process_time) plus, for the pool, its workers' (from /proc), so the server's and
Elasticsearch's work is not counted. Each stage
runs --repeat times (default 3; the peer twice, bulk index and event merge once) and the
fastest run is kept: other work on a shared machine only ever adds time.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
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
    Timing,  # noqa: E402
    best_of,
    delete_prefix,
    node_env,
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


def _workers_cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) the worker processes have used so far, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # gone: its time is lost to this figure
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _best_pooled(func, workers, repeats: int, setup) -> tuple[object, Timing]:
    """best_of for a run whose CPU is partly in worker processes: the fastest run's result,
    wall time and CPU time, this process's plus the workers'."""
    best: Timing | None = None
    result = None
    for _ in range(max(1, repeats)):
        setup()
        before = _workers_cpu_s(workers.pids())
        with timed() as t:
            got = func()
        t.cpu_s += _workers_cpu_s(workers.pids()) - before
        if best is None or t.wall_s < best.wall_s:
            best, result = t, got
    assert best is not None
    return result, best


class RunPhases:
    """Where a `run_once` spends its time, watched from outside: when its last bulk is done
    and its pass (ingest_feeds) ends, and each event merge round (reconcile): when it starts
    and ends, in which thread, and that thread's CPU. Tells a merge that waits after the pass
    from one beside it."""

    def __init__(self) -> None:
        self.start = self.pass_end = self.last_bulk_end = 0.0
        self.rounds: list[tuple[float, float, float, str]] = []  # start, end, CPU s, thread

    @contextlib.contextmanager
    def watching(self):
        from ingest import event_store, index, pipeline

        ingest, reconcile, bulk = pipeline.ingest_feeds, event_store.reconcile, \
            index.index_articles

        def bulk_timed(*args, **kwargs):
            try:
                return bulk(*args, **kwargs)
            finally:
                self.last_bulk_end = time.perf_counter()

        def ingest_timed(*args, **kwargs):
            try:
                return ingest(*args, **kwargs)
            finally:
                self.pass_end = time.perf_counter()

        def reconcile_timed(*args, **kwargs):
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return reconcile(*args, **kwargs)
            finally:
                self.rounds.append((start, time.perf_counter(), time.thread_time() - cpu,
                                    threading.current_thread().name))

        pipeline.ingest_feeds, event_store.reconcile = ingest_timed, reconcile_timed
        index.index_articles = bulk_timed
        try:
            yield self
        finally:
            pipeline.ingest_feeds, event_store.reconcile = ingest, reconcile
            index.index_articles = bulk

    def run(self, func):
        """func() (a run_once), its phases reset and recorded; (its result, the phases)."""
        self.rounds = []
        self.start = self.last_bulk_end = time.perf_counter()
        result = func()
        end = time.perf_counter()
        return result, self.summary(end)

    def summary(self, end: float) -> dict:
        beside = [r for r in self.rounds if r[0] < self.last_bulk_end]
        return {
            "pass_s": round(self.pass_end - self.start, 3),
            "last_bulk_done_s": round(self.last_bulk_end - self.start, 3),
            "after_pass_s": round(end - self.pass_end, 3),
            "merge_rounds": len(self.rounds),
            "merge_rounds_before_last_bulk": len(beside),
            "merge_s": round(sum(r[1] - r[0] for r in self.rounds), 3),
            "merge_after_pass_s": round(sum(r[1] - max(r[0], self.pass_end)
                                            for r in self.rounds if r[1] > self.pass_end), 3),
            "merge_thread_cpu_s": round(sum(r[2] for r in self.rounds), 3),
            "merge_threads": sorted({r[3] for r in self.rounds})}


def run(pages: int, *, seed: int = 7, peer: bool = True, profile: bool = False,
        workdir: Path | None = None, repeat: int = 3, processes: int = 2) -> dict:
    from corpus import generate

    from extract.clean import clean_html
    from extract.fingerprint import fingerprint
    from extract.incidents import extract_incidents
    from ingest import claims, schema
    from ingest.config import Settings
    from ingest.es import connect
    from ingest.event_store import reconcile
    from ingest.feeds import parse_feed
    from ingest.feedspec import load_feeds
    from ingest.fetch import fetch_articles
    from ingest.index import index_articles
    from ingest.pipeline import article_document, ingest_feeds, run_once, summarise
    from ingest.workers import Workers

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
            node_env(), index_prefix=stage_prefix, feeds_file=feeds_file,
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

            def extract_all():  # with the fingerprint the worker takes beside extraction
                return [(extract_incidents(c.text, title=c.title, published=e.published,
                                           url=f.final_url), fingerprint(c.text))
                        for e, f, c in cleaned]
            extracted, t = best_of(extract_all, repeat)
            found = [incs for incs, _ in extracted]
            n_inc = sum(map(len, found))
            rows.append(_row("incident extraction", len(cleaned), t,
                             f"{n_inc} incidents; and the text's fingerprint"))

            now = datetime.now(UTC)
            items = [(replace(article_document(spec_of[e.source], e, f, c, now),
                              simhash_bands=fp.bands if fp else ()),
                      [i.to_dict() for i in incs])
                     for (e, f, c), (incs, fp) in zip(cleaned, extracted, strict=True)]
            schema.setup(client, settings)
            with timed() as t:
                report = index_articles(client, settings, items)
            rows.append(_row("bulk index", len(items), t,
                             f"{report.articles_indexed} articles + "
                             f"{report.incidents_indexed} incidents, {report.failed} failed"))
            with timed() as t:
                merged = reconcile(client, settings)
            rows.append(_row("event merge", len(items), t,
                             f"{merged.events_created} events from "
                             f"{merged.incidents_assigned} incidents"))
            stage_total = sum(r["wall_s"] for r in rows)
            stage_cpu_ms = sum(r["cpu_ms_per_item"] for r in rows)
            merge_cpu_ms = rows[-1]["cpu_ms_per_item"]

            # the whole pipeline, as `newswatch run` does it, into a fresh prefix: cleaning
            # in its own process, then in a pool of worker processes
            e2e_settings = replace(settings, index_prefix=e2e_prefix)
            e2e_rows: dict[int, dict] = {}
            pass_rows: dict[int, dict] = {}
            e2e_specs = {spec.id: spec for spec in specs}

            def fresh_prefix() -> None:
                delete_prefix(client, e2e_prefix)
                # the claims index went with the prefix: forget that this process made it, or
                # the next run writes claims into an index made with default mappings
                claims._READY.discard((e2e_settings.es_url, claims.claims_index(e2e_settings)))
                schema.setup(client, e2e_settings)

            phases: dict[str, dict] = {}
            for count in (1, processes):
                label = "1 process" if count == 1 else f"{count} processes (pool)"
                with Workers(count, seeds_dir=settings.seeds_dir,
                             cache_dir=settings.cache_dir).start() as workers, \
                        RunPhases().watching() as watch:
                    (outcomes, phases[label]), t = _best_pooled(
                        lambda w=workers, watch=watch: watch.run(
                            lambda: run_once(e2e_settings, client=client, workers=w)),
                        workers, repeat, setup=fresh_prefix)  # indices made untimed, as above
                    totals = summarise(outcomes)
                    e2e_rows[count] = _row(
                        f"end to end, {label}", totals["articles_indexed"], t,
                        f"{totals['feeds']} feeds, {totals['incidents_indexed']} incidents")
                    # the pass alone: run_once without its schema check and event merge
                    outcomes, t = _best_pooled(
                        lambda w=workers: ingest_feeds(e2e_settings, e2e_specs, client=client,
                                                       workers=w),
                        workers, repeat, setup=fresh_prefix)
                    pass_rows[count] = _row(
                        f"the pass alone, {label}", summarise(outcomes)["articles_indexed"], t,
                        "poll .. index, feed state; no event merge")
            rows.extend([e2e_rows[1], e2e_rows[processes], pass_rows[1], pass_rows[processes]])
            e2e_one, e2e_many = e2e_rows[1], e2e_rows[processes]

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
                # the pass in this process (cProfile does not follow worker processes)
                delete_prefix(client, e2e_prefix)
                schema.setup(client, e2e_settings)
                _, profiles["end to end (ingest_feeds, 1 process)"] = profile_top(
                    lambda: ingest_feeds(e2e_settings, {spec.id: spec for spec in specs},
                                         client=client))
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
    ratios = {
        "end_to_end_cpu_over_stages_cpu": round(e2e_many["cpu_ms_per_item"] / stage_cpu_ms, 2),
        "end_to_end_cpu_over_stages_cpu_1_process": round(
            e2e_one["cpu_ms_per_item"] / stage_cpu_ms, 2),
        f"articles_per_s_{processes}_processes_over_1": round(
            e2e_many["per_s"] / e2e_one["per_s"], 2),
        f"articles_per_s_{processes}_processes_over_1_pass_alone": round(
            pass_rows[processes]["per_s"] / pass_rows[1]["per_s"], 2),
        "pass_alone_cpu_over_stages_cpu_without_event_merge": round(
            pass_rows[processes]["cpu_ms_per_item"] / (stage_cpu_ms - merge_cpu_ms), 2),
        "end_to_end_over_trafilatura": round(e2e_many["wall_s"] / floor.wall_s, 2),
        "stages_sum_over_trafilatura": round(stage_total / floor.wall_s, 2)}
    if peer_t is not None:
        clean_fetch = next(r for r in rows if r["stage"] == "fetch (local)")["wall_s"] + \
            next(r for r in rows if r["stage"].startswith("clean"))["wall_s"]
        ratios["newspaper4k_over_end_to_end"] = round(peer_t.wall_s / e2e_many["wall_s"], 2)
        ratios["newspaper4k_over_fetch_plus_clean"] = round(peer_t.wall_s / clean_fetch, 2)
    result.update(stages=rows, ratios=ratios, end_to_end_phases=phases,
                  peak_rss_mb=round(rss_mb()), profiles=profiles)
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
    for label, ph in result.get("end_to_end_phases", {}).items():
        print(f"end to end, {label} (fastest run): last bulk done at "
              f"{ph['last_bulk_done_s']:.2f} s, pass {ph['pass_s']:.2f} s, then "
              f"{ph['after_pass_s']:.2f} s; {ph['merge_rounds']} merge round(s), "
              f"{ph['merge_rounds_before_last_bulk']} started before the last bulk, "
              f"{ph['merge_s']:.2f} s in all ({ph['merge_after_pass_s']:.2f} s after the "
              f"pass), merge thread CPU {ph['merge_thread_cpu_s']:.2f} s")
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
    ap.add_argument("--processes", type=int, default=2,
                    help="worker processes of the pooled end-to-end run (%(default)s)")
    ap.add_argument("--json", type=Path, default=None, help="results file "
                    "(default bench/results/bench_stages.json; --quick: ..._quick.json)")
    a = ap.parse_args(argv)
    pages = 40 if a.quick else a.pages
    started = time.perf_counter()
    result = run(pages, seed=a.seed, peer=not a.no_peer, profile=a.profile and not a.quick,
                 repeat=1 if a.quick else a.repeat, processes=max(2, a.processes))
    result["run_s"] = round(time.perf_counter() - started, 1)
    print_report(result)
    name = "bench_stages_quick" if a.quick else "bench_stages"
    print(f"\nwrote {write_results(name, result, a.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
