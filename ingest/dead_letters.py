"""The dead-letter store: documents Elasticsearch refused, one JSON line each, kept in files
that are written whole or not at all, and listed, replayed or purged by `newswatch dead-letters`.

Each flush writes a new file (a temporary file renamed into place), so a full disk or a kill
leaves no truncated line and no file is ever appended to while a replay rewrites another.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.times import iso, parse_iso

FILE_PATTERN = "bulk-*.jsonl"


def encode_line(record: Mapping[str, Any]) -> bytes:
    """One complete line of valid UTF-8, whatever the strings hold: a lone surrogate is kept as
    its JSON escape (\\ud800), so a replay sends back the very same text."""
    try:
        text = json.dumps(record, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError) as exc:  # e.g. a circular document
        kept = {key: value for key, value in record.items() if key != "document"}
        kept["document"] = None
        kept["document_error"] = f"not serialisable ({type(exc).__name__}: {exc})"
        text = json.dumps(kept, ensure_ascii=False, default=repr)
    return (text + "\n").encode("utf-8", "backslashreplace")


def write_file(directory: Path, lines: Sequence[bytes], now: datetime) -> Path:
    """A new dead-letter file holding `lines`, complete or not there at all (OSError)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"bulk-{now:%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}.jsonl"
    return _replace_atomically(directory / name, b"".join(lines))


