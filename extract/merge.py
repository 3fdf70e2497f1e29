"""Cross-source event merging, the pure part: one report against candidate events.

A report is one incident as one article tells it. An event is the summary of all its
reports, recomputed from them (`summarise`), so folding is order-independent enough that a
re-run, a reprocess or a late report gives the same event. `score` says how well a report
fits an event. Extraction is noisy (a region read in the wrong country, a mob attack typed
as a riot, a follow-up dated by its funerals, the hospital town as the place), so few
disagreements are hard limits; most are conflicts that the words the reports share (names
of places, groups and weapons, weighed by how rare they are in English) may overrule. Then
a weighted agreement of type, date, place, words and actors. The thresholds and weights
live in one frozen `MergeRules`. No Elasticsearch here: `newswatch events` runs this over a
batch, `ingest/event_store.py` over candidates found in the events index.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from wordfreq import zipf_frequency

from extract import dates as date_words

# ACLED's six types in three families: reports of one event often disagree on the type
# within a family (an attack on a checkpost: battle or violence against civilians?), rarely
# across families.
FAMILIES = {
    "Battles": "political_violence",
    "Explosions/Remote violence": "political_violence",
    "Violence against civilians": "political_violence",
    "Protests": "demonstrations",
    "Riots": "demonstrations",
    "Strategic developments": "strategic_developments",
}


@dataclass(frozen=True)
class MergeRules:
    """Every threshold of the merger in one place (days, kilometres, weights, scores)."""

    # dates: how far apart a report and an event may be, by the coarser precision of the two
    day_window: int = 2      # "late on Sunday" vs "overnight to Monday", slipped relative dates
    week_window: int = 7
    month_window: int = 31
    day_gap_fit: float = 0.5  # date agreement per day apart when both dates are to the day
    # places: distance at which two places still agree fully, by geo_precision (ACLED's 1-3)
    town_km: float = 10.0    # precision 1: the town itself
    district_km: float = 25.0  # precision 2: near a town / its district
    # beyond `far_factor` x that tolerance two places at precision <= 2 disagree (a conflict)
    far_factor: float = 2.0
    max_conflict_km: float = 100.0  # two towns this far apart are two places, whatever else
    # types: agreement of two reports typed differently
    other_sub_type_fit: float = 0.7  # same type, another sub-type
    other_type_fit: float = 0.5  # another type of political violence (battle vs attack)
    protest_riot_fit: float = 0.3  # one gathering told two ways, or two crowds
    riot_violence_fit: float = 0.2  # mob violence told as an attack: a conflict
    # a follow-up (funerals, a rising toll) may be dated by its own day: a conflict
    follow_up_days: int = 5
    # a date read from a bare weekday ("on Monday") is that weekday's latest day on or before
    # publication; a weekday name that does not match the calendar (a wrong-day report, a
    # time zone) puts the day anywhere in the week up to publication: the date agrees this
    # much inside that week (words must corroborate it), fully only on the day itself
    weekday_span: int = 6
    weekday_fit: float = 0.7
    # conflicts (place, type family, follow-up date) one report may have with an event, and
    # the share of telling words the two must have in common to overrule them
    max_conflicts: int = 1
    corroboration: float = 0.3
    named_actor_bonus: float = 0.1  # a named group both tell of counts as this much words
    # a report whose date agrees only within its weekday's span and which tells the same toll
    # of the same type and sub-type as a report of the event, at a place that agrees fully,
    # counts as this much words (two attacks in one place a few days apart tell other tolls)
    same_toll_bonus: float = 0.1
    min_words: float = 0.18  # below this share of telling words no pair joins
    copy_words: float = 0.8  # a copy's incident is the original's that shares this much
    words_of_closest: int = 2  # the event's reports a report's words are compared with
    # weights of the agreement terms (sum 1)
    w_type: float = 0.15
    w_date: float = 0.25
    w_place: float = 0.15
    w_words: float = 0.35
    w_actors: float = 0.1
    # a report joins the best event at or above this score, else it opens a new one
    join_score: float = 0.5
    max_event_words: int = 400  # words kept per event (the most used)


DEFAULT_RULES = MergeRules()

# ---------------------------------------------------------------- reports


_WORD = re.compile(r"[^\W\d_][\w'\-]*", re.UNICODE)
_STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our out over own same she should
so some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your
said says say told according officials official reported report reports news agency
monday tuesday wednesday thursday friday saturday sunday today yesterday tonight morning
afternoon evening night overnight midday week weekend month year years day days hours
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
_POSSESSIVE = re.compile(r"'s$")
# word weights on wordfreq's Zipf scale (log10 of uses per billion words)
COMMON_ZIPF = 6.5  # a word this common ("the", "two") tells nothing
RARE_ZIPF = 3.0  # rarer than this: a name, compared by its spelling key
RARE_FLOOR_ZIPF = 1.0  # the weight a spelling key gets (as a word used once per 100M)
SKELETON_MIN_LETTERS = 5  # shorter words collide as skeletons (Bannu/Beni)
EVIDENCE_CHARS = 400  # of each report's sentence(s), kept for full-text search of events
MAX_REPORT_WORDS = 60  # the most telling words kept per report
_GENERIC_ACTORS = re.compile(r"^(?:Civilians|Unidentified|Protesters|Rioters)\b")
_STATE_FORCES = re.compile(r"^(?:Military|Police) Forces of\b")


def words_of(text: str | None) -> dict[str, float]:
    """The report's telling words with weights: folded to ASCII lower case, function words,
    days and months dropped (the calendar is compared as dates, not words). A word weighs
    what it tells: the rarer in English, the more (`word_weight`); a rare word is kept as its
    spelling key, so Maiduguri/Maidugiri or Eringeti/Erengeti are one word."""
    weights: dict[str, float] = {}
    if not text:
        return weights
    for match in _WORD.finditer(text):
        for key in _keys_of(match.group()):
            weights[key] = word_weight(key)
    return weights


@lru_cache(maxsize=200_000)  # a word as written -> its keys (news repeats its words)
def _keys_of(raw: str) -> tuple[str, ...]:
    return tuple(key for part in _parts(_fold(raw)) if (key := word_key(part)))


def rare_words(text: str | None, limit: int = 8) -> list[str]:
    """The text's rarest words as written (folded), the names mostly: what a full-text search
    for other reports of the same event looks for."""
    found: dict[str, float] = {}
    for match in _WORD.finditer(text or ""):
        word = _POSSESSIVE.sub("", _fold(match.group())).strip("'-")
        key = word_key(word)
        if key and key.startswith("~"):
            found.setdefault(word, _zipf(word))
    return sorted(found, key=lambda w: (found[w], w))[:limit]


def _parts(word: str) -> list[str]:
    """A folded word without its possessive, and a hyphenated word's parts ("al-fashir")."""
    word = _POSSESSIVE.sub("", word).strip("'-")
    parts = [p for p in word.split("-") if p]
    return [word, *parts] if len(parts) > 1 else [word]


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str | None:
    """The key a word is compared by: itself, or for a rare word (a name, mostly) its
    consonant skeleton after the first letter, which transliterations share
    (Kharkiv/Kharkov -> ~khrkv); None for a word that tells nothing."""
    if len(word) < 3 or word in _STOP:
        return None
    if len(word) >= SKELETON_MIN_LETTERS and _zipf(word) < RARE_ZIPF:
        skeleton = word[0] + re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouy'h]", "", word[1:]))
        return "~" + skeleton
    return word


