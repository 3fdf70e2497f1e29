"""The words a language names places with: the prepositions and unit words that introduce a
place ("à", "près de", "departamento de", "aldeia de"), the words that are no place (weekdays,
titles, organisation words), nationality words, and the patterns of a place the gazetteer lacks.

English keeps its rules in code (place_candidates, unknown_places: tuned on the dev sets);
every other language is one file, seeds/languages/<code>/places.yaml, read here into the same
fields. The place code asks `get(code)`; a language without the file is read as English.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from extract import admin_units, lexicon
from extract.lexicon import ENGLISH

if TYPE_CHECKING:
    from extract.literals import Anchored, Prefilter


@dataclass(frozen=True)
class PlaceWords:
    """What the place code reads for one language. Sets hold folded words (lower case, no
    accents); `intro` patterns have the place's name in group 1."""

    code: str
    cues: frozenset[str] = frozenset()          # "à", "dans", "cerca": a place follows
    strict_cues: frozenset[str] = frozenset()   # the ones that make a common word a place
    joiners: frozenset[str] = frozenset()       # "de", "du": between a cue and the name
    articles: frozenset[str] = frozenset()      # "la", "el", "o": may stand before the name
    origin: frozenset[str] = frozenset()        # "desde": where someone came from
    titles: frozenset[str] = frozenset()        # "gouverneur", "Agence": a name, not a place
    features: frozenset[str] = frozenset()      # "fleuve", "golfo": a river's, a sea's name
    not_name_words: frozenset[str] = frozenset()   # weekdays, months: do not lengthen a name
    org_words: frozenset[str] = frozenset()     # "Armée", "Policía": an organisation's name
    actor_nouns: frozenset[str] = frozenset()   # "soldats américains": who acted, not where
    common: frozenset[str] = frozenset()        # capitalised words that are no place
    demonyms: dict[str, str] = field(default_factory=dict)   # folded word -> ISO code
    countries: dict[str, list[str]] = field(default_factory=dict)   # ISO code -> names
    unit_words: tuple[str, ...] = ()            # "province", "village" (all levels)
    unit_keys: frozenset[str] = frozenset()     # the same, folded
    admin1_keys: frozenset[str] = frozenset()   # "province", "departamento", folded
    town_keys: frozenset[str] = frozenset()     # "village", "aldeia", folded
    neighbourhood_keys: frozenset[str] = frozenset()   # "quartier", "bairro": part of a town
    region_words: tuple[str, ...] = ()          # the first and second levels only
    # "le village de X": places the gazetteer lacks (each tried only where its words start)
    intro: tuple[Anchored | re.Pattern[str], ...] = ()
    region_after: re.Pattern[str] | None = None  # ", dans la province du Y" after a name
    region_after_words: Prefilter | None = None  # whether a text has the words it needs
    place_before: re.Pattern[str] | None = None  # "dans ", "près de ": a place comes next
    loose: re.Pattern[str] | None = None        # the last resort: "à X"
    named: re.Pattern[str] | None = None        # "à X", "de X": a name a region may follow

    english: bool = False    # English keeps its rules in code (set on ENGLISH_WORDS only)

    def may_name_region_after(self, text: str) -> bool:
        """Whether region_after can match anywhere in the text: a unit's word or "près de" is
        in it (one quick look for them before trying each name the text gives)."""
        return self.region_after is not None and (
            self.region_after_words is None or bool(self.region_after_words.possible(text)))


ENGLISH_WORDS = PlaceWords(ENGLISH, english=True)


def _folded(words: list[str] | None) -> frozenset[str]:
    from extract.gazetteer import fold_key  # (gazetteer imports this module)

    for w in words or []:
        if not isinstance(w, str):   # YAML reads a bare no/on/yes as a boolean
            raise ValueError(f"places.yaml: {w!r} is not a word: quote it")
    return frozenset(fold_key(w) for w in words or [] if fold_key(w))


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """Case-blind alternation of the words as written, longest first."""
    return "(?i:" + admin_units.alternation(tuple(words))[3:]


def _spaced(words: list[str]) -> str:
    """The words, each followed by the space after it (none after an elided one: "près d'X")."""
    if not words:
        return "(?!x)x"
    return "(?:" + "|".join(
        "(?i:" + re.escape(w) + ")" + (r"\s*" if w.endswith(("'", "\u2019")) else r"\s+")
        for w in sorted(words, key=len, reverse=True)) + ")"


def inflect(base: str, endings: list[list]) -> set[str]:
    """A nationality word's forms: the base (masculine singular, folded) and, by the first
    ending rule it fits, its feminine and plural forms ("tchadien" -> "tchadienne", ...)."""
    out = {base}
    for rule in endings:
        end, forms = rule[0], rule[1]
        if base.endswith(end):
            stem = base[: len(base) - len(end)]
            out.update(stem + f for f in forms)
            break
    return out


