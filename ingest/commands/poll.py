"""`newswatch poll [--feeds F] [--limit N]`: poll the feed list once and show what is new.

A preview: it reads feed state (back-off, articles already indexed) but writes nothing to
Elasticsearch, not even the templates or indices. Saving a feed's new ETag here would make the
next `newswatch run` or DAG run get a 304 and skip the very entries this command showed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest import feed_store
from ingest.commands import USAGE_ERROR, exit_status, load_settings, table_console
from ingest.config import Settings
from ingest.es import NewswatchError, connect
from ingest.feeds import PollResult, poll_feeds
from ingest.feedspec import FeedSpecError, load_feeds
from ingest.newness import select_new

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--feeds", type=Path, help="feed file (default: seeds/feeds.yaml)")
    parser.add_argument("--limit", type=int, help="poll only the first N enabled feeds")
    parser.add_argument("--no-es", action="store_true",
                        help="do not read feed state from Elasticsearch")
    parser.add_argument("--all", action="store_true", help="also poll feeds backing off")
    parser.add_argument("--json", action="store_true",
                        help="print JSON lines instead of the table: one per new entry, one "
                             "{feed_id, error, detail} per failed feed (the summary goes to "
                             "stderr)")
    parser.add_argument("--workers", type=int, default=16, help="feeds polled at once")


def _connect(settings: Settings, console: Console):
    """A client to read feed state with (no setup: a preview creates nothing), or None."""
    try:
        return connect(settings, request_timeout=10)
    except Exception as exc:  # polling still works without state (a note says why)
        console.print(f"[yellow]note:[/] feed state not used ({escape(str(exc))})")
        return None


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True)
    settings = load_settings("poll")
    try:
        specs = [s for s in load_feeds(args.feeds or settings.feeds_path) if s.enabled]
    except (FeedSpecError, ValueError) as exc:
        print(f"newswatch poll: {exc}", file=sys.stderr)
        return USAGE_ERROR  # the feed list is configuration
    if args.limit is not None:
        specs = specs[: max(0, args.limit)]
    client = None if args.no_es else _connect(settings, err)
    now = datetime.now(UTC)
    states: dict[str, feed_store.FeedState] = {}
    if client is not None:
        try:
            states = feed_store.load_states(client, settings, [s.id for s in specs])
        except NewswatchError as exc:
            err.print(f"[yellow]note:[/] {escape(str(exc))}")
            client = None
    due = [s for s in specs if args.all or feed_store.is_due(states.get(s.id), now)]
    skipped = len(specs) - len(due)
    with Progress(TextColumn("polling"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("poll", total=len(due))
        results = poll_feeds(due, states, settings, workers=args.workers,
                             on_result=lambda _r: progress.advance(task))
    new_by_feed = _new_entries(client, settings, results, err)
    if args.json:
        _print_lines(results, new_by_feed)
        _print_summary(err, results, new_by_feed, skipped)
    else:
        console = table_console()
        _print_table(console, results, new_by_feed)
        _print_summary(console, results, new_by_feed, skipped)
    return exit_status(sum(r.failed for r in results))


def _print_lines(results: list[PollResult], new_by_feed: dict) -> None:
    for r in results:
        if r.failed:
            line = {"feed_id": r.feed_id, "error": r.reason, "detail": r.detail}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        for entry in new_by_feed.get(r.feed_id, r.entries):
            sys.stdout.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _new_entries(client, settings: Settings, results: list[PollResult], err: Console) -> dict:
    """Per feed, the entries whose article is not indexed yet (all of them without ES)."""
    if client is None:
        log.info("no Elasticsearch: every entry counts as new")
        return {r.feed_id: list(r.entries) for r in results}
    ids = [e.article_id for r in results for e in r.entries]
    try:
        from ingest.index import known_articles

        known = known_articles(client, settings, ids)
    except Exception as exc:  # a missing articles index means: everything is new
        err.print(f"[yellow]note:[/] known articles not looked up ({escape(str(exc))})")
        known = {}
    return {r.feed_id: select_new(r.entries, known) for r in results}


def _print_table(console: Console, results: list[PollResult], new_by_feed: dict) -> None:
    table = Table(title="feeds polled")
    for column in ("feed", "status", "http", "entries", "new", "seconds", "reason"):
        table.add_column(column, overflow="fold")
    colours = {"ok": "green", "not_modified": "cyan", "failed": "red"}
    for r in sorted(results, key=lambda r: (r.status != "failed", r.feed_id)):
        reason = "" if r.status != "failed" else f"{r.reason}: {r.detail}"
        table.add_row(r.feed_id, f"[{colours.get(r.status, 'white')}]{r.status}[/]",
                      str(r.http_status or "-"), str(len(r.entries)),
                      str(len(new_by_feed.get(r.feed_id, []))), f"{r.elapsed_s:.2f}",
                      escape(reason[:200]))
    console.print(table)


def _print_summary(console: Console, results: list[PollResult], new_by_feed: dict,
                   skipped: int) -> None:
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "not_modified", "failed")}
    new = sum(len(v) for v in new_by_feed.values())
    console.print(f"{len(results)} feeds polled: {counts['ok']} ok, {counts['not_modified']} "
                  f"not modified, {counts['failed']} failed; {new} new entries"
                  + (f"; {skipped} backing off (use --all)" if skipped else ""),
                  highlight=False)
