"""What the DAGs share, tested without Airflow: settings, time limits, errors that are not
retried, the failure alert, Settings from a connection."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from ingest.config import Settings, SettingsError
from ingest.es import ElasticsearchUnavailable
from ingest.feedspec import FeedSpecError
from ingest.orchestration import (
    PERMANENT_ERRORS,
    DagSettings,
    FeedNotListed,
    add_counts,
    alert_on_failure,
    failure_report,
    feed_batches,
    ingest_listed_feeds,
    reprocess_params,
    settings_from_connection,
    task_defaults,
)
from ingest.schema import SchemaError


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def alert_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received, server.status = [], 204
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _context():
    ti = SimpleNamespace(dag_id="newswatch_ingest", task_id="due_feeds", run_id="manual__1",
                         map_index=-1, try_number=1, log_url="http://airflow/log")
    return {"ti": ti, "exception": FeedSpecError("feeds.yaml entry 3: unknown key 'urll'")}


def test_dag_settings_defaults_and_variables():
    assert DagSettings.from_env({}) == DagSettings()
    chosen = DagSettings.from_env({"NEWSWATCH_TASK_TIMEOUT_S": "90",
                                   "NEWSWATCH_INGEST_RUN_TIMEOUT_S": "600",
                                   "NEWSWATCH_REPROCESS_BATCH_SIZE": "50",
                                   "NEWSWATCH_ALERT_URL": "https://hooks.example/x",
                                   "NEWSWATCH_SCHEDULE": "@hourly"})
    assert (chosen.task_timeout_s, chosen.ingest_run_timeout_s) == (90, 600)
    assert (chosen.reprocess_batch_size, chosen.schedule) == (50, "@hourly")
    assert task_defaults(chosen)["execution_timeout"] == timedelta(seconds=90)


@pytest.mark.parametrize("variable, value", [("NEWSWATCH_TASK_TIMEOUT_S", "0"),
                                             ("NEWSWATCH_TASK_RETRIES", "-1"),
                                             ("NEWSWATCH_REPROCESS_BATCH_SIZE", "ten")])
def test_a_bad_dag_setting_names_its_variable(variable, value):
    with pytest.raises(SettingsError, match=variable):
        DagSettings.from_env({variable: value})


def test_every_task_has_a_time_limit_and_the_alert():
    defaults = task_defaults(DagSettings())
    assert defaults["execution_timeout"] == timedelta(minutes=30)
    assert defaults["on_failure_callback"] is alert_on_failure


def test_errors_no_retry_can_fix_are_told_apart_from_outages():
    for error in (FeedSpecError("bad"), SchemaError("conflict"), SettingsError("bad value"),
                  FeedNotListed("gone")):
        assert isinstance(error, PERMANENT_ERRORS)
    assert not isinstance(ElasticsearchUnavailable("down"), PERMANENT_ERRORS)


def test_a_feed_removed_from_the_list_is_not_retried(tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {id: kept, name: Kept, language: en, region: global, "
                     "url: 'https://example.org/feed.xml'}\n", encoding="utf-8")
    with pytest.raises(FeedNotListed, match="'removed'"):
        ingest_listed_feeds(Settings(feeds_file=feeds), ["removed"])


def test_a_feed_task_quiets_trafilatura_as_the_cli_does(tmp_path, monkeypatch):
    """clean.py no longer silences trafilatura at import: the task sets its level itself."""
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    chatty = logging.getLogger("trafilatura")
    monkeypatch.setattr(chatty, "level", logging.NOTSET)  # restored after the test
    with pytest.raises(FeedNotListed):
        ingest_listed_feeds(Settings(feeds_file=feeds), ["any"])
    assert chatty.level == logging.ERROR


def test_the_alert_posts_what_failed(alert_server, monkeypatch):
    monkeypatch.setenv("NEWSWATCH_ALERT_URL",
                       f"http://127.0.0.1:{alert_server.server_port}/hook")
    alert_on_failure(_context())
    [alert] = alert_server.received
    assert (alert["dag_id"], alert["task_id"], alert["try_number"]) == ("newswatch_ingest",
                                                                          "due_feeds", 1)
    assert "unknown key 'urll'" in alert["error"] and "due_feeds" in alert["text"]
    assert alert["scope"] == "task"


def test_an_alert_that_cannot_be_sent_does_not_raise(alert_server, monkeypatch, caplog):
    alert_server.status = 500
    monkeypatch.setenv("NEWSWATCH_ALERT_URL",
                       f"http://127.0.0.1:{alert_server.server_port}/hook")
    alert_on_failure(_context())
    assert "could not send the failure alert" in caplog.text
    monkeypatch.delenv("NEWSWATCH_ALERT_URL")
    alert_on_failure(_context())  # unset: nothing is sent
    assert len(alert_server.received) == 1


def test_a_dag_run_failure_is_reported_without_a_task():
    run = SimpleNamespace(dag_id="newswatch_reprocess", run_id="manual__2")
    report = failure_report({"dag_run": run, "reason": "timed_out"})
    assert (report["scope"], report["dag_id"], report["task_id"], report["error"]) == (
        "run", "newswatch_reprocess", None, "timed_out")
    assert "timed_out" in report["text"]


def test_connection_password_with_special_characters_and_https_scheme():
    password = 'p@ss:w/rd#?%&+ "q"'
    conn = SimpleNamespace(conn_type="elasticsearch", host="es.internal", port=9243,
                           login="elastic", password=password,
                           extra_dejson={"scheme": "https", "ca_certs": "/certs/ca.crt"})
    settings = settings_from_connection(lambda conn_id: conn)
    assert settings.es_url == "https://es.internal:9243"
    assert (settings.es_username, settings.es_password) == ("elastic", password)
    assert settings.es_ca_certs == "/certs/ca.crt"


def test_reprocess_params_and_counts():
    defaults = DagSettings(reprocess_batch_size=250)
    assert reprocess_params({}, defaults) == {"version": None, "index": None, "batch_size": 250}
    assert reprocess_params({"version": 3, "index": "old-articles", "batch_size": 10},
                            defaults) == {"version": 3, "index": "old-articles", "batch_size": 10}
    assert add_counts([{"articles": 2, "failed": 0}, {"articles": 3, "failed": 1}]) == {
        "articles": 5, "failed": 1}


def test_a_task_log_line_says_what_a_feed_and_a_run_did():
    from ingest.orchestration import describe

    feed = {"feed_id": "wire", "status": "ok", "entries": 12, "new": 3, "fetched": 2,
            "articles_indexed": 2, "incidents_indexed": 1, "dead_letters_unsaved": 1,
            "rejected": {"fetch:http_error": 1, "extract:not_relevant": 1}}
    line = describe(feed)
    assert line.startswith("feed wire ok: entries 12, new 3, fetched 2")
    assert "incidents indexed 1" in line and "dead letters unsaved 1" in line
    assert line.endswith("rejected: extract:not_relevant 1, fetch:http_error 1")
    run = describe({"feeds": 4, "feeds_failed": 1, "entries": 40, "rejected": {}})
    assert run.startswith("4 feeds (1 failed): entries 40") and run.endswith("rejected: none")


def test_a_feed_task_logs_its_account(es_settings, tmp_path, caplog):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {id: closed, name: Closed, language: en, region: global, "
                     "url: 'http://127.0.0.1:9/feed.xml'}\n", encoding="utf-8")
    settings = dataclasses.replace(es_settings, feeds_file=feeds)   # the test's node and prefix
    with caplog.at_level(logging.INFO, logger="ingest.orchestration"):
        [outcome] = ingest_listed_feeds(settings, ["closed"])
    assert outcome["status"] == "failed"
    assert any(r.getMessage().startswith("feed closed failed: entries 0")
               for r in caplog.records)


def test_a_feed_removed_from_a_batch_fails_it_only_after_the_others_are_saved(
        es_settings, es_client, tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {id: closed, name: Closed, language: en, region: global, "
                     "url: 'http://127.0.0.1:9/feed.xml'}\n", encoding="utf-8")
    settings = dataclasses.replace(es_settings, feeds_file=feeds)   # the test's node and prefix
    with pytest.raises(FeedNotListed, match="'removed'"):
        ingest_listed_feeds(settings, ["removed", "closed"])
    es_client.indices.refresh(index=settings.index("feeds"))
    closed = es_client.get(index=settings.index("feeds"), id="closed")["_source"]
    assert closed["last_status"] == "failed"   # its pass ran and was saved


def test_feeds_are_batched_in_order_by_the_setting(monkeypatch):
    ids = ["a", "b", "c", "d", "e"]
    assert feed_batches(ids, 2) == [["a", "b"], ["c", "d"], ["e"]]
    assert feed_batches(ids, 1) == [[fid] for fid in ids]
    assert feed_batches([], 3) == []
    monkeypatch.setenv("NEWSWATCH_FEEDS_PER_TASK", "3")
    assert feed_batches(ids) == [["a", "b", "c"], ["d", "e"]]
    monkeypatch.setenv("NEWSWATCH_FEEDS_PER_TASK", "0")
    with pytest.raises(SettingsError, match="NEWSWATCH_FEEDS_PER_TASK"):
        feed_batches(ids)