def _replace_atomically(path: Path, data: bytes) -> Path:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(3)}.tmp")
    try:
        with open(temporary, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class Letter:
    """One stored line: where it is, its raw bytes, and the record (None when unreadable)."""

    path: Path
    line: int
    raw: bytes
    record: dict | None
    problem: str = ""

    @property
    def index(self) -> str:
        return str((self.record or {}).get("index") or "")

    @property
    def key(self) -> tuple[str, str, str]:
        record = self.record or {}
        return (self.index, str(record.get("op") or "index"), str(record.get("id") or ""))

    @property
    def error_type(self) -> str:
        record = self.record or {}
        error = record.get("error")
        if isinstance(error, dict) and error.get("type"):
            return str(error["type"])
        if record.get("status") is not None:
            return f"status {record['status']}"
        return "unknown"

    @property
    def time(self) -> datetime | None:
        return parse_iso((self.record or {}).get("time"))


def read_letters(directory: Path) -> list[Letter]:
    """Every line of every dead-letter file, oldest file first; unreadable lines (a truncated
    line from an older version, bad JSON) come back with `problem` set, never raise."""
    letters: list[Letter] = []
    for path in sorted(Path(directory).glob(FILE_PATTERN)):
        if not path.is_file():
            continue
        with path.open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8"))
                    problem = "" if isinstance(record, dict) else "not a JSON object"
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    record, problem = None, f"unreadable line ({exc})"
                letters.append(Letter(path, number, raw, record if not problem else None,
                                      problem))
    return letters


def remove_letters(letters: Iterable[Letter]) -> int:
    """Take these lines out of their files (each file rewritten atomically, deleted when
    nothing is left); returns how many were removed."""
    by_file: dict[Path, set[int]] = {}
    for letter in letters:
        by_file.setdefault(letter.path, set()).add(letter.line)
    removed = 0
    for path, lines in by_file.items():
        with path.open("rb") as stream:
            content = list(enumerate(stream, start=1))
        kept = [raw for number, raw in content if number not in lines]
        removed += len(content) - len(kept)
        if any(raw.strip() for raw in kept):
            _replace_atomically(path, b"".join(kept))
        else:
            path.unlink(missing_ok=True)
    return removed


def select(letters: Iterable[Letter], *, index: str | None = None) -> list[Letter]:
    """The letters of one index (alias or concrete name), or all."""
    return [letter for letter in letters if index is None or letter.index == index]


_AGE = re.compile(r"(\d+)\s*([smhdw])")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '2w' ...; ValueError saying the form otherwise."""
    match = _AGE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r}: expected a whole number and a unit s, m, h, d or w "
                         "(e.g. 30d)")
    return timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})


def older_than(letters: Iterable[Letter], age: timedelta, now: datetime) -> list[Letter]:
    """Letters stored before now - age (those without a readable time are kept)."""
    limit = now - age
    return [letter for letter in letters if letter.time is not None and letter.time < limit]


@dataclass
class Summary:
    """Counts for `dead-letters list`."""

    total: int = 0
    files: int = 0
    by_index: dict[str, int] = field(default_factory=dict)
    by_error: dict[str, int] = field(default_factory=dict)
    by_index_and_error: list[tuple[str, str, int]] = field(default_factory=list)
    oldest: str | None = None
    newest: str | None = None
    unreadable: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**self.__dict__,
                "by_index_and_error": [list(row) for row in self.by_index_and_error]}


def summarise(letters: Sequence[Letter]) -> Summary:
    readable = [letter for letter in letters if letter.record is not None]
    pairs: dict[tuple[str, str], int] = {}
    for letter in readable:
        pairs[(letter.index, letter.error_type)] = pairs.get((letter.index, letter.error_type),
                                                             0) + 1
    by_index: dict[str, int] = {}
    by_error: dict[str, int] = {}
    for (index, error), count in pairs.items():
        by_index[index] = by_index.get(index, 0) + count
        by_error[error] = by_error.get(error, 0) + count
    times = sorted(t for t in (letter.time for letter in readable) if t is not None)
    return Summary(
        total=len(readable),
        files=len({letter.path for letter in letters}),
        by_index=dict(sorted(by_index.items())),
        by_error=dict(sorted(by_error.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_index_and_error=sorted(((i, e, n) for (i, e), n in pairs.items()),
                                  key=lambda row: (row[0], -row[2], row[1])),
        oldest=iso(times[0]) if times else None,
        newest=iso(times[-1]) if times else None,
        unreadable=[{"file": str(letter.path), "line": letter.line, "problem": letter.problem}
                    for letter in letters if letter.record is None],
    )


@dataclass
class ReplayReport:
    """What a replay did: documents written again, still refused (with reasons), skipped."""

    sent: int = 0
    succeeded: int = 0
    removed_lines: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # reason -> count
    skipped: dict[str, int] = field(default_factory=dict)  # why not sent -> count

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def replay(client, letters: Sequence[Letter], *, max_retries: int = 3,
           initial_backoff: float = 1.0, max_backoff: float = 30.0) -> ReplayReport:
    """Send the stored documents back through the indexing bulk path (same retries and
    errors) and remove the lines of those that succeed. A document stored more than once
    (refused on several passes) is sent once, as last stored; success removes every copy."""
    from ingest.index import _bulk, _reason  # the very path index_articles writes through

    report = ReplayReport()
    latest: dict[tuple[str, str, str], Letter] = {}
    copies: dict[tuple[str, str, str], list[Letter]] = {}
    for letter in letters:
        if letter.record is None:
            report.skipped["unreadable line"] = report.skipped.get("unreadable line", 0) + 1
            continue
        index, op, doc_id = letter.key
        if not index or not doc_id or op not in ("index", "delete") or (
                op == "index" and not isinstance(letter.record.get("document"), dict)):
            why = "no document stored" if op == "index" else f"op {op!r} not replayable"
            report.skipped[why] = report.skipped.get(why, 0) + 1
            continue
        latest[letter.key] = letter
        copies.setdefault(letter.key, []).append(letter)
    kinds = _index_kinds(client, {key[0] for key in latest})
    succeeded: list[Letter] = []
    for require_alias in (True, False):
        keys = [key for key in latest if kinds.get(key[0]) == ("alias" if require_alias
                                                                 else "index")]
        # incidents before articles: the article is the commit marker of its incidents
        keys.sort(key=lambda key: "incident_id" not in ((latest[key].record or {})
                                                        .get("document") or {}))
        actions = [_action(latest[key]) for key in keys]
        if not actions:
            continue
        report.sent += len(actions)
        # answers name the concrete index behind an alias, and retried items come back late:
        # match them by operation and id
        pending: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for key in keys:
            pending.setdefault((key[1], key[2]), []).append(key)
        for ok, op, info in _bulk(client, actions, require_alias=require_alias, refresh=False,
                                  max_retries=max_retries, initial_backoff=initial_backoff,
                                  max_backoff=max_backoff):
            waiting = pending.get((op, str(info.get("_id") or "")))
            matched = waiting.pop(0) if waiting else None
            if ok or (op == "delete" and info.get("status") == 404):
                report.succeeded += 1
                succeeded.extend(copies.get(matched, []) if matched else [])
            else:
                reason = _reason(info.get("error", f"status {info.get('status')}"))
                report.failed[reason] = report.failed.get(reason, 0) + 1
    for key, kind in ((k, kinds.get(k[0])) for k in latest):
        if kind not in ("alias", "index"):
            why = f"{key[0]} does not exist (run `newswatch setup-es`)"
            report.skipped[why] = report.skipped.get(why, 0) + 1
    report.removed_lines = remove_letters(succeeded)
    return report


def _action(letter: Letter) -> dict:
    index, op, doc_id = letter.key
    action = {"_op_type": op, "_index": index, "_id": doc_id}
    if op == "index":
        action["_source"] = letter.record["document"]  # type: ignore[index]
    return action


def _index_kinds(client, names: Iterable[str]) -> dict[str, str]:
    """name -> 'alias', 'index' or 'missing' (a missing name must not be auto-created)."""
    from ingest.es import es_errors

    kinds: dict[str, str] = {}
    with es_errors("looking up the dead letters' indices"):
        for name in names:
            if client.indices.exists_alias(name=name):
                kinds[name] = "alias"
            elif client.indices.exists(index=name):
                kinds[name] = "index"
            else:
                kinds[name] = "missing"
    return kinds