@lru_cache(maxsize=200_000)
def word_weight(key: str) -> float:
    """How much sharing this word says two reports tell one event: its information in
    English (wordfreq's Zipf scale: 'police' ~5.3 weighs little, 'Tajori' unknown weighs most)."""
    if key.startswith("~"):
        return COMMON_ZIPF - RARE_FLOOR_ZIPF
    return max(0.0, COMMON_ZIPF - _zipf(key))


def _names_place(location: Any, words: Mapping[str, float]) -> bool | None:
    """Whether the report's sentences name its place (None: no place or no sentences)."""
    if not location or not words:
        return None
    keys = {key for m in _WORD.finditer(str(location)) for key in _keys_of(m.group())}
    return bool(keys & words.keys()) if keys else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _zipf(word: str) -> float:
    return float(zipf_frequency(word, "en"))


def report_of(incident: Mapping[str, Any], *, incident_id: str, article_id: str,
              source: str | None = None, published: str | None = None,
              duplicate_of: str | None = None) -> dict[str, Any]:
    """One incident as the merger keeps it inside an event (plain data, JSON-ready)."""
    words = words_of(incident.get("evidence"))
    return {
        "incident_id": incident_id, "article_id": article_id,
        "source": source or None, "published": published or None,
        "duplicate_of": duplicate_of or None,
        **{key: incident.get(key) for key in (
            "event_type", "sub_event_type", "date", "date_precision", "country_code",
            "country", "admin1", "location", "lat", "lon", "geo_precision", "fatalities",
            "fatalities_reported", "injured", "confidence")},
        "actors": list(incident.get("actors") or []),
        "evidence": str(incident.get("evidence") or "")[:EVIDENCE_CHARS] or None,
        "words": sorted(words, key=lambda w: (-words[w], w))[:MAX_REPORT_WORDS],
        "place_named": _names_place(incident.get("location"), words),
        "date_from_weekday": dated_by_weekday(incident, published),
    }


