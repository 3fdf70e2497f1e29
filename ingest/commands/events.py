"""`newswatch events`: articles (JSON lines) -> events merged across reports (JSON lines).

The same extraction entry point as `newswatch extract` and the same pure merger as the
pipeline's reconcile step, over a batch in publication order, without Elasticsearch.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.commands.extract import _open_in, _open_out

# what an event line carries besides the fields of the events index it is built from
_INTERNAL = ("reports", "words")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="-",
                        help="articles as JSON lines (id, title, text or html, published, url, "
                             "source) (default or '-': standard input)")
    parser.add_argument("--output", default="-",
                        help="where to write one event a line (default: standard output)")
    parser.add_argument("--articles", metavar="PATH",
                        help="also write {id, simhash, duplicate_of, incidents} per article")


def read_articles(lines: Iterable[str]) -> tuple[list[dict], list[str]]:
    """Valid article rows and one message per bad line."""
    rows, problems = [], []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not valid JSON ({exc.msg}); skipped")
            continue
        if not isinstance(row, dict) or "id" not in row:
            problems.append(f"line {n}: not a JSON object with an \"id\"; skipped")
            continue
        rows.append(row)
    return rows, problems


def articles_to_events(rows: Iterable[Mapping[str, Any]]) -> tuple[list[dict], list[dict]]:
    """(events, per-article results) for a batch: each article extracted, checked for being
    a copy of an earlier one, its incidents merged, in publication order."""
    from extract.article import extract_record
    from extract.fingerprint import CopyFinder
    from extract.merge import merge_batch, report_of
    from ingest.ids import incident_id

    copies = CopyFinder()
    reports: list[dict] = []
    articles: list[dict] = []
    for row in sorted(rows, key=lambda r: (str(r.get("published") or r.get("date") or ""),
                                           str(r["id"]))):
        aid = str(row["id"])
        result = extract_record(row)
        fp, original = copies.original_of(aid, row.get("text"))
        source = row.get("source") or urlsplit(str(row.get("url") or "")).hostname or None
        published = row.get("published") or row.get("date")
        incidents = [i.to_dict() for i in result.incidents]
        for ordinal, incident in enumerate(incidents):
            reports.append(report_of(incident, incident_id=incident_id(aid, ordinal),
                                     article_id=aid, source=source, published=published,
                                     duplicate_of=original))
        articles.append({"id": aid, "simhash": fp.simhash if fp else None,
                         "duplicate_of": original, "incidents": len(incidents),
                         **({"skipped": result.skipped} if result.skipped else {})})
    return merge_batch(reports), articles


def event_line(event: Mapping[str, Any]) -> dict:
    return {k: v for k, v in event.items() if k not in _INTERNAL}


def run(args: argparse.Namespace) -> int:
    if args.input != "-" and not Path(args.input).is_file():
        print(f"newswatch events: input file {args.input} not found: pass --input PATH or -",
              file=sys.stderr)
        return 2
    with _open_in(args.input) as src:
        rows, problems = read_articles(src)
    for problem in problems:
        print(f"newswatch events: {problem}", file=sys.stderr)
    events, articles = articles_to_events(rows)
    try:
        with _open_out(args.output) as dst:
            _write(dst, (event_line(e) for e in events))
        if args.articles:
            with _open_out(args.articles) as dst:
                _write(dst, articles)
    except OSError as exc:
        print(f"newswatch events: cannot write ({exc.strerror}): {exc.filename}",
              file=sys.stderr)
        return 2
    return 1 if problems else 0


def _write(dst, items: Iterable[dict]) -> None:
    for item in items:
        dst.write(json.dumps(item, ensure_ascii=False) + "\n")
