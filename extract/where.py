"""Where an incident happened: its place among those the text names, with fallbacks."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from extract import admin_units, gazetteer, place_words, places, vocab
from extract.mentions import CARE_PLACE, FROM_PLACE, Draft
from extract.place_candidates import ACTING_AFTER, AFTER, SPEAKS_AFTER
from extract.places import PlaceMention


def incident_place(d: Draft, text: str, all_mentions: list[PlaceMention], single: bool,
                   language: str | None = None) -> PlaceMention | None:
    """The place of an incident: of those its sentences name (of the whole text when it is
    the article's only incident), the one ACLED would code; "from X" origins lose."""
    ms = [m for x in d.sents for m in x.places]
    if single and not any(m.kind in _PRECISE for m in ms):
        ms = all_mentions     # (a business story's lead names its region, the incident its town)
    if not ms:
        return None
    if len(ms) > 1:      # (one name is kept whatever it is)
        ms = [m for m in ms if not _in_road_name(text, m) and not _actor_name(text, m)
              and not _cared_in(text, m) and not _DESCRIBES.search(m.name)] or ms
    # "Pakistan said it had targeted militants": a speaker, not where it happened; "U.S. air
    # strikes on Yemen": who struck, not where
    spoken = [m for m in ms if m.kind == "country" and (SPEAKS_AFTER.match(text, m.end)
                                                        or ACTING_AFTER.match(text, m.end))]
    if spoken and len(spoken) == len(ms):
        return None
    ms = [m for m in ms if not any(m is s for s in spoken)] or ms
    precise = [m for m in ms if m.kind != "country"]
    not_origin = [m for m in precise
                  if not FROM_PLACE.search(text[max(0, m.start - 40):m.start])]
    pool = ms
    if precise and not_origin and len(not_origin) < len(precise):
        origin_ids = {id(m) for m in precise if m not in not_origin}
        pool = [m for m in ms if id(m) not in origin_ids]
    return _in_named_country(primary_place(pool, text, language), d)


_PRECISE = ("city", "unknown", "admin2")
# a compound that describes a place, not its name: "the Christian-majority village of Aitou"
_DESCRIBES = re.compile(r"-(?:majority|dominated|populated|controlled|held|run|led|speaking|"
                        r"based|backed|occupied|inhabited|style|born)$", re.I)
_IN_COUNTRY = re.compile(r"\bin (?:the )?(?:(?:north|south|east|west|central)[a-z]*[ -])*$", re.I)


_NATIONAL_TOWN = re.compile(r"\b([A-Z][a-z]+)\s+(?:border\s+)?(?:town|village|city|district|"
                            r"region|province|camp|port)\s+of\s+$")


_REGION_OF = re.compile(r"^\s+" + admin_units.alternation(admin_units.REGIONS + ("area",))
                        + r"\s+of\s+(?:the\s+)?$", re.I)
_OWNER_GAP = re.compile(r"^\s?['\u2019]s\s+$")
_POSSESSIVE = re.compile(r"^['\u2019]s\s+(?:(?:north|south|east|west|central)[a-z]*\s+)?$", re.I)


def _owned_by_country(p: PlaceMention, d: Draft) -> PlaceMention:
    """"Iraq's Kurdistan region", "the Kurdistan region of Iraq": the place is in that country,
    even when the gazetteer only knows a namesake elsewhere (Iran's Kurdistan Province); then
    only the country is sure."""
    for x in d.sents:
        if not any(m is p for m in x.places):
            continue
        for m in x.places:
            if (m.kind == "country" and m.country_code and m.country_code != p.country_code
                    and m.end <= p.start
                    # "Congo's Ituri": the name also fits the place's own country (DR Congo)
                    and m.name.casefold() not in (p.country or "").casefold()
                    and _POSSESSIVE.match(x.s.text[m.end - x.s.start:p.start - x.s.start])
                    or (m.kind == "country" and m.country_code
                        and m.country_code != p.country_code and m.start >= p.end
                        and _REGION_OF.match(x.s.text[p.end - x.s.start:m.start - x.s.start]))):
                home = country_place(m.country_code)
                if home is None:
                    return p
                return replace(p, location=p.name, country_code=home.country_code,
                               country=home.country, admin1=None, lat=home.lat, lon=home.lon,
                               geo_precision=3, kind="unknown")
    return p


def _in_named_country(p: PlaceMention | None, d: Draft) -> PlaceMention | None:
    """A place the gazetteer lacks is in the one country its own sentence names ("In southern
    Lebanon, ... the town of Bint Jbeil"), whatever the rest of the article is about."""
    if p is not None and p.kind != "country":
        p = _owned_by_country(p, d)
    if p is None or p.kind != "unknown":
        return p
    for x in d.sents:
        if not any(m is p for m in x.places):
            continue
        named = {m.country_code for m in x.places if m.kind == "country" and m.country_code
                 and _IN_COUNTRY.search(x.s.text[max(0, m.start - x.s.start - 30):
                                                 m.start - x.s.start])}
        rel = p.start - x.s.start
        nationality = _NATIONAL_TOWN.search(x.s.text[max(0, rel - 60):max(0, rel)])
        cc_of = places.country_of_demonym(nationality.group(1)) if nationality else None
        if cc_of:      # "the southern Lebanese town of Jouaiya"
            named = {cc_of}
        if len(named) != 1 or p.country_code in named or any(
                m.country_code == p.country_code for m in x.places
                if m is not p and m.kind != "country"):
            return p
        cc = named.pop()
        home = country_place(cc)
        if home is None:
            return p
        return replace(p, country_code=cc, country=home.country, admin1=None,
                       lat=home.lat, lon=home.lon)
    return p


def _cared_in(text: str, m: PlaceMention) -> bool:
    """Where the wounded were taken ("taken to hospitals in Makurdi"), not where it happened."""
    before = text[max(0, m.start - 70):m.start]
    return ("to " in before or "treated" in before) and CARE_PLACE.search(before) is not None


def _actor_name(text: str, m: PlaceMention) -> bool:
    """A name the text gives as a place but the actor dictionary knows as a group or a force
    ("Tehreek-e-Taliban Pakistan", "U.S. Africa Command")."""
    if m.kind not in ("unknown", "admin2", "admin1") or m.end <= m.start:
        return False
    a = max(0, m.start - 30)
    return any(h.start <= m.start - a and h.end >= m.end - a
               for h in vocab.get().actors.find(text[a:m.end + 30]))


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
    """The country most of the mentions are in (of equals, the one named first)."""
    votes: dict[str, int] = {}
    first: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if m.country_code and not m.acting:
            votes[m.country_code] = votes.get(m.country_code, 0) + 1
            first.setdefault(m.country_code, -i)
    # (a tie goes to the country named first: the story's own)
    return max(votes, key=lambda c: (votes[c], first[c])) if votes else None


# a nationality that names who acted, not where: "U.S. forces", "Turkish warplanes"
_ACTOR_NOUN = re.compile(r"\s*(?:-led\s+)?(?:forces|troops|military|army|soldiers|navy|"
                         r"air force|warplanes|jets|aircraft|drones?|coalition|special forces|"
                         r"marines|fighter|Taliban)\b(?!\s+(?:base|camp|post|airport|airbase|facility|"
                         r"compound|headquarters|barracks|installation|position))", re.I)


def demonym_country(sentence_text: str, language: str | None = None) -> str | None:
    """The country of the first nationality word that qualifies a place ("an Iraqi base"),
    not an actor ("U.S. forces carried out an airstrike", "l'armée malienne")."""
    lang = place_words.get(language)
    if not lang.english:
        prev = ""
        for m in re.finditer(r"[^\W\d_][\w\-]*", sentence_text):
            key = gazetteer.fold_key(m.group(0))
            cc = lang.demonyms.get(key)
            if cc and m.group(0)[:1].islower() and prev not in lang.actor_nouns:
                return cc
            prev = key.rsplit("'", 1)[-1]
        return None
    for m in re.finditer(r"\b[A-Z][a-z]+\b", sentence_text):
        cc = places.country_of_demonym(m.group(0))
        if cc and not _ACTOR_NOUN.match(sentence_text, m.end()) and \
                not SPEAKS_AFTER.match(sentence_text, m.end()):
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


def title_place(title: str | None, language: str | None = None) -> PlaceMention | None:
    """A town or region the headline names, for a lead incident whose text names none."""
    if not title or not title.strip():
        return None
    ms = places.find_places(title, language)
    p = primary_place(ms, title, language) if ms else None
    return p if p is not None and p.kind != "country" else None


# ----------------------------------------------------------------------------- primary place

_SENT_END = re.compile(r"(?<=[a-z0-9)\]\"'][.!?])\s+(?=[A-Z\"'])")
_CITY_OF = r"(?:the\s+)?(?:city\s+of\s+)?$"
_PART_OF = re.compile(r"^\s+" + admin_units.alternation(admin_units.CITY_PARTS)
                      + r"\s+of\s+" + _CITY_OF, re.I)
_UNKNOWN_PART_OF = re.compile(
    r"^\s+" + admin_units.alternation(admin_units.NEIGHBOURHOODS) + r"\s+(?:of|in)\s+"
    r"(?:the\s+)?(?:(?:north|south|east|west|centre|center)\w*\s+of\s+)?" + _CITY_OF, re.I)
# "the Kharkiv region village of Kupiansk": the first names the region the second lies in
_REGION_VILLAGE_OF = re.compile(
    r"^(?:'s)?\s+" + admin_units.alternation(admin_units.REGIONS)
    + r"(?:'s)?\s+(?:border\s+|frontline\s+|front-line\s+)?"
    + admin_units.alternation(admin_units.TOWNS + ("settlement", "hamlet")) + r"\s+of\s+$", re.I)


_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|outside|of)\s+(?:the\s+)?(?:village\s+|town\s+)?$")