def dated_by_weekday(incident: Mapping[str, Any], published: str | None) -> bool:
    """Whether the incident's date is a bare weekday's ("on Monday") resolved against the
    publication day, not a day the sentences state (a calendar date, "yesterday"): then the
    day is only as sure as the weekday name is right, and the merge allows the whole week.
    Extraction says so (`date_from_weekday`); an incident without it (one read back from the
    index, which does not keep it) has its sentences read in its language ("dimanche soir"
    is a weekday too)."""
    told = incident.get("date_from_weekday")
    if isinstance(told, bool):
        return told
    day, pub = day_of(incident.get("date")), date_words.to_date(published)
    if day is None or pub is None or incident.get("date_precision") not in (None, "day"):
        return False
    kinds = {m.kind for m in date_words.find(str(incident.get("evidence") or ""), pub,
                                             incident.get("language"))
             if m.value == day}
    return kinds == {"weekday"}


# ---------------------------------------------------------------- events


def event_id_for(report: Mapping[str, Any]) -> str:
    """An event's id: a hash of the incident that opened it, so a re-run opens the same id."""
    return "ev-" + hashlib.sha256(str(report["incident_id"]).encode()).hexdigest()[:24]


def report_key(report: Mapping[str, Any]) -> tuple[str, str]:
    """The order reports arrive in (publication time, then id): the first one seeds the event."""
    return (str(report.get("published") or ""), str(report.get("incident_id")))


def summarise(reports: Sequence[Mapping[str, Any]], *,
              event_id: str | None = None) -> dict[str, Any]:
    """The event told by these reports (one document of the events index)."""
    ordered = sorted(reports, key=report_key)
    seed = ordered[0]
    votes: dict[Any, float] = {}
    subs: dict[tuple[Any, Any], float] = {}
    for r in ordered:
        weight = 1.0 + float(r.get("confidence") or 0)
        votes[r.get("event_type")] = votes.get(r.get("event_type"), 0.0) + weight
        key = (r.get("event_type"), r.get("sub_event_type"))
        subs[key] = subs.get(key, 0.0) + weight
    event_type = max(votes, key=lambda t: (votes[t], -_first_index(ordered, "event_type", t)))
    sub_type = max((s for s in subs if s[0] == event_type), key=lambda s: subs[s])[1]
    dates = [r["date"] for r in ordered if r.get("date")]
    day_dates = [r["date"] for r in ordered if r.get("date") and
                 r.get("date_precision") in (None, "day")] or dates
    # the town most reports agree on, the most precise among equals: one outlet naming the
    # hospital the wounded were taken to does not move the event
    support = _place_support(ordered)
    place = min(ordered, key=lambda r: (_precision(r) > 2, -support.get(_place_key(r), 0),
                                        r.get("place_named") is False, _precision(r),
                                        report_key(r)))
    # a report that told no toll (fatalities 0 by ACLED's convention) gives no toll
    tolls = [{"fatalities": r["fatalities"], "article_id": r["article_id"],
              "incident_id": r["incident_id"], "published": r.get("published")}
             for r in ordered if isinstance(r.get("fatalities"), int)
             and r.get("fatalities_reported") is not False]
    originals = [r for r in ordered if not r.get("duplicate_of")]
    # a copy's outlet counts only when the event has no report of the original
    sources = sorted({_source(r) for r in originals or ordered})
    words: Counter[str] = Counter()
    for r in ordered:
        words.update(r.get("words") or [])
    geo = ({"lat": place["lat"], "lon": place["lon"]}
           if isinstance(place.get("lat"), int | float) and isinstance(place.get("lon"),
                                                                      int | float) else None)
    return {
        "event_id": event_id or event_id_for(seed),
        "date": _mode_date(day_dates) if day_dates else None,
        "date_start": min(dates) if dates else None,
        "date_end": max(dates) if dates else None,
        "event_type": event_type,
        "sub_event_type": sub_type,
        "country_code": place.get("country_code") or seed.get("country_code"),
        "country": place.get("country") or seed.get("country"),
        "admin1": place.get("admin1") or next(
            (r["admin1"] for r in ordered if r.get("admin1")), None),
        "location": place.get("location"),
        "geo": geo,
        "geo_precision": place.get("geo_precision"),
        "actors": _union(r.get("actors") or [] for r in ordered),
        "fatalities": max((t["fatalities"] for t in tolls), default=0),
        "injured": max((r["injured"] for r in ordered if isinstance(r.get("injured"), int)),
                       default=0),
        "tolls": tolls,
        "report_count": len(ordered),
        "source_count": len(sources),
        "sources": sources,
        "first_reported": seed.get("published"),
        "last_updated": max((r.get("published") or "" for r in ordered), default="") or None,
        "incident_ids": [r["incident_id"] for r in ordered],
        "article_ids": list(dict.fromkeys(r["article_id"] for r in ordered)),
        "members": [{"article_id": r["article_id"], "incident_id": r["incident_id"]}
                    for r in ordered],
        "confidence": round(1 - math.prod(1 - min(0.99, float(r.get("confidence") or 0.5))
                                          for r in originals or ordered), 3),
        "evidence": list(dict.fromkeys(r["evidence"] for r in originals or ordered
                                       if r.get("evidence"))),
        "words": [w for w, _ in words.most_common(DEFAULT_RULES.max_event_words)],
        "reports": [dict(r) for r in ordered],
    }


