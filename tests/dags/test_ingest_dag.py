"""The ingest DAG through dag.test(): demo feeds on loopback into the real Elasticsearch."""

from __future__ import annotations

from ingest.es import connect
from ingest.feedspec import load_feeds
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
    # the documents a task per feed indexes (every demo article once), from batches of feeds
    assert client.count(index=settings.index("articles"))["count"] == DEMO_ARTICLE_COUNT
    by_feed = client.search(index=settings.index("articles"), size=0, aggs={
        "feeds": {"terms": {"field": "feed_id"}}})["aggregations"]["feeds"]["buckets"]
    demo_feeds = [spec.id for spec in load_feeds(settings.feeds_path)][:-2]  # not broken, slow
    assert {bucket["key"] for bucket in by_feed} == set(demo_feeds)
    found = search(client, settings, "rocket", target="incidents", filters={"country_code": "SY"})
    assert found.total >= 1


def test_a_failing_feed_and_a_timing_out_page_are_recorded_while_the_rest_indexes(
        ingest_runs, dag_run_env):
    first, _ = ingest_runs
    settings, _server = dag_run_env
    # five feeds in batches of two; the broken one shares the second batch with a demo feed,
    # which succeeds all the same
    batches = sorted((ti.map_index, ti.rendered_map_index, str(ti.state))
                     for ti in first.get_task_instances() if ti.task_id == "ingest_feed")
    assert [(index, state) for index, _label, state in batches] == [
        (0, "success"), (1, "success"), (2, "success")]
    assert batches[1][1].endswith(" +1") and batches[2][1] == "slow"
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
    # the failing feed is backing off, so the second run maps over four feeds: two batches
    assert len([ti for ti in second.get_task_instances() if ti.task_id == "ingest_feed"]) == 2
    client = connect(settings)
    client.indices.refresh(index=settings.index("articles"))
    assert client.count(index=settings.index("articles"))["count"] == DEMO_ARTICLE_COUNT
