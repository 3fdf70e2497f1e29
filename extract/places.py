"""Place mentions in text, resolved to gazetteer places using the whole text as context.

The steps live in their own modules: place_candidates (the automaton's matches and the filters
that drop words, people and organisations), place_scoring (which place each name means, given
the whole text), unknown_places (places the gazetteer lacks, located by what is named beside
them); where.py picks an incident's place among the mentions."""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from extract import admin_units, gazetteer, place_words, unknown_places
from extract.gazetteer import KIND_COUNTRY, fold_key, fold_text
from extract.place_candidates import (
    AFTER,
    PAREN_NEAR,
    filter_spans,
    mark_parens,
    names_actor,
    raw_spans,
)
from extract.place_mention import PlaceMention, of_entry
from extract.place_scoring import resolve

__all__ = ["PlaceMention", "country_name", "country_of_demonym", "find_places", "load"]


def load() -> None:
    """Load the gazetteer now instead of on first use."""
    gazetteer.get()


def country_name(code: str) -> str | None:
    """ACLED-style English country name for an ISO 3166-1 alpha-2 code."""
    return gazetteer.get().country_names.get((code or "").upper())


def country_of_demonym(word: str) -> str | None:
    """ISO code for a nationality word ("Iraqi", "Syrians"), or None."""
    return gazetteer.get().demonyms.get(fold_key(word))


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


def _start(m: PlaceMention) -> int:
    return m.start


def find_places(text: str, language: str | None = None) -> list[PlaceMention]:
    """All place mentions in the text, resolved using the whole text as context, in text order.
    `language` (ISO 639-1, the article's) says which words name places: "à Gao", "cerca de
    Tibú", "Tchad" (English when None or without seeds/languages/<code>/places.yaml)."""
    if not text:
        return []
    lang = place_words.get(language)
    folded = fold_text(text)
    spans = filter_spans(text, raw_spans(text, folded, lang), lang)
    found = unknown_places.intro_matches(text, lang)   # once for both uses
    # a name the text introduces as a place is matched whole, not by a known word inside it
    intro = [(unknown_places.name_start(m), m.end(1))
             for how in unknown_places.INTRODUCED for m in found[how]]
    if intro:
        held = _inside_longer(intro)
        spans = [sp for sp in spans if not held(sp.start, sp.end)]
    mark_parens(text, spans)
    chosen, doc_cc = resolve(text, folded, spans, lang=lang)
    mentions = [of_entry(text, sp.start, sp.end, c[0], c[1], in_parens=sp.paren_of is not None,
                         run_end=sp.run_end, generic=sp.generic,
                         acting=c[0].kind == KIND_COUNTRY and sp.run_end is None
                         and names_actor(text, sp))
                for sp, c in zip(spans, chosen, strict=True) if c is not None]
    ccs = Counter(m.country_code for m in mentions if m.country_code and not m.acting)
    if ccs and doc_cc not in ccs:
        doc_cc = ccs.most_common(1)[0][0]
    if doc_cc is None and lang.english:   # ("in X LGA": Nigeria, whatever X is)
        doc_cc = admin_units.country_of_units(text)
    taken = [(m.start, m.end) for m in mentions]
    # a mention whose "(Y, Z)" failed to fit is re-reported from its region
    unknown = unknown_places.find(text, taken, doc_cc, list(mentions), found, lang)
    held_unknown = _inside_longer([(u.start, u.end + 1) for u in unknown]) if unknown else None
    unknown += [u for u in unknown_places.unresolved(text, spans, chosen, doc_cc, mentions, lang)
                if held_unknown is None or not held_unknown(u.start, u.end)]
    for u in unknown:   # its "(Y, Z)" only locates it
        pm = PAREN_NEAR.match(text[u.end:u.end + AFTER])
        if pm:   # (the known mentions are in text order: those in [lo, hi) are a slice)
            lo, hi = u.end + pm.start(1), u.end + pm.end(1)
            for k in range(bisect.bisect_left(mentions, lo, key=_start),
                           bisect.bisect_left(mentions, hi, key=_start)):
                mentions[k] = replace(mentions[k], in_parens=True)
    mentions += unknown
    mentions.sort(key=_start)
    if not any(m.kind in _PRECISE for m in mentions):
        # no town known nor introduced: a name where a place is expected, in the region or
        # country named ("in Leparua on the Isiolo-Laikipia border", "in Dandora")
        loose = unknown_places.last_resort(text, doc_cc, mentions, lang)
        if loose is not None:
            bisect.insort(mentions, loose, key=_start)
    return mentions


_PRECISE = ("city", "unknown", "admin2")
