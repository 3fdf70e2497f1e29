"""`newswatch dead-letters list|replay|purge`: the documents Elasticsearch refused, counted,
sent back after a mapping fix, or deleted."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from rich.markup import escape
from rich.table import Table

from ingest import dead_letters
from ingest.commands import error_status, exit_status, load_settings, table_console
from ingest.es import NewswatchError, connect


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "replay", "purge"],
                        help="list: counts by index and error; replay: index the stored "
                             "documents again and remove those that succeed; purge: delete")
    parser.add_argument("--index", metavar="NAME",
                        help="only the letters of this index or alias (as `list` shows it)")
    parser.add_argument("--older-than", metavar="AGE",
                        help="purge: only letters stored more than AGE ago (30d, 12h, 2w)")
    parser.add_argument("--yes", action="store_true",
                        help="purge: confirm deleting every selected letter")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    settings = load_settings("dead-letters")
    letters = dead_letters.select(dead_letters.read_letters(settings.dead_letter_dir),
                                  index=args.index)
    if args.action == "list":
        return _list(letters, settings.dead_letter_dir, as_json=args.json)
    if args.action == "purge":
        return _purge(letters, args)
    try:
        report = dead_letters.replay(connect(settings), letters)
    except (NewswatchError, OSError) as exc:
        print(f"newswatch dead-letters: {exc}", file=sys.stderr)
        return error_status(exc)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(f"replayed {report.sent} documents: {report.succeeded} indexed, "
              f"{sum(report.failed.values())} still refused; {report.removed_lines} lines "
              "removed from the dead letters")
        for reason, count in sorted(report.failed.items(), key=lambda kv: -kv[1]):
            print(f"  still refused ({count}): {reason}")
        for why, count in sorted(report.skipped.items()):
            print(f"  not sent ({count}): {why}")
    return exit_status(sum(report.failed.values()))


def _list(letters: list[dead_letters.Letter], directory, *, as_json: bool) -> int:
    summary = dead_letters.summarise(letters)
    if as_json:
        print(json.dumps({"directory": str(directory), **summary.as_dict()},
                         ensure_ascii=False))
        return 0
    console = table_console()
    table = Table(title=f"{summary.total} dead letters in {summary.files} files under "
                        f"{escape(str(directory))}")
    for column in ("index", "error", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for index, error, count in summary.by_index_and_error:
        table.add_row(escape(index), escape(error), str(count))
    console.print(table)
    if summary.total:
        console.print(f"stored from {summary.oldest} to {summary.newest}; after fixing the "
                      "mapping: `newswatch dead-letters replay`", highlight=False)
    for bad in summary.unreadable[:20]:
        console.print(f"unreadable: {escape(bad['file'])} line {bad['line']}: "
                      f"{escape(bad['problem'])}", highlight=False)
    return 0


def _purge(letters: list[dead_letters.Letter], args: argparse.Namespace) -> int:
    if args.older_than:
        try:
            age = dead_letters.parse_age(args.older_than)
        except ValueError as exc:
            print(f"newswatch dead-letters: --older-than {exc}", file=sys.stderr)
            return 2
        letters = dead_letters.older_than(letters, age, datetime.now(UTC))
    elif not args.yes:
        print("newswatch dead-letters: purge deletes dead letters for good: pass --yes (all"
              f"{' of ' + args.index if args.index else ''}) or --older-than AGE (e.g. 30d)",
              file=sys.stderr)
        return 2
    try:
        removed = dead_letters.remove_letters(letters)
    except OSError as exc:
        print(f"newswatch dead-letters: cannot rewrite the dead letters: {exc}",
              file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"removed": removed}))
    else:
        print(f"purged {removed} dead letters")
    return 0
