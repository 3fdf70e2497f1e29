"""The `newswatch` command: a thin dispatcher over one module per sub-command.

Exit status, the same for every command: 0 all went well, 1 some inputs failed (the others
were processed), 2 a usage or configuration error (nothing was done). Logs go to stderr
(warnings by default; -v info, -vv debug, -q errors only) so JSON on stdout stays clean.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from ingest.commands import USAGE_ERROR
from ingest.config import SettingsError, configure_extract
from ingest.log_levels import quiet_chatty_loggers


@dataclass(frozen=True)
class Command:
    name: str
    module: str  # module exposing add_arguments(parser) and run(args) -> int
    help: str


# Each sub-command lives in its own module under ingest/commands/; adding one = one entry here.
COMMANDS: tuple[Command, ...] = (
    Command("extract", "ingest.commands.extract", "extract incidents from articles (JSON lines)"),
    Command("events", "ingest.commands.events",
            "extract and merge reports of one event across articles (JSON lines)"),
    Command("clean", "ingest.commands.clean", "clean HTML pages into article text (JSON lines)"),
    Command("feed", "ingest.commands.feed", "parse feeds (files or URLs) into JSON lines"),
    Command("feeds", "ingest.commands.feeds", "validate the feed seed list"),
    Command("poll", "ingest.commands.poll", "poll the seed feeds once and show new entries"),
    Command("run", "ingest.commands.run", "one pass of the pipeline, no Airflow"),
    Command("search", "ingest.commands.search", "full-text and faceted search"),
    Command("setup-es", "ingest.commands.setup_es", "create templates, indices and aliases"),
    Command("migrate-es", "ingest.commands.migrate_es", "reindex into a new version, swap alias"),
    Command("kibana-objects", "ingest.commands.kibana_objects",
            "the Kibana saved objects for this index prefix (NDJSON to import)"),
    Command("es", "ingest.commands.es", "start|stop|status the local Elasticsearch node"),
    Command("dead-letters", "ingest.commands.dead_letters",
            "list|replay|purge the documents Elasticsearch refused"),
)


def package_version() -> str:
    """The installed distribution's version (pyproject.toml), as pip knows it."""
    try:
        return version("newswatch")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed: pip install -e .)"


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Streaming news ingest: feeds -> articles -> incidents -> Elasticsearch.",
        epilog="Exit status: 0 ok, 1 some inputs failed, 2 usage or configuration error.",
    )
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {package_version()}")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-v", "--verbose", action="count", default=0,
                          help="log to stderr what is fetched, skipped and why "
                               "(-v info, -vv debug)")
    loudness.add_argument("-q", "--quiet-logs", dest="quiet_logs", action="store_true",
                          help="log errors only")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, object] = {}
    for command in COMMANDS:
        module = importlib.import_module(command.module)
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        module.add_arguments(sub)  # type: ignore[attr-defined]
        modules[command.name] = module
    return parser, modules


def log_level(verbose: int, quiet: bool) -> int:
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test or a caller may swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(level: int) -> None:
    """Our loggers (ingest.*, extract.*) at `level` on stderr. Other libraries stay at warning,
    and the chatty ones (trafilatura warns about every page it discards; our results carry the
    reason) at error, unless debug is asked."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    debug = level <= logging.DEBUG
    root.setLevel(logging.DEBUG if debug else max(level, logging.WARNING))
    for name in ("ingest", "extract"):
        logging.getLogger(name).setLevel(level)
    quiet_chatty_loggers(level)


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return USAGE_ERROR
    configure_logging(log_level(args.verbose, args.quiet_logs))
    configure_extract()  # NEWSWATCH_SEEDS / NEWSWATCH_CACHE_DIR, also for extract-only commands
    try:
        return int(modules[args.command].run(args) or 0)  # type: ignore[attr-defined]
    except SettingsError as exc:  # a command that read settings itself: same one line
        print(f"newswatch {args.command}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