def without(event: Mapping[str, Any], incident_ids: Iterable[str]) -> dict[str, Any] | None:
    """The event once these incidents left it (same id), or None when none is left."""
    gone = set(incident_ids)
    kept = [r for r in event.get("reports") or [] if r["incident_id"] not in gone]
    return summarise(kept, event_id=event["event_id"]) if kept else None


def fold(event: Mapping[str, Any] | None, report: Mapping[str, Any]) -> dict[str, Any]:
    """The event with this report added (a new event when `event` is None); idempotent."""
    if event is None:
        return summarise([report])
    kept = [r for r in event.get("reports") or [] if r["incident_id"] != report["incident_id"]]
    return summarise([*kept, report], event_id=event["event_id"])


def _first_index(reports: Sequence[Mapping[str, Any]], key: str, value: Any) -> int:
    return next(i for i, r in enumerate(reports) if r.get(key) == value)


def _place_support(reports: Sequence[Mapping[str, Any]]) -> dict[tuple, int]:
    """Per place of a town- or district-level report, how many such reports put the event
    there (the same name, or within `district_km`, so spelling variants agree). Compared
    place by place, not report by report: a big story has many reports, few places."""
    counts = Counter(_place_key(r) for r in reports if _precision(r) <= 2)
    support: dict[tuple, int] = {}
    for place in counts:
        here = {"lat": place[1], "lon": place[2]}
        support[place] = sum(n for other, n in counts.items() if other[0] == place[0] or (
            (km := _km(here, {"lat": other[1], "lon": other[2]})) is not None
            and km <= DEFAULT_RULES.district_km))
    return support


def _place_key(report: Mapping[str, Any]) -> tuple:
    return (report.get("location"), report.get("lat"), report.get("lon"))


def _precision(report: Mapping[str, Any]) -> int:
    """ACLED's geo_precision (4: none)."""
    p = report.get("geo_precision")
    return p if isinstance(p, int) else 4


def _mode_date(dates: Sequence[str]) -> str:
    counts = Counter(dates)
    return max(counts, key=lambda d: (counts[d], [-ord(c) for c in d]))


def _source(report: Mapping[str, Any]) -> str:
    return str(report.get("source") or report.get("article_id"))


def _union(lists: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(a for values in lists for a in values if a))


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Fit:
    """One term of the score: how well report and event agree on it (0..1). A `conflict` is
    a disagreement that extraction noise explains often enough (a region-level place in the
    wrong country, a riot told as an attack, a follow-up dated days later): shared telling
    words may overrule it. A `doubtful` agreement (dates a day apart, a protest vs a riot)
    holds only when the words corroborate it. `hard` rules the pair out whatever the words
    say."""

    value: float
    conflict: bool = False
    doubtful: bool = False
    hard: bool = False
    by_weekday: bool = False  # doubtful only as far as a date read from a weekday name is


RULED_OUT = Fit(0.0, hard=True)


