"""scripts/elasticsearch.sh: runs the real node as a non-root user, idempotent, clear errors."""

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "elasticsearch.sh"


def _script(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=240,
        env={**os.environ, **env},
    )


def _pid(status_output: str) -> int:
    return int(re.search(r"pid (\d+)", status_output).group(1))


def _uid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError("no Uid line")


def test_running_node_is_not_root_and_start_is_a_no_op(es_client):
    status = _script("status")
    assert status.returncode == 0, status.stderr
    pid = _pid(status.stdout)
    assert _uid(pid) != 0
    again = _script("start")
    assert again.returncode == 0 and "already running" in again.stderr
    assert _pid(_script("status").stdout) == pid


def test_busy_port_is_reported_clearly():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = str(blocker.getsockname()[1])
        result = _script("start", NEWSWATCH_ES_PORT=port)
    assert result.returncode != 0
    assert f"port {port} is already in use" in result.stderr


def test_bad_java_home_is_reported_clearly():
    result = _script("start", NEWSWATCH_ES_PORT="9291", ES_JAVA_HOME="/nonexistent-jdk")
    assert result.returncode != 0
    assert "ES_JAVA_HOME=/nonexistent-jdk has no bin/java" in result.stderr


@pytest.mark.slow
def test_second_node_starts_answers_and_stop_ends_exactly_it(tmp_path):
    env = {"NEWSWATCH_ES_PORT": "9250", "NEWSWATCH_ES_HEAP": "256m"}
    started = _script("start", **env)
    try:
        assert started.returncode == 0, started.stderr[-2000:]
        pid = _pid(_script("status", **env).stdout)
        assert _uid(pid) != 0
        import urllib.request

        with urllib.request.urlopen("http://127.0.0.1:9250/_cluster/health", timeout=10) as resp:
            assert b'"number_of_nodes":1' in resp.read()
    finally:
        stopped = _script("stop", **env)
    assert stopped.returncode == 0
    assert not Path(f"/proc/{pid}").exists()
    assert _script("status", **env).returncode == 3
    main_node = _script("status")
    assert main_node.returncode == 0  # the main node on 9200 is untouched
