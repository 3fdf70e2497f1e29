"""Sizing: the same generated corpus through `newswatch run`, the ingest DAG's work without
Airflow, the ingest DAG on LocalExecutor and on the local Celery cluster; throughput, CPU,
Airflow's overhead, index size.

    .venv/bin/python bench/bench_sizing.py [--articles 5000] [--per-feed 10] [--again]
                                           [--modes run,batches,local,celery] [--quick]

The corpus (bench/corpus.py: 300-2,000-word pages in site boilerplate, 0-3 incidents each) is
served over loopback from its own process; --per-feed articles per feed (5,000 / 10 = 500
feeds). Every mode ingests it from scratch into its own index prefix; the DAG modes and
`batches` in batches of NEWSWATCH_FEEDS_PER_TASK feeds:

* run: `newswatch run` in a subprocess (4 feeds at a time); its CPU is the child's rusage.
* batches: the DAG's task bodies without Airflow, each in a fresh process as a task is:
  set-up, one process per batch (4 at a time, the executors' slots), one event merge.
* local: `airflow standalone` (LocalExecutor, SQLite, parallelism 4) in a temporary
  AIRFLOW_HOME; one manual run of `newswatch_ingest`, triggered through the REST API.
* celery: the stack of scripts/cluster.sh (CeleryExecutor, 2 workers x 2 slots, PostgreSQL,
  Redis, three Elasticsearch nodes), started with this benchmark's settings when it is not
  running (and stopped again); one manual run.

--again runs each mode a second time on the same indices: every feed polled, nothing new
(the steady state of a frequent schedule), reported per feed.

When the celery mode is asked for, every mode writes to the cluster's Elasticsearch (replicas
1), so the modes differ only in what runs the pipeline and the nodes' CPU is ours alone.
The CPU of an Airflow mode is that of every process of its stack (the process trees, reaped
children included) from trigger to end of run, by component (scheduler, api-server, ...;
`name+children` is what that process started: the scheduler's executor workers and task
processes, a Celery worker's pool and task processes). A sampler reads each task process
(`airflow worker -- <ti id>`) every 0.2 s, so the task processes' CPU is told apart from
Airflow's machinery ("outside tasks"). Airflow's overhead per task is the stack's CPU minus
the CPU `newswatch run` spent on the same articles, divided by the run's task instances.
The REST API gives each feed task's duration and the executor's latency (queued to
running). Index size: primary store of the articles, incidents and events indices, per 1,000
articles indexed (no force-merge: segments as a live index has them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import REPO, delete_prefix, served, table, write_results  # noqa: E402

from tests.support.airflow_api import AirflowAPI  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CLUSTER_SH = REPO / "scripts" / "cluster.sh"
CLUSTER_DIR = Path(os.environ.get("NEWSWATCH_CACHE", REPO / ".cache")) / "cluster"
CLUSTER_FEEDS = CLUSTER_DIR / "sizing-feeds.yaml"
CLUSTER_PREFIX = "nwsizing-celery"
MODES = ("run", "batches", "local", "celery")
COUNT_ES_NODES = False  # set when the modes write to the cluster's nodes, whose CPU is ours
AGAIN = False  # --again: each mode runs a second time, every feed polled with nothing new
# one host serves every page here; real feeds spread over many hosts
PIPELINE_ENV = {"NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1", "NEWSWATCH_PER_HOST_DELAY": "0",
                "NEWSWATCH_PER_HOST_CONCURRENCY": "16"}


# --- measuring -----------------------------------------------------------------------------

def tree_cpu_s(pids: Iterable[int], seen: set[int] | None = None) -> float:
    """CPU seconds of these processes and all their descendants, reaped children included
    (a process already in `seen` is not counted again)."""
    import psutil

    seen = set() if seen is None else seen
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for proc in procs:
            if proc.pid in seen:
                continue
            seen.add(proc.pid)
            try:
                t = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system + t.children_user + t.children_system
    return total


def cpu_by_component(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each named process: `name` its own, `name+children` what it started
    (live descendants and reaped ones: a scheduler's executor workers and task processes, a
    Celery worker's pool and task processes). A process under two named roots counts for the
    first one listed (so list children before their parent)."""
    import psutil

    seen: set[int] = set()
    out: dict[str, float] = {}
    for name, pid in roots.items():
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        seen.add(pid)
        out[name] = t.user + t.system
        out[f"{name}+children"] = (t.children_user + t.children_system
                                   + tree_cpu_s(_children(pid), seen))
    return out


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


