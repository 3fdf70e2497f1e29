"""Re-extraction from stored text into a new incidents version, then an atomic alias swap."""

from __future__ import annotations

from ingest import pipeline, reprocess, schema
from ingest.demo_server import DemoServer
from tests.support.demo import DEMO_ARTICLE_COUNT, demo_settings


def _ids(client, alias: str) -> set[str]:
    client.indices.refresh(index=alias)
    hits = client.search(index=alias, size=1000, source=False)["hits"]["hits"]
    return {hit["_id"] for hit in hits}


def test_reprocess_rebuilds_incidents_in_a_new_version_without_refetching(es, es_settings,
                                                                          tmp_path):
    client, prefix = es
    with DemoServer() as server:
        settings = demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml"))
        pipeline.run_once(settings, client=client)
    # the demo server is gone: anything fetched now would fail
    before = _ids(client, settings.index("incidents"))
    old_index = schema.current_index(client, settings, "incidents")
    # an incident from an older extractor that the current one would not produce
    client.index(index=settings.index("incidents"), id="stale-0", refresh=True,
                 document={"incident_id": "stale-0", "article_id": "stale", "ordinal": 0,
                           "event_type": "Riots"})

    result = reprocess.reprocess(client, settings)

    assert result["articles"] == DEMO_ARTICLE_COUNT and result["failed"] == 0
    assert result["previous"] == old_index
    assert schema.current_index(client, settings, "incidents") == result["live"] != old_index
    after = _ids(client, settings.index("incidents"))
    assert after == before  # the same extractor gives the same incidents, the stray one is gone
    assert result["incidents"] == len(before)
    assert client.indices.exists(index=old_index)  # kept for the operator to delete
