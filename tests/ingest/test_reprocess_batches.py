"""The batched re-extraction the reprocess DAG maps over: batches cover every stored article
once, and filling a version batch by batch gives what one pass gives."""

from __future__ import annotations

import pytest

from ingest import pipeline, reprocess, schema
from ingest.demo_server import DemoServer
from tests.support.demo import DEMO_ARTICLE_COUNT, demo_settings


def _ids(client, index: str) -> set[str]:
    client.indices.refresh(index=index)
    hits = client.search(index=index, size=1000, source=False)["hits"]["hits"]
    return {hit["_id"] for hit in hits}


@pytest.fixture
def stored(es, es_settings, tmp_path):
    """The demo site ingested once: (client, settings)."""
    client, _ = es
    with DemoServer() as server:
        settings = demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml"))
        pipeline.run_once(settings, client=client)
    return client, settings


def test_batches_cover_every_article_once_and_fill_the_version_like_one_pass(stored):
    client, settings = stored
    live_incidents = _ids(client, settings.index("incidents"))
    begun = reprocess.start_version(client, settings)
    batches = reprocess.article_batches(client, settings, 7)
    assert [len(b) for b in batches[:-1]] == [7] * (len(batches) - 1) and 0 < len(batches[-1]) <= 7
    flat = [article_id for batch in batches for article_id in batch]
    assert len(flat) == len(set(flat)) == DEMO_ARTICLE_COUNT
    assert set(flat) == _ids(client, settings.index("articles"))

    counts = [reprocess.reextract_batch(client, settings, begun["index"], batch)
              for batch in batches]
    assert sum(c["articles"] for c in counts) == DEMO_ARTICLE_COUNT
    assert sum(c["failed"] for c in counts) == 0
    assert _ids(client, begun["index"]) == live_incidents


def test_a_named_version_is_filled_again_but_never_the_live_one(stored):
    client, settings = stored
    first = reprocess.start_version(client, settings)["index"]
    version = int(first.rsplit("-v", 1)[1])
    assert reprocess.start_version(client, settings, version)["index"] == first
    live = schema.current_index(client, settings, "incidents")
    with pytest.raises(schema.SchemaError, match="live"):
        reprocess.start_version(client, settings, int(live.rsplit("-v", 1)[1]))
    with pytest.raises(schema.SchemaError, match="does not exist"):
        reprocess.start_version(client, settings, version + 50)
