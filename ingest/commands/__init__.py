"""One module per `newswatch` sub-command (see ingest/cli.py), plus what they share."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

# Exit status of every command (argparse's own usage errors exit 2 too).
OK = 0
SOME_FAILED = 1  # some inputs failed; the others were processed
USAGE_ERROR = 2  # bad option, setting or configuration: nothing was done


def exit_status(failed: int) -> int:
    """OK, or SOME_FAILED when any input failed."""
    return SOME_FAILED if failed else OK


def error_status(exc: BaseException) -> int:
    """USAGE_ERROR for what the user must fix before anything can run (a bad feed list, a
    search option, an index in a state newswatch cannot use), SOME_FAILED for the rest (an
    Elasticsearch outage, refused writes: running again later may succeed)."""
    from ingest.config import SettingsError
    from ingest.feedspec import FeedSpecError
    from ingest.schema import SchemaError
    from ingest.search import SearchError

    configuration = (SettingsError, FeedSpecError, SchemaError, SearchError)
    return USAGE_ERROR if isinstance(exc, configuration) else SOME_FAILED


def note_stdin() -> None:
    """A hint on stderr when a command waits for input typed at a terminal."""
    if sys.stdin.isatty():
        print("newswatch: reading standard input (pass --input FILE, or end with "
              "Ctrl-D)", file=sys.stderr)


def table_console():
    """A rich Console for tables on stdout: the terminal's width, or 160 columns when the
    output goes to a file or pipe (rich's 80 would wrap every cell of a wide table)."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=160)


def load_settings(command: str, **overrides):
    """Settings from the environment; a bad NEWSWATCH_* value ends the command with one line
    naming it (exit status 2), as argparse does for a bad option."""
    from ingest.config import Settings

    try:
        return Settings.from_env(**overrides)
    except ValueError as exc:
        print(f"newswatch {command}: {exc}", file=sys.stderr)
        raise SystemExit(USAGE_ERROR) from None


class UnreadableFile(ValueError):
    """A local input file that is not read: the message says why."""


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most max_bytes (NEWSWATCH_MAX_BODY_BYTES for pages
    and feeds). Opened without blocking and checked on the open descriptor, so a FIFO, a
    device such as /dev/zero or a file swapped after a check is refused, never read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnreadableFile(f"{path} is not a regular file")
    with os.fdopen(fd, "rb") as stream:
        try:
            data = stream.read(max_bytes + 1)
        except OSError as exc:
            raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise UnreadableFile(f"{path} has more than {max_bytes} bytes (the page and feed cap, "
                             "NEWSWATCH_MAX_BODY_BYTES)")
    return data
