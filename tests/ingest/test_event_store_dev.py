"""The events development set through the real Elasticsearch: the reconcile step, which
finds candidates by search (other countries for a region-level place, the original's events
for a syndicated copy), gives the events of the batch command, which sees every event."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ingest import event_store, index, schema
from ingest.commands.events import articles_to_events
from ingest.pipeline import extract_into

_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
EVAL = next((d / "eval" for d in _SHARED if (d / "eval" / "events_dev.jsonl").exists()), None)


def _partition(events: list[dict]) -> list[list[str]]:
    return sorted(sorted(e["incident_ids"]) for e in events)


@pytest.mark.es
@pytest.mark.skipif(EVAL is None, reason="../shared/eval/events_dev.jsonl is absent")
def test_the_dev_set_reconciled_in_elasticsearch_gives_the_batch_commands_events(
        es_client, es_settings):
    rows = [json.loads(line) for line in (EVAL / "events_dev.jsonl").open(encoding="utf-8")]
    schema.setup(es_client, es_settings)
    items = []
    for row in rows:
        doc = {**{k: v for k, v in row.items() if k != "id"}, "article_id": row["id"],
               "source": urlsplit(row["url"]).hostname}
        incidents, _ = extract_into(doc)
        items.append((doc, incidents))
    index.index_articles(es_client, es_settings, items, refresh="wait_for")
    done = event_store.reconcile(es_client, es_settings)
    assert done.copies_marked == 2 and not done.skipped
    expected, _ = articles_to_events(rows)
    stored = event_store.events_of(es_client, es_settings)
    assert _partition(stored) == _partition(expected)
