"""`newswatch feeds check [--file F]`: validate the feed list and show it as a table."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from ingest.commands import OK, USAGE_ERROR, load_settings, table_console
from ingest.feedspec import FeedSpecError, load_feeds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check"], help="check: validate and list the feeds")
    parser.add_argument("--file", type=Path, help="feed file (default: NEWSWATCH_FEEDS or "
                        "seeds/feeds.yaml)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    parser.add_argument("--json", action="store_true",
                        help="print the feeds and the summary as JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    path = args.file or load_settings("feeds check").feeds_path
    try:
        specs = load_feeds(path)
    except (FeedSpecError, ValueError) as exc:
        print(f"newswatch feeds check: {exc}", file=sys.stderr)
        return USAGE_ERROR  # the feed list is configuration
    regions = Counter(spec.region for spec in specs)
    languages = Counter(spec.language for spec in specs)
    enabled = sum(spec.enabled for spec in specs)
    if args.json:
        summary = {"feeds": len(specs), "enabled": enabled, "regions": len(regions),
                   "languages": len(languages)}
        print(json.dumps({"file": str(path), "summary": summary,
                          **({} if args.quiet else {"feeds": [asdict(s) for s in specs]})},
                         ensure_ascii=False))
        return OK
    console = table_console()
    if not args.quiet:
        table = Table(title=f"{len(specs)} feeds in {path}")
        for column in ("id", "name", "lang", "country", "region", "tags", "enabled", "url"):
            table.add_column(column, overflow="fold")
        for spec in specs:
            table.add_row(spec.id, escape(spec.name), spec.language, spec.country or "-",
                          spec.region, ",".join(spec.tags), "yes" if spec.enabled else "no",
                          escape(spec.url))
        console.print(table)
    console.print(f"ok: {len(specs)} feeds ({enabled} enabled), {len(regions)} regions, "
                  f"{len(languages)} languages", highlight=False)
    return OK
