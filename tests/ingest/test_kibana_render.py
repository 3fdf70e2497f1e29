"""The Kibana data views follow NEWSWATCH_INDEX_PREFIX: rendered at import time, they name the
aliases `newswatch setup-es` created for that prefix."""

from __future__ import annotations

import json

import pytest

from ingest.cli import main
from ingest.config import Settings
from ingest.kibana import KibanaObjectsError, render, saved_objects
from ingest.schema import setup


def _data_views(ndjson: str) -> dict[str, str]:
    objects = [json.loads(line) for line in ndjson.splitlines()]
    return {o["id"]: o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}


def test_data_views_name_the_aliases_of_the_prefix(es_client, es_settings):
    setup(es_client, es_settings)
    views = _data_views(saved_objects(es_settings))
    assert set(views) == {"newswatch-articles", "newswatch-incidents", "newswatch-feeds",
                          "newswatch-events"}  # Kibana's ids stay, so dashboards still resolve
    for title in views.values():
        assert title.startswith(f"{es_settings.index_prefix}-")
        assert es_client.indices.exists_alias(name=title), title


def test_the_default_prefix_gives_the_shipped_file():
    settings = Settings.from_env({})
    shipped = (settings.seeds_dir / "kibana" / "newswatch.ndjson").read_text(encoding="utf-8")
    assert saved_objects(settings) == shipped


def test_a_data_view_on_another_pattern_is_refused():
    line = json.dumps({"type": "index-pattern", "id": "x", "attributes": {"title": "logs-*"}})
    with pytest.raises(KibanaObjectsError, match="line 1: data view 'x' reads 'logs-\\*'"):
        render(line + "\n", Settings.from_env({}))


def test_command_writes_them_for_the_prefix(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", "acme-news")
    assert main(["kibana-objects"]) == 0
    views = _data_views(capsys.readouterr().out)
    assert views["newswatch-incidents"] == "acme-news-incidents"
    out = tmp_path / "objects.ndjson"
    assert main(["kibana-objects", "--output", str(out)]) == 0
    assert _data_views(out.read_text(encoding="utf-8")) == views
