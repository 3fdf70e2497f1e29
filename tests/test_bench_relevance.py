"""bench/bench_relevance.py keeps working: a tiny labelled file through the entry point."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench_relevance  # noqa: E402

ROWS = [
    {"id": "raid", "label": "incident", "title": "Gunmen kill seven in Borno village attack",
     "published": "2024-05-08", "url": "https://news.example/world/africa/raid",
     "text": "Gunmen killed seven villagers and burned houses in an attack on Kutemba village in "
             "Borno state on Tuesday, police said. Boko Haram fighters opened fire on residents."},
    {"id": "match", "label": "none", "title": "Wild beat Sabres 4-1 as Parise scores twice",
     "published": "2024-05-08", "url": "https://news.example/sport/nhl/wild",
     "text": "The Wild beat the Sabres 4-1 on Tuesday as Parise scored twice; the coach praised "
             "his players after the match, their third straight win of the season."},
    {"id": "de", "label": "none", "title": "Angriff", "published": "2024-05-08",
     "text": "Bewaffnete haben am Dienstag sieben Dorfbewohner getötet und Häuser in Brand "
             "gesetzt, teilte die Polizei mit. Die Angreifer kamen im Morgengrauen."},
]


def test_bench_relevance_counts_pages_by_label(tmp_path, capsys):
    data = tmp_path / "dev.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    assert bench_relevance.main(["--input", str(data), "-v"]) == 0
    out = capsys.readouterr().out
    assert "incident pages with >=1 incident" in out and "1/1" in out
    assert "none pages with >=1 incident                    0/2" in out
    assert "language_de 1" in out and "not_relevant 1" in out
    m = bench_relevance.measure(ROWS, bare=True)
    assert m["hit"]["incident"] == 1 and m["pages"]["none"] == 2
