"""`newswatch run`: one pass of the pipeline over the feed list, without Airflow."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.markup import escape

from ingest.commands import (
    SOME_FAILED,
    USAGE_ERROR,
    error_status,
    exit_status,
    load_settings,
    table_console,
)
from ingest.es import NewswatchError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--feeds", type=Path, help="feed list (default: NEWSWATCH_FEEDS or "
                        "seeds/feeds.yaml)")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="take at most N new articles per feed this pass; the rest wait "
                        "for the next pass (nothing is skipped for good)")
    parser.add_argument("--feed", action="append", dest="feed_ids", metavar="ID",
                        help="only this feed (repeatable); default: every feed that is due")
    parser.add_argument("--processes", type=int, default=None, metavar="N",
                        help="processes that clean and extract pages (default: "
                        "NEWSWATCH_PROCESSES, else one per core; 1 = this process only)")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ingest import pipeline

    if args.limit is not None and args.limit < 0:
        print("newswatch run: --limit must be 0 (all) or more", file=sys.stderr)
        return USAGE_ERROR
    if args.processes is not None and args.processes < 0:
        print("newswatch run: --processes must be 0 (one per core) or more", file=sys.stderr)
        return USAGE_ERROR
    overrides: dict = {}
    if args.feeds:
        overrides["feeds_file"] = args.feeds
    if args.limit is not None:
        overrides["max_articles_per_feed"] = args.limit
    if args.processes is not None:
        overrides["processes"] = args.processes
    err = Console(stderr=True)
    settings = load_settings("run", **overrides)
    try:
        if not settings.feeds_path.is_file():
            err.print(f"[red]no feed list at {settings.feeds_path}[/] — pass --feeds FILE")
            return USAGE_ERROR
        enabled = pipeline.feeds_by_id(settings)
        unknown = _unknown_feeds(args.feed_ids or [], enabled, settings.feeds_path)
        if unknown:
            err.print(f"[red]newswatch run:[/] {unknown}", highlight=False)
            return USAGE_ERROR
        total = len(enabled) if not args.feed_ids else len(args.feed_ids)
        with err.status(f"polling {total} feeds …") as status:
            done: list[dict] = []

            def progress(outcome: dict) -> None:
                done.append(outcome)
                status.update(f"{len(done)}/{total} feeds — last: {outcome['feed_id']} "
                              f"({outcome['status']}, {outcome['articles_indexed']} articles)")

            outcomes = pipeline.run_once(settings, feed_ids=args.feed_ids, on_feed=progress)
    except (NewswatchError, ValueError, KeyError) as exc:
        err.print(f"[red]newswatch run failed:[/] {escape(str(exc))}", highlight=False)
        return error_status(exc)
    summary = pipeline.summarise(outcomes)
    if args.json:
        json.dump({"summary": summary, "feeds": outcomes}, sys.stdout, indent=2, default=str)
        print()
    else:
        print_report(outcomes, summary)
    if summary.get("write_failures"):  # not written for a reason that may pass: tried again
        err.print(f"[red]newswatch run:[/] {summary['write_failures']} article(s) could not be "
                  "written to Elasticsearch; they are tried again on the next run", highlight=False)
        return SOME_FAILED
    return exit_status(summary["feeds_failed"])


def _unknown_feeds(feed_ids: list[str], enabled: dict, feeds_path: Path) -> str | None:
    """Why some --feed ids cannot run (unknown or disabled), naming the valid ones; or None."""
    from ingest.feedspec import load_feeds

    wrong = [fid for fid in dict.fromkeys(feed_ids) if fid not in enabled]
    if not wrong:
        return None
    disabled = {spec.id for spec in load_feeds(feeds_path) if not spec.enabled}
    problems = [f"feed {fid!r} is disabled in {feeds_path}" if fid in disabled
                else f"unknown feed id {fid!r}" for fid in wrong]
    names = sorted(enabled)
    shown = ", ".join(names[:20]) + (f" … ({len(names)} in all)" if len(names) > 20 else "")
    return (f"{'; '.join(problems)}. Enabled feed ids in {feeds_path}: {shown or 'none'} "
            "(`newswatch feeds check` lists them)")


def print_report(outcomes: list[dict], summary: dict) -> None:
    from rich.table import Table

    table = Table(title="newswatch run: feeds")
    for column in ("feed", "status", "entries", "new", "fetched", "cleaned", "articles",
                   "incidents", "deferred", "problems"):
        table.add_column(column, justify="left" if column in ("feed", "status", "problems")
                         else "right")
    for o in outcomes:
        problems = ", ".join(f"{k} {v}" for k, v in sorted(o["rejected"].items()))
        if o["status"] == "failed":
            problems = f"{o['reason']}: {o['detail']}"[:80]
        table.add_row(o["feed_id"], o["status"], str(o["entries"]), str(o["new"]),
                      str(o["fetched"]), str(o["cleaned"]), str(o["articles_indexed"]),
                      str(o["incidents_indexed"]), str(o["deferred"]), problems)
    console = table_console()
    console.print(table)
    lag = summary["ingest_lag_p50_s"]
    console.print(
        f"{summary['feeds']} feeds ({summary['feeds_failed']} failed, "
        f"{summary['feeds_not_modified']} unchanged): {summary['articles_indexed']} articles and "
        f"{summary['incidents_indexed']} incidents indexed, {summary['deferred']} deferred to "
        f"the next pass, {summary['index_failures']} rejected by Elasticsearch (dead letters)."
        + (f" Median ingest lag {lag:.0f} s." if lag is not None else "")
    )
    if summary.get("dead_letters_unsaved"):
        console.print(f"[red]{summary['dead_letters_unsaved']} dead letters could not be saved[/] "
                      "(the folder is full or not writable: see the log, "
                      "NEWSWATCH_DEAD_LETTER_DIR); those documents are kept nowhere.")
