"""Place mentions in text, resolved to gazetteer places using the whole text as context."""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from extract import gazetteer, vocab
from extract.gazetteer import KIND_ADMIN1, KIND_CITY, KIND_COUNTRY, Entry, fold_key, fold_text


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


def load() -> None:
    """Load the gazetteer now instead of on first use."""
    gazetteer.get()


def country_name(code: str) -> str | None:
    """ACLED-style English country name for an ISO 3166-1 alpha-2 code."""
    return gazetteer.get().country_names.get((code or "").upper())


def country_of_demonym(word: str) -> str | None:
    """ISO code for a nationality word ("Iraqi", "Syrians"), or None."""
    return gazetteer.get().demonyms.get(fold_key(word))


# ----------------------------------------------------------------------------- cues

def _word_alt(words: str) -> str:
    """`\\b(?:w1|w2|...)` written so that each branch starts with its letter: the regex engine
    then jumps between those letters instead of trying the word boundary at every position."""
    return "(?:" + "|".join(f"{w[0]}(?<!\\w{w[0]}){w[1:]}" for w in words.split()) + ")"



class _Ending:
    """A pattern that must end where the text ends, matched once on the reversed text instead
    of being tried at every position of it. `reversed_pattern` is the pattern written
    backwards; what the original pattern's `$` allowed before a final newline needs no more
    care here as each of these patterns ends in whitespace (which takes that newline too)."""

    def __init__(self, reversed_pattern: str, flags: int = 0) -> None:
        self._rev = re.compile(reversed_pattern, flags)

    def search(self, text: str) -> bool:
        return self._rev.match(text[::-1]) is not None

    def search_reversed(self, reversed_text: str) -> bool:
        """search(text) given text[::-1]."""
        return self._rev.match(reversed_text) is not None


def _rev_words(words: str) -> str:
    """Whole words written backwards, for an _Ending: `(?:1w|2w|...)` then a word boundary."""
    return "(?:" + "|".join(w[::-1] for w in words.split()) + r")(?!\w)"


# words that introduce a place right before a name:
# <word> \s+ (the \s+)? ([a-z]+ \s+)? <end>
_CUE_BEFORE = _Ending(
    r"(?:\s+[a-z]+)?(?:\s+eht)?\s+"
    + _rev_words("in at near from to into outside inside around toward towards of between and "
                 "across through reach reached entered via village town city area district "
                 "locality")
)
# <village|town|...> \s+ of \s+ <end>, any case
_PLACE_OF = _Ending(
    r"\s+fo\s+"
    + _rev_words("village town city locality settlement hamlet area neighbourhood neighborhood "
                 "district municipality commune suburb camp region province"),
    re.I,
)
# <in|at|...> \s+ <end>
_STRICT_CUE = _Ending(r"\s+" + _rev_words("in at near from to toward towards into outside"))
# <title> .? \s+ ([A-Z][a-z]+ \s+)? <end>: "spokesman Abdifatah Aden": a family name after
# a first name
_TITLE_BEFORE = _Ending(
    r"(?:\s+[a-z]+[A-Z])?\s+\.?"
    + _rev_words("President Minister Mr Mrs Ms Dr Gen General Colonel Col Sheikh Imam Governor "
                 "Mayor Senator spokesman spokesperson leader King Prince Emir Pope Saint St")
)
_GENERIC_AFTER = re.compile(
    r"^\s+(?:district|province|region|county|governorate|state|department|municipality|"
    r"commune|area|village|town|city|neighbourhood|neighborhood|sub-county|subcounty|"
    r"division|locality|camp|refugee camp|oblast|raion|township|sub-district|ward|"
    r"boma|payam|kebele|woreda|upazila|tehsil|barangay|chiefdom)\b",
    re.I,
)
_PAREN = re.compile(r"^\s*[(\[]([^()\[\]]{1,90})[)\]]")
_AFTER = 240   # the look-ahead window after a name: every pattern applied there fits in it
_GENERIC_PLACE = (r"(?:village|town|city|area|locality|neighbourhood|neighborhood|camp|district|"
                  r"municipality|sub-county|county|market|hills?|airbase|airport|base|checkpoint|"
                  r"junction|crossing|bridge|township|commune|refugee camp|front|LGA|ward|"
                  r"boma|payam|kebele|woreda|upazila|tehsil|barangay|chiefdom|sub-district)")
_ALIAS = r"(?:\s*\[[^\[\]()]{1,60}\](?=\s*\())?"   # "Kangara [Kangara Peulh] (Karimama, ...)"
_PAREN_AFTER = re.compile(r"^(?:\s+" + _GENERIC_PLACE + r")?" + _ALIAS
                          + r"\s*[(\[]([^()\[\]]{1,90})[)\]]")
_NESTED_PAREN = re.compile(r"^[^()]{0,40}?\(((?:[^()]|\([^()]{0,40}\)){1,120})\)")
_INNER_PAREN = re.compile(r"\s*\([^()]*\)")
_PAREN_NEAR = re.compile(r"^[^()\[\]]{0,40}?" + _ALIAS + r"\s*[(\[]([^()\[\]]{1,90})[)\]]")
_PAREN_OF_UNKNOWN = re.compile(r"^[^()]{0,40}?" + _ALIAS + r"\s*[(\[]([^()\[\]]{1,90})[)\]]")
_WORD = r"[A-Z][\w'\u2019\-]*"
_JOIN = r"(?:de|del|do|dos|da|das|al|el|as|ash|wa|la|le|les|of|y)"
_NAME = _WORD + r"(?:\s+(?:" + _JOIN + r"\s+)?" + _WORD + r"){0,3}"


