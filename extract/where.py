"""Where an incident happened: its place among those the text names, with fallbacks."""

from __future__ import annotations

import re

from extract import gazetteer, places
from extract.mentions import FROM_PLACE, Draft
from extract.places import PlaceMention


def incident_place(d: Draft, text: str, all_mentions: list[PlaceMention], single: bool
                   ) -> PlaceMention | None:
    """The place of an incident: of those its sentences name (of the whole text when it is
    the article's only incident), the one ACLED would code; "from X" origins lose."""
    ms = [m for x in d.sents for m in x.places]
    if single:
        ms = all_mentions
    ms = [m for m in ms if not _in_road_name(text, m)] or ms
    if not ms:
        return None
    precise = [m for m in ms if m.kind != "country"]
    not_origin = [m for m in precise
                  if not FROM_PLACE.search(text[max(0, m.start - 40):m.start])]
    pool = ms
    if precise and not_origin and len(not_origin) < len(precise):
        origin_ids = {id(m) for m in precise if m not in not_origin}
        pool = [m for m in ms if id(m) not in origin_ids]
    return places.primary_place(pool, text)


_ROAD_AFTER = re.compile(r"^(?:-[A-Z][\w'\u2019]*(?:\s+[A-Z][\w'\u2019]*)?)?\s+(?:highway|road|"
                         r"expressway|motorway|railway|route|pipeline)\b", re.I)
_ROAD_BEFORE = re.compile(r"[A-Z][\w'\u2019]*-$")


def _in_road_name(text: str, m: PlaceMention) -> bool:
    """The name is one end of a road ("the Abuja-Kaduna highway"), not where it happened."""
    after = text[m.end:m.end + 40]
    if after.startswith("-") or _ROAD_BEFORE.search(text[max(0, m.start - 30):m.start]):
        return bool(_ROAD_AFTER.match(after))
    return False


def likely_country(mentions: list[PlaceMention]) -> str | None:
    """The country most of the mentions are in."""
    votes: dict[str, int] = {}
    for m in mentions:
        if m.country_code:
            votes[m.country_code] = votes.get(m.country_code, 0) + 1
    return max(votes, key=lambda c: (votes[c], c)) if votes else None


def demonym_country(sentence_text: str) -> str | None:
    """The country of the first nationality word ("an Iraqi base")."""
    for m in re.finditer(r"\b[A-Z][a-z]+\b", sentence_text):
        cc = places.country_of_demonym(m.group(0))
        if cc:
            return cc
    return None


def country_place(cc: str | None) -> PlaceMention | None:
    """A country-level place (ACLED geo precision 3) for a country code."""
    if not cc:
        return None
    gz = gazetteer.get()
    i = gz.country_entry.get(cc)
    if i is None:
        return None
    e = gz.entry(i)
    return PlaceMention(name=e.name, start=0, end=0, location=places.country_name(cc) or e.name,
                        country_code=cc, country=places.country_name(cc), admin1=None,
                        lat=round(e.lat, 5), lon=round(e.lon, 5), geo_precision=3,
                        kind="country")


# transliteration marks for ayn and hamza ("Dar‘ā", "Ta‘izz") are written as an apostrophe
_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bf": "'", "\u02be": "'",
                        "\u02bc": "'", "\u02bb": "'", "`": "'"})


def plain(name: str | None) -> str | None:
    """The name with transliteration marks written as apostrophes."""
    return name.translate(_MARKS) if name else name


def title_place(title: str | None) -> PlaceMention | None:
    """A town or region the headline names, for a lead incident whose text names none."""
    if not title or not title.strip():
        return None
    ms = places.find_places(title)
    p = places.primary_place(ms, title) if ms else None
    return p if p is not None and p.kind != "country" else None


