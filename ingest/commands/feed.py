"""`newswatch feed [PATH_OR_URL ...]`: parse feeds (files, URLs or standard input) into JSON
lines of entries."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from ingest.commands import (
    UnreadableFile,
    exit_status,
    load_settings,
    note_stdin,
    read_regular_file,
)
from ingest.config import Settings
from ingest.feeds import parse_feed
from ingest.http import FEED_ACCEPT, fetch_url

log = logging.getLogger(__name__)
STDIN = "-"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", default=[STDIN], metavar="PATH_OR_URL",
                        help="feed files or http(s) URLs (RSS, Atom, JSON Feed); none or '-' "
                             "reads one feed from standard input")
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
    elif source == STDIN:
        note_stdin()
        raw = getattr(sys.stdin, "buffer", sys.stdin).read(settings.max_body_bytes + 1)
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        if len(data) > settings.max_body_bytes:
            return [{"source": source, "error": "unreadable",
                     "detail": f"standard input has more than {settings.max_body_bytes} bytes "
                               "(the page and feed cap, NEWSWATCH_MAX_BODY_BYTES)"}], True
        base, content_type = None, None
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
    if parsed.dropped:
        log.info("%s: items left out, by reason: %s", source,
                 ", ".join(f"{reason} {n}" for reason, n in parsed.dropped_by_reason.items()))
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
        log.info("%s: %s", source, "failed" if failed else f"{len(lines)} entries")
        for line in lines:
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return exit_status(failures)