_PLACE_OF_WORDS = ("village town city locality settlement hamlet area neighbourhood neighborhood "
                   "suburb commune municipality district township county")
_UNKNOWN_PATTERNS = [
    # "in X (Y, Z)", "at X village (Y)"
    re.compile(r"(?:\b(?:in|at|near|outside|around|of|from)\s+(?:the\s+)?)?(?<![\w'\-])("
               + _NAME + r")"
               r"(?:\s+" + _GENERIC_PLACE + r")?\s*[(\[]"),
    # "the village of X"
    re.compile(_word_alt(_PLACE_OF_WORDS) + r"\s+of\s+(" + _NAME + r")"),
    # "in X village", "in X area"
    re.compile(_word_alt("in at near") + r"\s+(?:the\s+)?(" + _NAME
               + r")\s+(?:village|town|area|locality|"
               r"neighbourhood|neighborhood|camp|settlement|refugee camp|sub-district|"
               r"district|township|sub-county|subcounty|LGA|municipality|front|ward|"
               r"boma|payam|kebele|woreda|upazila|tehsil|barangay|chiefdom)\b"),
    # "in X, Region" (the region is checked to resolve)
    re.compile(_word_alt("in at near") + r"\s+(?:the\s+)?(" + _NAME
               + r")(?:,\s+|\s+in\s+)(?=[A-Z])"),
]
_SENT_END = re.compile(r"(?<=[a-z0-9)\]\"'][.!?])\s+(?=[A-Z\"'])")
_ABBR_CAPS = re.compile(r"^[A-Z]{1,5}$")
# name prefixes ("Al Jah", "Kafr Nassij") that are no place on their own
_PREFIX_WORDS = frozenset(
    "al el ar as ad an at az ash abu bin ibn wadi jabal jebel tell tal kafr ain ein bir ras umm "
    "beit bayt deir dar wa sidi san santa sao la le los las ayn bab khan qasr hay souq suq jisr "
    "nahr khirbet mazraat tel".split()
)
_ARTICLE_WORDS = frozenset("al el ar as ad an at az ash la le los las".split())