def score(report: Mapping[str, Any], event: Mapping[str, Any],
          rules: MergeRules = DEFAULT_RULES) -> float:
    """How well the report fits the event, 0..1; 0 when a hard limit says they differ, or
    when they disagree on type, date or place and their words do not say otherwise."""
    # cheapest first: most candidates fail on the date
    date_fit = _date_fit(report, event, rules)
    if date_fit.hard:
        return 0.0
    type_fit = _type_fit(report, event, rules)
    if type_fit.hard:
        return 0.0
    place_fit = _place_fit(report, event, rules)
    if place_fit.hard:
        return 0.0
    fits = {"date": date_fit, "type": type_fit, "place": place_fit}
    words = _words_fit(report, event, rules)
    if words < rules.min_words and report.get("words") and _has_words(event):
        return 0.0  # two tellings of one event share some telling words
    conflicts = sum(f.conflict for f in fits.values())
    if conflicts > rules.max_conflicts:
        return 0.0
    if conflicts or any(f.doubtful for f in fits.values()):
        evidence = words + rules.named_actor_bonus * bool(
            _named_actors(report) & _named_actors(event))
        if date_fit.by_weekday and not conflicts and not type_fit.doubtful \
                and place_fit.value == 1.0 and _tells_same_toll(report, event):
            evidence += rules.same_toll_bonus
        if evidence < rules.corroboration:
            return 0.0
    # a corroborated conflict counts as much as the words that overrule it
    value = {name: words if f.conflict else f.value for name, f in fits.items()}
    total = (rules.w_type * value["type"] + rules.w_date * value["date"]
             + rules.w_place * value["place"] + rules.w_words * words
             + rules.w_actors * _actors_fit(report, event))
    return round(total, 4)


def best_event(report: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]],
               rules: MergeRules = DEFAULT_RULES) -> tuple[Mapping[str, Any] | None, float]:
    """The candidate the report joins (None: it opens a new event) and its score. An event
    that already holds another incident of the same article is no candidate: an article that
    tells two incidents tells two events (a roundup), not one twice; unless that incident is
    this one told again (`retold`)."""
    best, best_score = None, 0.0
    for event in candidates:
        if any(r["article_id"] == report["article_id"] and
               r["incident_id"] != report["incident_id"] and not retold(report, r, rules)
               for r in event.get("reports") or []):
            continue
        s = copy_score(report, event, rules) or score(report, event, rules)
        if s >= rules.join_score and (s > best_score or (
                s == best_score and best is not None and event["event_id"] < best["event_id"])):
            best, best_score = event, s
    return best, best_score


def retold(a: Mapping[str, Any], b: Mapping[str, Any],
           rules: MergeRules = DEFAULT_RULES) -> bool:
    """Whether two incidents of one article are one incident that extraction split: the
    article's bare weekday ("late on Sunday") and its other date words ("overnight") name
    different days (a wrong-day report, a text whose calendar moved), so the same attack comes
    out twice. Only when nothing else differs: type and sub-type, the place, the same toll
    told, and a date read from a weekday within that weekday's span of the other; two attacks
    on one town on two days differ in their tolls or their types."""
    toll = _told_toll(a)
    if toll is None or toll != _told_toll(b):
        return False
    if (a.get("event_type"), a.get("sub_event_type")) != (b.get("event_type"),
                                                           b.get("sub_event_type")):
        return False
    if not a.get("location") or a.get("location") != b.get("location"):
        return False
    if not (a.get("date_from_weekday") or b.get("date_from_weekday")):
        return False
    gap = _pair_gap(a, b, rules)
    return gap is not None and gap[0] == 0


def joinable_types(event_type: Any) -> list[str]:
    """The event types a report of this type may join (what `_type_fit` does not rule out):
    its family, and for political violence and riots each other."""
    family = FAMILIES.get(str(event_type))
    if family is None:
        return sorted(FAMILIES)
    types = {t for t, f in FAMILIES.items() if f == family}
    if event_type == "Riots" or family == "political_violence":
        types |= {t for t, f in FAMILIES.items() if f == "political_violence"} | {"Riots"}
    return sorted(types)


def copy_score(report: Mapping[str, Any], event: Mapping[str, Any],
               rules: MergeRules = DEFAULT_RULES) -> float:
    """1 when the report comes from a syndicated copy and the event holds the same incident
    of the original (the same sentences), whatever date or place extraction gave either:
    one text tells one event. 0 otherwise."""
    original = report.get("duplicate_of")
    if not original:
        return 0.0
    return 1.0 if any(r["article_id"] == original and
                      word_overlap(report, r, rules) >= rules.copy_words
                      for r in event.get("reports") or []) else 0.0


