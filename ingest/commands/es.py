"""`newswatch es start|stop|status`: the local node (wraps scripts/elasticsearch.sh)."""

from __future__ import annotations

import argparse
import subprocess
import sys

from ingest.commands import OK, SOME_FAILED, USAGE_ERROR
from ingest.config import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "elasticsearch.sh"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["start", "stop", "status"])


def run(args: argparse.Namespace) -> int:
    if not SCRIPT.exists():
        print(f"newswatch es: {SCRIPT} is missing (only a source checkout has it; elsewhere "
              "point NEWSWATCH_ES_URL at a running node)", file=sys.stderr)
        return USAGE_ERROR
    code = subprocess.call(["bash", str(SCRIPT), args.action])
    # the script's own codes (LSB: `status` exits 3 when the node is not running) mapped to
    # newswatch's: 0 done, 2 usage, 1 anything that failed or is not running
    return code if code in (OK, USAGE_ERROR) else SOME_FAILED