# ----------------------------------------------------------------------------- helpers


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = math.radians
    a = (math.sin(r(lat2 - lat1) / 2) ** 2
         + math.cos(r(lat1)) * math.cos(r(lat2)) * math.sin(r(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class _Span:
    start: int
    end: int
    key_id: int
    cands: list[tuple[Entry, bool]]
    cue: bool = False
    paren_of: int | None = None    # index of the span this one locates, when in "(Y, Z)"
    paren_parts: list[str] | None = None


# a lower-case word of 4+ letters (but "upon", a joiner in names), captured for re.split
# (the letter comes first and the look-behind after it: the engine then skips to letters)
_LOWER_WORD = re.compile(
    r"([a-z](?<![\w'\u2019-][a-z])(?!(?<=u)pon(?![\w'\u2019]))[a-z'\u2019]{3,}(?![\w'\u2019]))")
_BLANKS = [" " * i for i in range(64)]


def _mask_lower_words(text: str) -> str:
    """Folded text with lower-case words of 4+ letters blanked: place names start upper-case
    and keep only short lower-case joiners (de, al, of), so the automaton reports far fewer
    matches that would be dropped anyway."""
    parts = _LOWER_WORD.split(text)
    parts[1::2] = [_BLANKS[len(w)] if len(w) < 64 else " " * len(w) for w in parts[1::2]]
    return gazetteer.fold_uncached("".join(parts))


def _raw_spans(text: str, folded: str) -> list[_Span]:
    gz = gazetteer.get()
    n = len(folded)
    kl = gz.key_len
    # a name starts upper-case and neither starts nor ends inside a word
    found = [(s, end + 1, kid) for end, kid in gz.automaton.iter(_mask_lower_words(text))
             if text[(s := end - kl[kid] + 1)].isupper()
             and not (s > 0 and folded[s - 1].isalnum())
             and not (end + 1 < n and folded[end + 1].isalnum())]
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    spans: list[_Span] = []
    last_end = -1
    for s, e, kid in found:
        if s < last_end:
            continue
        spans.append(_Span(s, e, kid, []))   # candidates: once the cheap checks pass
        last_end = e
    return spans


def _is_sentence_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\"'\u201c(":
        j -= 1
    return j < 0 or text[j] in ".!?:\n"


_NEXT_WORD = re.compile(r"\s([A-Za-z][\w\-]*)")
# backwards: ([A-Za-z][\w\-\.]*) \s <end> (or before a final newline)
_PREV_WORD_REV = re.compile(r"\n?\s([\w\-\.]*[A-Za-z])")
_LETTERS = re.compile(r"[A-Za-z]+")
_NEXT_CAPS = re.compile(r"((?:\s+[A-Z][\w'\u2019\-]*){1,4})")
_THE_BEFORE = _Ending(r"\s+eht(?!\w)")   # the \s+ <end>
# \b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b, the letter first so that the engine skips to capitals
_CAP_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[a-z]+(?:-[A-Z][a-z]+)?\b")


def _next_word(text: str, end: int) -> str:
    m = _NEXT_WORD.match(text, end, end + 40)
    return m.group(1) if m else ""


def _prev_word(text: str, start: int) -> str:
    m = _PREV_WORD_REV.match(text[max(0, start - 40):start][::-1])
    return m.group(1)[::-1] if m else ""


def _prev_name_word(text: str, start: int) -> str:
    """The word before a name, looking past an article joined to it ("Jabal al-Zawiya")."""
    words = _LETTERS.findall(text[max(0, start - 40):start])
    while words and words[-1].lower() in _ARTICLE_WORDS:
        words.pop()
    if not words or start == 0 or not (text[start - 1].isspace() or text[start - 1] == "-"):
        return ""
    return words[-1]


_ORG_AFTER = frozenset(
    "people's peoples militia army forces police government company corporation ministry "
    "university bank council party front movement brigade brigades battalion regiment "
    "liberation defence defense electricity airways airlines club hospital school college "
    "church mosque hotel stadium prison palace".split()
)


def _in_org_name(text: str, end: int) -> bool:
    """The name starts an organisation's name ("Luhansk People's Militia", "Kerman Coal Mine
    Company"): up to four capitalised words follow and one of them is an organisation word."""
    words = _NEXT_CAPS.match(text, end, end + 80)
    if not words:
        return False
    return any(fold_key(w) in _ORG_AFTER for w in words.group(1).split())


def _filter(text: str, spans: list[_Span]) -> list[_Span]:
    """Drop matches that are words, person names or pieces of organisation names."""
    gz = gazetteer.get()
    out = []
    for sp in spans:
        surface = text[sp.start:sp.end]
        key = fold_key(surface)
        before = text[max(0, sp.start - 40):sp.start]
        rbefore = before[::-1]
        abbr = _ABBR_CAPS.match(surface)
        if key in _PREFIX_WORDS or (len(key) <= 2 and not abbr):
            continue
        if (key in gz.common or key in gz.demonyms) and not _STRICT_CUE.search_reversed(rbefore):
            continue
        cands = sp.cands = sp.cands or list(gz.candidates(sp.key_id))
        if abbr:   # "NASA", "PM", "UN": only countries' short forms
            cands = [(e, a) for e, a in cands if e.kind == KIND_COUNTRY and "." not in surface
                     and len(surface) >= 2]
            if not cands:
                continue
        after_text = text[sp.end:sp.end + _AFTER]
        named_after = bool(_PAREN.match(after_text) or _GENERIC_AFTER.match(after_text))
        sp.cue = (_CUE_BEFORE.search_reversed(rbefore) or _PLACE_OF.search_reversed(rbefore)
                  or named_after)
        after = text[sp.end:sp.end + 2]
        if len(after) == 2 and after[0] == "-" and after[1].islower():
            continue   # "Gaya-gaya": a piece of a longer word
        if _THE_BEFORE.search_reversed(rbefore) and not named_after:
            # "the Kakuma refugee camp" stays
            cands = [(e, a) for e, a in cands if e.kind != KIND_CITY or e.population >= 100_000]
            if not cands:
                continue
        prv = _prev_name_word(text, sp.start)
        if fold_key(prv) in _PREFIX_WORDS - _ARTICLE_WORDS and prv[:1].isupper():
            continue   # "Jabal Zawiya", "Kafr Nabl": the name of another place
        if any(e.kind == KIND_COUNTRY for e, _ in cands):
            prv_word = _prev_word(text, sp.start)
            pk = fold_key(prv_word)
            if (prv_word[:1].isupper() and not _is_sentence_start(text, sp.start)
                    and pk not in gz.common and pk not in gz.demonyms
                    and pk not in _PREFIX_WORDS and prv_word != "The"):
                continue   # "Mark Jordan": a person's family name
        if _TITLE_BEFORE.search_reversed(rbefore):
            cands = [(e, a) for e, a in cands if e.kind == KIND_COUNTRY]
        if _in_org_name(text, sp.end):
            cands = [(e, a) for e, a in cands if e.kind == KIND_COUNTRY]
            if not cands:
                continue
        big = max((e.population for e, _ in cands), default=0)
        has_region = any(e.kind != KIND_CITY for e, _ in cands)
        if not has_region and not sp.cue:
            nxt, prv = _next_word(text, sp.end), _prev_word(text, sp.start)
            in_name = (nxt[:1].isupper() and fold_key(nxt) not in gz.demonyms) or (
                prv[:1].isupper() and not _is_sentence_start(text, sp.start)
                and fold_key(prv) not in gz.demonyms and prv not in ("The",))
            if in_name and big < 100_000:
                continue
            if len(key) <= 3 and big < 100_000:
                continue
        if not cands:
            continue
        sp.cands = cands
        out.append(sp)
    return out


def _mark_parens(text: str, spans: list[_Span]) -> None:
    """Spans inside "(Y, Z)" right after a place name locate that place."""
    for i, sp in enumerate(spans):
        m = _PAREN_AFTER.match(text[sp.end:sp.end + _AFTER])
        if not m:
            continue
        parts = [p.strip() for p in m.group(1).split(",") if p.strip()]
        sp.paren_parts = parts
        lo, hi = sp.end + m.start(1), sp.end + m.end(1)
        for j in range(i + 1, len(spans)):
            if spans[j].start >= hi:
                break
            if spans[j].start >= lo:
                spans[j].paren_of = i


_FROM_BEFORE = _Ending(r"(?:\s+eht)?\s+morf(?!\w)")   # from \s+ (the \s+)? <end>


ACTOR_VOTE = 1.0


def _context(text: str, folded: str, spans: list[_Span],
             ) -> tuple[dict[str, float], set[tuple[str, str]], dict[str, float]]:
    """Country votes (named countries, demonyms, armed groups' home countries) and admin1
    regions named in the text."""
    gz = gazetteer.get()
    votes: dict[str, float] = defaultdict(float)
    for word in _CAP_WORD.findall(text):
        cc = gz.demonyms.get(fold_key(word))
        if cc:
            votes[cc] += 2.0
    regions: set[tuple[str, str]] = set()
    rvotes: dict[str, float] = defaultdict(float)
    for sp in spans:
        # "refugees from South Sudan": an origin says less about where things happen
        weight = 0.3 if _FROM_BEFORE.search(text[max(0, sp.start - 12):sp.start]) else 1.0
        for e, alt in sp.cands:
            if e.kind == KIND_COUNTRY and not alt:
                votes[e.country_code] += 3.0 * weight
            elif e.kind == KIND_COUNTRY:
                votes[e.country_code] += 1.5 * weight
            elif e.kind == KIND_ADMIN1:
                regions.add((e.country_code, e.name))
        a1cc = {e.country_code for e, alt in sp.cands if e.kind == KIND_ADMIN1 and not alt}
        for cc in a1cc:
            rvotes[cc] += 1.5 / len(a1cc)
    for m in re.finditer(r"[(,]\s*([A-Z&]{2,4})\s*[),]", text):
        for e in gz.abbreviated_admin1(m.group(1)):
            rvotes[e.country_code] += 1.5
            regions.add((e.country_code, e.name))
    # the home country of each named armed group ("Houthi", "al-Shabaab"): where the text is
    v = vocab.get()
    for cc in {v.actor_country[h.label] for h in v.actors.find(text, folded)
               if h.label in v.actor_country}:
        votes[cc] += ACTOR_VOTE
    return votes, regions, rvotes


def _far_from(e: Entry, countries: dict[str, float], km: float = 3000.0) -> bool:
    """True when the place lies far from the reference point of every named country."""
    gz = gazetteer.get()
    refs = [gz.entry(gz.country_entry[cc]) for cc in countries if cc in gz.country_entry]
    return bool(refs) and all(_km(e.lat, e.lon, r.lat, r.lon) > km for r in refs)


def _base(e: Entry, alt: bool) -> float:
    s = math.log10(e.population + 10)
    if e.kind == KIND_COUNTRY:
        s += 3.0
    elif e.kind == KIND_ADMIN1:
        s += 0.5
    if alt:
        s -= 1.5
    return s


_CITY_CENTRE_BEFORE = re.compile(r"\b(?:central|downtown|centre of|center of)\s+$", re.I)


def _generic_word(text: str, sp: _Span) -> str:
    """The generic word after a name ("city" in "Amara city"), lower case, or ""."""
    gm = _GENERIC_AFTER.match(text[sp.end:sp.end + _AFTER])
    if gm:
        return gm.group(0).strip().lower()
    # "in central Maputo", "downtown Kinshasa": the city, not its province
    return "city" if _CITY_CENTRE_BEFORE.search(text, max(0, sp.start - 16), sp.start) else ""


def _kind_fit(gword: str, e: Entry) -> float:
    """How well a candidate fits the generic word after its name ("X city", "Y province")."""
    if gword in ("city", "town", "village") and e.kind == KIND_CITY:
        return 2.5
    if gword in ("province", "governorate", "state", "region", "department") and (
            e.kind == KIND_ADMIN1):
        return 1.5
    return 0.0


def _resolve(text: str, folded: str, spans: list[_Span],
             ) -> tuple[list[tuple[Entry, bool] | None], str | None]:
    gz = gazetteer.get()
    votes, regions, rvotes = _context(text, folded, spans)
    # the country that explains the most mentions
    cvote: dict[str, float] = defaultdict(float, {cc: 2 * v for cc, v in votes.items()})
    for cc, v in rvotes.items():
        cvote[cc] += v
    # each candidate's prior and how it fits the generic word after its name: used twice
    fits: list[list[tuple[float, float]]] = []
    for sp in spans:
        gword = _generic_word(text, sp)
        fits.append([(_base(e, alt), _kind_fit(gword, e)) for e, alt in sp.cands])
    for sp, sp_fits in zip(spans, fits, strict=True):
        best: dict[str, float] = {}
        for (e, alt), (base, fit) in zip(sp.cands, sp_fits, strict=True):
            s = base + (2.0 if sp.cue else 0.0) + fit
            if alt and votes and e.country_code not in votes:
                s = 0.0   # a foreign exonym ("Bethlehem" for Belem) is no evidence
            best[e.country_code] = max(best.get(e.country_code, -9.0), s)
        top = max(best.values(), default=0.0)
        for cc, s in best.items():
            # a country gains from a name only as far as its place there is among the likeliest
            share = max(0.0, min(s, 3.0 - (top - s)))
            cvote[cc] += share / max(1.0, math.sqrt(len(best)))
    doc_cc = max(cvote, key=lambda c: cvote[c]) if cvote else None
    region_names = {(cc, fold_key(n)) for cc, n in regions}

    chosen: list[tuple[Entry, bool] | None] = [None] * len(spans)
    inside: dict[int, list[_Span]] = defaultdict(list)   # spans in the "(Y, Z)" of each span
    for other in spans:
        if other.paren_of is not None:
            inside[other.paren_of].append(other)
    for idx, sp in enumerate(spans):
        # regions given in "(Y, Z)" after this span
        paren_regions: set[tuple[str, str]] = set()
        paren_cities: list[Entry] = []
        for part in sp.paren_parts or []:
            for e in gz.abbreviated_admin1(part):
                paren_regions.add((e.country_code, fold_key(e.name)))
        for other in inside.get(idx, ()):
            for e, _ in other.cands:
                if e.kind == KIND_ADMIN1:
                    paren_regions.add((e.country_code, fold_key(e.name)))
                elif e.kind == KIND_CITY:
                    paren_cities.append(e)
        scored = []
        for (e, alt), (base, fit) in zip(sp.cands, fits[idx], strict=True):
            s = base + fit
            if rvotes.get(e.country_code) and not votes.get(e.country_code):
                s += 1.5
            if votes.get(e.country_code):
                s += 3.0 + min(votes[e.country_code], 6.0) * 0.3
            if e.country_code == doc_cc:
                s += 2.5
            a1 = (e.country_code, fold_key(e.admin1 or ""))
            if e.admin1 and a1 in region_names and e.kind == KIND_CITY:
                s += 2.0
            if paren_regions:
                if e.admin1 and a1 in paren_regions:
                    s += 6.0
                elif any(cc == e.country_code for cc, _ in paren_regions):
                    s += 1.0
                else:
                    s -= 4.0
            if paren_cities and e.kind == KIND_CITY:
                d = min(_km(e.lat, e.lon, c.lat, c.lon) for c in paren_cities)
                if d < 60:
                    s += 3.0
            scored.append((s, e, alt))
        s, e, alt = max(scored, key=lambda t: t[0])
        # small places need support: a cue, the text's country or its region
        supported = (sp.cue or e.kind != KIND_CITY or e.population >= 50_000
                     or votes.get(e.country_code)
                     or (e.country_code == doc_cc and cvote[doc_cc] >= 6)
                     or (e.country_code, fold_key(e.admin1 or "")) in region_names)
        if not supported:
            continue
        if (e.kind == KIND_CITY and doc_cc and e.country_code != doc_cc
                and not votes.get(e.country_code)
                and ((e.population < 100_000 and cvote[doc_cc] >= 6)
                     or (alt and cvote[doc_cc] - 2 * votes.get(doc_cc, 0.0) >= 3))):
            continue
        if (e.kind == KIND_CITY and votes and e.country_code not in votes
                and (alt or e.population < 100_000) and _far_from(e, votes)):
            continue   # a namesake far from every country the text names
        if e.kind == KIND_CITY and _in_other_countrys_region(text, sp, e, region_names):
            continue   # "the town of Kani in Sagaing region": not the Kani of another country
        if paren_regions and e.kind == KIND_CITY and (
                (e.country_code, fold_key(e.admin1 or "")) not in paren_regions):
            same_cc = any(cc == e.country_code for cc, _ in paren_regions)
            named_again = any(fold_key(p) == fold_key(e.name) or fold_key(p) == fold_key(
                text[sp.start:sp.end]) for p in (sp.paren_parts or []))
            if not (same_cc and (e.population >= 50_000 or named_again)):
                continue   # same name elsewhere: the text's place is not this one
        chosen[idx] = (e, alt)
    return chosen, doc_cc


_IN_REGION_AFTER = re.compile(r"\s+in\s+(?:the\s+)?([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+)?)\s+"
                              r"(?:region|state|province|governorate|oblast|district|county)\b")


def _in_other_countrys_region(text: str, sp: _Span, e: Entry,
                              region_names: set[tuple[str, str]]) -> bool:
    """The name is placed in a region the text names, and that region is another country's."""
    m = _IN_REGION_AFTER.match(text, sp.end, sp.end + 60)
    if not m:
        return False
    name = fold_key(m.group(1))
    ccs = {cc for cc, n in region_names if n == name or n.startswith(name + " ")}
    return bool(ccs) and e.country_code not in ccs


def _mention(text: str, sp: _Span, e: Entry, alt: bool = False,
             prec: int | None = None) -> PlaceMention:
    gz = gazetteer.get()
    kind = e.kind_name
    if prec is None:
        prec = {KIND_CITY: 1, KIND_ADMIN1: 3, KIND_COUNTRY: 3}[e.kind]
        if e.kind == KIND_CITY and _GENERIC_AFTER.match(text[sp.end:sp.end + _AFTER]):
            word = _GENERIC_AFTER.match(text[sp.end:sp.end + _AFTER]).group(0).strip().lower()  # type: ignore[union-attr]
            if word in ("district", "municipality", "county", "province", "region", "division",
                        "commune", "sub-county", "subcounty", "governorate", "raion", "oblast",
                        "township", "upazila", "woreda", "tehsil", "payam", "chiefdom"):
                prec = 2
                kind = "admin2"
    # PlaceMention(...) without the frozen dataclass's __init__ (a dozen slower setattr calls)
    m = _new_object(PlaceMention)
    _set_attr(m, "__dict__", {
        "name": text[sp.start:sp.end], "start": sp.start, "end": sp.end,
        "location": text[sp.start:sp.end] if (alt and e.kind == KIND_CITY) else e.name,
        "country_code": e.country_code, "country": gz.country_names.get(e.country_code),
        "admin1": e.admin1, "lat": round(e.lat, 5), "lon": round(e.lon, 5),
        "geo_precision": prec, "kind": kind, "population": e.population,
        "in_parens": sp.paren_of is not None,
    })
    return m


_new_object = object.__new__
_set_attr = object.__setattr__


_ORG_WORDS = frozenset(
    "court ministry movement party forces army police council hospital school university "
    "brigade brigades group front union committee office bank company agency directorate "
    "militia state church mosque station prison house palace media news".split()
)
# (country, key without spaces, entry id) of every admin1 spelling, in the gazetteer's order;
# the same grouped by country and by skeleton, built on first use
_ADMIN1_INDEX: list[tuple[str, str, int]] = []
_ADMIN1_BY_CC: dict[str, list[tuple[str, str, int]]] = {}
_ADMIN1_BY_SKELETON: dict[str, list[tuple[str, int]]] = {}


def _admin1_index() -> None:
    gz = gazetteer.get()
    rows = [(cc, k.replace(" ", ""), i) for (cc, k), i in gz.admin1_entry.items()]
    for cc, k, i in rows:
        _ADMIN1_BY_CC.setdefault(cc, []).append((cc, k, i))
        _ADMIN1_BY_SKELETON.setdefault(gazetteer.skeleton(k), []).append((cc, i))
    _ADMIN1_INDEX.extend(rows)


def _fuzzy_admin1(name: str, hint_cc: str | None) -> Entry | None:
    """An admin1 region whose name is spelt a little differently ("Hiraan" ~ "Hiiraan")."""
    gz = gazetteer.get()
    if not _ADMIN1_INDEX:
        _admin1_index()
    target = fold_key(name).replace("'", "").replace(" ", "")
    if len(target) < 4:
        return None
    skel = gazetteer.skeleton(name)   # "Idleb" ~ Idlib, "Bekaa" ~ Beqaa, "Beirut" ~ Beyrouth
    same = {i for cc, i in _ADMIN1_BY_SKELETON.get(skel, ())
            if hint_cc is None or cc == hint_cc}
    if len(same) == 1:
        return gz.entry(same.pop())
    best, best_r = None, 0.0
    rows = _ADMIN1_INDEX if not hint_cc else _ADMIN1_BY_CC.get(hint_cc, [])
    for _cc, k, i in rows:
        if abs(len(k) - len(target)) > 3 or k[:1] != target[:1]:
            continue
        sm = difflib.SequenceMatcher(None, target, k)
        if sm.real_quick_ratio() <= best_r or sm.quick_ratio() <= best_r:
            continue   # bounds of the ratio: it cannot beat the best one
        r = sm.ratio()
        if r > best_r:
            best, best_r = i, r
    if best is None or best_r < 0.82:
        return None if hint_cc is None else _fuzzy_admin1(name, None)
    return gz.entry(best)


_GENERIC_TAIL = re.compile(
    r"\s+(?:district|province|region|county|governorate|state|department|municipality|"
    r"commune|LGA|sub-county|subcounty|division|township|oblast|raion|"
    r"boma|payam|kebele|woreda|upazila|tehsil|barangay|chiefdom)$", re.I)


_GENERIC_NAME_TAIL = re.compile(
    r"\s+(?:Township|District|Village|Town|City|County|Province|Region|State|Area|Camp|"
    r"Municipality|Sub-County|Governorate|LGA|Upazila|Woreda|Tehsil|Payam|Boma|Kebele|"
    r"Barangay|Chiefdom)$")


def _strip_generic(part: str) -> str:
    return _GENERIC_TAIL.sub("", part.strip())


def _region_from_parts(parts: list[str], hint_cc: str | None) -> tuple[Entry | None, Entry | None]:
    """(town or district, admin1) entries named by the parts of "(Y, Z)" or ", Z"."""
    gz = gazetteer.get()
    admin1 = town = None
    parts = [_strip_generic(p) for p in parts]
    for part in reversed(parts):
        abbr = gz.abbreviated_admin1(part)
        if abbr:
            admin1 = abbr[0]
            break
        found = sorted((t for t in gz.lookup(part) if t[0].kind == KIND_ADMIN1),
                       key=lambda t: (t[0].country_code != hint_cc, -_base(*t)))
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
            admin1 = _fuzzy_admin1(part, hint_cc)
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


def _town_in_name(name: str, admin1: Entry | None, hint_cc: str | None) -> Entry | None:
    """A known town inside a compound name ("Mogadishu-Hodan", "Tezpur-Kundurabari")."""
    gz = gazetteer.get()
    cc = admin1.country_code if admin1 is not None else hint_cc
    if cc is None:
        return None
    for piece in re.split(r"[\s\-]+", name):
        if len(piece) < 4 or fold_key(piece) in _PREFIX_WORDS:
            continue
        cands = [e for e, _ in gz.lookup(piece) if e.kind == KIND_CITY and e.country_code == cc
                 and (admin1 is None or e.admin1 == admin1.name)]
        if cands:
            return max(cands, key=lambda e: e.population)
    return None


def _near_spelling(name: str, town: Entry | None, admin1: Entry | None,
                   known: list[PlaceMention], end: int, text: str, pat_i: int) -> Entry | None:
    """The gazetteer town that an unknown name spells another way, looked for only in the
    region the text places it in ("(District, Region)", "in X, Region", "village of X in Y")."""
    gz = gazetteer.get()
    if admin1 is not None:
        cc, a1 = admin1.country_code, admin1.name
    elif town is not None:
        cc, a1 = town.country_code, town.admin1 or ""
    elif pat_i in (1, 2) and (nxt := _following_place(known, end, text)) is not None:
        if not nxt.country_code or not nxt.admin1:
            return None
        cc, a1 = nxt.country_code, nxt.admin1 or ""
    else:
        return None
    near = gz.near_spelling(name, cc, a1)
    if near is None or (town is not None and _km(near.lat, near.lon, town.lat, town.lon) > 80):
        return None   # a namesake far from the district named beside it is another place
    return near


def _following_place(known: list[PlaceMention], end: int, text: str) -> PlaceMention | None:
    """The next known city or region in the same sentence ("village of X in Jabal Y, Idleb");
    `known` is in text order, so only the mentions of the next 120 characters are looked at."""
    stop = text.find(". ", end, end + 122)
    stop = end + 120 if stop < 0 else min(stop, end + 120)
    for k in range(bisect.bisect_left(known, end, key=_start), len(known)):
        m = known[k]
        if m.start >= stop:
            break
        if m.kind in ("city", "admin1", "admin2"):
            return m
    return None


def _start(m: PlaceMention) -> int:
    return m.start


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


def _unknown_places(text: str, taken: list[tuple[int, int]], doc_cc: str | None,
                    known: list[PlaceMention],
                    found: list[list[re.Match[str]]] | None = None) -> list[PlaceMention]:
    """Places the gazetteer lacks but the text introduces as places."""
    gz = gazetteer.get()
    out: list[PlaceMention] = []
    if found is None:
        found = _intro_matches(text)
    index = _Taken(taken)
    for pat_i, matches in enumerate(found):
        for m in matches:
            s, e = m.start(1), m.end(1)
            if index.overlaps(s, e):
                continue
            name = _GENERIC_NAME_TAIL.sub("", m.group(1))
            e = s + len(name)
            key = fold_key(name)
            words = key.split()
            first = fold_key(name.split()[0])
            if not words or re.match(r"^[A-Z]{2,}", name) or (
                    key in gz.common or first in gz.demonyms or first in gz.common
                    or any(w in _ORG_WORDS for w in words)):
                continue
            rest = text[e:]
            pm = (_PAREN_OF_UNKNOWN.match(rest) or _NESTED_PAREN.match(rest)
                  if pat_i == 0 else None)
            if pm:
                inner = _INNER_PAREN.sub("", pm.group(1))   # "(A (a), B)" -> "A, B"
                parts = [p.strip() for p in inner.split(",") if p.strip()]
            elif pat_i == 3:
                nm = re.match(r"^[A-Za-z ]{0,12}?(?:,\s+|\s+in\s+)(" + _NAME
                              + r"(?:,\s+" + _NAME + r"){0,3})", rest)
                parts = [p.strip() for p in nm.group(1).split(",")] if nm else []
            else:
                parts = []
            town, admin1 = _region_from_parts(parts, doc_cc) if parts else (None, None)
            if pat_i == 3 and admin1 is None:
                continue
            near = _near_spelling(name, town, admin1, known, e, text, pat_i)
            if near is not None:
                # letters swapped for others: another transliteration; a letter more or
                # less: a slip in the text
                same = len(gazetteer.skeleton(name)) == len(gazetteer.skeleton(near.name))
                spelled = _mention(text, _Span(s, e, -1, []), near)
                out.append(replace(spelled, name=name, location=name if same else near.name))
                index.add(s, e)
                continue
            if town is None:
                town = _town_in_name(name, admin1, doc_cc)
            ref: Entry | PlaceMention | None = None
            if town is not None:
                ref, prec = town, 2
            elif admin1 is not None:
                ref, prec = admin1, 3
            elif pat_i in (1, 2) and (nxt := _following_place(known, e, text)) is not None:
                ref, prec = nxt, (2 if nxt.kind != "admin1" else 3)
            elif doc_cc and doc_cc in gz.country_entry and (
                    pat_i in (1, 2) or (pat_i == 0 and m.group(0) != name)):
                ref, prec = gz.entry(gz.country_entry[doc_cc]), 3
            if ref is None and pat_i in (1, 2):
                # introduced as a place but nowhere known: its name is still worth reporting
                out.append(PlaceMention(name=name, start=s, end=e, location=name,
                                        country_code=None, country=None, admin1=None, lat=None,
                                        lon=None, geo_precision=3, kind="unknown"))
                index.add(s, e)
                continue
            if ref is None:
                continue
            if isinstance(ref, PlaceMention):
                cc, a1, lat, lon = ref.country_code, ref.admin1, ref.lat, ref.lon
            else:
                cc, a1, lat, lon = ref.country_code, ref.admin1, ref.lat, ref.lon
            out.append(PlaceMention(
                name=name, start=s, end=e, location=name, country_code=cc,
                country=gz.country_names.get(cc or ""),
                admin1=(admin1.name if admin1 else a1),
                lat=None if lat is None else round(lat, 5),
                lon=None if lon is None else round(lon, 5),
                geo_precision=prec, kind="unknown", population=0,
            ))
            index.add(s, e)
    return out


# a run of the characters a match of _UNKNOWN_PATTERNS[0] is made of, up to the bracket that
# ends it: each such match lies in one run, and each run holds at most one match
_BRACKET_RUN = re.compile(r"(?<![\w\s'\u2019\-])[\w\s'\u2019\-]*[(\[]")


def _bracket_matches(text: str) -> list[re.Match[str]]:
    """_UNKNOWN_PATTERNS[0].finditer(text), trying only the runs that end at a bracket."""
    if "(" not in text and "[" not in text:
        return []
    search = _UNKNOWN_PATTERNS[0].search
    found = (search(text, run.start(), run.end()) for run in _BRACKET_RUN.finditer(text))
    return [m for m in found if m is not None]


# "of" between whitespace, and the word of _PLACE_OF_WORDS before it, read backwards
_OF = re.compile(r"of(?<=\sof)(?=\s)")
_PLACE_WORD_BEFORE_REV = re.compile(r"\s+" + _rev_words(_PLACE_OF_WORDS))


def _place_of_matches(text: str) -> list[re.Match[str]]:
    """_UNKNOWN_PATTERNS[1].finditer(text), tried only where a place word and "of" start one:
    each of its matches starts with such a word, whitespace and "of"."""
    if "of" not in text:
        return []
    rev = text[::-1]
    n = len(text)
    match = _UNKNOWN_PATTERNS[1].match
    out: list[re.Match[str]] = []
    last = 0
    for of in _OF.finditer(text):
        w = _PLACE_WORD_BEFORE_REV.match(rev, n - of.start())
        if w is None:
            continue
        start = n - w.end()
        if start < last:
            continue
        m = match(text, start)
        if m is not None:
            out.append(m)
            last = m.end()
    return out


def _intro_matches(text: str) -> list[list[re.Match[str]]]:
    """Matches of each _UNKNOWN_PATTERNS entry (the first needs a bracket in the text)."""
    return [_bracket_matches(text), _place_of_matches(text)] + [
        list(pat.finditer(text)) for pat in _UNKNOWN_PATTERNS[2:]]


def _inside_longer(ranges: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether one of the ranges holds [s, e) and is longer than it: one that starts
    before s and ends at or after e, or starts at s and ends after e (a binary search each)."""
    ordered = sorted(ranges)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))   # furthest end so far

    def holds(s: int, e: int) -> bool:
        before = bisect.bisect_left(starts, s)
        at = bisect.bisect_right(starts, s, before)
        return (before > 0 and reach[before - 1] >= e) or (at > before and ordered[at - 1][1] > e)
    return holds


def find_places(text: str) -> list[PlaceMention]:
    """All place mentions in the text, resolved using the whole text as context, in text order."""
    if not text:
        return []
    folded = fold_text(text)
    spans = _filter(text, _raw_spans(text, folded))
    found = _intro_matches(text)   # once for both uses
    intro = [(m.start(1), m.end(1)) for ms in found[:3] for m in ms]
    if intro:
        held = _inside_longer(intro)
        spans = [sp for sp in spans if not held(sp.start, sp.end)]
    _mark_parens(text, spans)
    chosen, doc_cc = _resolve(text, folded, spans)
    mentions = [_mention(text, sp, c[0], c[1]) for sp, c in zip(spans, chosen, strict=True)
                if c is not None]
    ccs: dict[str, int] = defaultdict(int)
    for m in mentions:
        if m.country_code:
            ccs[m.country_code] += 1
    if ccs and doc_cc not in ccs:
        doc_cc = max(ccs, key=lambda c: ccs[c])
    taken = [(m.start, m.end) for m in mentions]
    # a mention whose "(Y, Z)" failed to fit is re-reported from its region
    unknown = _unknown_places(text, taken, doc_cc, list(mentions), found)
    for u in unknown:   # its "(Y, Z)" only locates it
        pm = _PAREN_NEAR.match(text[u.end:u.end + _AFTER])
        if pm:   # (the known mentions are in text order: those in [lo, hi) are a slice)
            lo, hi = u.end + pm.start(1), u.end + pm.end(1)
            for k in range(bisect.bisect_left(mentions, lo, key=_start),
                           bisect.bisect_left(mentions, hi, key=_start)):
                mentions[k] = replace(mentions[k], in_parens=True)
    mentions += unknown
    mentions.sort(key=lambda m: m.start)
    return mentions


_PART_OF = re.compile(r"^\s+(?:district|sub-district|neighbourhood|neighborhood|suburb|quarter|"
                      r"area|ward)\s+of\s+(?:the\s+)?(?:city\s+of\s+)?$", re.I)
_UNKNOWN_PART_OF = re.compile(r"^\s+(?:neighbou?rhood|suburb|quarter|slum|township)\s+(?:of|in)\s+"
                              r"(?:the\s+)?(?:(?:north|south|east|west|centre|center)\w*\s+of\s+)?"
                              r"(?:the\s+)?(?:city\s+of\s+)?$", re.I)
# "the Kharkiv region village of Kupiansk": the first names the region the second lies in
_REGION_OF = re.compile(r"^(?:'s)?\s+(?:region|province|oblast|governorate|state|district|county)"
                        r"(?:'s)?\s+(?:border\s+|frontline\s+|front-line\s+)?"
                        r"(?:village|town|city|settlement|hamlet)\s+of\s+$", re.I)


@functools.lru_cache(maxsize=8)   # primary_place asks again for each incident of one text
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    out, last = [], 0
    for m in _SENT_END.finditer(text):
        out.append((last, m.start()))
        last = m.end()
    out.append((last, len(text)))
    return tuple(out)


def primary_place(mentions: list[PlaceMention], text: str) -> PlaceMention | None:
    """The most likely location of a single-incident text: the first precise place it leads with."""
    if not mentions:
        return None
    own = [m for m in mentions if not m.in_parens]
    # "Din Daeng district of Bangkok": the container names where the known part lies
    inner = [(a, b) for a, b in zip(own, own[1:], strict=False)
             if a.kind in ("city", "admin2") and _PART_OF.match(text[a.end:b.start])]
    inner += [(b, a) for a, b in zip(own, own[1:], strict=False)
              if a.kind in ("admin1", "admin2", "city") and _REGION_OF.match(text[a.end:b.start])]
    if inner:
        containers = {id(b) for _, b in inner}
        own = [m for m in own if id(m) not in containers]
    # "the Socio Vivienda neighbourhood in the north of Guayaquil": a part the gazetteer lacks
    # is coded as the town it lies in
    parts = {id(a) for a, b in zip(own, own[1:], strict=False)
             if a.kind == "unknown" and b.kind == "city"
             and _UNKNOWN_PART_OF.match(text[a.end:b.start])}
    own = [m for m in own if id(m) not in parts] or own
    sents = _sentences(text)
    first_end = sents[0][1] if sents else len(text)
    for pool in ([m for m in own if m.start < first_end], own):
        precise = [m for m in pool if m.kind in ("city", "unknown", "admin2")]
        for m in precise:   # ACLED's "X (district, region)"
            if re.match(r"^(?:\s+(?:village|town|city|area|district))?\s*[(\[]",
                        text[m.end:m.end + _AFTER]):
                return m
        for m in precise:   # a place after "in/at/near" beats one after "from"
            if re.search(r"\b(?:in|at|near|outside|of)\s+(?:the\s+)?(?:village\s+|town\s+)?$",
                         text[max(0, m.start - 40):m.start]):
                return m
        if precise:
            return precise[0]
        regions = [m for m in pool if m.kind == "admin1"]
        if regions:
            return regions[0]
    countries = [m for m in mentions if m.kind == "country"]
    return countries[0] if countries else mentions[0]
