"""Vocabulary from seeds/ (event cues, modality cues, actors, weapons), loaded once per language.

English reads seeds/events/, seeds/actors/ and seeds/weapons.yaml; another language reads its
own cues, modality and weapons (extract/lexicon.py) with English's tag weights, and the named
groups of seeds/actors/ under their ACLED names plus the language's own aliases for them."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from extract import lexicon, paths
from extract.literals import Alternations
from extract.phrases import PhraseMatcher, Substrings


@dataclass(frozen=True)
class Actor:
    """A named group or force from seeds/actors/actors.yaml."""

    name: str
    type: str


@dataclass(frozen=True)
class Vocab:
    cues: PhraseMatcher             # label = event tag
    tag_weight: dict[str, float]
    modality: dict[str, re.Pattern[str]]   # reason -> one compiled alternation
    modality_quick: Substrings   # label = reason; one of its substrings is in every match
    modality_runs: Alternations  # the same, run with only the patterns that may match
    actors: PhraseMatcher           # label = canonical actor name
    actor_types: dict[str, str]
    actor_country: dict[str, str]   # canonical name -> where the group mostly acts
    weapons: PhraseMatcher          # label = weapon label


def _read(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _build(seeds: Path) -> Vocab:
    cues_doc = _read(seeds / "events" / "cues.yaml")["tags"]
    cue_entries = [(c, tag) for tag, spec in cues_doc.items() for c in spec["cues"]]
    weights = {tag: float(spec.get("weight", 0)) for tag, spec in cues_doc.items()}
    mod_doc = _read(seeds / "events" / "modality.yaml")
    runs = Alternations({reason: spec["patterns"] for reason, spec in mod_doc.items()})
    quick = Substrings([(q, reason) for reason, spec in mod_doc.items() for q in spec["quick"]])
    actor_entries: list[tuple[str, str]] = []
    types: dict[str, str] = {}
    countries: dict[str, str] = {}
    for a in _read(seeds / "actors" / "actors.yaml"):
        types[a["name"]] = a.get("type", "other")
        if a.get("country"):
            countries[a["name"]] = str(a["country"]).upper()
        actor_entries.append((a["name"], a["name"]))
        actor_entries += [(alias, a["name"]) for alias in a.get("aliases") or []]
    weapon_entries = [(c, label) for label, cues in _read(seeds / "weapons.yaml").items()
                      for c in cues]
    return Vocab(
        cues=PhraseMatcher(cue_entries), tag_weight=weights, modality=runs.whole,
        modality_quick=quick, modality_runs=runs,
        actors=PhraseMatcher(actor_entries), actor_types=types, actor_country=countries,
        weapons=PhraseMatcher(weapon_entries),
    )


def _for_language(seeds: Path, english: Vocab, lex: lexicon.Lexicon) -> Vocab:
    """A language's vocabulary: its cues and modality, English's tag weights and actors."""
    cue_entries = [(c, tag) for tag, cues in lex.cues.items() for c in cues]
    runs = Alternations(lex.modality)
    quick = Substrings([(q, reason) for reason, qs in lex.modality_quick.items() for q in qs])
    actor_entries: list[tuple[str, str]] = []
    for a in _read(seeds / "actors" / "actors.yaml"):
        actor_entries.append((a["name"], a["name"]))
        actor_entries += [(alias, a["name"]) for alias in a.get("aliases") or []
                          # (names, not common English words nor the language's words)
                          if not alias.islower() and alias.lower() not in lex.not_names]
    types = dict(english.actor_types)
    for name, aliases in lex.actors_named.items():
        types.setdefault(name, "other")
        actor_entries += [(name, name)] + [(alias, name) for alias in aliases]
    weapon_entries = [(c, label) for label, cues in lex.weapons.items() for c in cues]
    return Vocab(cues=PhraseMatcher(cue_entries), tag_weight=english.tag_weight,
                 modality=runs.whole, modality_quick=quick, modality_runs=runs,
                 actors=PhraseMatcher(actor_entries),
                 actor_types=types, actor_country=english.actor_country,
                 weapons=PhraseMatcher(weapon_entries))


_LOCK = threading.Lock()
_VOCAB: Vocab | None = None
_BY_LANGUAGE: dict[str, Vocab] = {}


def get(language: str | None = None) -> Vocab:
    """The vocabulary of a language (English when None or without data), built on first use."""
    global _VOCAB
    if _VOCAB is None:
        with _LOCK:
            if _VOCAB is None:
                _VOCAB = _build(paths.seeds_dir())
    lex = lexicon.get(language)
    if lex is None:
        return _VOCAB
    found = _BY_LANGUAGE.get(lex.code)
    if found is None:
        with _LOCK:
            found = _BY_LANGUAGE.get(lex.code)
            if found is None:
                found = _for_language(paths.seeds_dir(), _VOCAB, lex)
                _BY_LANGUAGE[lex.code] = found
    return found
