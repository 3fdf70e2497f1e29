"""
### newswatch reprocess

Triggered by hand after the incident extractor improved: re-extracts the incidents of every
article already stored in Elasticsearch (no page is fetched again) into a **new version** of
the incidents index, then swaps the `newswatch-incidents` alias to it in one atomic step, so
searches and Kibana never see a half-built index.

1. `start_version` creates the next `newswatch-incidents-vN` from the current templates (or
   takes the existing, not live version named by the `version` param, to resume a failed run);
2. `article_batches` lists the stored article ids in batches of `batch_size`;
3. `reextract_batch`, one mapped task per batch, fills the new index from the stored article
   text and refreshes those articles' facets (a failure re-runs one batch, not everything);
4. `swap_alias` moves the alias and re-extracts articles indexed meanwhile by the ingest DAG.

**Params**: `version` (empty = the next version), `index` (the articles index or alias to read,
empty = the live articles alias), `batch_size` (articles per mapped task, default
`NEWSWATCH_REPROCESS_BATCH_SIZE` = 500). A run is stopped after
`NEWSWATCH_REPROCESS_RUN_TIMEOUT_S` (24 h), a task after `NEWSWATCH_TASK_TIMEOUT_S`.

The previous version stays on disk until you delete it (its name is in the last task's XCom).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import (
    Asset,
    BaseHook,
    ExceptionRetryPolicy,
    Param,
    RetryAction,
    RetryRule,
    dag,
    task,
)

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


def _chosen(params) -> dict:
    from ingest.orchestration import reprocess_params

    return reprocess_params(params or {}, SETTINGS)


@dag(
    dag_id="newswatch_reprocess",
    schedule=None,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,
    dagrun_timeout=timedelta(seconds=SETTINGS.reprocess_run_timeout_s),
    on_failure_callback=alert_on_failure,
    default_args={**task_defaults(SETTINGS), "retry_policy": FAIL_AT_ONCE},
    params={
        "version": Param(None, type=["null", "integer"], minimum=1,
                         description="incidents version to fill, e.g. 4 for "
                                     "newswatch-incidents-v4; empty = create the next one"),
        "index": Param(None, type=["null", "string"],
                       description="articles index or alias to read; empty = the live alias"),
        "batch_size": Param(SETTINGS.reprocess_batch_size, type="integer", minimum=1,
                            maximum=100_000, description="articles per mapped task"),
    },
    tags=["newswatch", "maintenance"],
    doc_md=__doc__,
)
def newswatch_reprocess():
    @task
    def start_version(params=None) -> dict:
        """The incidents index to fill (not yet live) and the time the re-extraction began."""
        from ingest import reprocess
        from ingest.es import connect

        config = _settings()
        return reprocess.start_version(connect(config), config, _chosen(params)["version"])

    @task
    def article_batches(params=None) -> list[list[str]]:
        """Stored article ids in lists of `batch_size` (ids only in XCom, never text)."""
        from ingest import reprocess
        from ingest.es import connect

        config, chosen = _settings(), _chosen(params)
        return reprocess.article_batches(connect(config), config, chosen["batch_size"],
                                         source=chosen["index"])

    @task
    def reextract_batch(ids: list[str], version: dict, params=None) -> dict:
        """One batch's incidents, extracted again into the new index; counts."""
        from ingest import reprocess
        from ingest.es import connect

        config = _settings()
        return reprocess.reextract_batch(connect(config), config, version["index"], ids,
                                         source=_chosen(params)["index"])

    @task(outlets=[INCIDENTS], trigger_rule="none_failed")
    def swap_alias(version: dict, counts: list[dict]) -> dict:
        """Make the new version live; catch up articles indexed during the re-extraction."""
        from ingest import reprocess
        from ingest.es import connect
        from ingest.orchestration import add_counts

        config = _settings()
        return {**add_counts(counts), **reprocess.finish(connect(config), config,
                                                         version["index"], version["started"])}

    version = start_version()
    batches = article_batches()
    version >> batches
    swap_alias(version, reextract_batch.partial(version=version).expand(ids=batches))


newswatch_reprocess()
