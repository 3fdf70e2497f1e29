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


def test_every_dag_is_active_on_deployment_and_bounded_in_time(dagbag):
    from ingest.orchestration import alert_on_failure

    for dag_id in EXPECTED:
        dag = dagbag.get_dag(dag_id)
        assert dag.is_paused_upon_creation is False, f"{dag_id} would wait to be unpaused"
        assert dag.dagrun_timeout and dag.dagrun_timeout.total_seconds() > 0, dag_id
        assert dag.on_failure_callback is alert_on_failure or \
            alert_on_failure in (dag.on_failure_callback or []), f"{dag_id} sends no alert"
        for task in dag.tasks:
            assert task.execution_timeout is not None, f"{dag_id}.{task.task_id} may hang"
            callbacks = task.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            assert alert_on_failure in callbacks, f"{dag_id}.{task.task_id} sends no alert"


def test_errors_no_retry_can_fix_fail_at_once_and_outages_retry(dagbag):
    from airflow.sdk import RetryAction

    from ingest.es import ElasticsearchUnavailable
    from ingest.feedspec import FeedSpecError
    from ingest.orchestration import FeedNotListed
    from ingest.schema import SchemaError

    for dag_id in EXPECTED:
        for task in dagbag.get_dag(dag_id).tasks:
            policy = task.retry_policy
            for error in (FeedSpecError("x"), SchemaError("x"), FeedNotListed("x")):
                assert policy.evaluate(error, 1, 4).action == RetryAction.FAIL, task.task_id
            outage = policy.evaluate(ElasticsearchUnavailable("down"), 1, 4)
            assert outage.action == RetryAction.DEFAULT, task.task_id


def test_reprocess_takes_params_and_maps_batches(dagbag):
    dag = dagbag.get_dag("newswatch_reprocess")
    assert {"version", "index", "batch_size"} <= set(dag.params)
    assert dag.params["batch_size"] == 500
    assert type(dag.get_task("reextract_batch")).__name__.endswith("MappedOperator")
    assert [o.name for o in dag.get_task("swap_alias").outlets] == ["newswatch-incidents"]


def test_ingest_maps_over_feeds_in_the_http_pool(dagbag):
    dag = dagbag.get_dag("newswatch_ingest")
    ingest = dag.get_task("ingest_feed")
    assert ingest.pool == "newswatch_http"
    assert type(ingest).__name__.endswith("MappedOperator")
    announce = dag.get_task("announce_incidents")
    assert [outlet.name for outlet in announce.outlets] == ["newswatch-incidents"]


def test_schedule_and_time_limits_come_from_configuration(airflow_db):
    import json
    import os
    import subprocess
    import sys

    from ingest.config import REPO_ROOT

    probe = ("import json; from airflow.dag_processing.dagbag import DagBag; "
             f"dag = DagBag(dag_folder={str(REPO_ROOT / 'dags')!r}).get_dag('newswatch_ingest'); "
             "print(json.dumps([type(dag.timetable).__name__, dag.max_active_runs, "
             "dag.dagrun_timeout.total_seconds(), "
             "dag.get_task('ingest_feed').execution_timeout.total_seconds()]))")
    for schedule, timetable, limits in (("@continuous", "ContinuousTimetable", ("", "")),
                                        ("*/5 * * * *", "CronTriggerTimetable", ("900", "120"))):
        env = {**os.environ, "NEWSWATCH_SCHEDULE": schedule,
               "NEWSWATCH_INGEST_RUN_TIMEOUT_S": limits[0], "NEWSWATCH_TASK_TIMEOUT_S": limits[1]}
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                env=env, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        name, max_runs, run_limit, task_limit = json.loads(result.stdout.strip().splitlines()[-1])
        assert (name, max_runs) == (timetable, 1)
        assert (run_limit, task_limit) == ((900, 120) if limits[0] else (3600, 1800))


def test_tasks_retry_three_times_with_back_off_unless_configured(monkeypatch):
    from ingest.orchestration import task_defaults

    monkeypatch.delenv("NEWSWATCH_TASK_RETRIES", raising=False)
    monkeypatch.delenv("NEWSWATCH_RETRY_DELAY_S", raising=False)
    defaults = task_defaults()
    assert defaults["retries"] == 3 and defaults["retry_delay"].total_seconds() == 60
    monkeypatch.setenv("NEWSWATCH_TASK_RETRIES", "5")
    assert task_defaults()["retries"] == 5


def test_json_connection_keeps_a_password_with_special_characters(airflow_db, monkeypatch):
    import json

    from airflow.sdk import BaseHook

    from ingest.orchestration import settings_from_connection

    password = "p@ss:w/rd#?%&+ =;"   # breaks the URI form unless every character is escaped
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWATCH_JSON_PROBE", json.dumps({
        "conn_type": "elasticsearch", "host": "elasticsearch", "port": 9200,
        "login": "elastic", "password": password, "extra": {"scheme": "http"}}))
    settings = settings_from_connection(BaseHook.get_connection, "newswatch_json_probe")
    assert settings.es_url == "http://elasticsearch:9200"
    assert (settings.es_username, settings.es_password) == ("elastic", password)
