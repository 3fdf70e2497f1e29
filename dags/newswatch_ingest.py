"""
### newswatch ingest

Polls every feed of the feed list (`NEWSWATCH_FEEDS`, default `seeds/feeds.yaml`), fetches the
new articles, cleans them, extracts the incidents they report and indexes articles and
incidents into Elasticsearch (connection `newswatch_es`).

* **Schedule**: `NEWSWATCH_SCHEDULE` (default every 10 minutes; `@continuous` runs back to
  back). One run at a time, no catch-up.
* **One mapped task per feed** (`ingest_feed`), in the pool `newswatch_http`, which bounds the
  HTTP work done at once. A broken feed or page is recorded in the feed's state (index
  `newswatch-feeds`) and in the task's counts; only an Elasticsearch outage fails a task, which
  then retries with exponential back-off. Re-runs never duplicate: ids are hashes of canonical
  URLs and a feed's state advances only after its articles are indexed.
* **XCom** carries feed ids and counts only. The asset `newswatch-incidents` is updated when a
  run indexed incidents, so downstream DAGs can be scheduled on it.
"""

from __future__ import annotations

import os
from datetime import datetime

from airflow.sdk import Asset, BaseHook, dag, task

from ingest.orchestration import HTTP_POOL, settings_from_connection, task_defaults

INCIDENTS = Asset(name="newswatch-incidents", uri="newswatch://elasticsearch/incidents")
SCHEDULE = os.environ.get("NEWSWATCH_SCHEDULE", "*/10 * * * *")


def _settings():
    """newswatch Settings with Elasticsearch from the `newswatch_es` connection."""
    return settings_from_connection(BaseHook.get_connection)


@dag(
    dag_id="newswatch_ingest",
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=task_defaults(),
    tags=["newswatch", "ingest"],
    doc_md=__doc__,
)
def newswatch_ingest():
    @task
    def setup_indices() -> dict:
        """Templates, indices and aliases (idempotent, cheap when they exist)."""
        from ingest import schema
        from ingest.es import connect

        config = _settings()
        return schema.setup(connect(config), config)

    @task
    def due_feeds() -> list[str]:
        """Feed ids whose back-off has expired."""
        from ingest import pipeline

        return pipeline.due_feed_ids(_settings())

    @task(pool=HTTP_POOL, map_index_template="{{ feed_label }}")
    def ingest_feed(feed_id: str) -> dict:
        """Poll -> fetch -> clean -> extract -> index for one feed; counts (and lag seconds)."""
        from airflow.sdk import get_current_context

        from ingest import pipeline

        get_current_context()["feed_label"] = feed_id  # shown per mapped task in the UI
        return pipeline.ingest_feed(_settings(), feed_id)

    @task
    def summarise(outcomes: list[dict]) -> dict:
        """Totals by stage and rejection reason, ingest lag p50/p95 (in the task's XCom)."""
        from ingest import pipeline

        return pipeline.summarise(list(outcomes))

    @task(outlets=[INCIDENTS])
    def announce_incidents(summary: dict) -> int:
        """Updates the incidents asset; skipped when this run indexed no incident."""
        from airflow.sdk.exceptions import AirflowSkipException

        if not summary["incidents_indexed"]:
            raise AirflowSkipException("no new incidents this run")
        return summary["incidents_indexed"]

    ready = setup_indices()
    feeds = due_feeds()
    ready >> feeds
    announce_incidents(summarise(ingest_feed.expand(feed_id=feeds)))


newswatch_ingest()
