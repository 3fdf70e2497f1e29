"""`newswatch extract`: articles (JSON lines) -> incidents per article (JSON lines)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ingest.bounds import valid_strings
from ingest.commands import USAGE_ERROR, exit_status, note_stdin

PROGRESS_EVERY = 1000
NO_TEXT = "no \"text\" or \"html\" field"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="-",
                        help="articles as JSON lines (id, title, text or html, published or "
                             "date, url, language), e.g. what `newswatch clean` writes "
                             "(default or '-': standard input)")
    parser.add_argument("--output", default="-",
                        help="where to write {id, incidents, language, incident_relevance, "
                             "skipped, dropped} JSON lines (default: standard output)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


@contextmanager
def _open_in(path: str) -> Iterator[IO[str]]:
    if path == "-":
        note_stdin()
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


def _process_line(line: str) -> tuple[dict | None, str]:
    """One input line -> ({id, incidents, language, incident_relevance[, skipped]}, "") or
    (None, why the line is bad input). A `newswatch clean` rejection is echoed as skipped."""
    from extract.article import extract_record

    try:
        row = valid_strings(json.loads(line))   # a lone surrogate must not stop the file
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(row, dict):
        return None, "not a JSON object"
    if "id" not in row:
        return None, "no \"id\" field"
    if not row.get("rejected") and not any(isinstance(row.get(k), str) and row[k].strip()
                                           for k in ("text", "html")):
        return None, f"{NO_TEXT} (id {row['id']})"
    return {"id": row["id"], **extract_record(row).to_dict()}, ""


def run(args: argparse.Namespace) -> int:
    from extract import incidents, language, relevance

    if args.input != "-" and not Path(args.input).is_file():
        print(f"newswatch extract: input file {args.input} not found: pass --input PATH or -",
              file=sys.stderr)
        return USAGE_ERROR
    t0 = time.perf_counter()
    incidents.load()
    language.load()
    relevance.load()
    failed = done = found = 0
    skipped: Counter[str] = Counter()
    dropped: Counter[str] = Counter()     # candidates left out, by reason (sanity.Dropped)
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
                dst.write(json.dumps(out, ensure_ascii=False) + "\n")
                done += 1
                found += len(out["incidents"])
                skipped[out.get("skipped") or ""] += 1
                dropped.update(out.get("dropped") or {})
                if not args.quiet and done % PROGRESS_EVERY == 0:
                    rate = done / max(1e-9, time.perf_counter() - t0)
                    end = "\r" if tty else "\n"
                    print(f"extract: {done} articles, {found} incidents, {rate:.0f}/s",
                          file=sys.stderr, end=end, flush=True)
    except OSError as exc:
        print(f"newswatch extract: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return USAGE_ERROR
    if not args.quiet and (done >= PROGRESS_EVERY or failed):
        why = ", ".join(f"{reason} {n}" for reason, n in sorted(skipped.items()) if reason)
        left = ", ".join(f"{reason} {n}" for reason, n in sorted(dropped.items()))
        print(f"extract: {done} articles, {found} incidents, {failed} bad lines"
              + (f"; skipped: {why}" if why else "")
              + (f"; candidates dropped: {left}" if left else ""), file=sys.stderr)
    return exit_status(failed)
