"""One module per `newswatch` sub-command (see ingest/cli.py), plus what they share."""

from __future__ import annotations

import sys


def table_console():
    """A rich Console for tables on stdout: the terminal's width, or 160 columns when the
    output goes to a file or pipe (rich's 80 would wrap every cell of a wide table)."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=160)
