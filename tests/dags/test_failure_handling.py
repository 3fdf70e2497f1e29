"""A broken feed list fails the ingest DAG's task at once, retries left or not, and the failure
is POSTed to NEWSWATCH_ALERT_URL.

Runs dag.test() in a child process with its own SQLite metadata DB, so the failed run does
not appear beside the successful ones the other DAG tests (and the UI test) look at.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.config import REPO_ROOT
from tests.dags.conftest import airflow_cli

PROBE = """
import json
from airflow.dag_processing.dagbag import DagBag

dag = DagBag(dag_folder={dags!r}).get_dag("newswatch_ingest")
run = dag.test(mark_success_pattern="setup_indices")  # the rest runs for real
print("RESULT " + json.dumps({{"run": str(run.state), "tasks": {{
    ti.task_id: [str(ti.state), ti.try_number] for ti in run.get_task_instances()}}}}))
"""


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        self.server.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def alerts():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_bad_feed_list_fails_at_once_and_sends_an_alert(tmp_path, alerts):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {id: typo, urll: 'https://example.org/feed.xml'}\n",
                     encoding="utf-8")
    env = {**os.environ,
           "AIRFLOW_HOME": str(tmp_path),
           "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path / 'airflow.db'}",
           "NEWSWATCH_FEEDS": str(feeds),
           "NEWSWATCH_TASK_RETRIES": "2",       # retries left: only the policy stops them
           "NEWSWATCH_RETRY_DELAY_S": "1",
           "NEWSWATCH_ALERT_URL": f"http://127.0.0.1:{alerts.server_port}/hook"}
    env.pop("AIRFLOW_CONN_NEWSWATCH_ES", None)
    airflow_cli("db", "migrate", env=env)
    result = subprocess.run([sys.executable, "-c", PROBE.format(dags=str(REPO_ROOT / "dags"))],
                            capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stdout[-3000:] + result.stderr[-3000:]
    outcome = json.loads(lines[-1].removeprefix("RESULT "))
    assert outcome["run"] == "failed"
    assert outcome["tasks"]["due_feeds"] == ["failed", 1]   # not retried
    assert outcome["tasks"]["setup_indices"][0] == "success"
    [task_alert] = [a for a in alerts.received if a["scope"] == "task"]
    assert (task_alert["dag_id"], task_alert["task_id"]) == ("newswatch_ingest", "due_feeds")
    assert "urll" in task_alert["error"] and task_alert["try_number"] == 1
    [run_alert] = [a for a in alerts.received if a["scope"] == "run"]   # the DAG's callback
    assert run_alert["run_id"] == task_alert["run_id"] and run_alert["error"] == "task_failure"
