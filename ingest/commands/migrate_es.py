"""`newswatch migrate-es`: copy an index into its next version and swap the alias atomically."""

from __future__ import annotations

import argparse
import sys

from ingest.commands import error_status, load_settings
from ingest.es import NewswatchError, connect
from ingest.schema import KINDS, migrate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=[*KINDS, "all"], default="all",
                        help="which index to migrate (default: all)")


def run(args: argparse.Namespace) -> int:
    settings = load_settings("migrate-es")
    kinds = KINDS if args.kind == "all" else (args.kind,)
    try:
        client = connect(settings)
        for kind in kinds:
            report = migrate(client, settings, kind)
            print(f"{kind}: {report.old_index} -> {report.new_index} "
                  f"({report.target_count}/{report.source_count} documents), "
                  f"alias {report.alias} now points at {report.new_index}")
    except NewswatchError as exc:
        print(f"newswatch migrate-es: {exc}", file=sys.stderr)
        return error_status(exc)
    return 0
