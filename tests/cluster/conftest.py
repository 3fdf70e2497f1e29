"""The local cluster (scripts/cluster.sh) for the fault tests: the demo site as its feeds, a
test index prefix, and a client for Airflow's REST API.

The tests run only when asked: with NEWSWATCH_CLUSTER_TESTS=1 the session starts the cluster
(and stops it afterwards); a cluster already started with this file's settings is used as is.
Otherwise they are skipped, so the normal suite never touches a cluster someone else runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ingest.config import REPO_ROOT, Settings
from ingest.demo_server import DemoServer
from ingest.es import connect
from ingest.schema import drop_everything
from tests.support.airflow_api import AirflowAPI

SCRIPT = REPO_ROOT / "scripts" / "cluster.sh"
CLUSTER = Path(os.environ.get("NEWSWATCH_CACHE", REPO_ROOT / ".cache")) / "cluster"
FEEDS = CLUSTER / "test-feeds.yaml"
PREFIX = "nwcluster"
ES_PORTS = os.environ.get("NEWSWATCH_CLUSTER_ES_PORTS", "9210 9211 9212").split()
API = f"http://127.0.0.1:{os.environ.get('NEWSWATCH_CLUSTER_API_PORT', '18080')}"
# what the cluster's workers are started with (they read the feed list at every task)
TEST_ENV = {
    "NEWSWATCH_FEEDS": str(FEEDS),
    "NEWSWATCH_INDEX_PREFIX": PREFIX,
    "NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
    "NEWSWATCH_PER_HOST_DELAY": "0.3",  # a run lasts long enough to be hit in the middle
    "NEWSWATCH_SCHEDULE": "@daily",     # no scheduled run during the tests after the first
    "NEWSWATCH_RETRY_DELAY_S": "5",
    "NEWSWATCH_FEEDS_PER_TASK": "2",    # the demo's feeds in two batches, on both workers
    "NEWSWATCH_CLUSTER_HEARTBEAT_TIMEOUT": "30",
}


def _cluster(command: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), command], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **TEST_ENV})


def _started_for_tests() -> bool:
    env_file = CLUSTER / "cluster.env"
    return env_file.exists() and f"NEWSWATCH_INDEX_PREFIX={PREFIX}\n" in env_file.read_text()


@pytest.fixture(scope="session")
def cluster():
    """Yields the cluster's Settings (Elasticsearch on node 1, the test prefix)."""
    up = _cluster("status", timeout=120).returncode == 0
    started_here = False
    if up and not _started_for_tests():
        pytest.skip("a cluster runs with other settings: stop it (scripts/cluster.sh stop) to "
                    "run the fault tests")
    if not up:
        if os.environ.get("NEWSWATCH_CLUSTER_TESTS") != "1":
            pytest.skip("cluster fault tests: NEWSWATCH_CLUSTER_TESTS=1 pytest -m cluster")
        started = _cluster("start")
        assert started.returncode == 0, started.stderr[-3000:]
        started_here = True
    try:
        with DemoServer() as demo:
            demo.render_feeds_file(FEEDS)
            yield Settings.from_env(es_url=f"http://127.0.0.1:{ES_PORTS[0]}", index_prefix=PREFIX)
    finally:
        if started_here:
            stopped = _cluster("stop", timeout=300)
            assert stopped.returncode == 0, stopped.stderr[-3000:]


@pytest.fixture(scope="session")
def es(cluster):
    return connect(cluster, request_timeout=60)


@pytest.fixture(scope="session")
def airflow(cluster):
    api = AirflowAPI(API, CLUSTER / "airflow", timeout=30)
    api.unpause()
    api.wait_idle()
    return api


@pytest.fixture
def fresh(es, cluster, airflow):
    """No newswatch index on the cluster: the next run ingests everything again."""
    airflow.wait_idle()
    drop_everything(es, PREFIX)
    return cluster
