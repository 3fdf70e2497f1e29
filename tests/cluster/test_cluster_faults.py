"""Faults on the local cluster (CeleryExecutor, two workers, three Elasticsearch nodes): a node
or a worker killed in the middle of an ingest run, Redis restarted between runs. Each run must
end green with exactly the articles and incidents of a run without faults."""

from __future__ import annotations

import os
import signal
import time
import uuid

import httpx
import psutil
import pytest

from tests.cluster.conftest import CLUSTER, ES_PORTS, PREFIX, _cluster

pytestmark = [pytest.mark.cluster, pytest.mark.slow]


def _contents(es) -> dict[str, set[str]]:
    """The ids in the articles and incidents indices (after a refresh), each id once, and
    every article with exactly the incidents its `incident_count` says (ids article-N)."""
    found = {}
    for kind in ("articles", "incidents"):
        index = f"{PREFIX}-{kind}"
        es.indices.refresh(index=index)
        hits = es.search(index=index, size=10_000, source=["incident_count"],
                         query={"match_all": {}})["hits"]["hits"]
        assert len(hits) == len({h["_id"] for h in hits}) == es.count(index=index)["count"]
        found[kind] = {h["_id"]: h.get("_source", {}) for h in hits}
    promised = {f"{aid}-{n}" for aid, src in found["articles"].items()
                for n in range(src.get("incident_count") or 0)}
    assert set(found["incidents"]) == promised
    return {kind: set(docs) for kind, docs in found.items()}


def _same_documents(found: dict[str, set[str]], expected: dict[str, set[str]]) -> bool:
    """The same articles as the run without faults. Incidents are checked against each
    article's own count (in _contents), not against that run: an extractor changed between
    the two runs (the tree is edited while tests run) may find other incidents."""
    return found["articles"] == expected["articles"]


def _green(es, timeout: float = 300) -> dict:
    return es.options(request_timeout=timeout + 10).cluster.health(
        wait_for_status="green", wait_for_nodes=len(ES_PORTS), timeout=f"{int(timeout)}s").body


def _run_id(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


def _wait_for_feed_task(airflow, run_id: str, timeout: float = 300) -> dict:
    """The first ingest_feed task instance that is running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = [t for t in airflow.tasks(run_id)
                   if t["task_id"] == "ingest_feed" and t["state"] == "running"]
        if running:
            return running[0]
        time.sleep(0.5)
    raise AssertionError(f"no ingest_feed task ran within {timeout} s")


@pytest.fixture(scope="session")
def expected(es, cluster, airflow):
    """What a run without faults indexes (ids depend on the demo server's port)."""
    from ingest.schema import drop_everything

    airflow.wait_idle()
    drop_everything(es, PREFIX)
    run_id = airflow.trigger(_run_id("baseline"))
    assert airflow.wait_for(run_id) == "success"
    contents = _contents(es)
    assert contents["articles"] and contents["incidents"]
    return contents


def test_an_elasticsearch_node_killed_mid_run(fresh, es, airflow, expected):
    assert _green(es)["number_of_nodes"] == len(ES_PORTS)
    run_id = airflow.trigger(_run_id("node-killed"))
    _wait_for_feed_task(airflow, run_id)
    victim = CLUSTER.parent / "es" / f"run-{ES_PORTS[-1]}" / "elasticsearch.pid"
    os.kill(int(victim.read_text()), signal.SIGKILL)

    seen = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "yellow" not in seen:
        seen.add(es.cluster.health(timeout="2s")["status"])
        time.sleep(0.5)
    assert "yellow" in seen  # replicas of the lost node's shards are missing, nothing is lost

    state = airflow.wait_for(run_id)
    restarted = _cluster("start")  # idempotent: brings back exactly the missing node
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    assert _green(es)["number_of_nodes"] == len(ES_PORTS)
    assert state == "success", airflow.tasks(run_id)
    assert _same_documents(_contents(es), expected)


def _worker_running_a_task() -> tuple[str, int]:
    """(name, pid) of the Celery worker whose pool is running a task process right now."""
    for pid_file in sorted((CLUSTER / "run").glob("worker-*.pid")):
        worker = psutil.Process(int(pid_file.read_text()))
        # worker -> pool processes -> the task's supervisor -> the task itself
        if any(len(child.parents()) - len(worker.parents()) >= 2
               for child in worker.children(recursive=True)):
            return pid_file.stem, worker.pid
    raise LookupError("no worker is running a task")


def test_a_celery_worker_killed_mid_task(fresh, es, airflow, expected):
    run_id = airflow.trigger(_run_id("worker-killed"))
    task = _wait_for_feed_task(airflow, run_id)
    deadline = time.monotonic() + 60
    while True:
        try:
            name, pid = _worker_running_a_task()
            break
        except LookupError:
            assert time.monotonic() < deadline, "a task ran but no worker process was seen"
            time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)  # the worker, its pool and the task it was running

    state = airflow.wait_for(run_id)
    feed_tasks = [t for t in airflow.tasks(run_id) if t["task_id"] == "ingest_feed"]
    restarted = _cluster("start")
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    assert state == "success", feed_tasks
    assert max(t["try_number"] for t in feed_tasks) >= 2  # the killed task was tried again
    assert task["map_index"] in {t["map_index"] for t in feed_tasks if t["state"] == "success"}
    assert _same_documents(_contents(es), expected)
    assert name in {p.stem for p in (CLUSTER / "run").glob("worker-*.pid")}


def test_redis_restarted_between_runs(fresh, es, airflow, expected):
    redis = psutil.Process(int((CLUSTER / "data" / "redis" / "redis.pid").read_text()))
    redis.terminate()
    redis.wait(timeout=30)
    restarted = _cluster("start")
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    assert "redis up" in restarted.stderr

    run_id = airflow.trigger(_run_id("after-redis"))
    assert airflow.wait_for(run_id) == "success", airflow.tasks(run_id)
    assert _same_documents(_contents(es), expected)
    assert httpx.get(f"http://127.0.0.1:{ES_PORTS[0]}/_cluster/health", timeout=10).json()[
        "status"] == "green"
