"""The `newswatch` commands compose like Unix tools: stdin/stdout by default, --version, --json
instead of a table, one exit-status scheme (0 ok, 1 some inputs failed, 2 usage or
configuration), logs on stderr only when asked, and a `poll` that writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version

import pytest

from ingest.cli import main
from ingest.config import REPO_ROOT
from tests.ingest.test_clean_cli import page

pytestmark = pytest.mark.timeout(180)
RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
       b"<item><title>A</title><link>https://e.example/a</link></item>"
       b"<item><title>B</title><link>https://e.example/b</link></item></channel></rss>")
ARTICLE = ("Gunmen attacked a police checkpoint in the town of Gao, Mali, on Tuesday, killing "
           "three officers and wounding two others, local officials said.")


def newswatch(*args: str, stdin: str | bytes = b"", env: dict | None = None
              ) -> subprocess.CompletedProcess:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "ingest.cli", *args], input=data,
                          capture_output=True, timeout=150, cwd=REPO_ROOT,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def lines_of(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def test_version_is_the_installed_package_metadata():
    proc = newswatch("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode().split() == ["newswatch", version("newswatch")]


def test_clean_then_extract_then_events_through_pipes():
    pages = json.dumps({"id": "p1", "html": page(), "url": "https://news.example/floods"})
    cleaned = newswatch("clean", "--quiet", stdin=pages + "\n")
    assert cleaned.returncode == 0, cleaned.stderr
    rows = lines_of(cleaned.stdout)
    assert [r["id"] for r in rows] == ["p1"] and "Flooding along the river" in rows[0]["text"]

    article = json.dumps({"id": "a1", "title": "Attack in Gao", "text": ARTICLE,
                          "published": "2024-05-07T10:00:00Z", "url": "https://e.example/a1"})
    extracted = newswatch("extract", "--quiet", stdin=cleaned.stdout + article.encode() + b"\n")
    assert extracted.returncode == 0, extracted.stderr
    by_id = {r["id"]: r for r in lines_of(extracted.stdout)}
    assert set(by_id) == {"p1", "a1"} and by_id["a1"]["incidents"]

    events = newswatch("events", stdin=article + "\n")
    assert events.returncode == 0, events.stderr
    assert lines_of(events.stdout)[0]["report_count"] == 1


def test_feed_reads_a_feed_from_standard_input():
    proc = newswatch("feed", stdin=RSS)
    assert proc.returncode == 0, proc.stderr
    assert [e["link"] for e in lines_of(proc.stdout)] == ["https://e.example/a",
                                                         "https://e.example/b"]
    assert newswatch("feed", "-", stdin=b"<html>not a feed</html>").returncode == 1


def test_exit_status_one_when_some_inputs_failed(tmp_path, capsys):
    good = tmp_path / "good.xml"
    good.write_bytes(RSS)
    assert main(["feed", str(good)]) == 0
    assert main(["feed", str(good), str(tmp_path / "missing.xml")]) == 1
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 + 2 + 1 and rows[-1]["error"] == "unreadable"


def test_exit_status_two_for_usage_and_configuration_errors(tmp_path, capsys):
    bad = tmp_path / "feeds.yaml"
    bad.write_text("feeds:\n  - {id: x1, name: X, url: 'gopher://x.example/', language: en}\n")
    assert main(["feeds", "check", "--file", str(bad)]) == 2
    assert main(["poll", "--no-es", "--feeds", str(bad)]) == 2
    assert main(["run", "--feeds", str(bad)]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["feeds", "list"])  # argparse: not a valid action
    assert usage.value.code == 2
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "x1" in err


def test_search_option_errors_exit_two(es_settings, monkeypatch, capsys):
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", es_settings.index_prefix)
    assert main(["setup-es", "--json"]) == 0
    capsys.readouterr()
    assert main(["search", "x", "--filter", "no-equals-sign"]) == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err
    assert main(["search", "x", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0


def test_feeds_check_json_instead_of_the_table(tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n"
                     "  - {id: one, name: One, url: 'https://one.example/rss', language: en}\n"
                     "  - {id: two, name: Two, url: 'https://two.example/rss', language: fr,"
                     " enabled: false}\n")
    proc = newswatch("feeds", "check", "--file", str(feeds), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # the whole of stdout is one JSON document
    assert report["summary"] == {"feeds": 2, "enabled": 1, "regions": 1, "languages": 2}
    assert [(f["id"], f["enabled"]) for f in report["feeds"]] == [("one", True), ("two", False)]


def test_logs_go_to_stderr_only_when_asked(http_server):
    url = http_server.route("/rss", body=RSS, content_type="application/rss+xml")
    env = {"NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1"}
    default = newswatch("feed", url, env=env)
    assert default.returncode == 0 and default.stderr == b""
    info = newswatch("-v", "feed", url, env=env)
    assert info.stdout == default.stdout  # stdout stays pure JSON lines
    assert info.stderr.decode().splitlines() == [f"INFO ingest.commands.feed: {url}: 2 entries"]
    debug = newswatch("-vv", "feed", url, env=env).stderr.decode()
    assert f"DEBUG ingest.http: GET {url}: ok, HTTP 200" in debug
    missing = http_server.route("/gone", status=404)
    assert b"INFO ingest.http: GET" in newswatch("-v", "feed", missing, env=env).stderr
    assert newswatch("-q", "feed", missing, env=env).stderr == b""


def test_poll_creates_no_index_or_template(http_server, tmp_path, es_client, es_settings):
    url = http_server.route("/rss", body=RSS, content_type="application/rss+xml")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{id: good, name: Good, url: '{url}', language: en}}\n")
    prefix = es_settings.index_prefix
    proc = newswatch("poll", "--feeds", str(feeds), "--json",
                     env={"NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
                          "NEWSWATCH_INDEX_PREFIX": prefix})
    assert proc.returncode == 0, proc.stderr
    assert [e["link"] for e in lines_of(proc.stdout)] == ["https://e.example/a",
                                                         "https://e.example/b"]
    assert b"feed state not used" not in proc.stderr  # it did talk to Elasticsearch
    indices = es_client.indices.get(index=f"{prefix}*", expand_wildcards="all")
    assert dict(indices.body) == {}
    templates = es_client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*")
    assert templates.body.get("index_templates", []) == []


def test_es_status_of_a_node_that_is_not_running_exits_one(es_client, monkeypatch, capsys):
    assert main(["es", "status"]) == 0  # the shared node on 9200
    monkeypatch.setenv("NEWSWATCH_ES_PORT", "9251")  # no node there (the script's own code is 3)
    assert main(["es", "status"]) == 1


def test_dead_letter_replay_without_elasticsearch_exits_one(tmp_path, monkeypatch, capsys):
    (tmp_path / "bulk-1.jsonl").write_text(
        '{"time": "2024-01-01T00:00:00Z", "index": "x-articles", "id": "a", "op": "index", '
        '"document": {}, "error": "refused"}\n', encoding="utf-8")
    monkeypatch.setenv("NEWSWATCH_DEAD_LETTER_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSWATCH_ES_URL", "http://127.0.0.1:9")
    assert main(["dead-letters", "replay"]) == 1  # may work later: not a usage error
    assert "no Elasticsearch answers" in capsys.readouterr().err
