"""Every DAG imports cleanly and carries the settings operators rely on."""

from __future__ import annotations

EXPECTED = {"newswatch_ingest", "newswatch_reprocess"}


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dags_present(dagbag):
    assert EXPECTED <= set(dagbag.dag_ids)


def test_every_dag_has_tags_retries_and_docs(dagbag):
    for dag_id in dagbag.dag_ids:
        dag = dagbag.get_dag(dag_id)
        assert dag.tags, f"{dag_id} has no tags"
        assert dag.doc_md and len(dag.doc_md) > 200, f"{dag_id} has no real doc_md"
        assert "retries" in dag.default_args, f"{dag_id} sets no retries"
        for task in dag.tasks:
            assert task.retry_exponential_backoff, f"{dag_id}.{task.task_id} retries at once"
        assert dag.max_active_runs == 1, f"{dag_id} may run twice at once"
        assert dag.catchup is False, f"{dag_id} would backfill missed intervals"


def test_ingest_maps_over_feeds_in_the_http_pool(dagbag):
    dag = dagbag.get_dag("newswatch_ingest")
    ingest = dag.get_task("ingest_feed")
    assert ingest.pool == "newswatch_http"
    assert type(ingest).__name__.endswith("MappedOperator")
    announce = dag.get_task("announce_incidents")
    assert [outlet.name for outlet in announce.outlets] == ["newswatch-incidents"]


def test_schedule_comes_from_configuration_including_continuous(airflow_db):
    import json
    import os
    import subprocess
    import sys

    from ingest.config import REPO_ROOT

    probe = ("import json; from airflow.dag_processing.dagbag import DagBag; "
             f"dag = DagBag(dag_folder={str(REPO_ROOT / 'dags')!r}).get_dag('newswatch_ingest'); "
             "print(json.dumps([type(dag.timetable).__name__, dag.max_active_runs]))")
    for schedule, timetable in (("@continuous", "ContinuousTimetable"),
                                ("*/5 * * * *", "CronTriggerTimetable")):
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                env={**os.environ, "NEWSWATCH_SCHEDULE": schedule}, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        name, max_runs = json.loads(result.stdout.strip().splitlines()[-1])
        assert (name, max_runs) == (timetable, 1)


def test_tasks_retry_three_times_with_back_off_unless_configured(monkeypatch):
    from ingest.orchestration import task_defaults

    monkeypatch.delenv("NEWSWATCH_TASK_RETRIES", raising=False)
    monkeypatch.delenv("NEWSWATCH_RETRY_DELAY_S", raising=False)
    defaults = task_defaults()
    assert defaults["retries"] == 3 and defaults["retry_delay"].total_seconds() == 60
    monkeypatch.setenv("NEWSWATCH_TASK_RETRIES", "5")
    assert task_defaults()["retries"] == 5
