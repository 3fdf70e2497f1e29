"""Vocabulary from seeds/ (event cues, modality cues, actors, weapons), loaded once."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from extract import paths
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
    modality = {
        reason: re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), re.I)
        for reason, spec in mod_doc.items()
    }
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
        cues=PhraseMatcher(cue_entries), tag_weight=weights, modality=modality,
        modality_quick=quick,
        actors=PhraseMatcher(actor_entries), actor_types=types, actor_country=countries,
        weapons=PhraseMatcher(weapon_entries),
    )


_LOCK = threading.Lock()
_VOCAB: Vocab | None = None


def get() -> Vocab:
    """The vocabulary, built on first use."""
    global _VOCAB
    if _VOCAB is None:
        with _LOCK:
            if _VOCAB is None:
                _VOCAB = _build(paths.seeds_dir())
    return _VOCAB