class TaskProcessSampler(threading.Thread):
    """Samples the stack's process trees every `interval` s and keeps the last CPU seen of
    each Airflow task process (`airflow worker -- <ti id>`, forked by the task's supervisor:
    the DAG file parsed again, the task's imports, its work) and, under Celery, each
    supervisor (`airflow supervisor: <ti id>`: heartbeats, log and API traffic of one task
    instance; the LocalExecutor's workers supervise in their own long-lived processes). A
    process's last interval before it exits is not seen: a slight underestimate."""

    TITLES = (("task", re.compile(r"airflow worker -- ([0-9a-f-]{36})$")),
              ("supervisor", re.compile(r"airflow supervisor: ([0-9a-f-]{36})$")))

    def __init__(self, components, interval: float = 0.2) -> None:
        super().__init__(daemon=True, name="task-process-sampler")
        self.components, self.interval = components, interval
        self.seen: dict[int, tuple[str, str, float]] = {}   # pid -> (role, ti id, CPU s)
        self.halt = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.halt.wait(self.interval):
            for pid in self.components().values():
                try:
                    procs = psutil.Process(pid).children(recursive=True)
                except psutil.NoSuchProcess:
                    continue
                for proc in procs:
                    try:
                        title = " ".join(proc.cmdline()).strip()
                        t = proc.cpu_times()
                    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                        continue
                    for role, pattern in self.TITLES:
                        if match := pattern.match(title):
                            # a supervisor's reaped children are its task process: own CPU only
                            cpu = t.user + t.system + (
                                t.children_user + t.children_system if role == "task" else 0)
                            self.seen[proc.pid] = (role, match.group(1), cpu)

    def by_task(self, tis: list[dict]) -> dict[str, dict[str, float]]:
        """CPU seconds of task processes and supervisors, summed by task id; and how many."""
        names = {t.get("id"): t["task_id"] for t in tis}
        out: dict[str, dict[str, float]] = {}
        for role, ti_id, cpu in self.seen.values():
            row = out.setdefault(names.get(ti_id, "other"), {"task": 0.0, "supervisor": 0.0,
                                                              "instances": 0})
            row[role] += cpu
            row["instances"] += role == "task"
        return dict(sorted(out.items()))


def index_bytes(client, prefix: str) -> int:
    """Primary store size of the articles, incidents and events indices under `prefix`."""
    names = [f"{prefix}-{kind}" for kind in ("articles", "incidents", "events")]
    client.indices.refresh(index=names, ignore_unavailable=True)
    client.indices.flush(index=names, ignore_unavailable=True)
    stats = client.indices.stats(index=names, metric="store")
    return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])


def article_count(client, prefix: str) -> int:
    client.indices.refresh(index=f"{prefix}-articles")
    return int(client.count(index=f"{prefix}-articles")["count"])


def es_node_pids() -> list[int]:
    """PIDs of the cluster's Elasticsearch nodes (scripts/elasticsearch.sh's PID files), when
    the benchmark writes to the cluster (the celery mode asked for); else none."""
    if not COUNT_ES_NODES:
        return []
    ports = os.environ.get("NEWSWATCH_CLUSTER_ES_PORTS", "9210 9211 9212").split()
    es_runs = CLUSTER_DIR.parent / "es"
    return [int((es_runs / f"run-{p}" / "elasticsearch.pid").read_text()) for p in ports
            if (es_runs / f"run-{p}" / "elasticsearch.pid").exists()]


# --- Airflow through its REST API ----------------------------------------------------------

