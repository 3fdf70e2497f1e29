"""Module loggers say what was done: schema setup, searches, fetches (read with -v/-vv)."""

from __future__ import annotations

import logging

from ingest.config import Settings
from ingest.http import fetch_url
from ingest.schema import setup
from ingest.search import search


def _messages(caplog, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


def test_setup_and_search_log_what_they_did(es_client, es_settings, caplog):
    with caplog.at_level(logging.DEBUG, logger="ingest"):
        setup(es_client, es_settings)
        search(es_client, es_settings, "rockets", target="incidents")
    prefix = es_settings.index_prefix
    assert f"articles: index {prefix}-articles-v1 created, alias {prefix}-articles created, " \
           "mapping current" in _messages(caplog, "ingest.schema")
    searches = _messages(caplog, "ingest.search")
    assert searches[0].startswith(f"search {prefix}-incidents: {{") and "rockets" in searches[0]
    assert searches[1].startswith(f"search {prefix}-incidents: 0 matches in ")


def test_a_failed_fetch_is_logged_with_its_reason(http_server, caplog):
    settings = Settings.from_env({}, allow_private_hosts=("127.0.0.1",), http_timeout_s=3.0)
    url = http_server.route("/gone", status=410)
    with caplog.at_level(logging.INFO, logger="ingest.http"):
        fetch_url(url, settings)
    assert _messages(caplog, "ingest.http") == [
        f"GET {url} failed: http_error: HTTP 410 from {url}"]
