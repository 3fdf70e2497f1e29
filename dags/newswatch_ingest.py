"""
### newswatch ingest

Polls every feed of the feed list (`NEWSWATCH_FEEDS`, default `seeds/feeds.yaml`), fetches the
new articles, cleans them, extracts the incidents they report and indexes articles and
incidents into Elasticsearch (connection `newswatch_es`).

* **Schedule**: `NEWSWATCH_SCHEDULE` (default every 10 minutes; `@continuous` runs back to
  back). One run at a time, no catch-up, active as soon as it is deployed (not paused). A run
  is stopped after `NEWSWATCH_INGEST_RUN_TIMEOUT_S` (1 h) and a task after
  `NEWSWATCH_TASK_TIMEOUT_S` (30 min), so one hung run cannot block the ones after it.
* **One mapped task per batch of feeds** (`ingest_feed`, `NEWSWATCH_FEEDS_PER_TASK` feeds
  each, default 25; named in the UI by its first feed and how many more), in the pool
  `newswatch_http`, which bounds the HTTP work done at once. A task runs its feeds in one pass
  (shared Elasticsearch round trips) and logs one line per feed: an Airflow task costs ~3.4 s
  of CPU, a feed's work ~0.3 s. Set it to 1 for a task (and a retry) per feed. A broken feed
  or page is recorded in the feed's state (index `newswatch-feeds`) and in the task's counts,
  never fails the other feeds of its batch; an Elasticsearch outage fails a task, which then
  retries with exponential back-off (a retry skips what its first try indexed). What no retry
  can fix (a bad feed list or setting, indices in a state newswatch cannot use, a feed removed
  from the list) fails at once, after the batch's other feeds are done.
  Re-runs never duplicate: ids are hashes of canonical URLs and a feed's state advances only
  after its articles are indexed. A story listed by two feeds is claimed by one task
  (`newswatch-claims`, ingest/claims.py); the other skips it, whatever worker each runs on.
* **Alerts**: every failure is POSTed as JSON to `NEWSWATCH_ALERT_URL` when it is set.
* **Events**: `merge_events` puts every incident not yet in an event into one
  (`newswatch-events`, ingest/event_store.py); it is idempotent and safe beside other runs.
* **XCom** carries feed ids and counts only. The asset `newswatch-incidents` is updated when a
  run indexed incidents, so downstream DAGs can be scheduled on it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, BaseHook, ExceptionRetryPolicy, RetryAction, RetryRule, dag, task

from ingest.orchestration import (
    NOT_RETRIED,
    PERMANENT_ERRORS,
    DagSettings,
    alert_on_failure,
    settings_from_connection,
    task_defaults,
)

INCIDENTS = Asset(name="newswatch-incidents", uri="newswatch://elasticsearch/incidents")
SETTINGS = DagSettings.from_env()
FAIL_AT_ONCE = ExceptionRetryPolicy(rules=[RetryRule(
    exception=list(PERMANENT_ERRORS), action=RetryAction.FAIL, reason=NOT_RETRIED)])


def _settings():
    """newswatch Settings with Elasticsearch from the `newswatch_es` connection."""
    return settings_from_connection(BaseHook.get_connection)


@dag(
    dag_id="newswatch_ingest",
    schedule=SETTINGS.schedule,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,
    dagrun_timeout=timedelta(seconds=SETTINGS.ingest_run_timeout_s),
    on_failure_callback=alert_on_failure,
    default_args={**task_defaults(SETTINGS), "retry_policy": FAIL_AT_ONCE},
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
    def due_feeds() -> list[list[str]]:
        """Ids of the feeds whose back-off has expired, in batches of NEWSWATCH_FEEDS_PER_TASK."""
        from ingest import orchestration, pipeline

        return orchestration.feed_batches(pipeline.due_feed_ids(_settings()))

    @task(pool=SETTINGS.http_pool, map_index_template="{{ feed_label }}")
    def ingest_feed(feed_ids: list[str]) -> list[dict]:
        """Poll -> fetch -> clean -> extract -> index for a batch of feeds; counts (and lag
        seconds) per feed."""
        from airflow.sdk import get_current_context

        from ingest.orchestration import batch_label, ingest_listed_feeds

        get_current_context()["feed_label"] = batch_label(feed_ids)  # the mapped task's name
        return ingest_listed_feeds(_settings(), feed_ids)

    @task
    def summarise(batches: list[list[dict]]) -> dict:
        """Totals by stage and rejection reason, ingest lag p50/p95 (in the task's XCom)."""
        from ingest import orchestration, pipeline

        totals = pipeline.summarise([outcome for batch in batches for outcome in batch])
        orchestration.log.info("%s", orchestration.describe(totals))
        return totals

    @task
    def merge_events(summary: dict) -> dict:
        """Incidents not yet in an event (this run's, re-extracted ones) merged into events;
        article claims of finished passes deleted."""
        from ingest import claims, event_store
        from ingest.es import connect

        config = _settings()
        client = connect(config)
        merged = event_store.reconcile(client, config).as_dict()
        claims.purge_expired(client, config)
        return merged

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
    summary = summarise(ingest_feed.expand(feed_ids=feeds))
    merge_events(summary)
    announce_incidents(summary)


newswatch_ingest()