def _type_fit(report: Mapping[str, Any], event: Mapping[str, Any], rules: MergeRules) -> Fit:
    a, b = report.get("event_type"), event.get("event_type")
    if a == b:
        same_sub = report.get("sub_event_type") == event.get("sub_event_type")
        return Fit(1.0 if same_sub else rules.other_sub_type_fit)
    fa, fb = FAMILIES.get(str(a)), FAMILIES.get(str(b))
    if "strategic_developments" in (fa, fb):
        return RULED_OUT
    if fa == fb:
        # a protest and a riot: one gathering told two ways, or two crowds (the words decide)
        if fa == "demonstrations":
            return Fit(rules.protest_riot_fit, doubtful=True)
        return Fit(rules.other_type_fit)
    # a crowd's violence (mob violence, a riot) told by another outlet as an attack or a clash
    if "Riots" in (a, b) and "Protests" not in (a, b):
        return Fit(rules.riot_violence_fit, conflict=True)
    return RULED_OUT


def date_gap(report: Mapping[str, Any], event: Mapping[str, Any]) -> int | None:
    """Days between the report's date and the event's, or None when one is unknown."""
    a, b = day_of(report.get("date")), day_of(event.get("date"))
    if a is None or b is None:
        return None
    return abs((a - b).days)


def _date_fit(report: Mapping[str, Any], event: Mapping[str, Any], rules: MergeRules) -> Fit:
    gap = date_gap(report, event)
    if gap is None:
        return Fit(0.5)
    window = _window(report.get("date_precision"), event, rules)
    if window == rules.day_window and gap > 0:
        loose, unsure = _weekday_gap(report, event, rules) or (gap, False)
        if loose == 0 and unsure:
            return Fit(rules.weekday_fit, doubtful=True, by_weekday=True)
        gap = min(gap, loose)
    if window == rules.day_window and gap > 0 and not _toll_rises(report, event):
        return RULED_OUT  # a toll never falls: the later day with fewer dead is another event
    if gap <= window:
        if window == rules.day_window:  # two day-precise dates: a day apart is often another
            return Fit(rules.day_gap_fit ** gap, doubtful=gap > 0)
        return Fit(1.0 - gap / (window + 1))
    if window == rules.day_window and gap <= rules.follow_up_days:
        return Fit(0.0, conflict=True)
    return RULED_OUT


def _weekday_gap(report: Mapping[str, Any], event: Mapping[str, Any],
                 rules: MergeRules) -> tuple[int, bool] | None:
    """The days between the report's date and the event's allowing for a date read from a
    bare weekday, and whether they agree only as far as such a date is unsure; None when no
    date of either side came from a weekday name."""
    gaps = [g for r in event.get("reports") or []
            if r.get("date") == event.get("date") and (g := _pair_gap(report, r, rules))]
    return min(gaps, key=lambda g: (g[0], g[1])) if gaps else None


def _pair_gap(a: Mapping[str, Any], b: Mapping[str, Any],
              rules: MergeRules) -> tuple[int, bool] | None:
    """Two reports of one event name one weekday, or one names the weekday the other dates:
    two weekday dates published within a week agree modulo whole weeks (the same name read
    against two publication days); a weekday date agrees, unsurely, with any day of the week
    up to its publication."""
    wa, wb = bool(a.get("date_from_weekday")), bool(b.get("date_from_weekday"))
    da, db = day_of(a.get("date")), day_of(b.get("date"))
    pa, pb = day_of(a.get("published")), day_of(b.get("published"))
    if not (wa or wb) or None in (da, db, pa, pb):
        return None
    gap = abs((da - db).days)  # type: ignore[operator]
    if wa and wb:
        if abs((pa - pb).days) <= rules.weekday_span:  # type: ignore[operator]
            return (min(gap % 7, 7 - gap % 7), False)
        return (gap, False)
    (pub, _), (_, day) = ((pa, da), (pb, db)) if wa else ((pb, db), (pa, da))
    start = pub - timedelta(days=rules.weekday_span)  # type: ignore[operator]
    writer = a if wa else b
    last = local_day_at_most(writer.get("published"), writer.get("lon")) or pub
    apart = max(0, (start - day).days, (day - last).days)  # type: ignore[operator]
    return (apart, gap > 0 and apart == 0)


