"""`newswatch extract`: articles in, one {id, incidents} line per article out, bad lines named."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED_PAGE = REPO / "seeds" / "demo" / "articles" / "seed-article.html"

ARTICLE = {
    "id": "a1", "title": "Gunmen kill two in Wajir",
    "text": "Unidentified gunmen killed two farmers in Wajir, Kenya, on Sunday. "
            "Police said no arrests had been made.",
    "published": "2024-04-22T08:00:00Z", "url": "https://news.example/a1",
}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_articles_to_incidents(tmp_path):
    src = _write(tmp_path / "in.jsonl", [
        json.dumps(ARTICLE),
        "",
        json.dumps({"id": 2, "title": "Rates", "text": "The central bank raised rates.",
                    "published": "2024-04-22"}),
    ])
    out = tmp_path / "out" / "incidents.jsonl"
    assert main(["extract", "--input", str(src), "--output", str(out)]) == 0
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a1", 2]
    (inc,) = rows[0]["incidents"]
    assert inc["event_type"] == "Violence against civilians"
    assert inc["date"] == "2024-04-21" and inc["fatalities"] == 2
    assert inc["country_code"] == "KE" and inc["location"] == "Wajir"
    assert rows[1]["incidents"] == []


def test_malformed_lines_are_named_and_the_rest_goes_on(tmp_path, capsys):
    src = _write(tmp_path / "in.jsonl", [
        "{not json",
        json.dumps(ARTICLE),
        json.dumps(["a", "list"]),
        json.dumps({"title": "no id", "text": "x"}),
        json.dumps({"id": "empty"}),
    ])
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--input", str(src), "--output", str(out)]) == 1
    assert [r["id"] for r in _rows(out)] == ["a1"]
    err = capsys.readouterr().err
    for n in (1, 3, 4, 5):
        assert f"line {n}:" in err
    assert "line 2" not in err


def test_missing_input_file_is_one_clear_line(tmp_path, capsys):
    assert main(["extract", "--input", str(tmp_path / "nope.jsonl")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not found" in err[0]


def test_stdin_to_stdout():
    proc = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "extract", "--input", "-"],
        input=json.dumps(ARTICLE) + "\n", capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (row,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert row["id"] == "a1" and row["incidents"][0]["fatalities"] == 2


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="seeds/demo seed-article page is absent")
def test_html_goes_through_cleaning(tmp_path):
    pytest.importorskip("extract.clean")
    src = _write(tmp_path / "in.jsonl", [json.dumps({
        "id": "seed", "html": SEED_PAGE.read_text(encoding="utf-8"),
        "published": "2024-04-22", "url": "https://demo.example/seed"})])
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--input", str(src), "--output", str(out)]) == 0
    (row,) = _rows(out)
    dates = sorted(i["date"] for i in row["incidents"])
    assert dates == ["2024-04-20", "2024-04-21", "2024-04-21"]


def test_clean_output_goes_through_as_is(tmp_path):
    """`newswatch clean | newswatch extract`: clean's `date` is the publication time, its
    rejections come back skipped (not bad input), and each article says why it has none."""
    pages = _write(tmp_path / "pages.jsonl", [
        json.dumps({"id": "seed", "path": str(SEED_PAGE)}),
        json.dumps({"id": "tiny", "html": "<html><body><p>Hi.</p></body></html>"}),
    ])
    cleaned = tmp_path / "cleaned.jsonl"
    assert main(["clean", "--input", str(pages), "--output", str(cleaned)]) == 0
    rows = _rows(cleaned)
    assert "date" in rows[0] and "published" not in rows[0] and rows[1].get("rejected")
    rows.append({"id": "fr", "title": "Attaque", "date": rows[0]["date"], "language": "en",
                 "text": "Des hommes armés ont tué sept villageois et incendié des maisons "
                         "lors d'une attaque contre un village du nord, mardi, selon la police."})
    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--input", str(src), "--output", str(out)]) == 0
    seed, tiny, french = _rows(out)
    assert sorted(i["date"] for i in seed["incidents"]) == ["2024-04-20", "2024-04-21",
                                                           "2024-04-21"]
    assert seed["language"] == "en" and seed["incident_relevance"] >= 0.5
    assert tiny == {"id": "tiny", "incidents": [], "language": None,
                    "incident_relevance": None, "skipped": f"rejected_{rows[1]['rejected']}"}
    assert french["language"] == "fr" and [i["language"] for i in french["incidents"]] == ["fr"]


def test_the_summary_counts_skipped_articles_by_reason(tmp_path, capsys):
    src = _write(tmp_path / "in.jsonl", [
        json.dumps(ARTICLE),
        json.dumps({"id": "r", "rejected": "too_short"}),
        json.dumps({"id": "de", "title": "Angriff", "text": "Bewaffnete haben am Dienstag "
                    "sieben Dorfbewohner getötet und Häuser in Brand gesetzt, teilte die "
                    "Polizei mit."}),
        "{not json",
    ])
    assert main(["extract", "--input", str(src), "--output", str(tmp_path / "o.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "3 articles" in err and "1 bad lines" in err
    assert "skipped: language_de 1, rejected_too_short 1" in err


def test_the_summary_counts_dropped_candidates_by_reason(tmp_path, capsys):
    history = dict(ARTICLE, id="h", text=ARTICLE["text"] + "\n\nIn March 2019, gunmen killed "
                   "30 people in a raid on the nearby town of Mandera.")
    src = _write(tmp_path / "in.jsonl", [json.dumps(ARTICLE), json.dumps(history), "{not json"])
    out = tmp_path / "o.jsonl"
    assert main(["extract", "--input", str(src), "--output", str(out)]) == 1
    plain, told = _rows(out)
    assert "dropped" not in plain and told["dropped"] == {"background": 1}
    assert len(told["incidents"]) == 1
    assert "candidates dropped: background 1" in capsys.readouterr().err


def test_a_lone_surrogate_is_made_valid_and_the_rest_goes_on(tmp_path):
    # json.dumps escapes the surrogate as \ud800, which json.loads turns back into one
    bad = dict(ARTICLE, id="bad\ud800id", title="Gunmen \ud800 kill two")
    src = _write(tmp_path / "in.jsonl", [json.dumps(bad), json.dumps(dict(ARTICLE, id="a2"))])
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--input", str(src), "--output", str(out)]) == 0
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["bad\ufffdid", "a2"]
    assert rows[0]["incidents"] and rows[1]["incidents"]
