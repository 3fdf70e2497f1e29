"""Places the gazetteer lacks but the text introduces as places ("the village of X",
"in X (district, region)", "in X area", "in X, Region"): located by the town, district or
region named beside them, or by another spelling of a town there, else by the text's country;
the name stays as written."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from extract import admin_units, gazetteer, place_hints
from extract.gazetteer import KIND_ADMIN1, KIND_CITY, Entry, fold_key
from extract.place_candidates import (
    ALIAS,
    GENERIC_PLACE,
    JOINED_ARTICLE,
    PREFIX_WORDS,
    longer_name_end,
)
from extract.place_mention import PlaceMention, of_entry
from extract.place_scoring import km, prior
from extract.place_words import ENGLISH_WORDS, PlaceWords

_WORD_REST = r"[\w'\u2019\-]*"
_WORD = r"[A-Z]" + _WORD_REST
_JOIN = r"(?:de|del|do|dos|da|das|al|el|as|ash|wa|la|le|les|of|y)"
_MORE_WORDS = r"(?:\s+(?:" + _JOIN + r"\s+|" + JOINED_ARTICLE + r")?" + _WORD + r"){0,3}"
NAME = _WORD + _MORE_WORDS
# NAME not right after a word character
_NAME_AT_WORD_START = r"(?<![\w'\-])[A-Z]" + _WORD_REST + _MORE_WORDS

# (settlements and second-level units: "the district of X"; a region is rarely unknown)
_PLACE_OF_WORDS = admin_units.SETTLEMENTS + admin_units.ADMIN2
_INTRO_WORDS = admin_units.alternation(admin_units.SETTLEMENTS + admin_units.ADMIN2 + ("front",))
# the ways a text introduces a place, in the order they are trusted
BRACKETED, PLACE_OF, GENERIC_AFTER, REGION_AFTER, NAMED_PART_OF, APPOSITIVE = range(6)
# the patterns whose name is matched whole, not by a known word inside it (places.find_places)
INTRODUCED = (BRACKETED, PLACE_OF, GENERIC_AFTER, APPOSITIVE)
# the patterns whose place, when nothing beside it locates it, lies by the next place named
_LOCATED_BY_NEXT = (PLACE_OF, GENERIC_AFTER, APPOSITIVE)
PATTERNS = [
    # "in X (Y, Z)", "at X village (Y)"
    re.compile(r"(?:\b(?:in|at|near|outside|around|of|from)\s+(?:the\s+)?)?(?<![\w'\-])("
               + NAME + r")(?:\s+" + GENERIC_PLACE + r"){0,2}\s*[(\[]"),
    # "the village of X"
    re.compile(r"\b" + admin_units.alternation(_PLACE_OF_WORDS) + r"\s+of\s+(" + NAME + r")"),
    # "in X village", "in X area", "air raids on X district"
    re.compile(r"\b(?:in|at|near|on|to|into|towards?|around|outside)\s+(?:the\s+)?(" + NAME
               + r")\s+" + _INTRO_WORDS + r"\b"),
    # "in X, Region" (the region is checked to resolve)
    re.compile(r"\b(?:in|at|near)\s+(?:the\s+)?(" + NAME
               + r")(?:,\s+(?:in\s+)?|\s+in\s+)(?=[A-Z])"),
    # "Kiptule area of Kericho West", "Naikara village of Narok" (the second locates the first)
    re.compile(r"(" + _NAME_AT_WORD_START + r")\s+"
               + admin_units.alternation(admin_units.SETTLEMENTS + admin_units.NEIGHBOURHOODS)
               + r"\s+of\s+(?:the\s+)?(" + NAME + r")"),
    # "Dalwa, a farming community in Konduga", "Kanoma, a village near Gusau"
    re.compile(r"(" + _NAME_AT_WORD_START + r"),\s+an?\s+(?:[a-z\-]+\s+){0,2}"
               + admin_units.alternation(admin_units.SETTLEMENTS) + r"\s+(?:in|of|near|outside)\b"),
]
_IN_AFTER = re.compile(r"\s+in\s")
# the order the patterns' names are taken in: "X area of Y" (Y must resolve) before "in X area"
_TRUST_ORDER = (BRACKETED, PLACE_OF, APPOSITIVE, NAMED_PART_OF, GENERIC_AFTER, REGION_AFTER)
_NESTED_PAREN = re.compile(r"^[^()]{0,40}?\(((?:[^()]|\([^()]{0,40}\)){1,120})\)")
_INNER_PAREN = re.compile(r"\s*\([^()]*\)")
_PAREN_OF_UNKNOWN = re.compile(r"^[^()]{0,40}?" + ALIAS + r"\s*[(\[]([^()\[\]]{1,90})[)\]]")
_REGION_AFTER_NAME = re.compile(r"^[A-Za-z ]{0,12}?(?:,\s+(?:in\s+)?|\s+in\s+)(" + NAME
                                + r"(?:,\s+" + NAME + r"){0,3})")
# a unit's word after its proper name, dropped from the name ("Kericho West Sub-County")
_UNIT_TAIL = re.compile(r"\s+" + admin_units.alternation(admin_units.REGIONS) + r"$", re.I)
_NAME_TAIL = re.compile(r"\s+" + admin_units.capitalised(admin_units.ANY) + r"$")
# words that make a capitalised run an organisation's name, not a place's
_ORG_WORDS = frozenset(
    "court ministry movement party forces army police council hospital school university "
    "brigade brigades group front union committee office bank company agency directorate "
    "militia state church mosque station prison house palace media news authority commission "
    "institute association federation foundation service services organisation organization "
    "corporation".split()
)


# an owner's possessive before a name: "Kharkiv's Saltivskyi district" is a district of Kharkiv
_OWNER = re.compile(r"[A-Z][\w\-]*\s?['\u2019]s\s+(?=[A-Z])")


def name_start(m: re.Match[str]) -> int:
    """Where the name a pattern introduces starts: after its owner's possessive, so that the
    owner stays a place of its own."""
    owner = _OWNER.match(m.group(1))
    return m.start(1) + (owner.end() if owner else 0)


def region_from_parts(parts: list[str], hint_cc: str | None, anywhere: bool = True
                      ) -> tuple[Entry | None, Entry | None]:
    """(town or district, admin1) entries named by the parts of "(Y, Z)" or ", Z"; a region
    spelt another way is looked for in hint_cc, then (`anywhere`) in every country."""
    gz = gazetteer.get()
    admin1 = town = None
    parts = [_UNIT_TAIL.sub("", p.strip()) for p in parts]
    # ("Bab al-Tabbaneh in Tripoli" in a Lebanese text: the town of the text's country, not the
    # Libyan region of that name)
    home_towns = {part for part in parts if hint_cc and any(
        e.kind == KIND_CITY and e.country_code == hint_cc for e, _ in gz.lookup(part))}
    for part in reversed(parts):
        abbr = gz.abbreviated_admin1(part)
        if abbr:
            admin1 = abbr[0]
            break
        found = sorted((t for t in gz.lookup(part) if t[0].kind == KIND_ADMIN1
                        and (t[0].country_code == hint_cc or part not in home_towns)),
                       key=lambda t: (t[0].country_code != hint_cc, -prior(*t)))
        if found:
            admin1 = found[0][0]
            others = [q for q in parts if q is not part]
            for cand, _ in found:   # "(Ketou, Plateau)": the Plateau that holds Ketou
                if any(e.kind == KIND_CITY and e.country_code == cand.country_code
                       and e.admin1 == cand.name for q in others for e, _ in gz.lookup(q)):
                    admin1 = cand
                    break
            break
    if admin1 is None:
        for part in reversed(parts):
            admin1 = gz.fuzzy_admin1(part, hint_cc, anywhere and part not in home_towns) \
                or _region_in_name(part, hint_cc)
            if admin1 is not None:
                break
    for part in parts:
        cands = [e for e, _ in gz.lookup(part) if e.kind == KIND_CITY]
        if admin1 is not None:
            cands = [e for e in cands
                     if e.country_code == admin1.country_code and e.admin1 == admin1.name]
        elif hint_cc:
            cands = [e for e in cands if e.country_code == hint_cc]
        if cands:
            town = max(cands, key=lambda e: e.population)
            break
    if town is None and admin1 is not None:   # the district's town spelt another way
        for part in parts[:-1]:
            town = gz.near_spelling(part, admin1.country_code, admin1.name)
            if town is not None:
                break
    return town, admin1


def _town_in_name(name: str, admin1: Entry | None, hint_cc: str | None,
                  within: PlaceMention | None = None) -> Entry | None:
    """A known town inside a compound name ("Mogadishu-Hodan", "Tezpur-Kundurabari"), in the
    region named for it, else in that of the place named next ("X area of Y, Lahij")."""
    gz = gazetteer.get()
    cc = admin1.country_code if admin1 is not None else hint_cc
    if admin1 is None and within is not None and within.admin1 and within.country_code:
        cc = within.country_code
        admin1 = gz.admin1_of(cc, within.admin1)
    if cc is None:
        return None
    for piece in re.split(r"[\s\-]+", name):
        if len(piece) < 4 or fold_key(piece) in PREFIX_WORDS:
            continue
        cands = [e for e, _ in gz.lookup(piece) if e.kind == KIND_CITY and e.country_code == cc
                 and (admin1 is None or e.admin1 == admin1.name)]
        if cands:
            return max(cands, key=lambda e: e.population)
    return None


def _region_in_name(name: str, hint_cc: str | None) -> Entry | None:
    """The first-level region a unit's name is made from ("Kericho West", "North Kivu
    Highlands"): its leading words name one region, of the text's country when it has one."""
    gz = gazetteer.get()
    words = name.split()
    for n in range(len(words) - 1, 0, -1):
        regions = {e.id: e for e, alt in gz.lookup(" ".join(words[:n]))
                   if e.kind == KIND_ADMIN1 and not alt
                   and (hint_cc is None or e.country_code == hint_cc)}
        if len(regions) == 1:
            return next(iter(regions.values()))
    return None


