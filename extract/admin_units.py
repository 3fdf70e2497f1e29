"""The words for administrative units and settlements ("X district", "the village of Y"), in one
place: candidates, unknown places, the primary place and the gazetteer's region names all read
them from here, so that a unit added for one country is known everywhere."""

from __future__ import annotations

import re

# first-level regions
ADMIN1 = ("province", "region", "state", "governorate", "department", "oblast", "prefecture",
          "muhafazah")
# second- and third-level units ("Kericho West sub-county", "Gwoza LGA", "Hpapun district")
ADMIN2 = ("district", "sub-district", "county", "sub-county", "subcounty", "municipality",
          "commune", "division", "raion", "township", "LGA", "upazila", "woreda", "tehsil",
          "payam", "boma", "kebele", "barangay", "chiefdom", "ward", "local government area",
          "local government",
          "territory")   # (Congo's territoires: "Beni territory", "Masisi territory")
# named places below them
TOWNS = ("village", "town", "city")
SETTLEMENTS = TOWNS + ("settlement", "hamlet", "locality", "area", "community",
               "neighbourhood", "neighborhood", "suburb", "quarter", "camp", "refugee camp")
# named sites that locate an event like a settlement ("Kafr Nabl junction", "Wadi Doum airbase")
SITES = ("market", "hill", "hills", "airbase", "airport", "base", "checkpoint", "junction",
         "crossing", "bridge", "front", "sector")

# parts of a city: a neighbourhood the gazetteer lacks is coded as its city ("Kibera slum in
# Nairobi"); a district is coded as itself ("Akdeniz district of Mersin")
NEIGHBOURHOODS = ("neighbourhood", "neighborhood", "suburb", "quarter", "slum", "township")
CITY_PARTS = NEIGHBOURHOODS + ("district", "sub-district", "area", "ward")

REGIONS = ADMIN1 + ADMIN2
ANY = REGIONS + SETTLEMENTS


def alternation(words: tuple[str, ...]) -> str:
    """`(?:w1|w2|...)`, longest first so that "refugee camp" wins over "camp"."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def capitalised(words: tuple[str, ...]) -> str:
    """The alternation of the words as written in a name's tail ("Sub-County", "LGA")."""
    return alternation(tuple(w if w.isupper() else "-".join(p.capitalize() for p in w.split("-"))
                             for w in words))


def is_region_word(word: str) -> bool:
    """Whether a generic word after a name makes it a region rather than a settlement."""
    return word.lower() in _REGIONS_LOWER


_REGIONS_LOWER = frozenset(w.lower() for w in REGIONS)
_ANY_LOWER = frozenset(w.lower() for w in ANY + SITES)


def is_unit_word(word: str) -> bool:
    """Whether a word is a unit, settlement or site word ("town", "County", "junction")."""
    return word.lower() in _ANY_LOWER

# what follows a region's proper name in the gazetteer's keys ("Wajir County", "Lara State")
REGION_NAME_SUFFIXES = tuple(" " + w for w in ("county", "governorate", "province", "region",
                                               "state", "department", "district", "oblast",
                                               "prefecture", "division", "municipality",
                                               "territory", "muhafazah"))

# unit words only one country's notes use: a name followed by one says which country the text
# is in when nothing else does ("Gwoza LGA", "Jarso woreda", "Jungu boma")
NATIONAL_UNITS = {"LGA": "NG", "local government area": "NG", "woreda": "ET", "kebele": "ET",
                  "upazila": "BD", "barangay": "PH", "payam": "SS", "boma": "SS"}
_NATIONAL_UNIT = re.compile(r"\b[A-Z][\w'\-]*\s+(" + alternation(tuple(NATIONAL_UNITS))
                            + r")\b", re.I)
_NATIONAL_UNIT_KEY = {w.lower(): cc for w, cc in NATIONAL_UNITS.items()}


def country_of_units(text: str) -> str | None:
    """The one country whose own unit words the text uses after a capitalised name, or None."""
    found = {_NATIONAL_UNIT_KEY[m.group(1).lower()] for m in _NATIONAL_UNIT.finditer(text)
             if m.group(0)[:1].isupper()}
    return found.pop() if len(found) == 1 else None

