"""The setup-es, migrate-es and search commands end to end on the real node."""

from __future__ import annotations

import json

from ingest.cli import main
from ingest.config import Settings
from ingest.es import connect
from ingest.index import index_articles


def _env(monkeypatch, prefix: str, tmp_path) -> Settings:
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", prefix)
    monkeypatch.setenv("NEWSWATCH_DEAD_LETTER_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps cells to the terminal width
    return Settings.from_env()


def test_setup_migrate_and_search_commands(es_prefix, tmp_path, monkeypatch, capsys):
    settings = _env(monkeypatch, es_prefix, tmp_path)
    assert main(["setup-es", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["articles"]["index_status"] == "created"
    assert main(["setup-es"]) == 0
    table = capsys.readouterr().out
    assert "existed" in table and "created" not in table and f"{es_prefix}-incidents-v1" in table

    client = connect(settings)
    article = {"article_id": "a1", "url": "http://example.test/1", "title": "Rockets [hit] base",
               "source": "Example", "published": "2024-04-21T10:00:00Z",
               "text": "Rockets were fired at the base near Rumaylan."}
    incident = {"event_type": "Battles", "country": "Syria", "location": "Rumaylan",
                "lat": 36.6, "lon": 41.9, "fatalities": 1, "date": "2024-04-21"}
    index_articles(client, settings, [(article, [incident])], refresh="wait_for")

    assert main(["search", "rockets", "--facet", "event_type", "--filter", "source=Example"]) == 0
    out = capsys.readouterr().out
    assert "Rockets [hit] base" in out and "Battles" in out and "fatalities" in out
    assert main(["search", "rumaylan", "--incidents", "--near", "36.6,41.9,10", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 1 and result["hits"][0]["id"] == "a1-0"

    assert main(["migrate-es", "--kind", "incidents"]) == 0
    assert f"{es_prefix}-incidents-v2" in capsys.readouterr().out
    assert main(["search", "--incidents", "--json", "--since", "2024-04-01"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


def test_search_errors_are_one_line_without_traceback(es_prefix, tmp_path, monkeypatch, capsys):
    _env(monkeypatch, es_prefix, tmp_path)
    assert main(["search", "x", "--facet", "colour"]) == 2  # a usage error
    err = capsys.readouterr().err
    assert err.startswith("newswatch search: unknown facet 'colour'") and "Traceback" not in err
    assert main(["search", "x"]) == 2  # no index yet: a configuration error
    assert "setup-es" in capsys.readouterr().err
    monkeypatch.setenv("NEWSWATCH_ES_URL", "http://127.0.0.1:9")
    assert main(["search", "x"]) == 1
    err = capsys.readouterr().err
    assert "no Elasticsearch answers" in err and "Traceback" not in err
