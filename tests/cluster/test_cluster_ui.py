"""The Airflow UI of the local cluster in headless Chromium: a run of the ingest DAG on the
Celery workers is green on its run page, after signing in as a user does (the simple auth
manager's login form). Screenshots go to test-artifacts/."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from tests.cluster.conftest import API, CLUSTER
from tests.dags.test_airflow_ui import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.support.airflow_api import DAG

pytestmark = [pytest.mark.cluster, pytest.mark.slow, pytest.mark.ui,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed")]


def _admin_password() -> str:
    import json

    return json.loads((CLUSTER / "airflow" / "simple_auth_manager_passwords.json.generated")
                      .read_text())["admin"]


def test_a_run_on_the_celery_workers_is_green_in_the_airflow_ui(fresh, airflow):
    from playwright.sync_api import sync_playwright

    run_id = airflow.trigger(f"ui-{uuid.uuid4().hex[:6]}")
    assert airflow.wait_for(run_id) == "success", airflow.tasks(run_id)
    feed_tasks = [t for t in airflow.tasks(run_id) if t["task_id"] == "ingest_feed"]
    assert feed_tasks and all(t["state"] == "success" for t in feed_tasks)

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{API}/dags/{DAG}/runs/{run_id}", wait_until="networkidle")
            # not signed in: the login form, then back to the run
            page.locator('input[name="username"]').wait_for(timeout=60_000)
            page.locator('input[name="username"]').fill("admin")
            page.locator('input[name="password"]').fill(_admin_password())
            page.locator('button[type="submit"]').click()
            page.wait_for_load_state("networkidle")
            if f"/runs/{run_id}" not in page.url:
                page.goto(f"{API}/dags/{DAG}/runs/{run_id}", wait_until="networkidle")
            page.get_by_text(run_id).first.wait_for(timeout=60_000)
            # the run's own badge beside its id, then one per task instance in the table
            badges = page.locator('[data-testid="state-badge"]')
            want = 1 + len(airflow.tasks(run_id))
            deadline = time.monotonic() + 60
            while badges.count() < want and time.monotonic() < deadline:
                page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "airflow-cluster-run.png"), full_page=True)
            states = [badge.inner_text().strip() for badge in badges.all()]
            assert len(states) == want and set(states) == {"Success"}, states
        finally:
            browser.close()