def _near_spelling(name: str, town: Entry | None, admin1: Entry | None,
                   known: list[PlaceMention], end: int, text: str, how: int) -> Entry | None:
    """The gazetteer town that an unknown name spells another way, looked for only in the
    region the text places it in ("(District, Region)", "in X, Region", "village of X in Y")."""
    gz = gazetteer.get()
    if admin1 is not None:
        cc, a1 = admin1.country_code, admin1.name
    elif town is not None:
        cc, a1 = town.country_code, town.admin1 or ""
    elif how in _LOCATED_BY_NEXT and (nxt := _following_place(known, end, text)):
        if not nxt.country_code or not nxt.admin1:
            return None
        cc, a1 = nxt.country_code, nxt.admin1 or ""
    else:
        return None
    near = gz.near_spelling(name, cc, a1)
    if near is None or (town is not None and km(near.lat, near.lon, town.lat, town.lon) > 80):
        return None   # a namesake far from the district named beside it is another place
    return near


def _start(m: PlaceMention) -> int:
    return m.start


def _first_town_or_region(known: list[PlaceMention], lo: int, hi: int) -> PlaceMention | None:
    """The first known city or region starting in [lo, hi); `known` is in text order."""
    for k in range(bisect.bisect_left(known, lo, key=_start), len(known)):
        m = known[k]
        if m.start >= hi:
            break
        if m.kind in ("city", "admin1", "admin2"):
            return m
    return None


