"""The ingest DAG through dag.test(): demo feeds on loopback into the real Elasticsearch."""

from __future__ import annotations

from ingest.es import connect
from ingest.search import search
from tests.support.demo import DEMO_ARTICLE_COUNT


def _states(run) -> dict[str, set[str]]:
    by_task: dict[str, set[str]] = {}
    for ti in run.get_task_instances():
        by_task.setdefault(ti.task_id, set()).add(str(ti.state))
    return by_task


def test_first_run_indexes_the_demo_and_announces_incidents(ingest_runs, dag_run_env):
    first, _ = ingest_runs
    settings, _server = dag_run_env
    assert str(first.state) == "success"
    states = _states(first)
    assert states["ingest_feed"] == {"success"}
    assert states["announce_incidents"] == {"success"}
    client = connect(settings)
    client.indices.refresh(index=f"{settings.index_prefix}-*")
    assert client.count(index=settings.index("articles"))["count"] == DEMO_ARTICLE_COUNT
    found = search(client, settings, "rocket", target="incidents", filters={"country_code": "SY"})
    assert found.total >= 1


def test_a_failing_feed_and_a_timing_out_page_are_recorded_while_the_rest_indexes(
        ingest_runs, dag_run_env):
    first, _ = ingest_runs
    settings, _server = dag_run_env
    assert len([ti for ti in first.get_task_instances() if ti.task_id == "ingest_feed"]) == 5
    client = connect(settings)
    client.indices.refresh(index=settings.index("feeds"))
    broken = client.get(index=settings.index("feeds"), id="broken")["_source"]
    assert broken["last_status"] == "failed" and broken["consecutive_failures"] >= 1
    assert broken["next_poll_after"]  # backed off
    slow = client.get(index=settings.index("feeds"), id="slow")["_source"]
    assert slow["last_status"] == "ok" and slow.get("etag") is None  # retried next pass
    late = search(client, settings, "late", filters={"feed_id": "slow"})
    assert late.total == 0


def test_second_run_adds_nothing_and_skips_the_asset_update(ingest_runs, dag_run_env):
    _, second = ingest_runs
    settings, _server = dag_run_env
    assert str(second.state) == "success"
    assert _states(second)["announce_incidents"] == {"skipped"}
    # the failing feed is backing off, so the second run maps over one feed fewer
    assert len([ti for ti in second.get_task_instances() if ti.task_id == "ingest_feed"]) == 4
    client = connect(settings)
    client.indices.refresh(index=settings.index("articles"))
    assert client.count(index=settings.index("articles"))["count"] == DEMO_ARTICLE_COUNT
