"""`newswatch kibana-objects`: the Kibana saved objects with data views on this deployment's
aliases (NEWSWATCH_INDEX_PREFIX), as NDJSON for Kibana's saved objects import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.commands import OK, USAGE_ERROR, load_settings
from ingest.kibana import KibanaObjectsError, saved_objects


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default="-", metavar="FILE.ndjson",
                        help="where to write them (default or '-': standard output)")


def run(args: argparse.Namespace) -> int:
    settings = load_settings("kibana-objects")
    try:
        text = saved_objects(settings)
    except (OSError, KibanaObjectsError) as exc:
        print(f"newswatch kibana-objects: cannot render the saved objects under "
              f"{settings.seeds_dir} ({exc}); check NEWSWATCH_SEEDS", file=sys.stderr)
        return USAGE_ERROR
    if args.output == "-":
        sys.stdout.write(text)
        return OK
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"newswatch kibana-objects: cannot write {args.output}: {exc.strerror or exc}",
              file=sys.stderr)
        return USAGE_ERROR
    return OK
