"""`newswatch clean --input pages.jsonl`: HTML pages (JSON lines) -> article text or rejections."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from extract.clean import CleanOptions, clean_html
from ingest.bounds import valid_strings
from ingest.commands import (
    USAGE_ERROR,
    UnreadableFile,
    exit_status,
    load_settings,
    note_stdin,
    read_regular_file,
)

PROGRESS_EVERY = 500  # lines between progress reports on stderr


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="-", metavar="PAGES.jsonl",
                        help="JSON lines with 'id' and 'html' or 'path' (a file, .gz allowed; "
                             "relative to the input's folder), optional 'url' and 'charset' "
                             "(default or '-': standard input)")
    parser.add_argument("--output", metavar="CLEANED.jsonl", default="-",
                        help="where the JSON lines go (default: stdout)")
    parser.add_argument("--min-chars", type=int, default=None, metavar="N",
                        help="reject main texts shorter than N characters "
                             f"(default {CleanOptions().min_text_chars})")
    parser.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")


class _BadLine(ValueError):
    """One input line that cannot be cleaned: the message says why."""


def _page(record: Any, base_dir: Path,
          max_bytes: int) -> tuple[Any, str | bytes, str | None, str | None]:
    """(id, html, url, charset) of one parsed input line."""
    if not isinstance(record, dict):
        raise _BadLine(f"expected a JSON object, got {type(record).__name__}")
    if "id" not in record or record["id"] in (None, ""):
        raise _BadLine("no 'id'")
    url = record.get("url")
    if url is not None and not isinstance(url, str):
        raise _BadLine("'url' must be a string")
    charset = record.get("charset")
    if charset is not None and not isinstance(charset, str):
        raise _BadLine("'charset' must be a string")
    html = record.get("html")
    if isinstance(html, str):
        return record["id"], html, url, charset
    if html is not None:
        raise _BadLine("'html' must be a string")
    path = record.get("path")
    if not isinstance(path, str) or not path:
        raise _BadLine("needs 'html' (the page) or 'path' (a file holding it)")
    file = Path(path).expanduser()
    if not file.is_absolute():
        file = base_dir / file
    try:
        data = read_regular_file(file, max_bytes)  # gzip is recognised by clean_html
    except UnreadableFile as exc:
        raise _BadLine(str(exc)) from None
    return record["id"], data, url, charset


def _records(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield number, raw


def _parse(raw: bytes) -> Any:
    """One JSON line, its strings made valid text (a "\ud800" escape becomes U+FFFD)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadLine(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        return valid_strings(json.loads(text))
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise _BadLine("not JSON (nested too deeply)") from None


def run(args: argparse.Namespace) -> int:
    options = CleanOptions()
    max_bytes = load_settings("clean").max_body_bytes
    if args.min_chars is not None:
        if args.min_chars < 0:
            print("newswatch clean: --min-chars must be 0 or more", file=sys.stderr)
            return USAGE_ERROR
        options = dataclasses.replace(options, min_text_chars=args.min_chars)
    with ExitStack() as stack:
        if args.input == "-":
            note_stdin()
            source: Iterable[bytes] = getattr(sys.stdin, "buffer", None) or _encoded(sys.stdin)
            base_dir, name = Path.cwd(), "<stdin>"
        else:
            input_path = Path(args.input)
            try:
                source = stack.enter_context(input_path.open("rb"))
            except OSError as exc:
                print(f"newswatch clean: cannot read {input_path}: {exc.strerror or exc} "
                      "(pass an existing JSON lines file, or - for stdin)", file=sys.stderr)
                return USAGE_ERROR
            base_dir, name = input_path.resolve().parent, str(input_path)
        if args.output == "-":
            sink: IO[str] = sys.stdout
        else:
            output_path = Path(args.output)
            try:
                output_path.parent.mkdir(parents=True, exist_ok=True)
                sink = stack.enter_context(output_path.open("w", encoding="utf-8"))
            except OSError as exc:
                print(f"newswatch clean: cannot write {output_path}: {exc.strerror or exc}",
                      file=sys.stderr)
                return USAGE_ERROR
        return _clean_all(source, sink, base_dir, name, options, max_bytes=max_bytes,
                          quiet=args.quiet)


def _encoded(text_stream: Iterable[str]) -> Iterator[bytes]:
    for line in text_stream:
        yield line.encode("utf-8", "surrogateescape")


def _clean_all(source: Iterable[bytes], sink: IO[str], base_dir: Path, name: str,
               options: CleanOptions, *, max_bytes: int, quiet: bool) -> int:
    counts: Counter[str] = Counter()
    malformed = 0
    started = time.perf_counter()
    for number, raw in _records(source):
        try:
            page_id, html, url, charset = _page(_parse(raw), base_dir, max_bytes)
        except _BadLine as exc:
            malformed += 1
            print(f"newswatch clean: {name} line {number}: {exc}; line skipped", file=sys.stderr)
            continue
        try:
            result = clean_html(html, url, declared_charset=charset, options=options)
        except Exception as exc:  # never a traceback that skips the rest of the file
            malformed += 1
            print(f"newswatch clean: {name} line {number}: could not be cleaned "
                  f"({type(exc).__name__}: {exc}); line skipped", file=sys.stderr)
            continue
        counts[result.reason.value if result.reason else "cleaned"] += 1
        sink.write(json.dumps({"id": page_id, **result.to_dict()}, ensure_ascii=False) + "\n")
        done = sum(counts.values())
        if not quiet and done % PROGRESS_EVERY == 0:
            rate = (time.perf_counter() - started) * 1000 / done
            print(f"newswatch clean: {done} pages, {counts['cleaned']} cleaned "
                  f"({rate:.1f} ms/page)", file=sys.stderr)
    sink.flush()
    if not quiet:
        done = sum(counts.values())
        rejected = ", ".join(f"{reason}: {n}" for reason, n in sorted(counts.items())
                             if reason != "cleaned")
        print(f"newswatch clean: {done} pages, {counts['cleaned']} cleaned, "
              f"{done - counts['cleaned']} rejected{f' ({rejected})' if rejected else ''}, "
              f"{malformed} malformed lines", file=sys.stderr)
    if malformed:
        print(f"newswatch clean: {malformed} malformed input line(s) in {name}: fix them and "
              "run again (the other lines were cleaned)", file=sys.stderr)
    return exit_status(malformed)
