"""`newswatch feed PATH_OR_URL ...`: parse feeds (files or URLs) into JSON lines of entries."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest.commands import UnreadableFile, load_settings, read_regular_file
from ingest.config import Settings
from ingest.feeds import parse_feed
from ingest.http import FEED_ACCEPT, fetch_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL",
                        help="feed files or http(s) URLs (RSS, Atom, JSON Feed)")
    parser.add_argument("--language", help="entry language when the feed does not say")


def _lines(source: str, settings: Settings, language: str | None) -> tuple[list[dict], bool]:
    """(JSON objects to print, failed?) for one input."""
    if source.startswith(("http://", "https://")):
        fetched = fetch_url(source, settings, accept_header=FEED_ACCEPT)
        if not fetched.ok:
            return [{"source": source, "error": fetched.reason.value,
                     "detail": fetched.detail}], True
        data, base = fetched.content, fetched.final_url
        content_type = fetched.content_type
        if content_type and fetched.charset:
            content_type = f"{content_type}; charset={fetched.charset}"
    else:
        try:
            data = read_regular_file(Path(source), settings.max_body_bytes)
        except UnreadableFile as exc:
            return [{"source": source, "error": "unreadable", "detail": str(exc)}], True
        base, content_type = None, None
    parsed = parse_feed(data, source, base_url=base, content_type=content_type,
                        language=language)
    if not parsed.ok:
        return [{"source": source, "error": parsed.reason.value, "detail": parsed.detail}], True
    return [entry.to_dict() for entry in parsed.entries], False


def run(args: argparse.Namespace) -> int:
    settings = load_settings("feed")
    failures = 0
    for source in args.inputs:
        try:
            lines, failed = _lines(source, settings, args.language)
        except Exception as exc:  # never a traceback: report it as this input's failure
            lines, failed = [{"source": source, "error": "internal_error",
                              "detail": f"{type(exc).__name__}: {exc}"}], True
        failures += failed
        for line in lines:
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 1 if failures == len(args.inputs) else 0
