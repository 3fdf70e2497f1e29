"""`newswatch run`: one pass from the command line, a summary table or JSON, clear errors."""

from __future__ import annotations

import json

from ingest.cli import main
from ingest.demo_server import DemoServer
from tests.support.demo import DEMO_ARTICLE_COUNT


def _env(monkeypatch, es_settings) -> None:
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", es_settings.index_prefix)
    monkeypatch.setenv("NEWSWATCH_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    monkeypatch.setenv("NEWSWATCH_PER_HOST_DELAY", "0")
    monkeypatch.setenv("NEWSWATCH_DEAD_LETTER_DIR", str(es_settings.dead_letter_dir))


def test_run_prints_a_json_summary_with_lag_and_a_limit_defers_the_rest(
        monkeypatch, es_settings, tmp_path, capsys):
    _env(monkeypatch, es_settings)
    with DemoServer() as server:
        feeds = server.render_feeds_file(tmp_path / "feeds.yaml")
        assert main(["run", "--feeds", str(feeds), "--limit", "2", "--json"]) == 0
        limited = json.loads(capsys.readouterr().out)
        assert limited["summary"]["articles_indexed"] == 6  # 2 from each of 3 feeds
        assert limited["summary"]["deferred"] > 0
        assert limited["summary"]["ingest_lag_p50_s"] > 0

        assert main(["run", "--feeds", str(feeds), "--json"]) == 0
        rest = json.loads(capsys.readouterr().out)
    assert rest["summary"]["articles_indexed"] == DEMO_ARTICLE_COUNT - 6
    assert rest["summary"]["deferred"] == 0


def test_run_table_names_each_feed(monkeypatch, es_settings, tmp_path, capsys):
    _env(monkeypatch, es_settings)
    with DemoServer() as server:
        feeds = server.render_feeds_file(tmp_path / "feeds.yaml")
        assert main(["run", "--feeds", str(feeds), "--feed", "demo-africa"]) == 0
    out = capsys.readouterr().out
    assert "demo-africa" in out and "demo-world" not in out
    assert "articles and" in out


def test_run_without_a_feed_list_says_what_to_pass(monkeypatch, es_settings, tmp_path, capsys):
    _env(monkeypatch, es_settings)
    assert main(["run", "--feeds", str(tmp_path / "missing.yaml")]) == 2
    assert "--feeds" in capsys.readouterr().err


def test_run_with_an_unknown_feed_id_names_it_and_the_valid_ones(
        monkeypatch, es_settings, tmp_path, capsys):
    _env(monkeypatch, es_settings)
    with DemoServer() as server:
        feeds = server.render_feeds_file(tmp_path / "feeds.yaml")
        assert main(["run", "--feeds", str(feeds), "--feed", "nosuch"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "unknown feed id 'nosuch'" in err and "demo-africa" in err, err


def test_run_processes_option_is_checked_and_one_process_indexes_the_feed(
        monkeypatch, es_settings, tmp_path, capsys):
    _env(monkeypatch, es_settings)
    with DemoServer() as server:
        feeds = server.render_feeds_file(tmp_path / "feeds.yaml")
        assert main(["run", "--feeds", str(feeds), "--processes", "-1"]) == 2
        assert "--processes must be 0" in capsys.readouterr().err
        assert main(["run", "--feeds", str(feeds), "--feed", "demo-africa", "--processes", "1",
                     "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["articles_indexed"] > 0 and summary["deferred"] == 0