# ACLED's "(district, region)" after a place that only locates the one named before it:
# "on Sirwah district west of Marib city (Marib)", "the road between Emali and Wote
# (Makueni)": the first is where it happened (but "X village, near Y (district, region)" is
# coded as Y: ACLED's brackets follow the place it codes)
_LOCATES_PREVIOUS = re.compile(
    r"^(?:\s+" + admin_units.alternation(admin_units.ANY) + r")?,?\s+"
    r"(?:(?:about|some)\s+)?(?:\d+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?$", re.I)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
_AND = re.compile(r"^\s+and\s+(?:the\s+)?$")


def _located_by(text: str, before: PlaceMention | None, m: PlaceMention) -> bool:
    """Whether m is named only to locate `before`, the place named right before it."""
    if before is None or before.kind not in _PRECISE:
        return False
    gap = text[before.end:m.start]
    return bool(_LOCATES_PREVIOUS.match(gap) or (
        _AND.match(gap) and _BETWEEN.search(text, max(0, before.start - 30), before.start)))


# "Muthraw (Hpapun) District": the bracket holds the unit's other name, the unit word follows
_ALIAS_OF_UNIT = re.compile(r"\s*[(\[][^()\[\]]{1,40}[)\]]\s+"
                            + admin_units.capitalised(admin_units.REGIONS) + r"\b")


