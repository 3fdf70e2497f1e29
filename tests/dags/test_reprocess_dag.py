"""The reprocess DAG through dag.test(): Params choose the batch size, one mapped task per
batch, and the incidents alias ends on the new version with the same incidents."""

from __future__ import annotations

import math

from ingest import schema
from ingest.es import connect
from tests.support.demo import DEMO_ARTICLE_COUNT


def _incident_ids(client, index: str) -> set[str]:
    client.indices.refresh(index=index)
    hits = client.search(index=index, size=1000, source=False)["hits"]["hits"]
    return {hit["_id"] for hit in hits}


def test_reprocess_maps_one_task_per_batch_and_swaps_the_alias(ingest_runs, dag_run_env,
                                                               dagbag):
    settings, _server = dag_run_env
    client = connect(settings)
    before = _incident_ids(client, settings.index("incidents"))
    old = schema.current_index(client, settings, "incidents")

    run = dagbag.get_dag("newswatch_reprocess").test(run_conf={"batch_size": 7})

    assert str(run.state) == "success"
    batches = [ti for ti in run.get_task_instances() if ti.task_id == "reextract_batch"]
    assert len(batches) == math.ceil(DEMO_ARTICLE_COUNT / 7)
    assert {str(ti.state) for ti in batches} == {"success"}
    swapped = next(ti for ti in run.get_task_instances() if ti.task_id == "swap_alias")
    result = swapped.xcom_pull(task_ids="swap_alias")
    assert result["previous"] == old and result["articles"] == DEMO_ARTICLE_COUNT
    live = schema.current_index(client, settings, "incidents")
    assert live == result["live"] != old
    assert _incident_ids(client, live) == before
