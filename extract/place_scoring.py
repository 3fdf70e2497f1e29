"""Which gazetteer place each candidate name means: the whole text's countries and regions
(named places, demonyms, armed groups' home countries, "(district, region)" notes) weighed
against each place's size, the way geoparsers rank candidates by document context."""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from extract import admin_units, gazetteer, place_hints, vocab
from extract.gazetteer import KIND_ADMIN1, KIND_CITY, KIND_COUNTRY, Entry, fold_key
from extract.place_candidates import (
    ACTING_AFTER,
    CAP_WORD,
    Before,
    Span,
    generic_word,
    names_actor,
)
from extract.place_words import ENGLISH_WORDS, PlaceWords


@dataclass(frozen=True)
class Weights:
    """Every number of the ranking, named. Scores are in log10(population) units."""

    # evidence of the text's country
    country_named: float = 3.0          # "Kenya"
    country_alt_named: float = 1.5      # a country by another of its names
    demonym: float = 2.0                # "Kenyan"
    actor_home: float = 1.0             # "al-Shabaab": Somalia, Kenya
    region_named: float = 1.5           # an admin1 region of the country, shared between namesakes
    abbreviated_region: float = 1.5     # "(Ketou, OU)"
    origin_discount: float = 0.3        # "refugees from South Sudan" counts this much
    acting_discount: float = 0.3        # "U.S. air strikes", "Pakistan said": this much
    partial_discount: float = 0.3       # "Jurf" of "Jurf al-Sakhar": the first word of a name
    listed_discount: float = 0.0        # "(Brazil, Argentina, Uruguay, Paraguay)": an aside
    listed_min: int = 3                 # countries in a row that make a list
    # a place's prior
    country_prior: float = 3.0
    region_prior: float = 0.5
    alt_name_penalty: float = 1.5       # a match on an alternate name, not the main one
    # the name itself
    cue: float = 2.0                    # "in X", "the village of X"
    town_word_fit: float = 2.5          # "X town" and a city
    region_word_fit: float = 1.5        # "X province" and a region
    # each candidate in context
    region_of_country_named: float = 1.5   # its country only through a region named
    country_of_text: float = 3.0
    per_vote: float = 0.3
    max_votes: float = 6.0
    text_country: float = 2.5           # the country explaining the most names
    near_named_country: float = 1.0     # a place by a country the text names (its neighbour:
    near_country_km: float = 300.0      # Jenin by Israel), within this of its reference point
    region_of_text: float = 2.0         # a town in a region the text names
    paren_region: float = 6.0           # a town in the region of its "(district, region)"
    paren_country: float = 1.0
    paren_elsewhere: float = -4.0
    paren_town_near: float = 3.0        # near a town of its "(district, region)"
    paren_town_km: float = 60.0
    paren_far_km: float = 150.0         # a namesake this far from every town of the "(district,
    #                                     region)" after its name is another place
    near_named_town: float = 2.0        # a village by another town the text names, less with
    near_km: float = 50.0               # distance, none beyond this
    near_chars: int = 300               # (towns named this close in the text)
    # what a country gains from a name: up to this much, less as its place is less likely
    share_cap: float = 3.0
    # how small a place needs support, and how far a namesake must be to be another place
    small_town: int = 50_000
    town: int = 100_000
    big_city: int = 1_000_000           # known abroad without a word for its country
    world_city_ratio: float = 10.0      # a namesake this many times smaller than a big city
    #                                     abroad gains nothing from the text's country alone
    confident_country: float = 6.0      # votes that settle the text's country
    alt_margin: float = 3.0
    far_km: float = 3000.0