# a capitalised name of up to four words, joined by the language's short words ("Baga Sola",
# "Mocímboa da Praia", "San Miguel Canoa")
_WORD = r"[A-ZÀ-ÖØ-Þ][\w'\u2019\-]*"
_JOIN = r"(?:de|del|do|dos|da|das|de la|la|le|les|el|y|e)"
NAME = _WORD + r"(?:\s+(?:" + _JOIN + r"\s+)?" + _WORD + r"){0,3}"


def _compile(code: str, raw: dict) -> PlaceWords:
    from extract.gazetteer import fold_key
    from extract.literals import Anchored, Prefilter, starts

    units = raw.get("units") or {}
    admin1 = list(units.get("admin1") or [])
    admin2 = list(units.get("admin2") or [])
    towns = list(units.get("settlements") or []) + list(units.get("neighbourhoods") or [])
    of_words = list(raw.get("of") or ["de"])          # "de", "du", "d'"
    before = list(raw.get("before_name") or [])       # "à", "dans", "près de"
    of = r"(?:" + "|".join(re.escape(w) + (r"\s*" if w.endswith(("'", "\u2019")) else r"\s+")
                           for w in sorted(of_words, key=len, reverse=True)) + r")"
    article = r"(?:(?:" + "|".join(re.escape(a) for a in raw.get("articles") or []) + r")\s+)?"
    # "le village de X", "la aldea de X", "el municipio de X": a settlement or a district
    place_of = re.compile(r"\b" + _alternation(towns + admin2) + r"\s+" + of + r"(" + NAME + r")")
    # "à X, dans la province du Y", "en X, departamento del Y" (the Y is checked to resolve),
    # "perto de X, no mesmo distrito", "em X, no distrito vizinho de Y", "de X, près de Y"
    same = _alternation(raw.get("same") or ["(?!x)x"])
    in_unit = (r",?\s+(?:" + _spaced(before) + r")?" + article + r"(?:" + same + r"\s+)?"
               + _alternation(admin1 + admin2) + r"(?:\s+" + same + r")?(?:\s+" + of + r"?("
               + NAME + r")|(?=[\s.,;:)]))")
    near_town = r",\s+" + _spaced(raw.get("near") or []) + r"(" + NAME + r")"
    region_after = re.compile(r"(?:" + in_unit + r"|" + near_town + r")")
    # "près de X", "cerca de X", "perto de X": a place, wherever it is
    near_of = re.compile(r"(?<![\w'])" + _spaced(raw.get("near") or []) + r"(" + NAME + r")")
    place_before = re.compile(r"(?:^|[\s(])" + _spaced(before) + article + r"$")
    loose = re.compile(r"(?<![\w'])" + _spaced(before) + article + r"(" + NAME + r")")
    # a name after a preposition or "de" ("une mosquée de X, dans la province du Y")
    named = re.compile(r"(?<![\w'])(?:" + _spaced(before) + article + r"|" + of
                       + r")(" + NAME + r")")
    endings = raw.get("demonym_endings") or []
    demonyms: dict[str, str] = {}
    for cc, bases in (raw.get("demonyms") or {}).items():
        for b in bases:
            for form in inflect(fold_key(b), endings):
                demonyms[form] = str(cc)
    return PlaceWords(
        code=code,
        cues=_folded(raw.get("cues")) | _folded(before) | _folded(towns + admin1 + admin2),
        strict_cues=_folded(raw.get("strict_cues")),
        joiners=_folded(of_words) | _folded(raw.get("articles")),
        articles=_folded(raw.get("articles")),
        origin=_folded(raw.get("origin")),
        titles=_folded(raw.get("titles")),
        features=_folded(raw.get("features")),
        not_name_words=_folded(raw.get("not_name_words")),
        org_words=_folded(raw.get("org_words")),
        actor_nouns=_folded(raw.get("actor_nouns")),
        common=_folded(raw.get("common")),
        demonyms=demonyms,
        countries={str(cc): list(v) for cc, v in (raw.get("countries") or {}).items()},
        unit_words=tuple(admin1 + admin2 + towns),
        unit_keys=_folded(admin1 + admin2 + towns),
        admin1_keys=_folded(admin1),
        town_keys=_folded(towns),
        neighbourhood_keys=_folded(units.get("neighbourhoods")),
        region_words=tuple(admin1 + admin2),
        intro=tuple(Anchored(p, starts(p)) for p in (place_of, near_of)),
        region_after=region_after,
        region_after_words=Prefilter({"": region_after}),
        place_before=place_before,
        loose=loose,
        named=named,
    )


def files() -> list[Path]:
    """Every language's places.yaml (the gazetteer's build reads their country names)."""
    return sorted(lexicon.folder().glob("*/places.yaml"))


def read_raw(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


@functools.lru_cache(maxsize=16)
def get(code: str | None) -> PlaceWords:
    """The place words of a language (ISO 639-1 code); English for None, "en" or a language
    without seeds/languages/<code>/places.yaml."""
    if not code or code == ENGLISH:
        return ENGLISH_WORDS
    path = lexicon.folder() / code / "places.yaml"
    if not path.is_file():
        return ENGLISH_WORDS
    return _compile(code, read_raw(path))