def settle(api: AirflowAPI, timeout: float) -> None:
    """Until the first scheduled run (empty feed list) has been made and has finished."""
    deadline = time.monotonic() + 90
    while not api.runs() and time.monotonic() < deadline:
        time.sleep(2)
    api.wait_idle(timeout)


def wait_for_api(base: str, home: Path, timeout: float, alive=lambda: True) -> AirflowAPI:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return AirflowAPI(base, home)
        except Exception as exc:  # not up yet: connection refused, no password file
            if time.monotonic() > deadline or not alive():
                raise SystemExit(f"Airflow at {base} did not answer: {exc}") from exc
            time.sleep(2)


def measured_dag_run(api: AirflowAPI, components, timeout: float) -> dict:
    """Trigger one run; its wall time, the stack's CPU by component (components() names the
    root PIDs, read at start and end), the Elasticsearch nodes' CPU when ours, and what the
    task instances say."""
    from ingest.times import parse_iso

    api.unpause()
    api.wait_idle(timeout)
    sampler = TaskProcessSampler(components)
    cpu0, es0 = cpu_by_component(components()), tree_cpu_s(es_node_pids())
    load0 = os.getloadavg()[0]
    sampler.start()
    t0 = time.monotonic()
    run_id = api.trigger(f"sizing-{int(time.time())}")
    while (state := api.run(run_id)["state"]) not in ("success", "failed"):
        if time.monotonic() - t0 > timeout:
            raise SystemExit(f"run {run_id} did not finish in {timeout:.0f} s")
        time.sleep(2)
    wall = time.monotonic() - t0
    sampler.halt.set()
    sampler.join()
    cpu1, es_cpu = cpu_by_component(components()), tree_cpu_s(es_node_pids()) - es0
    by_component = {name: cpu1.get(name, 0.0) - cpu0.get(name, 0.0) for name in {**cpu0, **cpu1}}
    cpu = sum(by_component.values())
    tis = api.tasks(run_id)
    feeds = [t for t in tis if t["task_id"] == "ingest_feed"]

    def seconds(a: str | None, b: str | None) -> float | None:
        ta, tb = parse_iso(a) if a else None, parse_iso(b) if b else None
        return (tb - ta).total_seconds() if ta and tb else None

    # queued (handed to the executor, a slot free) to running: the executor's own latency;
    # scheduled to queued is mostly waiting for one of the slots
    waits = [w for t in feeds if (w := seconds(t.get("queued_when"), t.get("start_date")))
             is not None]
    durations = [t["duration"] for t in feeds if t.get("duration") is not None]
    return {"run_id": run_id, "state": state, "wall_s": wall, "stack_cpu_s": cpu,
            "cpu_s_by_component": dict(sorted(by_component.items())),
            "cpu_s_by_task": sampler.by_task(tis),
            "load_average_1min": [load0, os.getloadavg()[0]],
            "es_cpu_s": es_cpu, "task_instances": len(tis), "feed_tasks": len(feeds),
            "feed_tasks_failed": sum(t["state"] != "success" for t in feeds),
            "tries_over_1": sum((t.get("try_number") or 1) > 1 for t in feeds),
            "hosts": sorted({t.get("hostname") or "" for t in feeds}),
            "mean_queued_to_start_s": sum(waits) / len(waits) if waits else None,
            "mean_feed_task_s": sum(durations) / len(durations) if durations else None}


# --- the three modes -----------------------------------------------------------------------

def mode_run(env: dict, timeout: float) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    es0 = tree_cpu_s(es_node_pids())
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ingest.cli", "run", "--json"], env=env,
                          capture_output=True, text=True, timeout=timeout)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"newswatch run failed:\n{done.stderr[-3000:]}")
    summary = json.loads(done.stdout)["summary"]
    return {"wall_s": wall, "stack_cpu_s": (after.ru_utime - before.ru_utime)
            + (after.ru_stime - before.ru_stime), "es_cpu_s": tree_cpu_s(es_node_pids()) - es0,
            "feeds": summary["feeds"], "feeds_failed": summary["feeds_failed"],
            "indexed_reported": summary["articles_indexed"]}


