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
        for task in dag.tasks:
            assert task.retries is not None, f"{dag_id}.{task.task_id} has no retries setting"
        assert dag.max_active_runs == 1, f"{dag_id} may run twice at once"
        assert dag.catchup is False, f"{dag_id} would backfill missed intervals"


def test_ingest_maps_over_feeds_in_the_http_pool(dagbag):
    dag = dagbag.get_dag("newswatch_ingest")
    ingest = dag.get_task("ingest_feed")
    assert ingest.pool == "newswatch_http"
    assert type(ingest).__name__.endswith("MappedOperator")
    announce = dag.get_task("announce_incidents")
    assert [outlet.name for outlet in announce.outlets] == ["newswatch-incidents"]
