"""`newswatch feed`, `newswatch feeds check`, `newswatch poll` as users run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.config import REPO_ROOT
from tests.support.shared import shared_path

pytestmark = pytest.mark.timeout(120)
CORPORA = shared_path("corpora", "feeds")
RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
       b"<item><title>A</title><link>https://e.example/a?utm_source=x</link></item>"
       b"<item><title>B</title><link>https://e.example/b</link></item></channel></rss>")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPORA.rglob("*") if p.is_file()) if CORPORA else []


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ingest.cli", *args], capture_output=True,
                          text=True, timeout=90, cwd=REPO_ROOT, env={**os.environ, **(env or {})})


@pytest.mark.skipif(not corpus_files(), reason="shared/corpora/feeds is absent")
def test_every_corpus_feed_goes_through_without_a_crash():
    files = corpus_files()
    proc = run_cli("feed", *map(str, files))
    assert proc.returncode == 1, proc.stderr  # some files are broken feeds: each says why
    assert "Traceback" not in proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    sources = {line["source"] for line in lines}
    errors = {line["source"]: line for line in lines if "error" in line}
    for line in errors.values():
        assert line["error"] in {"empty", "not_a_feed", "malformed"} and line["detail"]
    for line in lines:
        if "error" not in line:  # a link to fetch, or the item's own text (feed-only)
            assert (line["link"] or "").startswith("http") or line["text"]
            assert len(line["article_id"]) == 32
    assert any("error" not in line and line["link"] is None and line["text"] for line in lines)
    # each file either produced entries, an error line, or parsed as a feed without items
    assert str(CORPORA / "feedparser/tests/illformed/rss_empty_document.xml") in errors
    json_feed = str(CORPORA / "feedparser/tests/json/example.json")
    assert sum(line["source"] == json_feed for line in lines) == 2
    assert len(sources) >= 10


def test_feed_command_over_http_and_failures(http_server, capsys, monkeypatch):
    monkeypatch.setenv("NEWSWATCH_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    good = http_server.route("/rss", body=RSS, content_type="application/rss+xml")
    bad = http_server.route("/broken", status=500)
    assert main(["feed", good, bad, "/no/such/file.xml"]) == 1  # some inputs failed
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x.get("canonical_url") for x in lines[:2]] == ["https://e.example/a",
                                                         "https://e.example/b"]
    assert lines[2] == {"source": bad, "error": "http_error", "detail": f"HTTP 500 from {bad}"}
    assert lines[3]["error"] == "unreadable"
    assert main(["feed", bad, "/no/such/file.xml"]) == 1  # every input failed


def test_feeds_check(tmp_path):
    proc = run_cli("feeds", "check", "--quiet")
    assert proc.returncode == 0 and "ok:" in proc.stdout
    bad = tmp_path / "feeds.yaml"
    bad.write_text("feeds:\n  - {id: x1, name: X, url: 'gopher://x.example/', language: en}\n")
    proc = run_cli("feeds", "check", "--file", str(bad))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr  # a configuration error
    assert "x1" in proc.stderr and "http" in proc.stderr


def test_poll_without_elasticsearch(http_server, tmp_path):
    ok = http_server.route("/rss", body=RSS, content_type="application/rss+xml")
    broken = http_server.route("/broken", body=b"<html><body>not a feed</body></html>")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n"
                     f"  - {{id: good, name: Good, url: '{ok}', language: en}}\n"
                     f"  - {{id: html, name: Html, url: '{broken}', language: en}}\n"
                     f"  - {{id: disabled, name: Disabled feed, url: '{ok}', language: en,"
                     " enabled: false}\n")
    proc = run_cli("poll", "--feeds", str(feeds), "--no-es", "--json",
                   env={"NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1", "COLUMNS": "200"})
    assert proc.returncode == 1, proc.stderr  # one of the feeds failed
    assert "2 feeds polled: 1 ok, 0 not modified, 1 failed; 2 new entries" in proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]  # nothing but JSON on stdout
    failures = [line for line in lines if "error" in line]
    assert [(f["feed_id"], f["error"]) for f in failures] == [("html", "not_a_feed")]
    assert failures[0]["detail"]
    assert [e["link"] for e in lines if "error" not in e] == ["https://e.example/a?utm_source=x",
                                                               "https://e.example/b"]


def test_poll_reads_state_but_never_advances_it(http_server, tmp_path, es_client, es_settings):
    """A preview must not store the feed's ETag, or the next run would get a 304 and skip
    the entries the preview showed."""
    url = http_server.route("/rss", body=RSS, content_type="application/rss+xml", etag='"e1"')
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{id: good, name: Good, url: '{url}', language: en}}\n")
    env = {"NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1", "COLUMNS": "200",
           "NEWSWATCH_INDEX_PREFIX": es_settings.index_prefix}
    for _ in range(2):
        proc = run_cli("poll", "--feeds", str(feeds), env=env)
        assert proc.returncode == 0, proc.stderr
        assert "1 ok" in proc.stdout and "2 new entries" in proc.stdout
    assert all("If-None-Match" not in r.headers for r in http_server.requests_to("/rss"))
    stored = es_client.options(ignore_status=404).get(
        index=f"{es_settings.index_prefix}-feeds", id="good")
    assert not stored.body.get("found")

def test_feed_files_are_regular_files_read_up_to_the_body_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NEWSWATCH_MAX_BODY_BYTES", "2048")
    small = tmp_path / "small.xml"
    small.write_bytes(RSS)
    big = tmp_path / "big.xml"
    big.write_bytes(RSS.replace(b"<title>Desk</title>", b"<title>" + b"D" * 4096 + b"</title>"))
    assert main(["feed", str(small), str(big), "/dev/zero"]) == 1  # two of three failed
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("title") for line in lines[:2]] == ["A", "B"]
    errors = {line["source"]: line["detail"] for line in lines if "error" in line}
    assert "more than 2048 bytes" in errors[str(big)]
    assert errors["/dev/zero"] == "/dev/zero is not a regular file"
