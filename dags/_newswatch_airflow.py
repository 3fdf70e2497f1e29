"""Airflow glue shared by the newswatch DAGs: Settings from the `newswatch_es` connection."""

from __future__ import annotations

import os
from datetime import timedelta

CONN_ID = os.environ.get("NEWSWATCH_ES_CONN_ID", "newswatch_es")
HTTP_POOL = os.environ.get("NEWSWATCH_HTTP_POOL", "newswatch_http")


def default_args() -> dict:
    """Retries with exponential back-off; counts and delays can be tuned per deployment."""
    return {
        "owner": "newswatch",
        "retries": int(os.environ.get("NEWSWATCH_TASK_RETRIES", "3")),
        "retry_delay": timedelta(seconds=float(os.environ.get("NEWSWATCH_RETRY_DELAY_S", "60"))),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
    }


def settings():
    """newswatch Settings with Elasticsearch taken from the Airflow connection, when defined.

    The connection is a URI such as http://user:password@host:9200 (set it in the UI or as
    AIRFLOW_CONN_NEWSWATCH_ES); without it the NEWSWATCH_ES_* environment applies.
    """
    from airflow.sdk import BaseHook

    from ingest.config import Settings

    try:
        conn = BaseHook.get_connection(CONN_ID)
    except Exception:  # not defined: fall back to the environment (logged by Airflow)
        return Settings.from_env()
    scheme = "https" if conn.conn_type in ("https", "elasticsearch+https") else "http"
    url = f"{scheme}://{conn.host}:{conn.port or 9200}"
    extra = conn.extra_dejson or {}
    return Settings.from_env(
        es_url=url,
        es_username=conn.login or None,
        es_password=conn.password or None,
        es_api_key=extra.get("api_key"),
        es_ca_certs=extra.get("ca_certs"),
    )
