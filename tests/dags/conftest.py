"""Airflow under a throw-away AIRFLOW_HOME with SQLite, set before Airflow is imported."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
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


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/dags" in str(item.fspath):
            item.add_marker(pytest.mark.airflow)
