"""
### newswatch reprocess

Triggered by hand after the incident extractor improved: re-extracts the incidents of every
article already stored in Elasticsearch (no page is fetched again) into a **new version** of
the incidents index, then swaps the `newswatch-incidents` alias to it in one atomic step, so
searches and Kibana never see a half-built index.

1. `start_version` creates the next `newswatch-incidents-vN` from the current templates;
2. `reextract` fills it from the stored article text and refreshes each article's facets;
3. `swap_alias` moves the alias and re-extracts articles indexed meanwhile by the ingest DAG.

The previous version stays on disk until you delete it (its name is in the last task's XCom).
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, BaseHook, dag, task

from ingest.orchestration import settings_from_connection, task_defaults

INCIDENTS = Asset(name="newswatch-incidents", uri="newswatch://elasticsearch/incidents")


def _settings():
    """newswatch Settings with Elasticsearch from the `newswatch_es` connection."""
    return settings_from_connection(BaseHook.get_connection)


@dag(
    dag_id="newswatch_reprocess",
    schedule=None,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=task_defaults(),
    tags=["newswatch", "maintenance"],
    doc_md=__doc__,
)
def newswatch_reprocess():
    @task
    def start_version() -> dict:
        """The new, not yet live, incidents index and the time the re-extraction began."""
        from ingest import reprocess
        from ingest.es import connect

        config = _settings()
        return reprocess.start(connect(config), config)

    @task
    def reextract(version: dict) -> dict:
        """Incidents of every stored article, extracted again into the new index."""
        from ingest import reprocess
        from ingest.es import connect

        config = _settings()
        return reprocess.reextract(connect(config), config, version["index"])

    @task(outlets=[INCIDENTS])
    def swap_alias(version: dict, counts: dict) -> dict:
        """Make the new version live; catch up articles indexed during the re-extraction."""
        from ingest import reprocess
        from ingest.es import connect

        config = _settings()
        return {**counts, **reprocess.finish(connect(config), config, version["index"],
                                             version["started"])}

    version = start_version()
    swap_alias(version, reextract(version))


newswatch_reprocess()
