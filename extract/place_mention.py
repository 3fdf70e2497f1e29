"""A place named in a text and what it was resolved to (what places.find_places returns)."""

from __future__ import annotations

from dataclasses import dataclass

from extract import admin_units, gazetteer
from extract.gazetteer import KIND_ADMIN1, KIND_CITY, KIND_COUNTRY, Entry
from extract.place_candidates import AFTER, GENERIC_AFTER


@dataclass(frozen=True)
class PlaceMention:
    """A place named in the text and what it was resolved to."""

    name: str
    start: int
    end: int
    location: str
    country_code: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geo_precision: int
    kind: str
    population: int = 0
    in_parens: bool = False   # a region named in "X (district, region)" to locate X
    acting: bool = False      # a country named as who acted or spoke ("U.S. forces", "Pakistan
    #                           said"): no evidence of where things happened


_PRECISION = {KIND_CITY: 1, KIND_ADMIN1: 3, KIND_COUNTRY: 3}


def of_entry(text: str, start: int, end: int, e: Entry, alt: bool = False,
             in_parens: bool = False, run_end: int | None = None,
             generic: str | None = None, acting: bool = False) -> PlaceMention:
    """The mention of text[start:end] as the gazetteer place e. A town named with a region's
    word ("Hpapun district", "Gwoza LGA") stands for that unit: precision 2, kind admin2. A
    town whose name begins a longer one (run_end: "Mai" of "Mai Mahiu") is named as written,
    placed where the town is, at precision 2. (`generic`: the generic word after the name,
    when already read; `acting`: a country named as who acted or spoke.)"""
    kind, prec = e.kind_name, _PRECISION[e.kind]
    if run_end is not None:
        return PlaceMention(
            name=text[start:run_end], start=start, end=run_end, location=text[start:run_end],
            country_code=e.country_code,
            country=gazetteer.get().country_names.get(e.country_code), admin1=e.admin1,
            lat=round(e.lat, 5), lon=round(e.lon, 5), geo_precision=2, kind="unknown",
            in_parens=in_parens)
    if e.kind == KIND_CITY:
        if generic is None:
            gm = GENERIC_AFTER.match(text[end:end + AFTER])
            generic = gm.group(0).strip() if gm else ""
        if generic and admin_units.is_region_word(generic):
            kind, prec = "admin2", 2
    surface = text[start:end]
    return PlaceMention(
        name=surface, start=start, end=end,
        location=surface if (alt and e.kind == KIND_CITY) else e.name,
        country_code=e.country_code, country=gazetteer.get().country_names.get(e.country_code),
        admin1=e.admin1, lat=round(e.lat, 5), lon=round(e.lon, 5), geo_precision=prec,
        kind=kind, population=e.population, in_parens=in_parens, acting=acting)
