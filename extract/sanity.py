"""Incident sanity: a candidate keeps only triggers in their conflict sense, places that are
places and counts that are plausible; what is dropped is counted by reason.

The extractor reads every sentence for event words; these checks read the whole article and
undo what a word alone cannot tell: "attack" in a cricket report, "Welcome" or "Herbert" at
the start of a sentence, "100,000" in an essay. Reasons are plain strings (`Dropped` values)
so a run can count them (`extract.incidents.extract_incidents(..., dropped=Counter())`).
"""

from __future__ import annotations

import re
import threading
from enum import StrEnum

import yaml

from extract import dates, lexicon, paths, place_words, vocab
from extract.gazetteer import fold_key, fold_text
from extract.mentions import Draft
from extract.phrases import PhraseMatcher
from extract.places import PlaceMention


class Dropped(StrEnum):
    """Why a candidate incident (or one of its parts) was dropped."""

    OTHER_FIELD = "other_field"            # sport, markets, tech...: no armed actor, no day
    NOT_AN_EVENT = "not_an_event"          # an accident, a disaster, a match: no ACLED type
    BACKGROUND = "background"              # an older event the article is not about
    NOT_A_PLACE = "not_a_place"            # a word, a person or a company taken for a town
    IMPLAUSIBLE_COUNT = "implausible_count"  # a toll of thousands without a toll's wording
    UNDATED = "undated"                    # no day of its own in a dated report: told in general


# An article is about another field when at least this many distinct words of one field
# (seeds/events/fields.yaml) are in it, and more than its distinct anchors (armed or security
# forces, crowds in the street, weapons of war).
FIELD_MIN_WORDS = 4
# A toll above this needs the words of a toll ("death toll", "killed 5,000 people") and a day.
MAX_PLAIN_TOLL = 1000
# Towns smaller than this are names of something else more often than not when named bare.
SMALL_TOWN = 100_000


_lock = threading.Lock()
_words: PhraseMatcher | None = None
_ANCHOR = "anchor"


def words() -> PhraseMatcher:
    """The words of each field (label = the field) and the anchors (label "anchor"), from
    seeds/events/fields.yaml, built once."""
    global _words
    if _words is None:
        with _lock:
            if _words is None:
                with (paths.seeds_dir() / "events" / "fields.yaml").open(encoding="utf-8") as fh:
                    doc = yaml.safe_load(fh)
                _words = PhraseMatcher([(w, f) for f, ws in doc["fields"].items() for w in ws]
                                       + [(w, _ANCHOR) for w in doc["anchors"]])
    return _words


def article_field(text: str, folded: str | None = None) -> str | None:
    """The field the article is about when it is not conflict news ("sports", "markets", ...),
    else None: the field whose distinct words are most numerous, if they outnumber the
    article's distinct words of armed or political actors."""
    folded = fold_text(text) if folded is None else folded
    found: dict[str, set[str]] = {}
    for h in words().find(text, folded):
        found.setdefault(h.label, set()).add(h.phrase)
    anchors = found.pop(_ANCHOR, set())
    if not found:
        return None
    field, mine = max(found.items(), key=lambda kv: len(kv[1]))
    return field if len(mine) >= FIELD_MIN_WORDS and len(mine) > len(anchors) else None


def told_as_event(d: Draft) -> bool:
    """In an article about another field, an incident is real when one of its sentences names
    an armed, political or crowd actor (or a named group) and it has a day of its own: what a
    business or sports story reports in passing is told like news."""
    own_day = d.date is not None and not d.inherited_date and d.date.precision == dates.DAY
    if not own_day:
        return False
    text, folded = d.text, d.folded
    return any(h.label == _ANCHOR and not _SOURCE_AFTER.match(text, h.end)
               for h in words().find(text, folded)) or \
        bool(vocab.get().actors.find(text, folded))


# "injuring four spectators, police said": the police told of it, they did nothing in it;
# "military spending", "police budget": money, not a force
_SOURCE_AFTER = re.compile(r"\s+(?:said|say|says|told|spokes\w+|reported|added|confirmed|"
                           r"statement|spending|budgets?|expenditure|contracts?|procurement|"
                           r"equipment|sales|aid)\b", re.I)


def plausible_count(killed: int | None, d: Draft) -> int | None:
    """The count, unless it is over MAX_PLAIN_TOLL without a day of its own or a toll's words:
    "100,000" in an essay is no death toll."""
    if killed is None or killed <= MAX_PLAIN_TOLL:
        return killed
    tolled = any(x.cas.toll for x in d.sents)
    dated = d.date is not None and not d.inherited_date and d.date.precision == dates.DAY
    return killed if tolled and dated else None