WEIGHTS = Weights()


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = math.radians
    a = (math.sin(r(lat2 - lat1) / 2) ** 2
         + math.cos(r(lat1)) * math.cos(r(lat2)) * math.sin(r(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def prior(e: Entry, alt: bool, w: Weights = WEIGHTS) -> float:
    """How likely a place is before the text is read: its size and kind."""
    s = math.log10(e.population + 10)
    if e.kind == KIND_COUNTRY:
        s += w.country_prior
    elif e.kind == KIND_ADMIN1:
        s += w.region_prior
    if alt:
        s -= w.alt_name_penalty
    return s


def _kind_fit(gword: str, e: Entry, w: Weights) -> float:
    """How well a candidate fits the generic word after its name ("X city", "Y province")."""
    if gword in admin_units.TOWNS and e.kind == KIND_CITY:
        return w.town_word_fit
    if gword in admin_units.ADMIN1 and e.kind == KIND_ADMIN1:
        return w.region_word_fit
    return 0.0


@dataclass
class Context:
    """What the whole text says about where it is."""

    votes: dict[str, float]            # country -> named countries, demonyms, actors' homes
    regions: set[tuple[str, str]]      # (country, folded admin1 name) named in the text
    region_votes: dict[str, float]     # country -> its admin1 regions named
    weights: list[float]               # per span: how much it says about where the text is
    firm: set[str]                     # countries named, not only as who acted, spoke or came
    reported: set[tuple[str, str]]     # the regions a mission the text names reports from


_ANY_WORD = re.compile(r"[^\W\d_][\w\-]*")


def _demonyms(text: str, folded: str, lang: PlaceWords, spans: list[Span]
              ) -> Iterator[tuple[str, bool]]:
    """Each nationality word's country, and whether it names who acted ("Turkish forces",
    "l'armée tchadienne") rather than where (not a country's name: "l'Argentine")."""
    if lang.english:   # (the capitalised words of the text that are nationality words)
        for end, (written, cc) in gazetteer.get().demonym_words().iter(text):
            start = end + 1 - len(written)
            word = CAP_WORD.match(text, start)
            if word is not None and word.end() == end + 1 and _cap_word_start(text, start):
                # ("Saudi-led coalition", "Turkish forces": who acted, not where)
                yield cc, ACTING_AFTER.match(text, word.end()) is not None
        return
    prev = ""
    names = {sp.start for sp in spans}
    for word in _ANY_WORD.finditer(folded):   # (written lower case, after their noun)
        key = word.group()
        cc = lang.demonyms.get(key)
        if cc and word.start() not in names:
            yield cc, prev in lang.actor_nouns
        prev = key.rsplit("'", 1)[-1]


def _cap_word_start(text: str, start: int) -> bool:
    """Whether CAP_WORD.finditer(text) has a word starting at `start`, where it matches: it
    has unless the word is the second of a hyphenated pair ("Al-Qaeda"), read again from the
    first capitalised word of the hyphenated chain before it."""
    if start < 2 or text[start - 1] != "-":
        return True
    chain = start
    while chain >= 2 and text[chain - 1] == "-":
        j = chain - 1
        while j > 0 and "a" <= text[j - 1] <= "z":
            j -= 1
        if j == chain - 1 or j == 0 or not "A" <= text[j - 1] <= "Z":
            break
        chain = j - 1
    for word in CAP_WORD.finditer(text, chain):
        if word.start() >= start:
            return word.start() == start
    return False


def context(text: str, folded: str, spans: list[Span], w: Weights = WEIGHTS,
            lang: PlaceWords = ENGLISH_WORDS) -> Context:
    gz = gazetteer.get()
    votes: dict[str, float] = defaultdict(float)
    firm: set[str] = set()
    for cc, acting in _demonyms(text, folded, lang, spans):
        votes[cc] += w.demonym * (w.acting_discount if acting else 1.0)
        if not acting:
            firm.add(cc)
    regions: set[tuple[str, str]] = set()
    rvotes: dict[str, float] = defaultdict(float)
    weights = []
    listed = _listed_countries(text, spans, w)
    for k, sp in enumerate(spans):
        # "refugees from South Sudan", "U.S. officials said": an origin, who acted or spoke says
        # less about where things happen
        weight = 1.0
        if k in listed:
            weight = w.listed_discount
        elif (sp.before or Before.at(text, sp.start, lang)).origin():
            weight = w.origin_discount
        elif names_actor(text, sp):
            weight = w.acting_discount
        elif sp.run_end is not None:   # a longer name the gazetteer lacks may be elsewhere
            weight = w.partial_discount
        weights.append(weight)
        for e, alt in sp.cands:
            if e.kind == KIND_COUNTRY and weight:
                votes[e.country_code] += (w.country_alt_named if alt else w.country_named) * weight
                if weight == 1.0:
                    firm.add(e.country_code)
            elif e.kind == KIND_ADMIN1:
                regions.add((e.country_code, fold_key(e.name)))
        # (shared between the countries the name may be in: "Beni" is a region of Bolivia and
        # a town of Congo)
        a1cc = {e.country_code for e, alt in sp.cands if e.kind == KIND_ADMIN1 and not alt}
        for cc in a1cc:
            rvotes[cc] += w.region_named / len({e.country_code for e, _ in sp.cands})
    for m in _ABBREVIATION.finditer(text):
        for e in gz.abbreviated_admin1(m.group(1)):
            rvotes[e.country_code] += w.abbreviated_region
            regions.add((e.country_code, fold_key(e.name)))
    dated_in = place_hints.dateline_region(text)   # "SPRINGFIELD, Ill. (AP) —"
    if dated_in is not None:
        rvotes[dated_in[0]] += w.abbreviated_region
        regions.add(dated_in)
    # the home country of each named armed group ("Houthi", "al-Shabaab"): where the text is
    # (and the regions it mostly acts in, or a mission reports from: "the OSCE SMM observed")
    v = vocab.get()
    hints = place_hints.get()
    acting = {h.label for h in v.actors.find(text, folded)}
    homes = {v.actor_country[a] for a in acting if a in v.actor_country}
    reported: set[tuple[str, str]] = set()
    for cc, where in place_hints.missions(text, folded):
        homes.add(cc)
        reported.update(where)
    regions.update(reported)
    for a in acting:
        regions.update(hints.actor_regions.get(a, ()))
    for cc in homes:
        votes[cc] += w.actor_home
        firm.add(cc)
    return Context(votes, regions, rvotes, weights, firm, reported)


# a region by its short form: "(Ketou, OU)"
_ABBREVIATION = re.compile(r"[(,]\s*([A-Z&]{2,4})\s*[),]")
_LIST_GAP = re.compile(r"\s*(?:,|,?\s+(?:and|et|y|e|ou|o|or)\s)\s*")


def _listed_countries(text: str, spans: list[Span], w: Weights) -> set[int]:
    """The spans of countries named in a list of `listed_min` or more ("the Mercosur
    countries (Brazil, Argentina, Uruguay and Paraguay)"): an aside, weak evidence of where."""
    out: set[int] = set()
    chain: list[int] = []   # spans parted only by commas and "and" (those alone are read)
    for k in range(len(spans) + 1):
        if k and k < len(spans) and _LIST_GAP.fullmatch(text, spans[k - 1].end, spans[k].start):
            chain.append(k)
            continue
        run: list[int] = []
        for j in chain if len(chain) >= w.listed_min else ():
            if any(e.kind == KIND_COUNTRY for e, _ in spans[j].cands):
                run.append(j)
                continue
            if len(run) >= w.listed_min:
                out.update(run)
            run = []
        if len(run) >= w.listed_min:
            out.update(run)
        chain = [k]
    return out


def _far_from(e: Entry, countries: dict[str, float], w: Weights) -> bool:
    """True when the place lies far from the reference point of every named country."""
    gz = gazetteer.get()
    refs = [gz.entry(gz.country_entry[cc]) for cc in countries if cc in gz.country_entry]
    return bool(refs) and all(km(e.lat, e.lon, r.lat, r.lon) > w.far_km for r in refs)


def _near_named_country(votes: dict[str, float], w: Weights) -> Callable[[Entry], float]:
    """What a town gains from lying by a country the text names but is not in ("Israeli
    forces raided Jenin": the West Bank's Jenin, not Poland's): the text's region."""
    gz = gazetteer.get()
    refs = [gz.entry(gz.country_entry[cc]) for cc in votes if cc in gz.country_entry]

    lat_span = w.near_country_km / 111.0   # (degrees of latitude: the farther ones skipped)

    def near(e: Entry) -> float:
        if not refs or e.kind != KIND_CITY or e.country_code in votes:
            return 0.0
        close = any(abs(e.lat - r.lat) < lat_span
                    and km(e.lat, e.lon, r.lat, r.lon) < w.near_country_km for r in refs)
        return w.near_named_country if close else 0.0
    return near


def _text_country(spans: list[Span], ctx: Context, fits: list[list[tuple[float, float]]],
                  w: Weights, near: Callable[[Entry], float]) -> dict[str, float]:
    """Each country's vote for being the text's country: what is named outright, then a share
    of each name, as far as that country's place for it is among the likeliest."""
    cvote: dict[str, float] = defaultdict(float, {cc: 2 * v for cc, v in ctx.votes.items()})
    for cc, v in ctx.region_votes.items():
        cvote[cc] += v
    for sp, sp_fits, weight in zip(spans, fits, ctx.weights, strict=True):
        best: dict[str, float] = {}
        for (e, alt), (base, fit) in zip(sp.cands, sp_fits, strict=True):
            s = base + (w.cue if sp.cue else 0.0) + fit
            if alt and ctx.votes and e.country_code not in ctx.votes and not near(e):
                s = 0.0   # a foreign exonym ("Bethlehem" for Belem) is no evidence
            best[e.country_code] = max(best.get(e.country_code, -9.0), s)
        top = max(best.values(), default=0.0)
        for cc, s in best.items():
            share = max(0.0, min(s, w.share_cap - (top - s)))
            cvote[cc] += weight * share / max(1.0, math.sqrt(len(best)))
    return cvote


def _anchor_towns(spans: list[Span]) -> list[tuple[int, Entry]]:
    """The towns named without doubt (one town by that name, by its main name), with where
    they start, in text order: among same-named villages, the one near a town named close by in
    the text is the text's (as observers' notes name a village and the town it is near)."""
    out = []
    for sp in spans:
        towns = [e for e, alt in sp.cands if e.kind == KIND_CITY and not alt]
        if len(towns) == 1 and len(sp.cands) == 1:
            out.append((sp.start, towns[0]))
    return out


def _anchor_at(anchor: tuple[int, Entry]) -> int:
    return anchor[0]


def _paren_context(sp: Span, inside: list[Span]) -> tuple[set[tuple[str, str]], list[Entry]]:
    """The regions and towns of the "(Y, Z)" after a name. ACLED's brackets end with the
    region: when their last name may be one, the regions the names before it may be do not
    count ("Cordoba (Cordoba, Veracruz)" is Mexico's Córdoba, not Argentina's)."""
    gz = gazetteer.get()
    paren_regions: set[tuple[str, str]] = set()
    paren_cities: list[Entry] = []
    for part in sp.paren_parts or []:
        for e in gz.abbreviated_admin1(part):
            paren_regions.add((e.country_code, fold_key(e.name)))
    last_region = max((k for k, other in enumerate(inside)
                       if any(e.kind == KIND_ADMIN1 for e, _ in other.cands)), default=-1)
    for k, other in enumerate(inside):
        for e, _ in other.cands:
            if e.kind == KIND_ADMIN1 and (k == last_region or last_region < 0):
                paren_regions.add((e.country_code, fold_key(e.name)))
            elif e.kind == KIND_CITY:
                paren_cities.append(e)
    return paren_regions, paren_cities


def resolve(text: str, folded: str, spans: list[Span], w: Weights = WEIGHTS,
            lang: PlaceWords = ENGLISH_WORDS,
            ) -> tuple[list[tuple[Entry, bool] | None], str | None]:
    """The place each span names (None: none fits well enough), and the text's country."""
    gz = gazetteer.get()
    ctx = context(text, folded, spans, w, lang)
    votes, region_names = ctx.votes, ctx.regions
    # each candidate's prior (and nearness to a country named) and how it fits the generic
    # word after its name: used twice
    near = _near_named_country(votes, w)
    gwords = [generic_word(text, sp, lang) for sp in spans]
    fits = [[(prior(e, alt, w) + near(e), _kind_fit(gword, e, w)) for e, alt in sp.cands]
            for sp, gword in zip(spans, gwords, strict=True)]
    cvote = _text_country(spans, ctx, fits, w, near)
    doc_cc = max(cvote, key=lambda c: cvote[c]) if cvote else None

    chosen: list[tuple[Entry, bool] | None] = [None] * len(spans)
    inside: dict[int, list[Span]] = defaultdict(list)   # spans in the "(Y, Z)" of each span
    for other in spans:
        if other.paren_of is not None:
            inside[other.paren_of].append(other)
    anchors = _anchor_towns(spans)
    for idx, sp in enumerate(spans):
        if len(sp.cands) == 1 and sp.cands[0][0].kind != KIND_CITY:
            chosen[idx] = sp.cands[0]   # one place, no town: nothing to rank nor to doubt
            continue
        paren_regions, paren_cities = _paren_context(sp, inside.get(idx, []))
        owner = _owner_regions(text, spans[idx - 1], sp) if idx else set()
        others = [a for j, a in anchors[bisect.bisect_left(anchors, sp.start - w.near_chars,
                                                            key=_anchor_at):
                                         bisect.bisect_right(anchors, sp.end + w.near_chars,
                                                             key=_anchor_at)]
                  if j != sp.start] if len(sp.cands) > 1 else []
        # "Baringo county": the region the name gives, not a town in it by that name (the town
        # gains nothing from the region its own name names)
        own_region = {(e.country_code, fold_key(e.name)) for e, alt in sp.cands
                      if e.kind == KIND_ADMIN1} if admin_units.is_region_word(gwords[idx]) else ()
        # (the big city abroad by its own name: "Bethlehem" is not Belém's)
        biggest_abroad = _biggest_abroad([(e.population, e.country_code) for e, alt in sp.cands
                                          if e.kind == KIND_CITY and not alt])
        capitals = [(e.population, e.country_code) for e, alt in sp.cands
                    if not alt and e.id in gz.capitals]
        scored = []
        for (e, alt), (base, fit) in zip(sp.cands, fits[idx], strict=True):
            s = base + fit
            a1 = (e.country_code, fold_key(e.admin1 or ""))
            # "U.S. forces struck targets near Damascus": a small Damascus of the country the
            # text names does not outrank the capital abroad unless the text names its region
            # (nor does a smaller namesake of a national capital abroad in a country named only
            # as who acted or spoke: "American officials said ... in Athens")
            dwarfed = e.kind == KIND_CITY and a1 not in region_names and (biggest_abroad(
                e.country_code) >= max(w.big_city, e.population * w.world_city_ratio) or (
                e.country_code not in ctx.firm and any(
                    p > e.population and cc != e.country_code for p, cc in capitals)
                and not _regional_centre(e)))
            if ctx.region_votes.get(e.country_code) and not votes.get(e.country_code):
                s += w.region_of_country_named
            if votes.get(e.country_code) and not dwarfed:
                s += w.country_of_text + min(votes[e.country_code], w.max_votes) * w.per_vote
            if e.country_code == doc_cc and not dwarfed:
                s += w.text_country
            if e.admin1 and a1 in region_names and e.kind == KIND_CITY and a1 not in own_region:
                s += w.region_of_text
            if paren_regions:
                if e.admin1 and a1 in paren_regions:
                    s += w.paren_region
                elif any(cc == e.country_code for cc, _ in paren_regions):
                    s += w.paren_country
                else:
                    s += w.paren_elsewhere
            if others and e.kind == KIND_CITY:   # the nearer, the more
                d = min(km(e.lat, e.lon, a.lat, a.lon) for a in others)
                s += w.near_named_town * max(0.0, 1.0 - d / w.near_km)
            if paren_cities and e.kind == KIND_CITY:
                if min(km(e.lat, e.lon, c.lat, c.lon) for c in paren_cities) < w.paren_town_km:
                    s += w.paren_town_near
            scored.append((s, e, alt))
        _, e, alt = max(scored, key=lambda t: t[0])
        if e.kind == KIND_ADMIN1 and not alt:
            e, alt = _capital_named(text, sp, e, lang) or (e, alt)
        if owner and e.kind == KIND_CITY and (e.country_code, fold_key(e.admin1 or "")) not in \
                owner and any(cc == e.country_code for cc, _ in owner):
            continue   # "Jharkhand's Chhatarpur": not the Chhatarpur of another state
        if _acceptable(text, sp, e, alt, ctx, cvote, doc_cc, paren_regions, w) and not (
                paren_cities and e.kind == KIND_CITY and min(
                    km(e.lat, e.lon, c.lat, c.lon) for c in paren_cities) > w.paren_far_km):
            # ("Shahpur sector (Poonch district, J&K)": not the Shahpur of Karnataka, the only
            # one the gazetteer knows; the name is then placed by its brackets)
            chosen[idx] = (e, alt)
    _drop_lone_abroad(chosen, spans, ctx, doc_cc, w)
    if doc_cc and not (doc_cc in ctx.firm or ctx.region_votes.get(doc_cc) or any(
            c and c[0].country_code == doc_cc and c[0].kind != KIND_COUNTRY for c in chosen)):
        # only names the text does not keep spoke for it ("Trans" of Trans Mara), or it is named
        # only as who acted ("a U.S. drone strike ... in the village of X")
        doc_cc = None
    return chosen, doc_cc


def _biggest_abroad(cities: list[tuple[int, str]]) -> Callable[[str], int]:
    """The population of the biggest of the cities outside a given country (0: none), asked
    once per candidate: read from the two biggest countries' biggest cities, not by a pass
    over every namesake for each (a name with a hundred namesakes cost 10,000 steps)."""
    best: dict[str, int] = {}
    for p, cc in cities:
        if p > best.get(cc, -1):
            best[cc] = p
    top = sorted(((p, cc) for cc, p in best.items()), reverse=True)[:2]

    def abroad(country: str) -> int:
        return next((p for p, cc in top if cc != country), 0)
    return abroad


def _regional_centre(e: Entry) -> bool:
    """Whether a town is the biggest of its first-level region (the region's point): a city
    known as such, as Lebanon's Tripoli is, beside Libya's."""
    region = gazetteer.get().admin1_of(e.country_code, e.admin1) if e.admin1 else None
    return region is not None and (region.lat, region.lon) == (e.lat, e.lon)


def _capital_named(text: str, sp: Span, region: Entry, lang: PlaceWords
                   ) -> tuple[Entry, bool] | None:
    """The town a region is named after, when the name is not given as the region's ("in
    Maputo", "à Tombouctou" is the town; "Maputo province", "la région de Tombouctou" the
    region)."""
    gword = generic_word(text, sp, lang)
    before = sp.before or Before.at(text, sp.start, lang)
    if admin_units.is_region_word(gword) or gword == "province" or (
            before.place_of() and len(before.words) > 1 and (
                admin_units.is_region_word(before.words[-2])
                or before.words[-2] in lang.admin1_keys or before.words[-2] in lang.unit_keys)):
        return None
    # (its capital, by its name or another: "Tombouctou" is Timbuktu's French name)
    towns = [(e, alt) for e, alt in sp.cands if e.kind == KIND_CITY and e.country_code ==
             region.country_code and km(e.lat, e.lon, region.lat, region.lon) < CAPITAL_KM]
    return max(towns, key=lambda t: t[0].population) if towns else None


CAPITAL_KM = 60   # a region's point is its biggest town: its capital lies this close


def _drop_lone_abroad(chosen: list[tuple[Entry, bool] | None], spans: list[Span], ctx: Context,
                      doc_cc: str | None, w: Weights) -> None:
    """A town or region abroad needs positive evidence: "Raya" beside "Garissa" is not a
    namesake in India when nothing in the text names India, an Indian or another Indian place
    while another place is in the text's country ("Kurdistan" beside Erbil, Iraq: not Iran's).
    A city abroad stays when it is big and its name has no namesake in the text's country."""
    if doc_cc is None or not (ctx.votes.get(doc_cc) or ctx.region_votes.get(doc_cc)):
        return   # (the text's country itself needs evidence beyond its towns)
    by_cc: dict[str, set[int]] = defaultdict(set)   # country -> towns and regions in it
    for i, c in enumerate(chosen):
        if c is not None and c[0].kind != KIND_COUNTRY:
            by_cc[c[0].country_code].add(i)
    for i, c in enumerate(chosen):
        if c is None or spans[i].paren_of is not None:
            continue
        e = c[0]
        if (e.country_code != doc_cc and e.kind != KIND_COUNTRY
                and not ctx.votes.get(e.country_code)
                and (e.kind == KIND_ADMIN1 or e.population < w.town
                     or any(o.country_code == doc_cc for o, _ in spans[i].cands))
                and by_cc[e.country_code] == {i} and by_cc[doc_cc] - {i}):
            chosen[i] = None


def _acceptable(text: str, sp: Span, e: Entry, alt: bool, ctx: Context,
                cvote: dict[str, float], doc_cc: str | None,
                paren_regions: set[tuple[str, str]], w: Weights) -> bool:
    """Whether the best place for a name has the support it needs: a small place a cue or
    the text's country; a place abroad positive evidence for that country."""
    votes, region_names = ctx.votes, ctx.regions
    in_named_region = (e.country_code, fold_key(e.admin1 or "")) in region_names
    supported = (sp.cue or e.kind != KIND_CITY or e.population >= w.small_town
                 or votes.get(e.country_code)
                 or (e.country_code == doc_cc and cvote[doc_cc] >= w.confident_country)
                 or in_named_region)
    if not supported or e.kind != KIND_CITY:
        return bool(supported)
    if sp.run_end is not None and (alt or e.country_code != doc_cc):
        return False   # the first word of a longer name, abroad or by another of its names
    if (e.population < w.small_town and not sp.paren_parts and not in_named_region
            and any(cc == e.country_code for cc, _ in ctx.reported)):
        return False   # a village of another region than those the mission reports from: a
        #                namesake of one the gazetteer lacks ("the OSCE SMM ... near Sokilnyky")
    if (doc_cc and e.country_code != doc_cc and not votes.get(e.country_code)
            and ((e.population < w.town and cvote[doc_cc] >= w.confident_country)
                 or (alt and cvote[doc_cc] - 2 * votes.get(doc_cc, 0.0) >= w.alt_margin))):
        return False   # abroad, while the text plainly is at home
    if (ctx.region_votes and not sp.cue and e.population < w.big_city
            and not votes.get(e.country_code) and not ctx.region_votes.get(e.country_code)):
        return False   # the text names regions, none of this place's country, nor the country
    if (votes and e.country_code not in votes and (alt or e.population < w.town)
            and _far_from(e, votes, w)):
        return False   # a namesake far from every country the text names
    if e.population < w.big_city and _in_other_countrys_region(text, sp, e, region_names):
        # "the town of Kani in Sagaing region": not the Kani of another country (a city this
        # big is itself, and the region is a namesake: "Erbil in the Kurdistan region")
        return False
    if paren_regions and (e.country_code, fold_key(e.admin1 or "")) not in paren_regions:
        same_cc = any(cc == e.country_code for cc, _ in paren_regions)
        named_again = any(fold_key(p) == fold_key(e.name) or fold_key(p) == fold_key(
            text[sp.start:sp.end]) for p in (sp.paren_parts or []))
        if not (same_cc and (e.population >= w.small_town or named_again)):
            return False   # same name elsewhere: the text's place is not this one
    return True


_OWNER_GAP = re.compile(r"['\u2019]s\s+$")


def _owner_regions(text: str, owner: Span, sp: Span) -> set[tuple[str, str]]:
    """The first-level regions a possessive right before a name may be ("Jharkhand's X"): the
    name is a place in one of them."""
    if not _OWNER_GAP.fullmatch(text, owner.end, sp.start):
        return set()
    return {(e.country_code, fold_key(e.name)) for e, alt in owner.cands
            if e.kind == KIND_ADMIN1 and not alt}


_IN_REGION_AFTER = re.compile(r"\s+in\s+(?:the\s+)?([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+)?)\s+"
                              + admin_units.alternation(admin_units.REGIONS) + r"\b")


def _in_other_countrys_region(text: str, sp: Span, e: Entry,
                              region_names: set[tuple[str, str]]) -> bool:
    """The name is placed in a region the text names, and that region is another country's."""
    m = _IN_REGION_AFTER.match(text, sp.end, sp.end + 60)
    if not m:
        return False
    name = fold_key(m.group(1))
    ccs = {cc for cc, n in region_names if n == name or n.startswith(name + " ")}
    return bool(ccs) and e.country_code not in ccs
