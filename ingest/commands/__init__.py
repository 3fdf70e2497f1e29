"""One module per `newswatch` sub-command (see ingest/cli.py), plus what they share."""

from __future__ import annotations

import sys


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
        raise SystemExit(2) from None
