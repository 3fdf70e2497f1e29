"""Event merging beside the pass (ingest.pipeline.MergeBeside): `newswatch run` merges what
its bulks indexed while its later pages are fetched and extracted (a round once enough
incidents wait, and one to catch up once the pass has indexed as many articles as it has left),
merges the rest in a round after its last bulk, and ends with the events a
merge after the pass gives; a round that fails does not fail the run; two runs at once still
put every incident in exactly one event."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from ingest import event_store, pipeline, schema
from ingest.demo_server import DemoServer
from ingest.es import ElasticsearchUnavailable
from tests.support.demo import DEMO_ARTICLE_COUNT, demo_settings
from tests.support.race import race

pytestmark = pytest.mark.timeout(600)

MERGE_THREAD = "newswatch-merge"


def _settings(es_settings, server: DemoServer, tmp_path, index_batch: int):
    """The demo feeds served by `server`, indexed `index_batch` articles per bulk (a merge
    round follows every bulk but the last)."""
    return replace(demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml")),
                   index_batch=index_batch)


def _partition(client, settings) -> list[list[str]]:
    """The events as sets of incidents (ids of events may differ between two prefixes)."""
    return sorted(sorted(e["incident_ids"]) for e in event_store.events_of(client, settings))


def _assert_each_incident_in_one_event(client, settings) -> None:
    events = event_store.events_of(client, settings)
    listed = [i for e in events for i in e["incident_ids"]]
    assert len(listed) == len(set(listed)), "an incident is in two events"
    owner = {i: e["event_id"] for e in events for i in e["incident_ids"]}
    alias = settings.index("incidents")
    client.indices.refresh(index=alias)
    hits = client.search(index=alias, size=1000, source_includes=["event_id"])["hits"]["hits"]
    assert hits and {h["_id"]: h["_source"].get("event_id") for h in hits} == owner


def _recording_rounds(monkeypatch, steps: list[str] | None = None) -> list[str]:
    """The threads reconcile runs in, in call order; in `steps`, "merge" when a round starts
    and "bulk" when a bulk of articles is done."""
    threads: list[str] = []
    inner, bulk = event_store.reconcile, pipeline.index.index_articles

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        if steps is not None:
            steps.append("merge")
        return inner(*args, **kwargs)

    def indexed(*args, **kwargs):
        try:
            return bulk(*args, **kwargs)
        finally:
            if steps is not None:
                steps.append("bulk")

    monkeypatch.setattr(event_store, "reconcile", recorded)
    monkeypatch.setattr(pipeline.index, "index_articles", indexed)
    return threads


def test_a_run_merges_during_its_pass_and_ends_with_the_events_of_a_merge_after_it(
        es, es_settings, tmp_path, monkeypatch):
    client, prefix = es
    monkeypatch.setattr(pipeline, "ROUND_INCIDENTS", 1)  # a round once any incident waits
    with DemoServer() as server:
        # eight bulks: rounds beside the pass
        settings = _settings(es_settings, server, tmp_path, index_batch=3)
        after = replace(settings, index_prefix=f"{prefix}-after")
        try:
            steps: list[str] = []
            threads = _recording_rounds(monkeypatch, steps)
            outcomes = pipeline.run_once(settings, client=client)
            assert pipeline.summarise(outcomes)["articles_indexed"] == DEMO_ARTICLE_COUNT
            # rounds during the pass, and one after its last bulk: the run merges nothing
            # itself after the pass
            assert len(threads) > 1 and set(threads) == {MERGE_THREAD}, threads
            assert steps.index("merge") < len(steps) - steps[::-1].index("bulk") - 1, steps
            assert steps[-1] == "merge", steps
            _assert_each_incident_in_one_event(client, settings)
            # the same feeds, merged only once the pass is over
            schema.setup(client, after)
            pipeline.ingest_feeds(after, pipeline.feeds_by_id(after), client=client)
            event_store.reconcile(client, after)
            assert _partition(client, settings) == _partition(client, after)
        finally:
            schema.drop_everything(client, f"{prefix}-after")


def _rounds_after(pokes: list[pipeline.Bulk], monkeypatch) -> list[int]:
    """MergeBeside fed these bulks (reconcile stubbed): after which bulk (1-based) each round
    started."""
    started: list[int] = []
    bulks_done = [0]
    monkeypatch.setattr(event_store, "reconcile",
                        lambda *_a, **_k: started.append(bulks_done[0]))
    merging = pipeline.MergeBeside(None, None, round_incidents=1000, catch_up_incidents=100)
    for bulk in pokes:
        bulks_done[0] += 1
        merging.poke(bulk)
        if merging._thread is not None:  # the round, if one started, before the next bulk
            merging._thread.join()
    return started


def test_a_round_catches_up_once_the_pass_has_indexed_as_many_articles_as_it_has_left(
        monkeypatch):
    # 420 articles in bulks of 50, ~0.9 incident each: a round once 100 incidents wait and the
    # articles indexed since the last round are as many as those left, and after the last
    bulks = [pipeline.Bulk(articles=50, incidents=45, left=420 - 50 * k) for k in range(1, 9)]
    bulks.append(pipeline.Bulk(articles=20, incidents=18, left=0, last=True))
    # 250 articles >= 170 left; then 2 bulks are 90 incidents, 3 are 135 (150 >= 20 left)
    assert _rounds_after(bulks, monkeypatch) == [5, 8, 9]


def test_a_pass_with_few_incidents_waits_for_its_last_bulk(monkeypatch):
    bulks = [pipeline.Bulk(articles=50, incidents=45, left=50),
             pipeline.Bulk(articles=50, incidents=45, left=0, last=True)]
    assert _rounds_after(bulks, monkeypatch) == [2]  # 45 < 100 incidents after the first


def test_a_run_merges_half_its_pass_before_its_last_bulk(es, es_settings, tmp_path,
                                                          monkeypatch):
    """The pass tells the merging how many articles it has left: the catch-up round waits
    until about half of them are indexed, not for the first bulk."""
    client, _ = es
    monkeypatch.setattr(pipeline, "ROUND_INCIDENTS", 10**6)
    monkeypatch.setattr(pipeline, "CATCH_UP_INCIDENTS", 1)
    steps: list[str] = []
    _recording_rounds(monkeypatch, steps)
    with DemoServer() as server:
        settings = _settings(es_settings, server, tmp_path, index_batch=3)
        outcomes = pipeline.run_once(settings, client=client)
    assert pipeline.summarise(outcomes)["articles_indexed"] == DEMO_ARTICLE_COUNT
    bulks = steps.count("bulk")
    first = steps[:steps.index("merge")].count("bulk")
    assert 1 < first < bulks and steps[-1] == "merge", steps
    _assert_each_incident_in_one_event(client, settings)


def test_a_run_with_few_incidents_merges_them_once_after_its_last_bulk(
        es, es_settings, tmp_path, monkeypatch):
    """A round during the pass waits for pipeline.ROUND_INCIDENTS incidents, or for
    CATCH_UP_INCIDENTS to catch up: fewer, larger rounds rather than one per bulk."""
    client, _ = es
    steps: list[str] = []
    threads = _recording_rounds(monkeypatch, steps)
    with DemoServer() as server:
        settings = _settings(es_settings, server, tmp_path, index_batch=3)
        outcomes = pipeline.run_once(settings, client=client)
    assert 0 < pipeline.summarise(outcomes)["incidents_indexed"] < \
        pipeline.CATCH_UP_INCIDENTS < pipeline.ROUND_INCIDENTS
    assert threads == [MERGE_THREAD] and steps[-1] == "merge" and steps.count("bulk") > 1, \
        (threads, steps)
    _assert_each_incident_in_one_event(client, settings)


def test_a_merge_round_that_fails_beside_the_pass_does_not_fail_the_run(
        es, es_settings, tmp_path, monkeypatch):
    client, _ = es
    inner = event_store.reconcile
    failed: list[str] = []

    def down_beside_the_pass(*args, **kwargs):
        if threading.current_thread().name == MERGE_THREAD:
            failed.append("round")
            raise ElasticsearchUnavailable("the node went away (injected)")
        return inner(*args, **kwargs)

    monkeypatch.setattr(event_store, "reconcile", down_beside_the_pass)
    monkeypatch.setattr(pipeline, "ROUND_INCIDENTS", 1)
    with DemoServer() as server:
        settings = _settings(es_settings, server, tmp_path, index_batch=3)
        outcomes = pipeline.run_once(settings, client=client)
    assert len(failed) > 1 and pipeline.summarise(outcomes)["articles_indexed"] == \
        DEMO_ARTICLE_COUNT
    _assert_each_incident_in_one_event(client, settings)  # the run's final merge did it all


def test_two_runs_at_once_merging_beside_their_passes_put_each_incident_in_one_event(
        es, es_settings, tmp_path, monkeypatch):
    client, _ = es
    threads = _recording_rounds(monkeypatch)
    monkeypatch.setattr(pipeline, "ROUND_INCIDENTS", 1)
    with DemoServer() as server:
        settings = _settings(es_settings, server, tmp_path, index_batch=2)
        schema.setup(client, settings)

        def run(start) -> None:
            start.wait()
            pipeline.run_once(settings, client=client)

        race([run, run], timeout=500)
    assert threads.count(MERGE_THREAD) >= 2
    _assert_each_incident_in_one_event(client, settings)
    again = event_store.reconcile(client, settings)  # nothing left, nothing to fold
    assert (again.incidents_assigned, again.events_created) == (0, 0)


def test_a_run_that_cleans_in_its_own_process_merges_after_its_pass(
        es, es_settings, tmp_path, monkeypatch):
    """There the merging would only take turns with cleaning under the GIL."""
    from ingest.workers import Workers

    client, _ = es
    threads = _recording_rounds(monkeypatch)
    with DemoServer() as server:
        settings = _settings(es_settings, server, tmp_path, index_batch=3)
        with Workers(1, seeds_dir=settings.seeds_dir, cache_dir=settings.cache_dir) as one:
            pipeline.run_once(settings, client=client, workers=one)
    assert threads == ["MainThread"]
    _assert_each_incident_in_one_event(client, settings)
