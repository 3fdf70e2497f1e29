"""Published-to-searchable latency through Airflow itself: the ingest DAG on `@continuous`.

    .venv/bin/python bench/bench_freshness_airflow.py [--minutes 3] [--interval 5] [--quick]

The same steady publisher as bench_freshness.py (one new article every --interval seconds on
a loopback feed), but the pipeline is the real `newswatch_ingest` DAG scheduled by
`airflow standalone` (scheduler, dag-processor, triggerer, api-server; SQLite metadata in a
temporary AIRFLOW_HOME) with NEWSWATCH_SCHEDULE=@continuous, so the figures include Airflow's
own scheduling and task start-up. A watcher searches the live articles alias every 0.5 s;
searchable = the first search that finds the item. The stored `ingest_lag_s` (indexed minus
published) is reported too. Needs ports --api-port, 8793 and 8794 free on loopback.
"""

from __future__ import annotations

import argparse
import http.server
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_freshness import Publisher, _handler, _pct  # noqa: E402
from harness import REPO, delete_prefix, table, write_results  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def _airflow_env(home: Path, feeds_file: Path, prefix: str, es_url: str, api_port: int) -> dict:
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",  # standalone starts `airflow ...`
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW_CONN_NEWSWATCH_ES": es_url,
        "NEWSWATCH_SCHEDULE": "@continuous",
        "NEWSWATCH_FEEDS": str(feeds_file),
        "NEWSWATCH_INDEX_PREFIX": prefix,
        "NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "NEWSWATCH_PER_HOST_DELAY": "0.05",
        "NEWSWATCH_DEAD_LETTER_DIR": str(home / "dead-letter"),
    }


def _airflow(env: dict, *args: str) -> str:
    done = subprocess.run([str(VENV_BIN / "airflow"), *args], env=env, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"airflow {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _stop(proc: subprocess.Popen) -> None:
    """End standalone and every process it started (they share its process group)."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            time.sleep(2)  # workers exit after their parent
        except subprocess.TimeoutExpired:
            continue


def run(minutes: float, interval_s: float, api_port: int, settle_s: float = 120.0) -> dict:
    from ingest.config import Settings
    from ingest.es import connect

    count = max(1, int(minutes * 60 / interval_s))
    home = Path(tempfile.mkdtemp(prefix="nwbench-airflow-"))
    prefix = f"nwbench-{uuid.uuid4().hex[:8]}-af"
    settings = Settings.from_env(index_prefix=prefix)
    client = connect(settings, request_timeout=60)
    feeds_file = home / "feeds.yaml"
    env = _airflow_env(home, feeds_file, prefix, settings.es_url, api_port)
    print("preparing Airflow (db migrate, pool) ...", file=sys.stderr, flush=True)
    _airflow(env, "db", "migrate")
    _airflow(env, "pools", "set", "newswatch_http", "8", "benchmark")

    pub = Publisher(1, interval_s, count)
    pub.start = time.time() + 10 * 24 * 3600  # nothing visible until the DAG is running
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(pub))
    server.daemon_threads = True
    pub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    feeds_file.write_text(f'feeds:\n  - id: live-0\n    name: Live 0\n    url: '
                          f'"{pub.base_url}/feeds/0.xml"\n    language: en\n', "utf-8")
    threading.Thread(target=server.serve_forever, daemon=True).start()

    standalone = subprocess.Popen([str(VENV_BIN / "airflow"), "standalone"], env=env,
                                  stdout=open(home / "standalone.log", "wb"),
                                  stderr=subprocess.STDOUT, start_new_session=True)
    # Publishing starts once the DAG has indexes to write into (its first run made them).
    deadline = time.time() + 180
    while not client.indices.exists_alias(name=settings.index("articles")):
        if time.time() > deadline or standalone.poll() is not None:
            _stop(standalone)
            raise SystemExit(f"the DAG never set up its indices; see {home / 'standalone.log'}")
        time.sleep(1)
    pub.start = float(math.ceil(time.time()) + 1)  # whole seconds, as RSS dates are
    print(f"publishing {count} items, one every {interval_s} s; the DAG runs @continuous",
          file=sys.stderr, flush=True)

    found: dict[int, float] = {}
    lags: dict[int, float] = {}
    url_of = {pub.url(k): k for k in range(count)}
    try:
        end = pub.published_at(count - 1) + settle_s
        while time.time() < end and len(found) < count:
            pending = [pub.url(k) for k in range(pub.visible()) if k not in found]
            if pending:
                hits = client.search(index=settings.index("articles"), size=len(pending),
                                     query={"terms": {"url": pending}},
                                     source=["url", "ingest_lag_s"])["hits"]["hits"]
                seen = time.time()
                for hit in hits:
                    k = url_of[hit["_source"]["url"]]
                    found.setdefault(k, seen)
                    if hit["_source"].get("ingest_lag_s") is not None:
                        lags[k] = hit["_source"]["ingest_lag_s"]
            time.sleep(0.5)
        listed = _airflow(env, "dags", "list-runs", "newswatch_ingest", "-o", "json")
        runs = json.loads(next(line for line in listed.splitlines() if line.startswith("[")))
    finally:
        _stop(standalone)
        server.shutdown()
        server.server_close()
        delete_prefix(client, prefix)
        client.close()

    durations = [_seconds(r["end_date"]) - _seconds(r["start_date"]) for r in runs
                 if r.get("end_date") and r.get("start_date")]
    searchable = [found[k] - pub.published_at(k) for k in sorted(found)]

    def stats(values: list[float]) -> dict:
        return {"p50_s": _pct(values, .5), "p95_s": _pct(values, .95),
                "max_s": max(values) if values else None,
                "mean_s": statistics.fmean(values) if values else None}

    return {"settings": {"minutes": minutes, "interval_s": interval_s, "feeds": 1,
                         "schedule": "@continuous", "executor": "airflow standalone"},
            "published": count, "searchable": len(found), "missing": count - len(found),
            "published_to_searchable": stats(searchable),
            "ingest_lag_s": stats(list(lags.values())),
            "dag_runs": len(runs),
            "dag_runs_succeeded": sum(r.get("state") == "success" for r in runs),
            "dag_run_p50_s": _pct(durations, .5), "airflow_home": str(home)}


def _seconds(stamp: str) -> float:
    from ingest.times import parse_iso

    moment = parse_iso(stamp)
    return moment.timestamp() if moment else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between new items")
    ap.add_argument("--api-port", type=int, default=8792)
    ap.add_argument("--quick", action="store_true", help="half a minute, one item every 5 s")
    a = ap.parse_args(argv)
    minutes = 0.5 if a.quick else a.minutes
    r = run(minutes, a.interval, a.api_port)

    def fmt(v):
        return "-" if v is None else f"{v:.1f}"
    print(f"{r['published']} items, one every {a.interval} s; {r['searchable']} searchable, "
          f"{r['missing']} missing; {r['dag_runs']} DAG runs ({r['dag_runs_succeeded']} "
          f"succeeded, median {fmt(r['dag_run_p50_s'])} s)")
    print(table(["latency (s)", "p50", "p95", "max", "mean"],
                [[name, *(fmt(r[key][k]) for k in ("p50_s", "p95_s", "max_s", "mean_s"))]
                 for name, key in (("published -> searchable", "published_to_searchable"),
                                   ("ingest_lag_s (stored)", "ingest_lag_s"))]))
    name = "bench_freshness_airflow_quick" if a.quick else "bench_freshness_airflow"
    print(f"\nwrote {write_results(name, r)}")
    return 0 if r["searchable"] == r["published"] else 1


if __name__ == "__main__":
    sys.exit(main())