# how far a place's clock may run ahead of its sun (zones drawn wide: western China on
# Beijing time, Spain on Central European time, summer time), and the earliest zone of all
CLOCK_AHEAD_OF_SUN = timedelta(hours=2)
LATEST_UTC_OFFSET = timedelta(hours=14)


@lru_cache(maxsize=65_536)  # read per pair of reports scored
def local_day_at_most(published: Any, lon: Any = None) -> date | None:
    """The latest calendar day it can be where the report was written at its publication
    time. A time with its own offset is the day it says. A time in UTC (or with no offset)
    may already be the next day east of it: a report out at 23:10 UTC from Pakistan was
    written on the next day there and may call it "Tuesday". The report's longitude says how
    far east (its sun time, plus how far a clock may run ahead of it); with none, any zone.
    None when unreadable."""
    text = str(published or "")
    if len(text) <= 10:  # a day without a time
        return day_of(text)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return day_of(text)
    if when.utcoffset():  # the writer's own clock
        return when.date()
    ahead = LATEST_UTC_OFFSET
    if isinstance(lon, int | float) and -180 <= lon <= 180:
        ahead = min(ahead, timedelta(hours=lon / 15) + CLOCK_AHEAD_OF_SUN)
    return (when + ahead).date()


def _toll_rises(report: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether the later-dated side tells at least the toll of the earlier one (a follow-up
    dated by its funerals or its count, not by the attack), or one side tells none."""
    mine, theirs = _told_toll(report), _told_toll(event)
    if mine is None or theirs is None:
        return True
    later = str(report.get("date")) > str(event.get("date"))
    return mine >= theirs if later else mine <= theirs


def _tells_same_toll(report: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether one of the event's reports tells the report's toll (some dead) of the same
    type and sub-type."""
    toll = _told_toll(report)
    kind = (report.get("event_type"), report.get("sub_event_type"))
    return toll is not None and any(
        (r.get("event_type"), r.get("sub_event_type")) == kind and _told_toll(r) == toll
        for r in event.get("reports") or ())


def _told_toll(item: Mapping[str, Any]) -> int | None:
    if item.get("fatalities_reported") is False or not isinstance(item.get("fatalities"), int):
        return None
    return item["fatalities"] or None


def _window(precision: str | None, event: Mapping[str, Any], rules: MergeRules) -> int:
    precisions = {precision} | {r.get("date_precision") for r in event.get("reports") or []
                                if r.get("date") == event.get("date")}
    if "month" in precisions or "year" in precisions:
        return rules.month_window
    if "week" in precisions:
        return rules.week_window
    return rules.day_window


def _place_fit(report: Mapping[str, Any], event: Mapping[str, Any], rules: MergeRules) -> Fit:
    pa, pb = _precision(report), _event_precision(event)
    km = _km(report, event)
    # two places each named in its report's own sentences, to the town or district
    sure = sure_place(report) and any(sure_place(r) for r in event.get("reports") or [event])
    countries = {report.get("country_code"), event.get("country_code")} - {None, ""}
    if len(countries) > 1:  # a region-level place is the one geocoders get wrong
        return RULED_OUT if sure else Fit(0.0, conflict=True)
    if max(pa, pb) <= 2 and km is not None:
        tolerance = rules.town_km if max(pa, pb) == 1 else rules.district_km
        if km <= tolerance:
            return Fit(1.0)
        far = tolerance * rules.far_factor
        if km < far:
            return Fit(1.0 - (km - tolerance) / (far - tolerance))
        return RULED_OUT if sure and km > rules.max_conflict_km else Fit(0.0, conflict=True)
    # one side knows only the region or the country
    if report.get("admin1") and report.get("admin1") == event.get("admin1"):
        return Fit(0.7)
    if km is not None and km <= rules.district_km * rules.far_factor:
        return Fit(0.6)
    if report.get("admin1") and event.get("admin1"):
        if min(pa, pb) <= 2 and km is not None and km > rules.district_km * 4:
            return Fit(0.0, conflict=True)
        return Fit(0.2)
    return Fit(0.4)


def sure_place(report: Mapping[str, Any]) -> bool:
    """Whether the report's place is a town or district its own sentences name: one that
    rules out events elsewhere (other places may be the geocoder's or another paragraph's)."""
    return _precision(report) <= 2 and report.get("place_named") is not False


def _event_precision(event: Mapping[str, Any]) -> int:
    reports = event.get("reports") or []
    return min((_precision(r) for r in reports), default=_precision(event))


def _km(report: Mapping[str, Any], event: Mapping[str, Any]) -> float | None:
    lat1, lon1 = report.get("lat"), report.get("lon")
    geo = event.get("geo") or {}
    lat2, lon2 = geo.get("lat", event.get("lat")), geo.get("lon", event.get("lon"))
    points = (lat1, lon1, lat2, lon2)
    if not all(isinstance(v, int | float) for v in points):
        return None
    return haversine_km(*(float(v) for v in points))  # type: ignore[arg-type]


EARTH_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def box_around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(north, west, south, east) in degrees of the smallest box holding every point within
    `km` of (lat, lon) by `haversine_km`, a thousandth wider for rounding. A box is a cheaper
    search than a circle; west > east when it crosses the antimeridian, and a circle around
    a pole spans every longitude."""
    arc = km * 1.001 / EARTH_KM  # radians of the great circle
    north, south = lat + math.degrees(arc), lat - math.degrees(arc)
    if north >= 90 or south <= -90:
        return min(north, 90.0), -180.0, max(south, -90.0), 180.0
    # the circle's widest longitudes (the pole is outside it, so the ratio is below 1)
    spread = math.degrees(math.asin(min(1.0, math.sin(arc) / math.cos(math.radians(lat)))))
    west, east = lon - spread, lon + spread
    return (north, west + 360 if west < -180 else west, south,
            east - 360 if east > 180 else east)


def _words_fit(report: Mapping[str, Any], event: Mapping[str, Any], rules: MergeRules) -> float:
    """How much of the telling words the report shares with the event's reports (weighted by
    what each word tells): the mean over its closest `words_of_closest` reports, so one
    report that tells two events (a roundup) does not pull in the other event's reports."""
    mine = set(report.get("words") or [])
    mine_weight = _weight(mine)  # once per report, not once per report of the event
    overlaps = sorted((_overlap(mine, mine_weight, set(other.get("words") or []))
                       for other in event.get("reports") or [event]), reverse=True)
    closest = overlaps[:rules.words_of_closest]
    return sum(closest) / len(closest)


