"""`newswatch setup-es`: templates, first versioned indices and aliases (safe to re-run)."""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table

from ingest.commands import error_status, load_settings, table_console
from ingest.es import NewswatchError, connect
from ingest.schema import KINDS, setup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    settings = load_settings("setup-es")
    try:
        report = setup(connect(settings), settings)
    except NewswatchError as exc:
        print(f"newswatch setup-es: {exc}", file=sys.stderr)
        return error_status(exc)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    table = Table(title=f"Elasticsearch schema at {settings.es_url} "
                        f"(english sub-fields: {'yes' if report['english'] else 'no'})")
    for column in ("kind", "object", "name", "status"):
        table.add_column(column)
    for kind in KINDS:
        entry = report[kind]
        for name, status in entry["templates"].items():
            table.add_row(kind, "template", name, status)
        table.add_row(kind, "index", entry["index"], entry["index_status"])
        table.add_row(kind, "alias", settings.index(kind), entry["alias_status"])
        table.add_row(kind, "mapping", entry["index"], entry["mapping_status"])
    table_console().print(table)
    return 0