def _following_place(known: list[PlaceMention], end: int, text: str) -> PlaceMention | None:
    """The next known city or region in the same sentence, within 120 characters ("village of
    X in Jabal Y, Idleb")."""
    stop = text.find(". ", end, end + 122)
    return _first_town_or_region(known, end, end + 120 if stop < 0 else min(stop, end + 120))


def _owner_place(known: list[PlaceMention], lo: int, name_start: int) -> PlaceMention | None:
    """The region or town whose possessive, from lo on, comes right before a name ("in
    Jharkhand's X": X is in Jharkhand)."""
    return _first_town_or_region(known, lo, name_start)


class _Taken:
    """Text ranges already named as places. Whether a new one overlaps any is asked of the
    ranges that start near it only (none reaches further than the longest one), so each
    question costs the same however long the text."""

    _STEP = 256

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self._at: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self._longest = 0
        for a, b in ranges:
            self.add(a, b)

    def add(self, a: int, b: int) -> None:
        self._at[a // self._STEP].append((a, b))
        self._longest = max(self._longest, b - a)

    def overlaps(self, s: int, e: int) -> bool:
        for k in range((s - self._longest) // self._STEP, (e - 1) // self._STEP + 1):
            if any(a < e and b > s for a, b in self._at.get(k, ())):
                return True
        return False


def _region_parts(text: str, m: re.Match[str], end: int, how: int,
                  lang: PlaceWords = ENGLISH_WORDS) -> list[str]:
    """The names that locate an unknown place: its "(Y, Z)", the ", Region" after it, the Y
    of "X area of Y"."""
    if how == NAMED_PART_OF:
        return [m.group(2)]
    rest = text[end:]
    if how == REGION_AFTER and lang.region_after is not None and not lang.english:
        # "à X, dans le territoire de Y (Z)", "en X, departamento del Y"
        rm = lang.region_after.match(rest)
        if rm is None:
            return []
        pm = _PAREN_OF_UNKNOWN.match(rest[rm.end():])
        told = [p.strip() for p in pm.group(1).split(",")] if pm else []
        return [n for n in rm.groups() if n] + [p for p in told if p]
    if how == BRACKETED:
        pm = _PAREN_OF_UNKNOWN.match(rest) or _NESTED_PAREN.match(rest)
        if pm:
            inner = _INNER_PAREN.sub("", pm.group(1))   # "(A (a), B)" -> "A, B"
            return [p.strip() for p in inner.split(",") if p.strip()]
    elif how in (REGION_AFTER, GENERIC_AFTER):   # ("in X district, Lower Shabelle")
        nm = _REGION_AFTER_NAME.match(rest)
        if nm:
            return [p.strip() for p in nm.group(1).split(",")]
    return []


def _not_a_place_name(name: str, lang: PlaceWords = ENGLISH_WORDS) -> bool:
    gz = gazetteer.get()
    key = fold_key(name)
    words = key.split()
    first = fold_key(name.split()[0]) if name.split() else ""
    return (not words or re.match(r"^[A-Z]{2,}", name) is not None or key in gz.common
            or first in gz.demonyms or first in gz.common or any(w in _ORG_WORDS for w in words)
            or first in lang.common or first in lang.demonyms or first in lang.titles
            or any(w in lang.org_words for w in words))


def find(text: str, taken: list[tuple[int, int]], doc_cc: str | None,
         known: list[PlaceMention], found: list[list[re.Match[str]]] | None = None,
         lang: PlaceWords = ENGLISH_WORDS) -> list[PlaceMention]:
    """Places the gazetteer lacks but the text introduces as places (found: intro_matches)."""
    gz = gazetteer.get()
    out: list[PlaceMention] = []
    if found is None:
        found = intro_matches(text, lang)
    index = _Taken(taken)
    for how in _TRUST_ORDER:
        for m in found[how]:
            s, e = name_start(m), m.end(1)
            if index.overlaps(s, e):
                continue
            e = m.start(1) + len(_NAME_TAIL.sub("", m.group(1)))
            name = text[s:e]
            parts = _region_parts(text, m, e, how, lang)
            # (a name its own brackets repeat is a place: "Sheikh Zuweid (Sheikh Zuweid, North
            # Sinai)", though "Sheikh" is a title)
            if _not_a_place_name(name, lang) and not (
                    how == BRACKETED and parts and fold_key(parts[0]) == fold_key(name)):
                continue
            # (a wire story's "(nord du Burkina Faso)" is no ACLED note: its regions are spelt
            # right, and a phrase is worth no search through every country's)
            # (nor is ", Name" after "in X district" surely a region: looked for abroad only
            # when the text has no country)
            anywhere = (lang.english and how != GENERIC_AFTER) or doc_cc is None
            town, admin1 = region_from_parts(parts, doc_cc, anywhere) if parts else (None, None)
            # ("near Tajori in Lakki Marwat district" is placed by its town; "in Barangay
            # Gaya-gaya, San Jose del Monte" is a part of that town, coded as the town)
            # (in another language the region is named with its unit word: "dans le territoire
            # de Masisi", "dans la province du Soum")
            if how in (REGION_AFTER, NAMED_PART_OF) and lang.english and admin1 is None and (
                    town is None or not _IN_AFTER.match(text, e)):
                continue
            near = _near_spelling(name, town, admin1, known, e, text, how)
            if near is not None:
                # letters swapped for others: another transliteration; a letter more or
                # less: a slip in the text
                same = len(gazetteer.skeleton(name)) == len(gazetteer.skeleton(near.name))
                spelled = of_entry(text, s, e, near)
                out.append(replace(spelled, name=name, location=name if same else near.name))
                index.add(s, e)
                continue
            if town is None:
                nxt = _following_place(known, e, text) if how in _LOCATED_BY_NEXT \
                    else None
                town = _town_in_name(name, admin1, doc_cc, nxt)
            ref: Entry | PlaceMention | None = None
            if town is not None:
                ref, prec = town, 2
            elif admin1 is not None:
                ref, prec = admin1, 3
            elif s > m.start(1) and (owner := _owner_place(known, m.start(1), s)) is not None:
                ref, prec = owner, (2 if owner.kind != "admin1" else 3)
            elif how in _LOCATED_BY_NEXT + (BRACKETED,) and (
                    nxt := _following_place(known, e, text)) is not None:
                # ("Gunde Sex area (Kurdish names) in Gare region of Dahuk": by Dahuk)
                ref, prec = nxt, (2 if nxt.kind != "admin1" else 3)
            elif (region := _region_in_name(name, doc_cc)) is not None:
                ref, prec, admin1 = region, 3, region   # "Kericho West": in Kericho County
            elif doc_cc and doc_cc in gz.country_entry and (
                    how in _LOCATED_BY_NEXT or (how == BRACKETED and m.group(0) != name)
                    or (how == REGION_AFTER and not lang.english)):
                ref, prec = place_hints.home(text, doc_cc, s), 3
            if ref is None and how in _LOCATED_BY_NEXT:
                # introduced as a place but nowhere known: its name is still worth reporting
                out.append(PlaceMention(name=name, start=s, end=e, location=name,
                                        country_code=None, country=None, admin1=None, lat=None,
                                        lon=None, geo_precision=3, kind="unknown"))
                index.add(s, e)
                continue
            if ref is None:
                continue
            cc = ref.country_code
            out.append(PlaceMention(
                name=name, start=s, end=e, location=name,
                country_code=cc,
                country=gz.country_names.get(cc or ""),
                admin1=(admin1.name if admin1 else ref.admin1),
                lat=None if ref.lat is None else round(ref.lat, 5),
                lon=None if ref.lon is None else round(ref.lon, 5),
                geo_precision=prec, kind="unknown", population=0,
            ))
            index.add(s, e)
    return out


_BRACKET = re.compile(r"[(\[]")
_BRACKETED_REACH = 200   # longer than any match of PATTERNS[BRACKETED]


def bracket_matches(text: str) -> list[re.Match[str]]:
    """PATTERNS[BRACKETED].finditer(text), tried only before each bracket: a match ends at
    one and holds no other."""
    search = PATTERNS[BRACKETED].search
    out: list[re.Match[str]] = []
    last = 0
    for bracket in _BRACKET.finditer(text):
        m = search(text, max(last, bracket.start() - _BRACKETED_REACH), bracket.end())
        if m is not None:
            out.append(m)
            last = m.end()
    return out


_NAME_REACH = 200   # longer than any name a pattern takes (four words)


def matches_near(pattern: re.Pattern[str], text: str, anchors: Iterable[int],
                 starts: re.Pattern[str], reach: int = _NAME_REACH) -> list[re.Match[str]]:
    """pattern.finditer(text), tried only where a match can start: at the `starts` of the
    `reach` characters up to each anchor (in text order), where a piece every match holds
    begins, at most that far into it ("of" of "village of X", ", a" of "X, a village in").
    Such pieces are rare and found by a quick scan for a word: a text costs that scan and a
    few tries instead of a try of the pattern at each position."""
    out: list[re.Match[str]] = []
    last = tried = 0   # where the last match ends; how far starts were tried
    for anchor in anchors:
        lo = max(last, tried, anchor - reach)
        tried = anchor + 1
        for start in starts.finditer(text, lo, tried):
            if start.start() >= last and (m := pattern.match(text, start.start())) is not None:
                out.append(m)
                last = m.end()
    return out


# the pieces each pattern's match holds, and where it may start
# PLACE_OF: "<place word> of", the word at most 40 characters before the "of"
_OF = re.compile(r"of(?=\s)")   # (a plain word: the quickest scan; more "of"s cost a little)
_PLACE_WORD = re.compile(r"\b(?=" + admin_units.alternation(_PLACE_OF_WORDS) + ")")
# NAMED_PART_OF: "<name> <settlement> of"
_PART_WORD_BEFORE = re.compile(r"\s" + admin_units.alternation(
    admin_units.SETTLEMENTS + admin_units.NEIGHBOURHOODS) + r"\s+$")
_A_SETTLEMENT = re.compile(r",\s+an?\s")   # APPOSITIVE: "X, a village in"
_NAME_START = re.compile(r"(?<![\w'\-])[A-Z]")
# GENERIC_AFTER and REGION_AFTER start with a preposition before a capitalised name (the
# prepositions alone, without their word boundary, are the quicker scan)
_PREPOSITION_NAME = re.compile(r"(?:in|at|near|on|to|into|towards?|around|outside)\s+"
                               r"(?:the\s+)?[A-Z]")


def place_of_matches(text: str, ofs: list[int] | None = None) -> list[re.Match[str]]:
    """PATTERNS[PLACE_OF].finditer(text), tried only before an "of" (`ofs`: where they are)."""
    if ofs is None:
        ofs = [m.start() for m in _OF.finditer(text)]
    return matches_near(PATTERNS[PLACE_OF], text, ofs, _PLACE_WORD, reach=40)


def _named_part_of_matches(text: str, ofs: list[int]) -> list[re.Match[str]]:
    """PATTERNS[NAMED_PART_OF].finditer(text), tried only before an "of" after a settlement's
    word."""
    anchors = [of for of in ofs if _PART_WORD_BEFORE.search(text, max(0, of - 40), of)]
    return matches_near(PATTERNS[NAMED_PART_OF], text, anchors, _NAME_START)


def _at_prepositions(text: str) -> list[list[re.Match[str]]]:
    """PATTERNS[GENERIC_AFTER] and PATTERNS[REGION_AFTER].finditer(text), tried only where a
    preposition and a capital start one (one scan of the text for both)."""
    starts = [a.start() for a in _PREPOSITION_NAME.finditer(text)]
    out = []
    for pattern in (PATTERNS[GENERIC_AFTER], PATTERNS[REGION_AFTER]):
        found: list[re.Match[str]] = []
        last = 0
        for start in starts:
            if start >= last and (m := pattern.match(text, start)) is not None:
                found.append(m)
                last = m.end()
        out.append(found)
    return out


_ACRONYM = re.compile(r"[A-Z0-9/\-]{2,8}[)\]]")


def intro_matches(text: str, lang: PlaceWords = ENGLISH_WORDS) -> list[list[re.Match[str]]]:
    """Matches of each of PATTERNS, in their order (BRACKETED, PLACE_OF, ...); in another
    language, its own: "le village de X", "à X, dans la province de Y"."""
    if not lang.english:
        after = lang.region_after
        # ("Forces de défense et de sécurité (FDS)": an organisation and its acronym)
        bracketed = [m for m in bracket_matches(text) if not _ACRONYM.match(text, m.end())]
        named = lang.named.finditer(text) if lang.named and lang.may_name_region_after(
            text) else ()
        return [bracketed, [m for pat in lang.intro for m in pat.finditer(text)],
                [], [m for m in named if after is not None and after.match(text, m.end(1))],
                [], []]
    ofs = [m.start() for m in _OF.finditer(text)]
    return [bracket_matches(text), place_of_matches(text, ofs), *_at_prepositions(text),
            _named_part_of_matches(text, ofs),
            matches_near(PATTERNS[APPOSITIVE], text,
                         (m.start() for m in _A_SETTLEMENT.finditer(text)), _NAME_START)]


# "in X", "residents of X", "the vicinity of X": a capitalised name where a place is expected,
# the last resort for a text that names no place the gazetteer knows and introduces none the
# patterns above see
_LOOSE = re.compile(r"\b(?:[Ii]n|[Aa]t|[Nn]ear|between|(?i:residents|villagers|inhabitants|"
                    r"vicinity|outskirts|environs)\s+of)\s+"
                    r"(?:[A-Z][\w\-]*['\u2019]s\s+)?(" + _NAME_AT_WORD_START + r")")
_NOT_A_PLACE_AFTER = re.compile(r"^['\u2019]s\b|^\s+(?:said|says|told|reported)\b")


def last_resort(text: str, doc_cc: str | None, known: list[PlaceMention],
                lang: PlaceWords = ENGLISH_WORDS) -> PlaceMention | None:
    """The first name after "in", "at", "near" or "residents of" that reads as a place and is no
    place already named: kept as written, placed in the region named next in its sentence, else
    in the text's country (geo_precision 3), else unplaced."""
    index = _Taken([(k.start, k.end) for k in known])
    loose = _LOOSE if lang.english or lang.loose is None else lang.loose
    for m in loose.finditer(text):
        name = _NAME_TAIL.sub("", m.group(1))
        s, e = m.start(1), m.start(1) + len(name)
        if index.overlaps(s, e) or _not_a_place_name(name, lang) or _NOT_A_PLACE_AFTER.match(
                text, e):
            continue
        region = _following_place(known, e, text) or _owner_place(known, m.start(), s)
        return _placed(text, name, s, e, region, doc_cc)
    return None


_AT = frozenset(("in", "at", "near"))


def unresolved(text: str, spans: list, chosen: list, doc_cc: str | None,
               known: list[PlaceMention], lang: PlaceWords = ENGLISH_WORDS) -> list[PlaceMention]:
    """Names right after "in", "at" or "near" whose every namesake the ranking turned down (all
    abroad, or too small to be themselves: "near Boni, between Douentza and Hombori"): still
    the text's places, kept as written and located like last_resort's."""
    if not lang.english:
        return []
    out = []
    for sp, c in zip(spans, chosen, strict=True):
        if c is not None or sp.run_end is not None or sp.paren_of is not None or (
                sp.before is None or sp.before.w1 not in _AT):
            continue
        name = text[sp.start:sp.end]
        if _not_a_place_name(name, lang) or _NOT_A_PLACE_AFTER.match(text, sp.end) or (
                longer_name_end(text, sp.end, lang) is not None):
            continue   # ("at Ben Gurion airport": a word of a longer name)
        out.append(_placed(text, name, sp.start, sp.end,
                           _following_place(known, sp.end, text), doc_cc))
    return out


def _placed(text: str, name: str, s: int, e: int, region: PlaceMention | None,
            doc_cc: str | None) -> PlaceMention:
    """A name kept as written, placed in the region named beside it, else in the text's
    country (geo_precision 3), else unplaced."""
    gz = gazetteer.get()
    if region is not None and region.lat is not None:
        return PlaceMention(name=name, start=s, end=e, location=name,
                            country_code=region.country_code, country=region.country,
                            admin1=region.admin1, lat=region.lat, lon=region.lon,
                            geo_precision=3, kind="unknown")
    ref = place_hints.home(text, doc_cc, s)
    return PlaceMention(
        name=name, start=s, end=e, location=name,
        country_code=ref.country_code if ref else None,
        country=gz.country_names.get(doc_cc or "") if ref else None,
        admin1=ref.admin1 if ref else None,
        lat=round(ref.lat, 5) if ref else None, lon=round(ref.lon, 5) if ref else None,
        geo_precision=3, kind="unknown")

