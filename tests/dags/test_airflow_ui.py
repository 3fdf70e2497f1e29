"""The Airflow UI in headless Chromium: the DAG is listed and its last run succeeded.

Starts `airflow api-server` on loopback over the same metadata DB the DAG tests ran in, drives
Debian's chromium (never a downloaded browser) with Playwright, and keeps screenshots in
test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.config import REPO_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]

pytestmark = [pytest.mark.ui, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                 reason="Debian's chromium is not installed "
                                                 "(scripts/install.sh installs it as root)")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def api_server(ingest_runs, airflow_db):
    port = _free_port()
    log = open(airflow_db / "api-server.log", "wb")
    env = {**os.environ, "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
           "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}"}
    airflow = str(Path(sys.executable).with_name("airflow"))
    proc = subprocess.Popen([airflow, "api-server", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"api-server exited: {(airflow_db / 'api-server.log').read_text()}")
            try:
                urllib.request.urlopen(f"{base}/api/v2/version", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("api-server did not answer within 90 s")
        yield base
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


SUCCESS_BADGE = '[data-testid="state-badge"][aria-label="success"]'


def test_dag_list_shows_both_dags_and_the_ingest_runs_success(api_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{api_server}/dags", wait_until="networkidle")
    page.get_by_text("newswatch_ingest", exact=True).first.wait_for(timeout=30_000)
    page.locator(SUCCESS_BADGE).first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "airflow-dag-list.png"), full_page=True)
    assert page.get_by_text("newswatch_reprocess", exact=True).count() == 1
    assert page.locator('[data-testid="state-badge"][aria-label="failed"]').count() == 0


def test_ingest_dag_page_shows_its_last_run_succeeded(api_server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{api_server}/dags/newswatch_ingest", wait_until="networkidle")
    page.get_by_text("newswatch_ingest").first.wait_for(timeout=30_000)
    badge = page.locator('[aria-label="success"]').first
    badge.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "airflow-ingest-dag.png"), full_page=True)
    assert badge.is_visible()
    assert page.locator('[aria-label="failed"]').count() == 0
