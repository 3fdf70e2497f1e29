"""A language's words for the extraction engine, read from seeds/languages/<code>/.

English is the engine's own language (its rules are tuned in code and in seeds/events/); every
other language is data: one folder per language, one file per concern (event cues, modality,
counts, dates, actors, weapons, relevance, classification hints). The engine asks `get(code)`
and reads the same fields whatever the language; a language without a folder gets no
incidents. seeds/languages/README.md describes the files.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from extract import paths

if TYPE_CHECKING:     # (literals imports the gazetteer, which reads this module)
    from extract.literals import Scan

ENGLISH = "en"
# never matches: a hint a language does not give is never seen in its text
NOTHING = re.compile(r"(?!x)x")


@dataclass(frozen=True)
class Lexicon:
    """Everything the engine reads for one language (regexes compiled case-blind)."""

    code: str
    cues: dict[str, list[str]]                 # event tag -> phrases (cues.yaml)
    modality: dict[str, list[str]]             # NotEvent value -> regexes (modality.yaml)
    modality_quick: dict[str, list[str]]       # NotEvent value -> substrings every match holds
    modality_whole: frozenset[str]             # reasons read over the whole sentence (`whole`)
    negation: Scan                             # a negation right before a cue ("aucun", "sin")
    numbers: dict[str, int]                    # number words and vague amounts (counts.yaml)
    qualifiers: list[str]                      # "au moins", "más de" before a count
    count_parts: dict[str, list[str]]          # killed/injured phrases after and before a count
    none_told: dict[str, re.Pattern[str]]      # "aucun blessé": killed / injured / any -> 0
    months: dict[str, int]                     # dates.yaml
    weekdays: dict[str, int]
    relative: dict[str, tuple[int, str]]       # phrase -> (days from publication, precision)
    date_words: dict[str, str]                 # named fragments of the date rules
    actors_named: dict[str, list[str]]         # canonical ACLED name -> local aliases
    actors_generic: dict[str, list[str]]       # generic party kind -> local words
    not_names: frozenset[str]                  # English aliases that are words here ("nas")
    weapons: dict[str, list[str]]
    relevance: dict                            # domains / actors, merged with the English ones
    hints: dict[str, re.Pattern[str]]          # classification and grouping hints by name
    # each hint as hint() hands it out, run only where its words are (built on first use)
    scans: dict[str, Scan] = field(default_factory=dict, compare=False, repr=False)


def _read(path: Path) -> dict:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _regex(parts: list[str] | str | None) -> re.Pattern[str]:
    if not parts:
        return NOTHING
    if isinstance(parts, str):
        parts = [parts]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.I)


def _build(code: str, folder: Path) -> Lexicon:
    from extract.literals import Scan

    mod = _read(folder / "modality.yaml")
    counts = _read(folder / "counts.yaml")
    when = _read(folder / "dates.yaml")
    who = _read(folder / "actors.yaml")
    numbers = {str(k).lower(): int(v) for k, v in (counts.get("numbers") or {}).items()}
    numbers.update(_compounds(counts.get("compounds") or {}, numbers))
    numbers.update({str(k).lower(): int(v) for k, v in (counts.get("vague") or {}).items()})
    return Lexicon(
        code=code,
        cues={tag: list(words) for tag, words in (_read(folder / "cues.yaml") or {}).items()},
        modality={r: list(spec.get("patterns") or []) for r, spec in mod.items()
                  if r != "negation"},
        modality_quick={r: list(spec.get("quick") or []) for r, spec in mod.items()
                        if r != "negation"},
        modality_whole=frozenset(r for r, spec in mod.items() if spec.get("whole")),
        # (read before each cue: only where one of its words is)
        negation=Scan(_regex((mod.get("negation") or {}).get("patterns"))),
        numbers=numbers,
        qualifiers=list(counts.get("qualifiers") or []),
        count_parts={k: list(counts.get(k) or []) for k in
                     ("killed_after", "killed_before", "injured_after", "injured_before",
                      "toll")},
        none_told={k: _regex(counts.get(f"no_{k}")) for k in ("killed", "injured", "casualties")},
        months={str(k).lower(): int(v) for k, v in (when.get("months") or {}).items()},
        weekdays={str(k).lower(): int(v) for k, v in (when.get("weekdays") or {}).items()},
        relative={str(k).lower(): (int(v[0]), str(v[1]))
                  for k, v in (when.get("relative") or {}).items()},
        date_words={k: v if isinstance(v, str) else "|".join(v)
                    for k, v in (when.get("words") or {}).items()},
        actors_named={k: list(v or []) for k, v in (who.get("named") or {}).items()},
        actors_generic={k: list(v or []) for k, v in (who.get("generic") or {}).items()},
        not_names=frozenset(str(w).lower() for w in who.get("not_names") or []),
        weapons={k: list(v) for k, v in (_read(folder / "weapons.yaml") or {}).items()},
        relevance=_read(folder / "relevance.yaml"),
        hints={k: _regex(v) for k, v in (_read(folder / "hints.yaml") or {}).items()},
    )


def _compounds(spec: dict, numbers: dict[str, int]) -> dict[str, int]:
    """Tens joined to units ("vingt et un", "treinta y dos"): each ten with each number word
    under ten, with each joiner."""
    units = {w: n for w, n in numbers.items() if 0 < n < 10}
    return {f"{t}{j}{u}": int(tv) + n for t, tv in (spec.get("tens") or {}).items()
            for j in spec.get("joiners") or [] for u, n in units.items()}


_LOCK = threading.Lock()
_CACHE: dict[tuple[Path, str], Lexicon | None] = {}   # (seeds folder, code) -> lexicon


def folder() -> Path:
    """seeds/languages/ of the seeds in use (extract/paths.py)."""
    return paths.seeds_dir() / "languages"


_SUPPORTED: dict[Path, frozenset[str]] = {}   # seeds folder -> its languages


def supported() -> frozenset[str]:
    """The languages with data (English always): the ones the extractor reads (the folder is
    listed once per seeds folder)."""
    seeds = paths.seeds_dir()
    found = _SUPPORTED.get(seeds)
    if found is None:
        base = folder()
        codes = {p.name for p in base.iterdir() if (p / "cues.yaml").is_file()} \
            if base.is_dir() else set()
        found = _SUPPORTED[seeds] = frozenset(codes | {ENGLISH})
    return found


def get(code: str | None) -> Lexicon | None:
    """The lexicon of a language; None for English (or no language), whose rules are the
    engine's own, and for a language without data."""
    if not code or code == ENGLISH:
        return None
    # per seeds folder, as supported() is (the folder itself is the key: asked at every look-up,
    # a path joined anew would cost more than the look-up)
    key = (paths.seeds_dir(), code)
    found = _CACHE.get(key, _MISSING)
    if found is _MISSING:
        with _LOCK:
            if key not in _CACHE:
                path = folder() / code
                _CACHE[key] = _build(code, path) if (path / "cues.yaml").is_file() else None
            found = _CACHE[key]
    return found     # type: ignore[return-value]


_MISSING = object()


def hint(lex: Lexicon | None, name: str, english: re.Pattern[str] | Scan
         ) -> re.Pattern[str] | Scan:
    """A named classification or grouping pattern to search with: English's own for English,
    else the language's (hints.yaml; a literals.Scan, tried only where its words are), else
    one that never matches."""
    if lex is None:
        return english
    found = lex.scans.get(name)
    if found is None:
        from extract.literals import Scan

        found = lex.scans[name] = Scan(lex.hints.get(name, NOTHING))
    return found
