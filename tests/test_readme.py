"""The README only promises what exists: its commands parse, its paths and variables are real."""

from __future__ import annotations

import re
import shlex

import pytest

from ingest.cli import build_parser
from ingest.config import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _code_block_commands() -> list[list[str]]:
    """`newswatch ...` lines of the README's shell blocks, as argument lists."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("|")[0].split("#")[0].strip()
            if line.startswith((".venv/bin/newswatch ", "newswatch ")):
                commands.append(shlex.split(line)[1:])
    return commands


def _table_commands() -> list[list[str]]:
    """The usage column of the command table, optional parts dropped (`[--x Y]`)."""
    commands = []
    for usage in re.findall(r"^\| `newswatch ([^`]*)` \|", README, flags=re.M):
        usage = re.sub(r"\[[^\]]*\]", "", usage.replace("\\|", "|"))
        words = [w for w in shlex.split(usage) if w != "..."]
        words = [{"QUERY": "rockets", "PATH_OR_URL": "feed.xml", "KEY": "k"}.get(w, w)
                 for w in words]
        if "|" in " ".join(words):  # `es start|stop|status`: try each
            head, choices = words[0], words[1].split("|")
            commands.extend([head, choice] for choice in choices)
        else:
            commands.append(words)
    return commands


@pytest.mark.parametrize("argv", _code_block_commands() + _table_commands(),
                         ids=lambda argv: " ".join(argv))
def test_readme_command_parses(argv):
    parser, modules = build_parser()
    assert modules[argv[0]] is not None, f"newswatch {argv[0]} is not built"
    parser.parse_args(argv)  # exits (fails the test) on an unknown option or sub-command


def test_readme_lists_every_sub_command():
    parser, modules = build_parser()
    for name in modules:
        assert f"`newswatch {name}" in README, f"newswatch {name} is not in the README"


def test_paths_named_in_the_readme_exist():
    paths = set(re.findall(r"`((?:scripts|seeds|bench|dags|ingest|extract|tests)/[\w./-]*)`",
                           README))
    assert len(paths) > 15
    missing = sorted(p for p in paths if not (REPO_ROOT / p.rstrip("/")).exists())
    assert not missing, missing


def test_environment_variables_in_the_readme_are_read_somewhere():
    code = "\n".join(path.read_text(encoding="utf-8") for folder in ("ingest", "dags", "scripts")
                     for path in (REPO_ROOT / folder).rglob("*") if path.suffix in (".py", ".sh"))
    names = set(re.findall(r"`(NEWSWATCH_[A-Z_]+)`", README))
    assert len(names) > 10
    unread = sorted(name for name in names if name not in code)
    assert not unread, unread