# ------------------------------------------------------------------------------ places

# never a place on its own, whatever a gazetteer holds
_NEVER = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday north south east west central "
    "northern southern eastern western muslims christians hindus jews sunnis shiites shias "
    "buddhists".split())
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|near|outside|from|of|to|into|across|around|toward|towards|between|through|"
    r"via|inside|on|hit|struck|shelled|attacked|bombed|raided|stormed|captured|besieged|"
    r"entered|reached|left|fled)\s+(?:the\s+)?(?:(?:[a-z]+|[A-Z][\w'\-]+)\s+){0,3}"
    r"|[A-Z][\w\-]+(?:'s|\u2019s)\s+(?:[a-z]+\s+){0,2})$")
_INTRODUCED_AFTER = re.compile(r"^\s*(?:\(|:|,\s*(?:the\s+)?[A-Z]|(?:town|city|village|district|"
                               r"province|region|state|county|area|camp|port)\b)")
_COMPANY_AFTER = re.compile(
    r"^(?:'s|\u2019s)?\s+(?:Inc|Corp|Corporation|Ltd|LLC|Plc|Motor|Motors|shares|stock|CEO|"
    r"chief executive|executives|spokes(?:man|woman|person)|employees|engineers|headquarters|"
    r"app|search|cloud|store|products|users|customers)\b")
# a lower-case word after a sentence's first word that no place name is followed by
_WORD_AFTER = re.compile(r"^\s+(?!(?:is|was|has|had|have|are|were|said|says|will|would|remains|"
                         r"remained|police|officials|residents|authorities|city|town|and|on|in)\b)"
                         r"[a-z]+\b")
_FIRST_NAME_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")
_POSSESSIVE_AFTER = re.compile(r"^(?:'s|\u2019s)\b")
_SPEAKS_AFTER = re.compile(r"^,?\s+(?:said|says|told|added|warned|announced|stated|wrote|"
                           r"insisted)\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"\u201c]\s+|\n\s*)$")
_NOT_FIRST_NAMES = frozenset(
    "the in at on of for and but to from by with as a an this that these those president "
    "minister governor mayor general colonel captain king queen prince sheikh saint st mount "
    "lake port fort new old upper lower greater little san santa sao al el".split())


def real_places(text: str, mentions: list[PlaceMention], language: str | None = None
                ) -> tuple[list[PlaceMention], int]:
    """The mentions that name places, and how many did not: a capitalised common word at the
    start of a sentence, a person's name ("Alex Garland's"), a company ("Ford said its
    shares") or a small town named bare, with no locative word before it (in the text's
    language: "à", "cerca de"), no region after it and no other place of its country in the
    article."""
    local = place_words.get(language).place_before if lexicon.get(language) else None
    locative = local or _LOCATIVE
    countries: dict[str, int] = {}
    for m in mentions:
        if m.country_code:
            countries[m.country_code] = countries.get(m.country_code, 0) + 1
    kept: list[PlaceMention] = []
    for m in mentions:
        if _not_a_place(text, m, countries, locative):
            continue
        kept.append(m)
    return kept, len(mentions) - len(kept)



def _not_a_place(text: str, m: PlaceMention, countries: dict[str, int],
                 locative: re.Pattern[str] = _LOCATIVE) -> bool:
    if fold_key(m.name) in _NEVER:
        return True
    if m.kind in ("country", "admin1") or m.in_parens:
        return False
    before = text[max(0, m.start - 60):m.start]
    after = text[m.end:m.end + 40]
    if _COMPANY_AFTER.match(after):
        return True
    first = _FIRST_NAME_BEFORE.search(before)
    if first and fold_key(first.group(1)) not in _NOT_FIRST_NAMES \
            and m.kind == "city" and (_POSSESSIVE_AFTER.match(after) or _SPEAKS_AFTER.match(after)):
        return True            # "Alex Garland's", "Lloyd Austin said": a person
    if m.kind != "city" or locative.search(before) or _INTRODUCED_AFTER.match(after):
        return False
    others = countries.get(m.country_code or "", 0) - 1
    if m.population >= SMALL_TOWN:   # "Rest assured, ...": a word, unless its country is named
        return others <= 0 and bool(_SENTENCE_START.search(before)) \
            and bool(_WORD_AFTER.match(after))
    return bool(_SENTENCE_START.search(before)) or others <= 0
