"""The `newswatch` command: a thin dispatcher over one module per sub-command."""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass

from ingest.config import SettingsError, configure_extract


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
    Command("es", "ingest.commands.es", "start|stop|status the local Elasticsearch node"),
    Command("dead-letters", "ingest.commands.dead_letters",
            "list|replay|purge the documents Elasticsearch refused"),
)


def _load(command: Command):
    try:
        return importlib.import_module(command.module)
    except ModuleNotFoundError as exc:
        if exc.name == command.module:
            return None
        raise


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Streaming news ingest: feeds -> articles -> incidents -> Elasticsearch.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, object] = {}
    for command in COMMANDS:
        module = _load(command)
        help_text = command.help if module else f"{command.help} (not built yet)"
        sub = subparsers.add_parser(command.name, help=help_text, description=help_text)
        if module is not None:
            module.add_arguments(sub)  # type: ignore[attr-defined]
        modules[command.name] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    module = modules[args.command]
    if module is None:
        print(f"newswatch {args.command}: not built yet in this version", file=sys.stderr)
        return 2
    configure_extract()  # NEWSWATCH_SEEDS / NEWSWATCH_CACHE_DIR, also for extract-only commands
    try:
        return int(module.run(args) or 0)  # type: ignore[attr-defined]
    except SettingsError as exc:  # a command that read settings itself: same one line
        print(f"newswatch {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
