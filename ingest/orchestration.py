"""What the DAGs share, without importing Airflow: their settings (read here, once), task
defaults with time limits, the errors no retry can fix, the failure alert, and Settings
from an Airflow connection."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ingest.config import Number, Settings, SettingsError
from ingest.es import NewswatchError
from ingest.feedspec import FeedSpecError
from ingest.log_levels import quiet_chatty_loggers
from ingest.schema import SchemaError

log = logging.getLogger(__name__)


class FeedNotListed(NewswatchError):
    """A mapped task's feed was removed from the feed list (or disabled) after the run listed
    it: retrying cannot bring it back."""


# Errors that fail a task at once instead of retrying: the same input gives the same error.
# A bad feed list or setting, an index in a state newswatch cannot work with, a removed feed.
PERMANENT_ERRORS: tuple[type[Exception], ...] = (FeedSpecError, SettingsError, SchemaError,
                                                 FeedNotListed)
NOT_RETRIED = "fails the same way on every try: fix the cause, then clear the task"

_TEXT = {"NEWSWATCH_SCHEDULE": "schedule", "NEWSWATCH_ES_CONN_ID": "conn_id",
         "NEWSWATCH_HTTP_POOL": "http_pool", "NEWSWATCH_ALERT_URL": "alert_url"}
_NUMBERS: dict[str, Number] = {
    "task_retries": Number("NEWSWATCH_TASK_RETRIES", int, 0, 20, "retries"),
    "retry_delay_s": Number("NEWSWATCH_RETRY_DELAY_S", float, 0, 86400, "seconds"),
    "task_timeout_s": Number("NEWSWATCH_TASK_TIMEOUT_S", float, 0, 7 * 86400, "seconds", True),
    "ingest_run_timeout_s": Number("NEWSWATCH_INGEST_RUN_TIMEOUT_S", float, 0, 7 * 86400,
                                   "seconds", True),
    "reprocess_run_timeout_s": Number("NEWSWATCH_REPROCESS_RUN_TIMEOUT_S", float, 0,
                                      30 * 86400, "seconds", True),
    "reprocess_batch_size": Number("NEWSWATCH_REPROCESS_BATCH_SIZE", int, 1, 100_000,
                                   "articles"),
    "feeds_per_task": Number("NEWSWATCH_FEEDS_PER_TASK", int, 1, 10_000, "feeds"),
}


@dataclass(frozen=True)
class DagSettings:
    """The Airflow side's settings (the library's are ingest.config.Settings)."""

    schedule: str = "*/10 * * * *"        # cron, preset such as @hourly, or @continuous
    conn_id: str = "newswatch_es"          # the Airflow connection to Elasticsearch
    http_pool: str = "newswatch_http"      # bounds the feeds fetched at once
    task_retries: int = 3
    retry_delay_s: float = 60.0            # first retry; doubles up to 30 minutes
    task_timeout_s: float = 1800.0         # one task's execution_timeout
    ingest_run_timeout_s: float = 3600.0   # dagrun_timeout: a hung run cannot block the next
    reprocess_run_timeout_s: float = 86400.0
    reprocess_batch_size: int = 500       # articles per mapped re-extraction task
    # feeds per mapped ingest task: each task costs ~3.4 s of CPU in Airflow's task runner, a
    # feed ~0.3 s of work; 1 gives per-feed retries and a task per feed in the UI
    feeds_per_task: int = 25
    alert_url: str | None = None           # failures are POSTed here as JSON

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DagSettings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {name: env[var] for var, name in _TEXT.items() if env.get(var)}
        for name, rule in _NUMBERS.items():
            if env.get(rule.variable):
                values[name] = rule.parse(env[rule.variable])
                rule.check(values[name])
        return cls(**values)


def task_defaults(settings: DagSettings | None = None) -> dict:
    """default_args of every DAG: retries with exponential back-off, a time limit per task, and
    the failure alert. The DAGs add a retry policy that fails PERMANENT_ERRORS at once."""
    settings = settings or DagSettings.from_env()
    return {
        "owner": "newswatch",
        "retries": settings.task_retries,
        "retry_delay": timedelta(seconds=settings.retry_delay_s),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(seconds=settings.task_timeout_s),
        "on_failure_callback": alert_on_failure,
    }


def failure_report(context: Mapping[str, Any]) -> dict:
    """What failed, from an Airflow callback context: a task's (scope "task", with its error)
    or a DAG run's (scope "run", with Airflow's reason such as timed_out or task_failure)."""
    ti, run = context.get("ti") or context.get("task_instance"), context.get("dag_run")
    scope = "run" if "reason" in context else "task"
    report = {
        "scope": scope,
        "dag_id": getattr(ti, "dag_id", None) or getattr(run, "dag_id", None),
        "run_id": getattr(ti, "run_id", None) or getattr(run, "run_id", None),
        "task_id": getattr(ti, "task_id", None),
        "map_index": getattr(ti, "map_index", None),
        "try_number": getattr(ti, "try_number", None),
        "error": str(context.get("exception") or context.get("reason") or "failed"),
        "log_url": getattr(ti, "log_url", None),
    }
    if scope == "run":
        report["text"] = (f"newswatch: run {report['run_id']} of {report['dag_id']} failed "
                          f"({report['error']})")
    else:
        report["text"] = (f"newswatch: {report['dag_id']}.{report['task_id']} failed in run "
                          f"{report['run_id']}: {report['error']}")
    return report


def alert_on_failure(context: Mapping[str, Any]) -> None:
    """on_failure_callback of every task and DAG: POST failure_report() as JSON to
    NEWSWATCH_ALERT_URL (any webhook; its `text` field suits Slack and Mattermost). Nothing
    when unset; an alert that cannot be sent is logged, never raised."""
    url = DagSettings.from_env().alert_url
    if not url:
        return
    import httpx

    report = failure_report(context)
    try:
        httpx.post(url, json=report, timeout=10.0).raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("could not send the failure alert to NEWSWATCH_ALERT_URL: %s", exc)


class BatchWritesFailed(NewswatchError):
    """Some feeds of a batch could not write all their articles, for a reason that may pass.
    Raised once every feed of the batch is done and saved, so the task retries while the
    other feeds' work stands (a retry finds it indexed and skips it)."""


