"""`newswatch clean`: JSON lines in, cleaned articles or rejections out, bad lines reported."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

from ingest.cli import main

REPO = Path(__file__).resolve().parents[2]

PARAGRAPHS = [
    "Flooding along the river forced more than two thousand people from their homes on "
    "Wednesday, the regional emergency service said in a statement.",
    "Rescue teams used boats to reach villages cut off by the water, and two bridges were "
    "closed after the river rose by almost three metres overnight.",
    "Forecasters expect more rain over the weekend, and the authorities asked residents of "
    "low-lying districts to prepare for further evacuations.",
]


def page(title: str = "Floods force thousands from their homes") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
            "<link rel='canonical' href='https://news.example/floods'></head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            "<div class='comments'><p class='comment'>First! Great article.</p></div>"
            "<footer>Copyright The Example Times</footer></body></html>")


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_inline_html_files_and_gzip_paths(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "b.html").write_text(page("Second page"), encoding="utf-8")
    (tmp_path / "pages" / "c.html.gz").write_bytes(gzip.compress(page("Third").encode()))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n")
    listing = _write_lines(tmp_path / "in.jsonl", [
        json.dumps({"id": "a", "html": page(), "url": "https://news.example/a?utm=x"}),
        json.dumps({"id": "b", "path": "pages/b.html"}),
        "",
        json.dumps({"id": 3, "path": "pages/c.html.gz"}),
        json.dumps({"id": "d", "path": str(pdf)}),  # absolute path
    ])
    out = tmp_path / "out" / "cleaned.jsonl"
    assert main(["clean", "--input", str(listing), "--output", str(out)]) == 0
    rows = _read_jsonl(out)
    assert [row["id"] for row in rows] == ["a", "b", 3, "d"]
    a, b, c, d = rows
    assert a["title"] == "Floods force thousands from their homes"
    assert all(p in a["text"] for p in PARAGRAPHS)
    assert "First! Great article." not in a["text"] and "Copyright" not in a["text"]
    assert a["url"] == "https://news.example/a?utm=x"
    assert a["canonical_url"] == "https://news.example/floods"
    assert "rejected" not in a
    assert b["title"] == "Second page" and c["title"] == "Third"
    assert d["rejected"] == "not_html" and "PDF" in d["detail"] and "text" not in d


def test_malformed_lines_are_reported_by_number_and_the_rest_goes_on(tmp_path, capsys):
    listing = _write_lines(tmp_path / "in.jsonl", [
        json.dumps({"id": "ok1", "html": page()}),
        "{not json",
        json.dumps({"html": page()}),  # no id
        json.dumps({"id": "x"}),  # neither html nor path
        json.dumps({"id": "y", "path": "nowhere/missing.html"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "short", "html": "<html><body><p>Too short.</p></body></html>"}),
        json.dumps({"id": "ok2", "html": page("Last one")}),
    ])
    code = main(["clean", "--input", str(listing)])
    captured = capsys.readouterr()
    assert code == 1
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [row["id"] for row in rows] == ["ok1", "short", "ok2"]
    assert rows[1]["rejected"] == "too_short"
    err = captured.err
    for number, why in ((2, "not JSON"), (3, "no 'id'"), (4, "needs 'html'"),
                        (5, "cannot read"), (6, "expected a JSON object")):
        assert f"line {number}: {why}" in err
    assert "line 1:" not in err and "line 7:" not in err and "line 8:" not in err
    assert "5 malformed input line(s)" in err
    assert "Traceback" not in err


def test_stdin_to_stdout(monkeypatch, capsys):
    data = (json.dumps({"id": "s", "html": page(), "charset": "utf-8"}) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert main(["clean", "--input", "-", "--quiet"]) == 0
    captured = capsys.readouterr()
    (row,) = [json.loads(line) for line in captured.out.splitlines()]
    assert row["id"] == "s" and PARAGRAPHS[0] in row["text"]
    assert row["encoding"] is None  # inline html is text already: nothing was decoded
    assert captured.err == ""


def test_missing_input_file_is_one_clear_error(tmp_path, capsys):
    assert main(["clean", "--input", str(tmp_path / "absent.jsonl")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newswatch clean: cannot read") and "\n" not in err


def test_min_chars_option(tmp_path, capsys):
    short = {"id": "s", "html": "<html><body><article><p>A short brief of some forty "
                                "characters.</p></article></body></html>"}
    listing = _write_lines(tmp_path / "in.jsonl", [json.dumps(short)])
    assert main(["clean", "--input", str(listing), "--min-chars", "20", "--quiet"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["text"] == "A short brief of some forty characters."


def test_command_runs_as_a_process(tmp_path):
    seed = (REPO / "seeds" / "demo" / "articles" / "seed-article.html").read_text("utf-8")
    html = seed.replace("{{BASE_URL}}", "http://127.0.0.1:8080")
    (tmp_path / "seed.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
    stdin = json.dumps({"id": "seed", "path": "seed.html.gz"}) + "\nnot json\n"
    proc = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "clean", "--input", "-"],
        input=stdin.encode(), capture_output=True, cwd=tmp_path, timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 1, proc.stderr.decode()
    (row,) = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert row["id"] == "seed"
    assert row["title"] == "Rockets fired from Iraq target U.S. military base in Syria"
    assert row["date"].startswith("2024-04-22")
    assert row["canonical_url"] == "http://127.0.0.1:8080/articles/seed-article.html"
    assert "Zummar" in row["text"] and "Sinjar" not in row["text"]
    assert "<stdin> line 2: not JSON" in proc.stderr.decode()


def test_a_lone_surrogate_in_the_id_gives_valid_utf8_and_the_rest_goes_on(tmp_path, capsys):
    listing = tmp_path / "in.jsonl"
    listing.write_text('{"id": "bad-\\ud800-id", "html": ' + json.dumps(page()) + "}\n"
                       + json.dumps({"id": "after", "html": page("Next")}) + "\n", "ascii")
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--input", str(listing), "--output", str(out), "--quiet"]) == 0
    rows = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["bad-\ufffd-id", "after"]


def test_paths_are_regular_files_read_up_to_the_body_cap(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEWSWATCH_MAX_BODY_BYTES", "4096")
    (tmp_path / "small.html").write_text(page(), "utf-8")
    (tmp_path / "huge.html").write_text(page() + "<p>more</p>" * 2000, "utf-8")
    (tmp_path / "folder").mkdir()
    listing = _write_lines(tmp_path / "in.jsonl", [
        json.dumps({"id": "small", "path": "small.html"}),
        json.dumps({"id": "huge", "path": "huge.html"}),
        json.dumps({"id": "zero", "path": "/dev/zero"}),
        json.dumps({"id": "dir", "path": "folder"}),
        json.dumps({"id": "last", "path": "small.html"}),
    ])
    assert main(["clean", "--input", str(listing)]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == ["small", "last"]
    err = captured.err
    assert "line 2:" in err and "more than 4096 bytes" in err and "NEWSWATCH_MAX_BODY_BYTES" in err
    assert "line 3:" in err and "/dev/zero is not a regular file" in err
    assert "line 4:" in err and "is not a regular file" in err
    assert "3 malformed input line(s)" in err
