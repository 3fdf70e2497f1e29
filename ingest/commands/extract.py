"""`newswatch extract`: articles (JSON lines) -> incidents per article (JSON lines)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PROGRESS_EVERY = 1000
NO_TEXT = "no \"text\" or \"html\" field"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True,
                        help="articles as JSON lines (id, title, text or html, published, url); "
                             "'-' reads standard input")
    parser.add_argument("--output", default="-",
                        help="where to write {id, incidents} JSON lines (default: standard output)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


@contextmanager
def _open_in(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        yield fh


@contextmanager
def _open_out(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdout
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        yield fh


def _article_text(row: dict) -> tuple[str | None, str | None, str | None, str]:
    """(text, title, published, problem): html goes through cleaning when there is no text."""
    text, title, published = row.get("text"), row.get("title"), row.get("published")
    if isinstance(text, str) and text.strip():
        return text, title, published, ""
    html = row.get("html")
    if isinstance(html, str) and html.strip():
        from extract.clean import clean_html  # the cleaning step is optional at import time

        res = clean_html(html, row.get("url"))
        if not getattr(res, "ok", False):
            reason = getattr(res, "reason", None) or "not an article"
            return None, title, published, f"html rejected: {reason}"
        return res.text, title or res.title, published or getattr(res, "date", None), ""
    return None, title, published, NO_TEXT


def _process_line(line: str) -> tuple[dict | None, str]:
    from extract.incidents import extract_incidents

    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(row, dict):
        return None, "not a JSON object"
    if "id" not in row:
        return None, "no \"id\" field"
    text, title, published, problem = _article_text(row)
    if text is None and problem == NO_TEXT:
        return None, f"{NO_TEXT} (id {row['id']})"
    if text is None:
        return {"id": row["id"], "incidents": []}, problem
    incidents = extract_incidents(text, title=title, published=published, url=row.get("url"))
    return {"id": row["id"], "incidents": [i.to_dict() for i in incidents]}, ""


def run(args: argparse.Namespace) -> int:
    from extract import incidents

    if args.input != "-" and not Path(args.input).is_file():
        print(f"newswatch extract: input file {args.input} not found: pass --input PATH or -",
              file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    incidents.load()
    failed = done = found = 0
    tty = sys.stderr.isatty() and not args.quiet
    try:
        with _open_in(args.input) as src, _open_out(args.output) as dst:
            for n, line in enumerate(src, start=1):
                if not line.strip():
                    continue
                out, problem = _process_line(line)
                if out is None:
                    failed += 1
                    print(f"newswatch extract: line {n}: {problem}; skipped", file=sys.stderr)
                    continue
                if problem:
                    print(f"newswatch extract: line {n} (id {out['id']}): {problem}",
                          file=sys.stderr)
                dst.write(json.dumps(out, ensure_ascii=False) + "\n")
                done += 1
                found += len(out["incidents"])
                if not args.quiet and done % PROGRESS_EVERY == 0:
                    rate = done / max(1e-9, time.perf_counter() - t0)
                    end = "\r" if tty else "\n"
                    print(f"extract: {done} articles, {found} incidents, {rate:.0f}/s",
                          file=sys.stderr, end=end, flush=True)
    except OSError as exc:
        print(f"newswatch extract: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 2
    if not args.quiet and (done >= PROGRESS_EVERY or failed):
        print(f"extract: {done} articles, {found} incidents, {failed} bad lines", file=sys.stderr)
    return 1 if failed else 0