def feed_batches(feed_ids: Sequence[str], per_task: int | None = None) -> list[list[str]]:
    """Feed ids in batches of `per_task` (default NEWSWATCH_FEEDS_PER_TASK), in the order
    given: one mapped ingest task each."""
    per_task = per_task or DagSettings.from_env().feeds_per_task
    return [list(feed_ids[i:i + per_task]) for i in range(0, len(feed_ids), per_task)]


def batch_label(feed_ids: Sequence[str]) -> str:
    """A mapped task's name in the UI: its feed, or its first feed and how many more."""
    return feed_ids[0] if len(feed_ids) == 1 else f"{feed_ids[0]} +{len(feed_ids) - 1}"


def ingest_listed_feeds(settings: Settings, feed_ids: Sequence[str]) -> list[dict]:
    """pipeline.ingest_feeds for a batch of feeds in one pass (one state read, one newness
    lookup, shared bulks); their outcomes. A broken feed is recorded in its own outcome and
    state, never fails the others. Feeds removed from the list since the run listed them are
    left out and, once the rest is done, raise FeedNotListed (not retried); articles that could
    not be written raise BatchWritesFailed (retried). The chatty libraries are quieted first,
    as the CLI does: trafilatura would warn about every page it discards."""
    from ingest import pipeline

    quiet_chatty_loggers()

    specs = pipeline.feeds_by_id(settings)
    listed = [fid for fid in feed_ids if fid in specs]
    outcomes = pipeline.ingest_feeds(settings, {fid: specs[fid] for fid in listed})
    for outcome in outcomes:
        log.info("%s", describe(outcome))   # the task log's one-line account of each feed
    unwritten = [o["feed_id"] for o in outcomes if o["write_failures"]]
    if unwritten:
        raise BatchWritesFailed(
            f"feeds {', '.join(unwritten)}: some articles were not written to Elasticsearch "
            "(see the dead letters for the error); the retry writes them, the batch's other "
            "feeds are done")
    removed = [fid for fid in feed_ids if fid not in specs]
    if removed:
        raise FeedNotListed(f"feeds {', '.join(map(repr, removed))} are no longer enabled "
                            f"feeds of {settings.feeds_path}; the other feeds of the batch were "
                            "ingested, and these are left out from the next run on")
    return outcomes


def describe(counts: Mapping[str, Any]) -> str:
    """One line for a task log: what a feed (or a whole run's summary) did, by stage, with
    rejections by reason and dead letters that could not be kept."""
    head = f"feed {counts['feed_id']} {counts.get('status', 'ok')}" if "feed_id" in counts \
        else f"{counts.get('feeds', 0)} feeds ({counts.get('feeds_failed', 0)} failed)"
    stages = ", ".join(f"{key.replace('_', ' ')} {counts.get(key, 0)}" for key in (
        "entries", "new", "fetched", "from_feed", "articles_indexed", "incidents_indexed",
        "deferred", "index_failures", "dead_letters_unsaved"))
    rejected = ", ".join(f"{why} {n}" for why, n in sorted((counts.get("rejected") or {}).items()))
    return f"{head}: {stages}; rejected: {rejected or 'none'}"


def reprocess_params(params: Mapping[str, Any], settings: DagSettings) -> dict:
    """The reprocess DAG's Params with the defaults filled in: version, index, batch_size."""
    return {"version": params.get("version") or None, "index": params.get("index") or None,
            "batch_size": int(params.get("batch_size") or settings.reprocess_batch_size)}


def add_counts(outcomes: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Counts of mapped tasks added up key by key."""
    total: dict[str, int] = {}
    for outcome in outcomes:
        for key, value in outcome.items():
            total[key] = total.get(key, 0) + value
    return total


def settings_from_connection(get_connection: Callable[[str], Any],
                             conn_id: str | None = None) -> Settings:
    """Settings whose Elasticsearch comes from an Airflow connection (e.g. BaseHook's getter).

    The connection is best given in JSON form (AIRFLOW_CONN_NEWSWATCH_ES='{"conn_type":
    "elasticsearch", "host": ..., "port": 9200, "login": ..., "password": ..., "extra":
    {"scheme": "https"}}'), where a password needs no escaping; the URI form works too.
    Extras `scheme`, `api_key` and `ca_certs` are honoured. Without the connection the
    NEWSWATCH_ES_* environment applies.
    """
    conn_id = conn_id or DagSettings.from_env().conn_id
    try:
        conn = get_connection(conn_id)
    except Exception as exc:  # Airflow raises its own not-found error
        log.warning("no Airflow connection %r (%s); using NEWSWATCH_ES_URL", conn_id, exc)
        return Settings.from_env()
    extra = conn.extra_dejson or {}
    https = conn.conn_type in ("https", "elasticsearch+https") or extra.get("scheme") == "https"
    return Settings.from_env(
        es_url=f"{'https' if https else 'http'}://{conn.host}:{conn.port or 9200}",
        es_username=conn.login or None,
        es_password=conn.password or None,
        es_api_key=extra.get("api_key"),
        es_ca_certs=extra.get("ca_certs"),
    )
