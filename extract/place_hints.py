"""Where a text is, told by names that are no places: the first-level regions an armed group
mostly acts in (seeds/actors/actors.yaml `regions`) and the missions that report from one
country's regions (seeds/gazetteer/hints.yaml: "the OSCE SMM observed ... near Lozove" is in
Donetsk or Luhansk, not in a namesake village of another oblast). Evidence for place_scoring,
like a named region, never a place of its own."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from extract import gazetteer, paths, vocab
from extract.gazetteer import fold_key
from extract.phrases import PhraseMatcher


@dataclass(frozen=True)
class Hints:
    actor_regions: dict[str, tuple[tuple[str, str], ...]]   # actor -> (country, folded admin1)
    missions: PhraseMatcher   # label = index into mission_where
    mission_where: list[tuple[str, tuple[tuple[str, str], ...]]]   # (country, its regions)
    datelines: re.Pattern[str] | None   # a dateline's town and its region's short form
    dateline_where: dict[str, tuple[str, str]]   # short form -> (country, folded admin1)


def _regions(gz: gazetteer.Gazetteer, cc: str, names: list[str], source: str
             ) -> tuple[tuple[str, str], ...]:
    out = []
    for name in names:
        e = gz.admin1_of(cc, name)
        if e is None:
            raise ValueError(f"{source}: no first-level region {name!r} in {cc}: use the "
                             "gazetteer's name or one of its spellings")
        out.append((cc, fold_key(e.name)))
    return tuple(out)


def _read(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or []


def _build(seeds: Path) -> Hints:
    gz = gazetteer.get()
    actors = {}
    for a in _read(seeds / "actors" / "actors.yaml"):
        if a.get("regions"):
            actors[a["name"]] = _regions(gz, str(a["country"]).upper(), a["regions"],
                                         "actors.yaml")
    entries, where = [], []
    for k, h in enumerate(_read(seeds / "gazetteer" / "hints.yaml")):
        cc = str(h["country"]).upper()
        where.append((cc, _regions(gz, cc, h.get("regions") or [], "hints.yaml")))
        entries += [(name, str(k)) for name in h["names"]]
    short: dict[str, tuple[str, str]] = {}
    path = seeds / "gazetteer" / "dateline_regions.yaml"
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for cc, forms in (yaml.safe_load(fh) or {}).items():
                for form, name in forms.items():
                    short[form] = _regions(gz, str(cc).upper(), [name],
                                           "dateline_regions.yaml")[0]
    # (a dateline opens a paragraph: its town in capitals, a comma, the region's short form)
    datelines = re.compile(r"(?m)^[^\S\n]*[A-Z][A-Z .'\-]{1,40},\s+("
                           + "|".join(re.escape(f) for f in sorted(short, key=len, reverse=True))
                           + r")(?=[\s(\u2014\-])") if short else None
    return Hints(actors, PhraseMatcher(entries), where, datelines, short)


_LOCK = threading.Lock()
_HINTS: dict[Path, Hints] = {}


def get() -> Hints:
    """The hints of the seeds in use, read once."""
    seeds = paths.seeds_dir()
    hints = _HINTS.get(seeds)
    if hints is None:
        with _LOCK:
            hints = _HINTS.get(seeds)
            if hints is None:
                hints = _HINTS[seeds] = _build(seeds)
    return hints


def missions(text: str, folded: str) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    """The (country, regions) of each mission the text names."""
    h = get()
    return {h.mission_where[int(hit.label)] for hit in h.missions.find(text, folded)}


def dateline_region(text: str) -> tuple[str, str] | None:
    """The (country, folded admin1) of a wire dateline's region ("SPRINGFIELD, Ill. (AP)")."""
    h = get()
    m = h.datelines.search(text, 0, 2000) if h.datelines is not None else None
    return h.dateline_where[m.group(1)] if m else None


def home(text: str, cc: str | None, at: int = 0) -> gazetteer.Entry | None:
    """Where a place the text puts only in country `cc` is pinned: the first region a mission
    the text names reports from in that country ("near Prychepylivka" in an OSCE SMM note: in
    Donetsk, not at Kyiv), else that of the armed group named nearest to the place at `at`
    ("Pokot militia raided a village near Arabel": Baringo), else the country's own point; None
    without a country."""
    gz = gazetteer.get()
    if cc is None or cc not in gz.country_entry:
        return None
    folded = gazetteer.fold_text(text)
    told = [where for mcc, where in sorted(missions(text, folded)) if mcc == cc]
    h = get()
    hits = [hit for hit in vocab.get().actors.find(text, folded) if hit.label in h.actor_regions]
    told += [h.actor_regions[hit.label] for hit in sorted(hits, key=lambda t: abs(t.start - at))]
    for where in told:
        if where and where[0][0] == cc and (region := gz.admin1_of(cc, where[0][1])):
            return region
    return gz.entry(gz.country_entry[cc])