def _neighbourhood_before(text: str, m: PlaceMention, lang: place_words.PlaceWords) -> bool:
    """The name follows a word for a part of a town ("le quartier de", "la colonia",
    "o Complexo da")."""
    words = [gazetteer.fold_key(w) for w in text[max(0, m.start - 30):m.start].split()[-2:]]
    return any(w in lang.neighbourhood_keys for w in words)


@functools.lru_cache(maxsize=8)   # primary_place asks again for each incident of one text
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    out, last = [], 0
    for m in _SENT_END.finditer(text):
        out.append((last, m.start()))
        last = m.end()
    out.append((last, len(text)))
    return tuple(out)


def primary_place(mentions: list[PlaceMention], text: str, language: str | None = None
                  ) -> PlaceMention | None:
    """The most likely location of a single-incident text: the first precise place it leads with
    (a place after "in", "à", "en" first)."""
    if not mentions:
        return None
    lang = place_words.get(language)
    place_before = _PLACE_BEFORE if lang.english else lang.place_before
    own = [m for m in mentions if not m.in_parens]
    # "Din Daeng district of Bangkok", "Kiptule area of Kericho West": the container names
    # where the part lies
    inner = [(a, b) for a, b in zip(own, own[1:], strict=False)
             if (a.kind in ("city", "admin2") or a.kind == b.kind == "unknown")
             and _PART_OF.match(text[a.end:b.start])]
    inner += [(b, a) for a, b in zip(own, own[1:], strict=False)
              if a.kind in ("admin1", "admin2", "city")
              and _REGION_VILLAGE_OF.match(text[a.end:b.start])]
    if inner:
        containers = {id(b) for _, b in inner}
        own = [m for m in own if id(m) not in containers]
    # "the Socio Vivienda neighbourhood in the north of Guayaquil": a part the gazetteer lacks
    # is coded as the town it lies in
    parts = {id(a) for a, b in zip(own, own[1:], strict=False)
             if a.kind == "unknown" and b.kind == "city"
             and _UNKNOWN_PART_OF.match(text[a.end:b.start])}
    # "Kharkiv's Saltivskyi district", "Lubumbashi's Annex district": the same, owner first
    parts |= {id(b) for a, b in zip(own, own[1:], strict=False)
              if a.kind == "city" and b.kind == "unknown" and _OWNER_GAP.match(text[a.end:b.start])}
    if lang.neighbourhood_keys:   # "no Complexo da Maré, na zona norte do Rio de Janeiro"
        parts |= {id(a) for a, b in zip(own, own[1:], strict=False)
                  if a.kind == "unknown" and b.kind == "city" and b.start - a.end < 60
                  and not _SENT_END.search(text, a.end, b.start)
                  and _neighbourhood_before(text, a, lang)}
    own = [m for m in own if id(m) not in parts] or own
    sents = _sentences(text)
    first_end = sents[0][1] if sents else len(text)
    for pool in ([m for m in own if m.start < first_end], own):
        precise = [m for m in pool if m.kind in ("city", "unknown", "admin2")]
        for k, m in enumerate(precise):   # ACLED's "X (district, region)" (not a wire story's
            #                 "(Ituri, RDC)", nor a unit's other name: "Muthraw (Hpapun) District")
            if lang.english and re.match(r"^(?:\s+(?:village|town|city|area|district))?\s*[(\[]",
                                         text[m.end:m.end + AFTER]) and not \
                    _ALIAS_OF_UNIT.match(text, m.end, m.end + AFTER):
                before = precise[k - 1] if k else None
                return before if before is not None and _located_by(text, before, m) else m
        for m in precise:   # a place after "in/at/near" beats one after "from"
            if place_before is not None and place_before.search(text[max(0, m.start - 40):m.start]):
                return m
        if precise:
            return precise[0]
        regions = [m for m in pool if m.kind == "admin1"]
        if regions:
            return regions[0]
    # a country named only as who acted, spoke or was hit ("U.S. service members were
    # wounded") says nothing of where
    countries = [m for m in mentions if m.kind == "country" and not m.acting]
    # ("to Al Jah in western Yemen (Bayt Al Faqiah, Al Hudaydah)": the brackets of a place the
    # gazetteer lacks locate it better than its country)
    bracketed = sorted((m for m in mentions if m.in_parens and m.kind != "country"
                        and (not countries or m.country_code == countries[0].country_code)),
                       key=lambda m: m.kind == "admin1")
    if bracketed:
        return bracketed[0]
    if countries:
        return countries[0]
    return None if all(m.kind == "country" for m in mentions) else mentions[0]