# the DAG's task bodies, each in a fresh process (dags/newswatch_ingest.py without Airflow)
SETUP = ("from ingest import schema; from ingest.config import Settings; "
         "from ingest.es import connect; s = Settings.from_env(); schema.setup(connect(s), s)")
BATCH = ("import json, sys; from ingest.config import Settings; "
         "from ingest.orchestration import ingest_listed_feeds; "
         "print(json.dumps(ingest_listed_feeds(Settings.from_env(), sys.argv[1:])))")
MERGE = ("from ingest import claims, event_store; from ingest.config import Settings; "
         "from ingest.es import connect; s = Settings.from_env(); c = connect(s); "
         "event_store.reconcile(c, s); claims.purge_expired(c, s)")


def mode_batches(env: dict, feed_ids: list[str], per_task: int, slots: int,
                 timeout: float) -> dict:
    """The DAG's work without Airflow: its task bodies, each in a fresh process as a task
    is (imports, gazetteer, its own clients): set-up, one process per batch of `per_task`
    feeds, `slots` at a time as the executors have, then one merge of events."""
    from concurrent.futures import ThreadPoolExecutor

    def python(code: str, *args: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, *args], env=env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise SystemExit(f"a batch process failed:\n{done.stderr[-3000:]}")
        return done.stdout

    batches = [feed_ids[i:i + per_task] for i in range(0, len(feed_ids), per_task)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    es0 = tree_cpu_s(es_node_pids())
    t0 = time.monotonic()
    python(SETUP)
    with ThreadPoolExecutor(slots) as pool:
        outcomes = [o for out in pool.map(lambda b: python(BATCH, *b), batches)
                    for o in json.loads(out)]
    python(MERGE)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_s": wall, "stack_cpu_s": (after.ru_utime - before.ru_utime)
            + (after.ru_stime - before.ru_stime), "es_cpu_s": tree_cpu_s(es_node_pids()) - es0,
            "processes": len(batches) + 2, "feeds": len(outcomes),
            "feeds_failed": sum(o["status"] != "ok" for o in outcomes),
            "indexed_reported": sum(o["articles_indexed"] for o in outcomes)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def standalone_components(pid: int) -> dict[str, int]:
    """The processes `airflow standalone` started (scheduler with the LocalExecutor's workers
    and task processes, dag-processor, api-server, triggerer), then standalone itself."""
    import psutil

    try:
        children = psutil.Process(pid).children()
    except psutil.NoSuchProcess:
        return {}
    named = {}
    for child in children:
        try:
            cmd = child.cmdline()
        except psutil.NoSuchProcess:
            continue
        # "python .../airflow scheduler", or a retitled "airflow api_server -- host:..."
        word = next((w for w in " ".join(cmd).split()[1:]
                     if w[:1] not in ("/", "-") and w != "airflow"), "")
        named[word or f"pid-{child.pid}"] = child.pid
    return {**named, "standalone": pid}


def mode_local(env: dict, feeds_file: Path, timeout: float) -> dict:
    """The DAG under `airflow standalone` (LocalExecutor): empty feed list while it starts
    (its first scheduled run then does nothing), the corpus for the measured run."""
    from bench_freshness_airflow import _airflow, _stop

    home = Path(tempfile.mkdtemp(prefix="nwbench-sizing-"))
    port = _free_port()
    live_feeds = home / "feeds.yaml"
    live_feeds.write_text("feeds: []\n", encoding="utf-8")
    env = {**env, "PATH": f"{VENV_BIN}:{env.get('PATH', '')}", "AIRFLOW_HOME": str(home),
           "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
           "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
           "AIRFLOW__CORE__PARALLELISM": "4",
           "AIRFLOW__API__PORT": str(port),
           "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
           "AIRFLOW_CONN_NEWSWATCH_ES": env["NEWSWATCH_ES_URL"],
           "NEWSWATCH_SCHEDULE": "@daily", "NEWSWATCH_FEEDS": str(live_feeds)}
    _airflow(env, "db", "migrate")
    _airflow(env, "pools", "set", "newswatch_http", "8", "benchmark")
    proc = subprocess.Popen([str(VENV_BIN / "airflow"), "standalone"], env=env,
                            stdout=open(home / "standalone.log", "wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        api = wait_for_api(f"http://127.0.0.1:{port}", home, 300,
                           alive=lambda: proc.poll() is None)
        settle(api, 600)
        shutil.copyfile(feeds_file, live_feeds)
        components = (lambda: standalone_components(proc.pid))  # noqa: E731
        first = measured_dag_run(api, components, timeout)
        if AGAIN:
            first["again"] = measured_dag_run(api, components, timeout)
        return {**first,
                "airflow_home": str(home)}
    finally:
        _stop(proc)


def _cluster(command: str, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(CLUSTER_SH), command], capture_output=True, text=True,
                          timeout=timeout, env=env)


def cluster_components() -> dict[str, int]:
    """The Airflow processes (by PID file: api-server, scheduler, dag-processor, worker-N),
    PostgreSQL and Redis of scripts/cluster.sh."""
    pids = {p.stem: int(p.read_text()) for p in sorted((CLUSTER_DIR / "run").glob("*.pid"))}
    for name, f in (("redis", CLUSTER_DIR / "data" / "redis" / "redis.pid"),
                    ("postgres", CLUSTER_DIR / "data" / "postgres" / "postmaster.pid")):
        if f.exists():
            pids[name] = int(f.read_text().split()[0])
    return pids


def start_cluster(base_env: dict) -> bool:
    """Start scripts/cluster.sh with this benchmark's settings; False when it already ran
    with them. Its feed list starts empty: the first scheduled run does nothing."""
    env = {**base_env, **PIPELINE_ENV, "NEWSWATCH_FEEDS": str(CLUSTER_FEEDS),
           "NEWSWATCH_INDEX_PREFIX": CLUSTER_PREFIX, "NEWSWATCH_SCHEDULE": "@daily"}
    env_file = CLUSTER_DIR / "cluster.env"
    if _cluster("status", env, 120).returncode == 0:
        if f"NEWSWATCH_INDEX_PREFIX={CLUSTER_PREFIX}\n" not in env_file.read_text():
            raise SystemExit("a cluster runs with other settings: scripts/cluster.sh stop")
        return False
    CLUSTER_FEEDS.parent.mkdir(parents=True, exist_ok=True)
    CLUSTER_FEEDS.write_text("feeds: []\n", encoding="utf-8")
    print("starting the cluster (scripts/cluster.sh start) ...", file=sys.stderr, flush=True)
    started = _cluster("start", env)
    if started.returncode != 0:
        raise SystemExit(f"cluster start failed:\n{started.stderr[-3000:]}")
    return True


def mode_celery(feeds_file: Path, timeout: float) -> dict:
    api_port = os.environ.get("NEWSWATCH_CLUSTER_API_PORT", "18080")
    api = wait_for_api(f"http://127.0.0.1:{api_port}", CLUSTER_DIR / "airflow", 120)
    settle(api, 600)
    shutil.copyfile(feeds_file, CLUSTER_FEEDS)
    first = measured_dag_run(api, cluster_components, timeout)
    if AGAIN:
        first["again"] = measured_dag_run(api, cluster_components, timeout)
    return first


# --- the benchmark -------------------------------------------------------------------------

def run(articles: int, per_feed: int, modes: list[str], timeout: float) -> dict:
    from corpus import generate

    from ingest.config import Settings
    from ingest.es import connect
    from ingest.orchestration import DagSettings

    global COUNT_ES_NODES
    celery = COUNT_ES_NODES = "celery" in modes
    feeds_per_task = DagSettings.from_env().feeds_per_task
    es_url = (f"http://127.0.0.1:{os.environ.get('NEWSWATCH_CLUSTER_ES_PORTS', '9210').split()[0]}"
              if celery else Settings.from_env().es_url)
    root = Path(tempfile.mkdtemp(prefix="nwbench-sizing-corpus-"))
    corpus = generate(root, articles, per_feed=per_feed, include_shared=False)
    started_cluster = start_cluster(dict(os.environ)) if celery else False
    client = connect(Settings.from_env(es_url=es_url), request_timeout=300)
    results: dict[str, dict] = {}
    try:
        with served(root) as base:
            feeds_file = root / "feeds.rendered.yaml"
            feeds_file.write_text(corpus.feeds_file.read_text().replace("{{BASE_URL}}", base))
            for mode in modes:
                prefix = CLUSTER_PREFIX if mode == "celery" else f"nwsizing-{os.getpid()}-{mode}"
                delete_prefix(client, prefix)
                env = {**os.environ, **PIPELINE_ENV, "NEWSWATCH_ES_URL": es_url,
                       "NEWSWATCH_INDEX_PREFIX": prefix, "NEWSWATCH_FEEDS": str(feeds_file),
                       "NEWSWATCH_DEAD_LETTER_DIR": str(root / f"dead-letter-{mode}")}
                if celery:
                    env["NEWSWATCH_INDEX_REPLICAS"] = "1"
                print(f"mode {mode}: {articles} articles, {len(corpus.feeds)} feeds ...",
                      file=sys.stderr, flush=True)
                if mode == "run":
                    got = mode_run(env, timeout)
                    if AGAIN:
                        got["again"] = mode_run(env, timeout)
                elif mode == "batches":
                    got = mode_batches(env, feed_ids(feeds_file), feeds_per_task, 4, timeout)
                elif mode == "local":
                    got = mode_local(env, feeds_file, timeout)
                else:
                    got = mode_celery(feeds_file, timeout)
                got["articles"] = article_count(client, prefix)
                got["index_bytes"] = index_bytes(client, prefix)
                results[mode] = got
                print(f"  {json.dumps(got, default=str)}", file=sys.stderr, flush=True)
                delete_prefix(client, prefix)
    finally:
        if celery:
            CLUSTER_FEEDS.write_text("feeds: []\n", encoding="utf-8")
        if started_cluster:
            _cluster("stop", dict(os.environ))
        shutil.rmtree(root, ignore_errors=True)
    return {"corpus": {"articles": len(corpus.pages), "feeds": len(corpus.feeds),
                       "words": corpus.words, "incidents_written": corpus.incidents,
                       "per_feed": per_feed},
            "feeds_per_task": feeds_per_task,
            "es": {"url": es_url, "nodes": 3 if celery else 1, "replicas": 1 if celery else 0},
            "modes": {mode: derived(results[mode], results.get("run"), len(corpus.feeds))
                      for mode in modes}}


def feed_ids(feeds_file: Path) -> list[str]:
    import yaml

    return [feed["id"] for feed in yaml.safe_load(feeds_file.read_text())["feeds"]]


def derived(got: dict, baseline: dict | None, feeds: int) -> dict:
    """The reported figures of one mode (the `run` mode is the baseline of the overhead);
    of its second run (`again`: every feed polled, nothing new) per feed polled."""
    if "again" in got:
        again = got["again"]
        in_tasks = sum(row["task"] for row in (again.get("cpu_s_by_task") or {}).values())
        got = {**got, "again": {
            **again, "cpu_ms_per_feed": 1000 * again["stack_cpu_s"] / feeds,
            "es_cpu_ms_per_feed": 1000 * again["es_cpu_s"] / feeds,
            "task_process_cpu_s": in_tasks if "cpu_s_by_task" in again else None,
            "airflow_cpu_outside_tasks_ms_per_task":
                1000 * (again["stack_cpu_s"] - in_tasks) / again["task_instances"]
                if again.get("task_instances") else None}}
    n = max(1, got["articles"])
    out = {**got, "articles_per_s": got["articles"] / got["wall_s"],
           "cpu_ms_per_article": 1000 * got["stack_cpu_s"] / n,
           "es_cpu_ms_per_article": 1000 * got["es_cpu_s"] / n if got.get("es_cpu_s") else None,
           "index_kb_per_1000_articles": got["index_bytes"] / 1024 / n * 1000}
    if "task_instances" in got and baseline:
        pipeline_cpu = baseline["stack_cpu_s"] / max(1, baseline["articles"]) * got["articles"]
        out["airflow_cpu_ms_per_task"] = (1000 * (got["stack_cpu_s"] - pipeline_cpu)
                                          / max(1, got["task_instances"]))
    if got.get("cpu_s_by_task"):
        # what the task processes did (their work and their own start-up) set apart: the
        # rest is Airflow's machinery (scheduler, executor, supervisors, api-server,
        # dag-processor, triggerer, PostgreSQL, Redis), per task instance
        in_tasks = sum(row["task"] for row in got["cpu_s_by_task"].values())
        out["task_process_cpu_s"] = in_tasks
        out["airflow_cpu_outside_tasks_ms_per_task"] = (1000 * (got["stack_cpu_s"] - in_tasks)
                                                        / max(1, got["task_instances"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--per-feed", type=int, default=10)
    ap.add_argument("--modes", default=",".join(MODES),
                    help=f"comma-separated, of {', '.join(MODES)}")
    ap.add_argument("--timeout", type=float, default=5400.0, help="seconds per mode")
    ap.add_argument("--quick", action="store_true",
                    help="40 articles, 4 feeds, `newswatch run` only (a smoke test)")
    ap.add_argument("--json", type=Path, help="write the results here too")
    ap.add_argument("--again", action="store_true",
                    help="run each mode a second time: every feed polled, nothing new")
    a = ap.parse_args(argv)
    global AGAIN
    AGAIN = a.again
    modes = ["run"] if a.quick else [m.strip() for m in a.modes.split(",") if m.strip()]
    unknown = set(modes) - set(MODES)
    if unknown:
        ap.error(f"unknown modes {sorted(unknown)}; choose from {', '.join(MODES)}")
    articles, per_feed = (40, 10) if a.quick else (a.articles, a.per_feed)
    r = run(articles, per_feed, modes, a.timeout)

    def fmt(v, spec=".1f"):
        return "-" if v is None else format(v, spec)
    print(f"{r['corpus']['articles']} articles in {r['corpus']['feeds']} feeds; Elasticsearch "
          f"{r['es']['nodes']} node(s), {r['es']['replicas']} replica(s); "
          f"{r['feeds_per_task']} feeds per DAG task")
    rows = []
    for mode, m in r["modes"].items():
        rows.append([mode, m["articles"], fmt(m["wall_s"]), fmt(m["articles_per_s"]),
                     fmt(m["cpu_ms_per_article"]), fmt(m["es_cpu_ms_per_article"]),
                     fmt(m.get("airflow_cpu_ms_per_task"), ".0f"),
                     fmt(m.get("airflow_cpu_outside_tasks_ms_per_task"), ".0f"),
                     fmt(m.get("mean_queued_to_start_s")), fmt(m.get("mean_feed_task_s")),
                     fmt(m["index_kb_per_1000_articles"], ".0f")])
    print(table(["mode", "articles", "wall s", "articles/s", "CPU ms/article",
                 "ES CPU ms/article", "Airflow CPU ms/task", "outside tasks ms/task",
                 "queued to running s", "feed task s",
                 "index KB/1000 articles"], rows))
    again = [[mode, fmt(m["again"]["wall_s"]), fmt(m["again"]["cpu_ms_per_feed"]),
              fmt(m["again"]["es_cpu_ms_per_feed"]), m["again"].get("task_instances", "-"),
              fmt(m["again"].get("task_process_cpu_s")),
              fmt(m["again"].get("airflow_cpu_outside_tasks_ms_per_task"), ".0f")]
             for mode, m in r["modes"].items() if "again" in m]
    if again:
        print(f"\nagain, every feed polled with nothing new ({r['corpus']['feeds']} feeds):")
        print(table(["mode", "wall s", "CPU ms/feed", "ES CPU ms/feed", "task instances",
                     "task processes CPU s", "outside tasks ms/task"], again))
    name = "bench_sizing_quick" if a.quick else "bench_sizing"
    print(f"\nwrote {write_results(name, r, a.json)}")
    return 0 if all(m["articles"] == r["corpus"]["articles"] for m in r["modes"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
