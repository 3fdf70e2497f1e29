"""The ingest DAG through Airflow's REST API (the simple auth manager's admin): trigger a run,
read its task instances, wait for it. Shared by the cluster tests and bench/bench_sizing.py."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

DAG = "newswatch_ingest"


class AirflowAPI:
    def __init__(self, base: str, airflow_home: Path, timeout: float = 60) -> None:
        passwords = airflow_home / "simple_auth_manager_passwords.json.generated"
        password = json.loads(passwords.read_text())["admin"]
        token = httpx.post(f"{base}/auth/token", json={"username": "admin", "password": password},
                           timeout=timeout)
        token.raise_for_status()
        self.http = httpx.Client(base_url=f"{base}/api/v2", timeout=timeout, headers={
            "Authorization": f"Bearer {token.json()['access_token']}"})

    def unpause(self) -> None:
        self.http.patch(f"/dags/{DAG}", json={"is_paused": False}).raise_for_status()

    def runs(self) -> list[dict]:
        return self.http.get(f"/dags/{DAG}/dagRuns").raise_for_status().json()["dag_runs"]

    def trigger(self, run_id: str) -> str:
        self.http.post(f"/dags/{DAG}/dagRuns",
                       json={"dag_run_id": run_id, "logical_date": None}).raise_for_status()
        return run_id

    def run(self, run_id: str) -> dict:
        return self.http.get(f"/dags/{DAG}/dagRuns/{run_id}").raise_for_status().json()

    def tasks(self, run_id: str) -> list[dict]:
        """Every task instance of the run (the API pages them by 100)."""
        out: list[dict] = []
        while True:
            page = self.http.get(f"/dags/{DAG}/dagRuns/{run_id}/taskInstances",
                                 params={"limit": 100, "offset": len(out)}
                                 ).raise_for_status().json()
            out += page["task_instances"]
            if len(out) >= page["total_entries"] or not page["task_instances"]:
                return out

    def wait_for(self, run_id: str, timeout: float = 900) -> str:
        """The run's final state ("success" or "failed"); TimeoutError if it does not end."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.run(run_id)["state"]
            if state in ("success", "failed"):
                return state
            time.sleep(2)
        raise TimeoutError(f"run {run_id} did not finish in {timeout} s: {self.tasks(run_id)}")

    def wait_idle(self, timeout: float = 900) -> None:
        """Until no run is queued or running (e.g. the first scheduled run)."""
        deadline = time.monotonic() + timeout
        while any(r["state"] in ("queued", "running") for r in self.runs()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"Airflow still has a run going after {timeout} s")
            time.sleep(2)
