"""`newswatch es start|stop|status`: the local node (wraps scripts/elasticsearch.sh)."""

from __future__ import annotations

import argparse
import subprocess

from ingest.config import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "elasticsearch.sh"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["start", "stop", "status"])


def run(args: argparse.Namespace) -> int:
    if not SCRIPT.exists():
        print(f"newswatch es: {SCRIPT} is missing (only a source checkout has it)")
        return 2
    return subprocess.call(["bash", str(SCRIPT), args.action])