def _has_words(event: Mapping[str, Any]) -> bool:
    return any(r.get("words") for r in event.get("reports") or [event])


def word_overlap(a: Mapping[str, Any], b: Mapping[str, Any],
                 rules: MergeRules = DEFAULT_RULES) -> float:
    """Share of the telling words (by weight) two reports have in common, over the report
    that tells less, so a short report is not penalised."""
    wa = set(a.get("words") or [])
    return _overlap(wa, _weight(wa), set(b.get("words") or []))


def _overlap(wa: set[str], weight_a: float, wb: set[str]) -> float:
    if not wa or not wb:
        return 0.0
    smaller = min(weight_a, _weight(wb))
    return _weight(wa & wb) / smaller if smaller else 0.0


def _weight(words: Iterable[str]) -> float:
    return sum(word_weight(w) for w in words)


def _named_actors(item: Mapping[str, Any]) -> set[str]:
    """The actors that tell one event from another of the same place: named groups, not
    civilians, crowds or a state's army and police."""
    return {a for a in item.get("actors") or []
            if not _GENERIC_ACTORS.match(a) and not _STATE_FORCES.match(a)}


def _actors_fit(report: Mapping[str, Any], event: Mapping[str, Any]) -> float:
    a = {x for x in report.get("actors") or [] if not _GENERIC_ACTORS.match(x)}
    b = {x for x in event.get("actors") or [] if not _GENERIC_ACTORS.match(x)}
    if not a or not b:
        return 0.5
    return len(a & b) / len(a | b)


def day_of(value: Any) -> date | None:
    """The day of a date or an ISO string ("2025-03-02T..." too); None when there is none."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        return _iso_day(value[:10])
    return None


@lru_cache(maxsize=65_536)  # every candidate's date is read once per report scored
def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def merge_batch(reports: Iterable[Mapping[str, Any]],
                rules: MergeRules = DEFAULT_RULES) -> list[dict[str, Any]]:
    """Reports in arrival order -> events, as the online merger would build them (every
    existing event is a candidate here; the events index narrows that to a window)."""
    events: dict[str, dict[str, Any]] = {}
    for report in sorted(reports, key=report_key):
        chosen, _ = best_event(report, events.values(), rules)
        event = fold(chosen, report)
        events[event["event_id"]] = event
    return sorted(events.values(), key=lambda e: (e.get("first_reported") or "", e["event_id"]))
