"""Airflow's LocalExecutor workers start from a forkserver that imported ingest.warm, when
configured as the README says ([scheduler] mp_start_method = forkserver, mp_forkserver_preload
= ingest.warm): every task forked from a worker then inherits the pipeline and the loaded
gazetteer instead of loading them itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from ingest.config import REPO_ROOT

pytestmark = pytest.mark.timeout(300)

# what the scheduler does before it starts the LocalExecutor, then a process started as the
# executor starts its workers
_SCHEDULER = """
import json, multiprocessing
from airflow.utils.process_utils import set_component_mp_start_method
set_component_mp_start_method("scheduler")
from tests.support.preload_probe import inherited
with multiprocessing.Pool(1) as pool:
    print(json.dumps({"method": multiprocessing.get_start_method(),
                      **pool.apply(inherited)}))
"""


def _worker_inherits(**config: str) -> dict:
    env = {**os.environ, **config}
    out = subprocess.run([sys.executable, "-c", _SCHEDULER], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _compose_scheduler_settings() -> dict[str, str]:
    """The scheduler's multiprocessing settings in docker-compose.yml."""
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    return {k: str(v) for k, v in env.items() if k.startswith("AIRFLOW__SCHEDULER__MP_")}


def test_a_worker_of_the_compose_scheduler_starts_with_the_pipeline_and_gazetteer_loaded():
    got = _worker_inherits(**_compose_scheduler_settings())
    assert got == {"method": "forkserver", "warm": True, "pipeline": True,
                   "trafilatura": True, "gazetteer": True}


def test_without_the_preload_a_worker_loads_nothing_of_newswatch():
    got = _worker_inherits(AIRFLOW__SCHEDULER__MP_START_METHOD="forkserver")
    assert got["method"] == "forkserver" and not got["warm"] and not got["gazetteer"]
