"""What the DAGs share, without importing Airflow: task defaults and Settings from a connection."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ingest.config import Settings

log = logging.getLogger(__name__)

CONN_ID = os.environ.get("NEWSWATCH_ES_CONN_ID", "newswatch_es")
HTTP_POOL = os.environ.get("NEWSWATCH_HTTP_POOL", "newswatch_http")


def task_defaults() -> dict:
    """Retries with exponential back-off; NEWSWATCH_TASK_RETRIES / _RETRY_DELAY_S tune them."""
    return {
        "owner": "newswatch",
        "retries": int(os.environ.get("NEWSWATCH_TASK_RETRIES", "3")),
        "retry_delay": timedelta(seconds=float(os.environ.get("NEWSWATCH_RETRY_DELAY_S", "60"))),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
    }


def settings_from_connection(get_connection: Callable[[str], Any],
                             conn_id: str = CONN_ID) -> Settings:
    """Settings whose Elasticsearch comes from an Airflow connection (e.g. BaseHook's getter).

    The connection is a URI such as http://user:password@host:9200 (the UI, or the variable
    AIRFLOW_CONN_NEWSWATCH_ES); extras `api_key` and `ca_certs` are honoured. Without the
    connection the NEWSWATCH_ES_* environment applies.
    """
    try:
        conn = get_connection(conn_id)
    except Exception as exc:  # Airflow raises its own not-found error
        log.warning("no Airflow connection %r (%s); using NEWSWATCH_ES_URL", conn_id, exc)
        return Settings.from_env()
    scheme = "https" if conn.conn_type in ("https", "elasticsearch+https") else "http"
    extra = conn.extra_dejson or {}
    return Settings.from_env(
        es_url=f"{scheme}://{conn.host}:{conn.port or 9200}",
        es_username=conn.login or None,
        es_password=conn.password or None,
        es_api_key=extra.get("api_key"),
        es_ca_certs=extra.get("ca_certs"),
    )
