"""Airflow under a throw-away AIRFLOW_HOME with SQLite, set before Airflow is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from ingest.config import REPO_ROOT

AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="newswatch-airflow-"))
os.environ.update({
    "AIRFLOW_HOME": str(AIRFLOW_HOME),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    "AIRFLOW__CORE__PARALLELISM": "4",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
    "NEWSWATCH_TASK_RETRIES": "0",
})


def airflow_cli(*args: str, env: dict | None = None, timeout: float = 300) -> str:
    """Run the `airflow` command of this environment; its output, or a failure with it."""
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run([str(airflow), *args], capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        pytest.fail(f"airflow {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated metadata database with the newswatch HTTP pool."""
    airflow_cli("db", "migrate")
    airflow_cli("pools", "set", "newswatch_http", "8", "bounds concurrent feed/page fetching")
    return AIRFLOW_HOME


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO_ROOT / "dags"))


SLOW_FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow desk</title><item>'
             b"<title>Late</title><link>{url}</link>"
             b"<pubDate>Mon, 17 Nov 2025 10:00:00 GMT</pubDate></item></channel></rss>")


@pytest.fixture(scope="session")
def dag_run_env(airflow_db, es_client):
    """Environment for DAG runs: the demo feeds plus a feed answering 500 and a feed whose
    page never answers in time, a session-wide index prefix on the real node, the
    `newswatch_es` connection. Everything is removed afterwards."""
    from dataclasses import replace

    from ingest.config import Settings
    from ingest.demo_server import DemoServer
    from tests.conftest import _delete_everything_under
    from tests.support.httpserver import LocalHTTPServer

    prefix = f"nwtest-dag-{uuid.uuid4().hex[:8]}"
    settings = Settings.from_env(index_prefix=prefix)
    with DemoServer() as server, LocalHTTPServer() as trouble:
        trouble.route("/broken.xml", status=500, body=b"internal error")
        slow_page = trouble.route("/late.html", body=b"<html><body>late</body></html>",
                                  delay_s=4)
        trouble.route("/slow.xml", body=SLOW_FEED.replace(b"{url}", slow_page.encode()),
                      content_type="application/rss+xml")
        feeds = server.render_feeds_file(AIRFLOW_HOME / "demo-feeds.yaml")
        with feeds.open("a", encoding="utf-8") as out:
            for feed_id in ("broken", "slow"):
                out.write(f"  - {{id: {feed_id}, name: {feed_id}, language: en, "
                          f"region: global, url: '{trouble.url(f'/{feed_id}.xml')}'}}\n")
        env = {
            "NEWSWATCH_INDEX_PREFIX": prefix,
            "NEWSWATCH_FEEDS": str(feeds),
            "NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            "NEWSWATCH_PER_HOST_DELAY": "0",
            "NEWSWATCH_HTTP_TIMEOUT": "2",
            "NEWSWATCH_DEAD_LETTER_DIR": str(AIRFLOW_HOME / "dead-letter"),
            # five feeds in batches of two: the broken feed shares a task with a demo feed
            "NEWSWATCH_FEEDS_PER_TASK": "2",
            # the JSON form, as docker-compose.yml gives it
            "AIRFLOW_CONN_NEWSWATCH_ES": _json_connection(settings.es_url),
        }
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            yield replace(settings, feeds_file=feeds), server
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            _delete_everything_under(es_client, prefix)


def _json_connection(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return json.dumps({"conn_type": "elasticsearch", "host": parts.hostname,
                       "port": parts.port or 9200, "extra": {"scheme": parts.scheme}})


@pytest.fixture(scope="session")
def ingest_runs(dag_run_env, dagbag):
    """The ingest DAG run twice through dag.test(): (first run, second run)."""
    dag = dagbag.get_dag("newswatch_ingest")
    return dag.test(), dag.test()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/dags" in str(item.fspath):
            item.add_marker(pytest.mark.airflow)
