"""Event mentions sentence by sentence, and which of them tell of one incident."""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from extract import casualties, dates, events, lexicon, places, sentences, vocab
from extract.gazetteer import fold_text
from extract.phrases import Substrings
from extract.places import PlaceMention
from extract.reading import Reading

NEAR_KM = 3               # towns closer than this are one place (names differ in spelling)
# days after an event in which a sentence naming its town and pointing back at it ("buried the
# victims of the attack on Monday") tells its aftermath, not a new event
AFTERMATH_DAYS = 2
BACKGROUND_DAYS = 8        # older than this before publication = background, unless the lead
MIN_STRENGTH = 0.5         # weakest cue weight that starts an incident
# incidents looked back at for the one a sentence points back to: an article tells a handful,
# and a bound keeps a huge text linear (each sentence is compared with so many at most)
LOOKBACK = 50
# characters of an incident's opening read to tell its kind of event when a sentence says
# "separately" (told incidents run to 2,000; a bound keeps a huge incident linear)
KIND_CHARS = 5000


@dataclass
class Mention:
    """What one sentence says: event cues, dates, casualties, places."""

    s: sentences.Sentence
    cues: events.Cues
    dates: list[dates.DateMention]
    told: str                  # the sentence as read (a dateline blanked): its counts' text
    places: list[PlaceMention]
    why_not: events.NotEvent | None = None
    folded: str = ""
    lex: lexicon.Lexicon | None = None     # the words of the text's language (None: English)
    filed: tuple[dates.DateMention, ...] = ()   # its dateline's day: when the report was filed

    @functools.cached_property
    def cas(self) -> casualties.Casualties:
        """The counts the sentence tells, read on first use: grouping reads them only for
        the sentences it may join to an incident. The dead of an event named as the reason
        ("a response to an Israeli strike that killed one of its commanders") are not this
        one's."""
        counted = self.told
        if "respon" in counted or "retaliat" in counted or "reveng" in counted \
                or "aveng" in counted or " after " in counted:
            counted = _REASON_CLAUSE.sub(lambda m: " " * len(m.group(0)), counted)
        if " have " in counted or " has " in counted:
            counted = _TOLL_SO_FAR.sub(lambda m: " " * len(m.group(0)), counted)
        return casualties.find(counted, self.lex.code if self.lex is not None else None)

    def says(self, name: str, english: re.Pattern[str], text: str | None = None) -> bool:
        """Whether the sentence (or `text` of it) holds the pattern `name`: English's own, or
        the language's hint of that name (hints.yaml)."""
        return lexicon.hint(self.lex, name, english).search(
            self.s.text if text is None else text) is not None

    @functools.cached_property
    def points_back(self) -> bool:
        """A definite reference back to an event told before ("the rockets", "this attack")."""
        return self.says("anaphora", _ANAPHORA)

    @functools.cached_property
    def separate(self) -> bool:
        """It says it tells another event ("in a separate attack", "in retaliation")."""
        if self.lex is not None:
            return self.says("separate", _SEPARATE)
        return _SEPARATE_WORDS.may_match(self.s.text) and \
            _SEPARATE.search(self.s.text) is not None


@dataclass
class Draft:
    """Sentences that tell of one incident, and its date so far."""

    sents: list[Mention] = field(default_factory=list)
    date: dates.DateMention | None = None
    inherited_date: bool = False
    summary: bool = False     # a lead totalling the incidents told town by town after it
    _seen: int = field(default=0, init=False, repr=False, compare=False)
    _tags: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    _towns: list[PlaceMention] = field(default_factory=list, init=False, repr=False,
                                       compare=False)
    _places: _TownIndex = field(default_factory=lambda: _TownIndex(), init=False, repr=False,
                                compare=False)

    def _catch_up(self) -> None:
        """Fold in the sentences appended since last asked (sentences are only appended), so
        asking after every sentence does not rescan the whole draft."""
        n = self._seen
        if n > len(self.sents):   # (not appended to: start again)
            n, self._tags, self._towns, self._places = 0, frozenset(), [], _TownIndex()
        for x in self.sents[n:]:
            self._tags = self._tags | x.cues.tags
            for t in _towns(x):
                self._towns.append(t)
                self._places.add(t)
        self._seen = len(self.sents)

    def has_town(self, m: PlaceMention) -> bool:
        """Whether one of its towns is the same place as m (_same_place)."""
        self._catch_up()
        return self._places.holds(m)

    @property
    def tags(self) -> frozenset[str]:
        self._catch_up()
        return self._tags

    @property
    def towns(self) -> list[PlaceMention]:
        """The places of its sentences finer than a region, in text order (do not modify)."""
        self._catch_up()
        return self._towns

    @property
    def text(self) -> str:
        return " ".join(x.s.text for x in self.sents)

    @property
    def folded(self) -> str:
        return " ".join(x.folded for x in self.sents)

    def opening(self, limit: int) -> str:
        """Its text up to `limit` characters (all of it when shorter), joined only that far."""
        parts, size = [], -1
        for x in self.sents:
            parts.append(x.s.text)
            size += len(x.s.text) + 1
            if size >= limit:
                break
        return " ".join(parts)[:limit]


_COMMENTS = re.compile(   # one line on its own; [ \t] so blank-line runs are not rescanned
    r"^[ \t]*(?:\d+[ \t]+)?(?:comments?|responses?|readers?'?\u2019? comments|"
    r"leave a (?:comment|reply)|join the (?:discussion|conversation)|add (?:a|your) comment|"
    r"what do you think\??|comments are closed|show comments|view comments|"
    r"post a comment)[ \t]*(?:\(\d+\))?[ \t]*:?[ \t]*$", re.I | re.M)
_BOILERPLATE = re.compile(r"^(?:photo|file photo|image|video|read more|related|advertisement|"
                          r"share this|follow us|subscribe)\b", re.I)
_SEPARATE = re.compile(r"\b(?:retaliat\w*|in response|in a separate|separately|another "
                       r"(?:attack|incident|strike|clash)|meanwhile|elsewhere|in retaliation|"
                       r"follows? (?:a|an)\b|following (?:a|an)\b|earlier,|later,)", re.I)
# every match of _SEPARATE holds one of these
_SEPARATE_WORDS = Substrings([(w, "separate") for w in (
    "retaliat", "in response", "separate", "another", "meanwhile", "elsewhere", "follow",
    "earlier,", "later,")])
# ("the latest in a wave of attacks" puts one event in its background: not a round-up)
_ROUNDUP = re.compile(r"\b(?:across|throughout|nationwide|separate (?:attacks|incidents)|"
                      r"(?<!latest in )(?<!latest of )(?:a series of|a wave of)|"
                      r"several (?:attacks|incidents))\b", re.I)
# where the wounded were taken, not where it happened: "taken to hospitals in Makurdi"
CARE_PLACE = re.compile(r"\b(?:taken|rushed|evacuated|airlifted|transferred|admitted|brought)\s+"
                        r"(?:\w+\s+)?to\b[^.;]{0,50}$|\btreated (?:at|in)\b[^.;]{0,40}$", re.I)
# where people went from it, not where it happened: "soldiers pulled back towards Kinkala"
# (rockets fired towards a town are aimed at it: not these)
TOWARDS_PLACE = re.compile(r"\b(?:withdr[ae]w\w*|pull(?:ed|ing)? back|retreat\w*|fle[ed]\w*|"
                           r"escap\w+|head(?:ed|ing)|mov(?:ed|ing))\s+(?:\w+\s+){0,2}?"
                           r"(?:towards?|in the direction of)\s+(?:the\s+)?(?:[A-Za-z]+\s+)?"
                           r"(?:(?:town|city|village|area|district|province|region)\s+"
                           r"(?:of\s+)?)?$", re.I)
FROM_PLACE = re.compile(r"\bfrom\s+(?:the\s+)?(?:[A-Za-z]+\s+)?(?:(?:town|city|village|area|"
                         r"district|province|region)\s+(?:of\s+)?)?$", re.I)


_REASON_CLAUSE = re.compile(r"\b(?:(?:a |in )?response to|retaliation for|revenge for|avenge)\s+"
                            r"(?:an?|the|its|their)\s+[^.;]{0,80}?\b(?:that|which|who)\s+"
                            r"(?:had\s+)?(?:killed|wounded|injured)\b[^.;,]*|"
                            # "The attack came days after jihadists killed 20 civilians"
                            r"\b(?:came|comes|come)\s+(?:\w+\s+)?(?:days|weeks|hours|months|a day|"
                            r"a week|shortly|just|soon)\s+after\b[^.;]*|"
                            # "drones struck overnight, less than a day after a missile attack
                            # on the city killed seven": the earlier attack's dead
                            r"\b(?:a day|a week|an hour|hours|days|weeks|\w+ (?:hours|days|weeks))"
                            r"\s+after\s+(?:an?|the|its|their)\s+[^.;]{0,80}?\b"
                            r"(?:killed|wounded|injured)\b[^.;,]*", re.I)


# the toll of what has gone on for a while, in a relative clause: "months of unrest over the
# elections, in which at least 47 people have been killed" (English; the present perfect)
_TOLL_SO_FAR = re.compile(r"\b(?:in which|during which|that|which)\s+(?:[\w\-,]+\s+){0,5}?"
                          r"(?:has|have)\s+(?:so far\s+)?(?:been\s+)?(?:killed|died|wounded|"
                          r"injured|claimed|left)\b[^.;]*", re.I)


# a clause that dates this event by an earlier one: its place is that event's ("air strikes
# on Friday in western Iraq, a day after a drone attack on a base near Erbil")
_DATED_BY_OTHER = re.compile(
    r",\s*(?:(?:just|only|barely|less|more|than|about|nearly|almost|some)\s+){0,3}"
    r"(?:a|an|one|two|three|four|five|six|seven|a few|several|\d+|hours|days|weeks)\s+"
    r"(?:(?:hours?|days?|weeks?|months?)\s+)?after\s+(?:an?|the|its|their)\b[^.;,]*", re.I)


def _outside_other_events(told: str, start: int, own: list[PlaceMention]) -> list[PlaceMention]:
    """The sentence's places but those in a clause that dates it by another event."""
    spans = [(start + m.start(), start + m.end()) for m in _DATED_BY_OTHER.finditer(told)]
    return [p for p in own if not any(a <= p.start < b for a, b in spans)]


def body(text: str) -> str:
    """The article without the reader comments that may follow it."""
    m = _COMMENTS.search(text)
    return text[:m.start()] if m else text


# a wire dateline: where and when the report was filed, not where and when anything happened
# ("OUAGADOUGOU, March 10 (Reuters) -", "PORT SUDAN, Sudan (AP) —", "KINSHASA (AFP) -")
# (a country of several words may hold a small word: "GOMA, Democratic Republic of Congo,")
_DATELINE = re.compile(
    r"^[A-Z][A-Z'.\-/]+(?: [A-Z][A-Z'.\-/]+)*"
    r"(?:, [A-Z][\w.\-]+(?: (?:(?:of|and|the|de|del|du|da|al|el) )*[A-Z][\w.\-]+)*)?"
    r"(?:,? (?:Jan|Feb|March|Mar|April|Apr|May|June|Jun|July|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
    r"[a-z]*\.? \d{1,2}(?:, \d{4})?)?"
    r"(?: ?\([^()\n]{2,40}\))? ?[-\u2013\u2014]+ ?")


# the same in any language: a place in capitals, maybe a region and a day in the language's
# words, an agency in brackets, a dash ("N'DJAMENA, 8 février (Agence Sahel Presse) –",
# "CULIACÁN, Sin., 15 de enero (Agencia Noroeste) —")
_LOCAL_DATELINE = re.compile(r"^[^\W\d_a-z][^\W\da-z]*(?:[ '\u2019.\-/][^\W\d_a-z][^\W\da-z]*)*"
                             r"(?:,[^()\n\u2013\u2014]{1,40})?\s?\([^()\n]{2,60}\)\s?"
                             r"[-\u2013\u2014]+\s?")


def dateline_end(sentence: str, language: str | None = None) -> int:
    """Where a wire dateline at the start of a sentence ends (0 when there is none)."""
    if len(sentence) < 8 or not sentence[:2].isupper():
        return 0
    m = (_DATELINE if language in (None, "en") else _LOCAL_DATELINE).match(sentence)
    return m.end() if m else 0


def analyse(text: str, pub: date | None, reading: Reading | None = None,
            language: str | None = None) -> list[Mention]:
    """What each sentence says (boilerplate lines such as photo captions left out; a dateline
    names neither the event's place nor its date). `reading`: what relevance has already read
    of the text, used when it is a Reading of this text."""
    mentions = places.find_places(text, language)
    read = Reading.of(text, reading, language)
    lex = lexicon.get(language)
    folded = read.folded
    out: list[Mention] = []
    mi = 0
    anchor: date | None = None     # the day the story last named: "two days earlier" counts back
    for s in read.sentences:
        while mi < len(mentions) and mentions[mi].end <= s.start:
            mi += 1
        own = []
        j = mi
        while j < len(mentions) and mentions[j].start < s.end:    # (in text order)
            if mentions[j].start >= s.start and mentions[j].end <= s.end:
                own.append(mentions[j])
            j += 1
        if _BOILERPLATE.match(s.text) and len(s.text) < 80:
            continue
        f = folded[s.start:s.end]
        told = s.text
        cut = dateline_end(told, language)
        filed: tuple[dates.DateMention, ...] = ()
        if cut:
            filed = tuple(dates.find(told[:cut], pub, language))
            told = " " * cut + told[cut:]
            own = [m for m in own if m.start >= s.start + cut]
        cues, why = read.live_cues(told, f)
        ds = dates.find(told, pub, language)
        if ds and pub is not None:
            if anchor is not None:
                ds = [dates.from_anchor(d, pub, anchor) for d in ds]
            named = [d for d in ds if d.kind in ("weekday", "explicit", "partial")
                     and d.precision == dates.DAY and not d.since]
            anchor = named[0].value if named else anchor
        if " after " in told and own and lex is None:
            own = _outside_other_events(told, s.start, own)
        out.append(Mention(s, cues, ds, told, own, why, f, lex, filed))
    return out


_SAID_BEFORE = re.compile(r"\b(?:said|says|reported|told \w+|announced|stated|added|confirmed|"
                          r"reports|statement|claimed|published|released|issued)\s+(?:\w+\s+){0,3}?(?:on|late|early|last)?"
                          r"\s*$", re.I)


# a day followed by the verb of a reaction or a report: "The United Nations on Monday
# condemned the shelling", "police on Tuesday said"
_SAID_AFTER = re.compile(r"\s*(?:said|says|condemned|denounced|announced|confirmed|reported|"
                         r"told|warned|urged|called for|accused|blamed|deplored)\b", re.I)


# "suspended on Tuesday after a drone struck", "on Tuesday, a day after gunmen killed": the
# day of what followed the event; the days counted back, if told, date the event
_BEFORE_EVENT = re.compile(r"[\s,]*(?:(?P<det>after|following|as)\s+(?:an?|the|its|their)\b|"
                           r"(?:(?P<n>a|one|two|three|\d) days? )?(?:after|following)\s+"
                           r"(?!\d|midnight|noon|dawn|dusk|nightfall|sunset|sunrise|dark|"
                           r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\w)", re.I)
_COUNTED_BACK = {"a": 1, "one": 1, "two": 2, "three": 3}


def _outside_asides(text: str, ds: list[dates.DateMention]) -> list[dates.DateMention]:
    """The dates not inside brackets (no more "(" than ")" before them), the brackets counted
    once along the sentence rather than again from its start for each date."""
    out = []
    opened = closed = at = 0
    for d in ds:
        if d.start < at:     # (not in text order: count again from the start)
            opened = closed = at = 0
        opened += text.count("(", at, d.start)
        closed += text.count(")", at, d.start)
        at = d.start
        if opened <= closed:
            out.append(d)
    return out


_TO_COME = re.compile(r"\s*(?:next|the coming|this coming)\s+(?:year|month|week)\b", re.I)


def _own_date(x: Mention) -> dates.DateMention | None:
    """The sentence's date of its event: of several, the one nearest the first event cue."""
    # (a date of what is to come names no event: "set Feb. 12 next year as the date")
    live = [d for d in x.dates if not d.since and not _TO_COME.match(x.s.text, d.end)]
    named = [d for d in live if d.kind in ("explicit", "partial")]
    live = named or live       # "On 21 November, overnight": the named date wins
    text = x.s.text
    outside = _outside_asides(text, live)
    live = outside or live     # "Around 5 April (between 5 - 6 April)": the aside only hedges
    told = [d for d in live
            if not x.says("said_before", _SAID_BEFORE, text[max(0, d.start - 40):d.start])
            and not (x.lex is None and d.kind == "weekday" and _SAID_AFTER.match(text, d.end))]
    if live and not told and x.cues.tags and x.cues.tags <= _ANNOUNCED:
        told = live            # "the group announced on Saturday a blockade": the day it was
        #                        announced is the day of the change it announces
    if live and not told:
        return None            # "a resident told Reuters by phone on Saturday": a report date
    live = told                # "killed on Sunday, police said on Monday": Monday is the report
    named_day = [d for d in live if d.kind != "relative"]
    live = named_day or live   # "an overnight raid ... late on Friday": the weekday says which
    # (the first cue of a deed: "moved Saturday's match after a missile struck the stadium on
    # Tuesday" is dated by the missile's day, not the match's)
    weight = vocab.get(x.lex.code if x.lex is not None else None).tag_weight
    cue = next((h for h in x.cues.hits if weight.get(h.label, 0.0) > 0),
               x.cues.hits[0] if x.cues.hits else None)
    if live and cue is not None:
        live = _of_the_event(text, live, cue.start)
        if not live:
            return None
    if len(live) <= 1 or cue is None:
        return live[0] if live else None
    return min(live, key=lambda d: min(abs(d.start - cue.end), abs(cue.start - d.end)))


def _of_the_event(text: str, live: list[dates.DateMention], cue: int
                  ) -> list[dates.DateMention]:
    """The dates that can be the event's: not a day told before the event's cue as the day of
    what followed it ("shares fell on Tuesday after gunmen attacked a convoy on Sunday": Sunday;
    "flights were suspended on Tuesday after a drone struck": none). A day counted back from it
    dates the event: "on Tuesday, a day after police fired tear gas" is the Monday; with no
    other day, a day told before "after the ..." dates nothing."""
    followed = {}
    for d in live:
        m = _BEFORE_EVENT.match(text, d.end) if d.end <= cue and d.kind in (
            "weekday", "relative") else None
        if m and m.end() <= cue + 1:
            followed[d] = m
    if not followed:
        return live
    rest = [d for d in live if d not in followed]
    if rest:
        return rest
    counted = [(d, m.group("n").lower()) for d, m in followed.items() if m.group("n")]
    if counted:
        return [dates.DateMention(d.start, d.end,
                                  d.value - timedelta(days=int(_COUNTED_BACK.get(n, n))),
                                  d.precision, d.kind, d.since) for d, n in counted]
    # (with no other day: "abandoned on Monday night after fans fought" is that night)
    return [] if all(m.group("det") for m in followed.values()) else live


_TALLY = re.compile(r"\b(?:so far )?this year\b|"
                    r"\bsince (?:then|the (?:start|beginning|outbreak)\b|(?:the |it |fighting |"
                    r"violence |hostilities )?(?:\w+ )?(?:began|started|erupted|broke out)\b)",
                    re.I)
# every match of _TALLY holds one of these
_TALLY_WORDS = Substrings([("this year", "tally"), ("since ", "tally")])


def _tally(text: str) -> bool:
    """A running total ("killed so far this year", "since the war began"): _TALLY, read only
    where one of its words is."""
    return _TALLY_WORDS.may_match(text) and _TALLY.search(text) is not None


# strategic developments that are made by announcing them
_ANNOUNCED = frozenset({"change_group", "agreement", "headquarters", "transfer"})


def _is_background_only(x: Mention) -> bool:
    return bool(x.dates) and all(d.since for d in x.dates)


# a definite reference back to the event told before: "the rockets were fired towards ..."
_ANAPHORA = re.compile(
    r"\b(?:the|this|that|these|those)\s+(?:\w+\s+){0,2}?"
    r"(?:attacks?|blasts?|explosions?|bombings?|incidents?|clash(?:es)?|fighting|strikes?|"
    r"airstrikes?|shootings?|raids?|assaults?|protests?|demonstrations?|violence|ambush|"
    r"killings?|unrest|rockets?|missiles?|shells?|bombs?|device|attackers|gunmen|assailants|"
    r"protesters|demonstrators|rioters|victims?)\b", re.I)
_PRECISE = ("city", "unknown", "admin2")
_TOWN_OF = re.compile(r"\b(?:city|town|village|port)\s+of\s+$", re.I)


def _towns(x: Mention) -> list[PlaceMention]:
    """Places of the sentence finer than a region; "the city of Chittagong" is a town even when
    the gazetteer's best namesake is the region."""
    out = []
    for m in x.places:
        if m.kind in _PRECISE:
            out.append(m)
        elif m.kind == "admin1":
            rel = m.start - x.s.start
            if x.says("town_of", _TOWN_OF, x.s.text[max(0, rel - 30):max(0, rel)]):
                out.append(m)
    return out


def _km(a: PlaceMention, b: PlaceMention) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _precise_places(x: Mention) -> list[PlaceMention]:
    """Towns the sentence places its event in (not regions, not "from X" origins nor "towards
    X" destinations)."""
    out = []
    for m in _towns(x):
        rel = m.start - x.s.start
        before = x.s.text[max(0, rel - 40):max(0, rel)]
        if not m.in_parens and not x.says("from_place", FROM_PLACE, before) \
                and not x.says("towards_place", TOWARDS_PLACE, before) \
                and not x.says("care_place", CARE_PLACE, x.s.text[max(0, rel - 70):max(0, rel)]):
            out.append(m)
    return out


def _same_place(a: PlaceMention, b: PlaceMention) -> bool:
    if fold_text(a.location or a.name) == fold_text(b.location or b.name):
        return True
    km = _km(a, b)
    return km is not None and km <= NEAR_KM


class _TownIndex:
    """Towns by folded name and by map cell: whether a place is one of them (_same_place: the
    same name, or within NEAR_KM) is a look-up and a few distances, not a comparison with each
    town. Cells are 0.1 degrees; within 70 degrees of the equator a town within NEAR_KM is in
    a neighbouring cell (3 km is under 0.08 degrees of longitude there); beyond, and for odd
    coordinates, the towns are compared one by one."""

    _CELL = 0.1
    _LON_CELLS = 3600

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._cells: dict[tuple[int, int], list[PlaceMention]] = defaultdict(list)
        self._each: list[PlaceMention] = []

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self._CELL), math.floor(lon / self._CELL) % self._LON_CELLS

    def add(self, t: PlaceMention) -> None:
        self._names.add(fold_text(t.location or t.name))
        if t.lat is None or t.lon is None:
            return
        if math.isfinite(t.lat) and math.isfinite(t.lon) and abs(t.lat) <= 70:
            self._cells[self._cell(t.lat, t.lon)].append(t)
        else:
            self._each.append(t)

    def holds(self, m: PlaceMention) -> bool:
        if fold_text(m.location or m.name) in self._names:
            return True
        if m.lat is None or m.lon is None:
            return False
        if any(_same_place(m, t) for t in self._each):
            return True
        if not (math.isfinite(m.lat) and math.isfinite(m.lon)):
            return any(_same_place(m, t) for ts in self._cells.values() for t in ts)
        la, lo = self._cell(m.lat, m.lon)
        return any(_same_place(m, t) for dla in (-1, 0, 1) for dlo in (-1, 0, 1)
                   for t in self._cells.get((la + dla, (lo + dlo) % self._LON_CELLS), ()))


_AFTERMATH = frozenset({"looting", "harm", "disrupted", "intervention"})


def _elsewhere(x: Mention, cur: Draft) -> bool:
    """The sentence tells of an event in another town than the incident so far (wire round-ups:
    "In Kirkuk, a bomb ... In Mosul, gunmen ..."), and does not point back at it."""
    if x.cues.strength < 0.8 or x.points_back:
        return False
    mine = _precise_places(x)
    if mine and not x.dates and x.s.paragraph - cur.sents[-1].s.paragraph <= 1 and \
            x.cues.tags <= cur.tags | _AFTERMATH:
        # "... in the Shevchenkivskyi district": a district of the town just told, same event
        mine = [m for m in mine if m.kind != "admin2"]
    if not mine:
        return False
    theirs = cur.towns
    if not theirs:   # a round-up lead ("violence across Iraq") is followed by its parts
        if any(y.says("roundup", _ROUNDUP) for y in cur.sents):
            return True
        total = max((y.cas.killed for y in cur.sents if y.cas.killed is not None), default=None)
        if total is not None and x.cas.killed is not None and 0 < x.cas.killed < total:
            cur.summary = True    # "six killed in Bangladesh ... In Dhaka, two were shot dead"
            return True
        return False
    return any(not cur.has_town(m) for m in mine)


def is_roundup(d: Draft) -> bool:
    """A summary of several incidents told one by one after it, placed no finer than a region."""
    return (d.summary or any(y.says("roundup", _ROUNDUP) for y in d.sents)) and \
        not any(_towns(x) for x in d.sents)


def _toll_of(x: Mention, drafts: list[Draft], cur: Draft | None) -> Draft | None:
    """The incident whose updated toll the sentence gives: the one in the town it names, or,
    naming none, the one just told ("the toll from the bar attack rose to seven");
    its date is the day the toll was counted, not a new event's."""
    if cur is None or not x.cas.toll or x.cas.killed is None:
        return None
    named = _day_named_of_event(x)
    if named is not None and cur.date is not None and named.value != cur.date.value:
        return None   # "the toll from Monday's missile strike": Monday's, not Tuesday's drones
    mine = _precise_places(x)
    if mine:
        for d in _recent(drafts):
            if any(d.has_town(m) for m in mine):
                return d
        return None
    return cur     # "The toll rose to 23 on Sunday"


_POSSESSIVE = re.compile(r"(?:'s|\u2019s)\b")


def _day_named_of_event(x: Mention) -> dates.DateMention | None:
    """A day that names the event itself ("Monday's missile strike", "yesterday's bombing"):
    the day it happened, not the day its toll was counted."""
    return next((d for d in x.dates if d.precision == dates.DAY and not d.since
                 and _POSSESSIVE.match(x.s.text, d.end)), None)


def _told_before(x: Mention, own: dates.DateMention, drafts: list[Draft], cur: Draft
                 ) -> Draft | None:
    """An incident told before that the sentence points back at with a definite reference and
    the same kind of event: an earlier one of the same day ("the rockets fired on Wednesday"),
    or one in the same town a day apart (an event over a night); or a deadly one in the same
    town up to AFTERMATH_DAYS before, whose aftermath the sentence tells ("on Sunday residents
    of Ouallam buried the victims of the attack")."""
    if own.precision != dates.DAY or not x.points_back or x.separate:
        return None
    kinds = x.cues.tags - _AFTERMATH
    mine = _precise_places(x)
    for d in _recent(drafts):
        if d.date is None:
            continue
        later = (own.value - d.date.value).days
        if kinds & d.tags:
            if d is not cur and later == 0:
                return d
            if abs(later) <= 1 and any(d.has_town(m) for m in mine):
                return d  # "bodies recovered after the fighting in Tripoli, which ended Tuesday"
        if 1 < later <= AFTERMATH_DAYS and (kinds & d.tags or
                                             ("attack" in kinds and "harm" in d.tags)) and \
                _aftermath_of(x, d) and any(d.has_town(m) for m in mine):
            return d
    return None


_AGAIN = re.compile(r"\b(?:again|returned|another|new|fresh|more|second|renewed)\b", re.I)


def _aftermath_of(x: Mention, d: Draft) -> bool:
    """The sentence tells what followed the incident (no new deed, no toll of its own)."""
    told = {y.cas.killed for y in d.sents if y.cas.killed is not None}
    return not x.says("again", _AGAIN) and (x.cas.killed is None or x.cas.killed in told)


def _earlier_in_its_town(x: Mention, drafts: list[Draft], cur: Draft) -> Draft | None:
    """An incident told before the one just told, in the town this sentence names while it
    points back at an event ("after the market strike")."""
    if len(drafts) < 2 or not x.points_back or x.separate:
        return None
    mine = _precise_places(x)
    if not mine:
        return None

    def here(d: Draft) -> bool:
        return any(d.has_town(m) for m in mine)

    if here(cur):
        return None
    return next((d for d in _recent(drafts) if d is not cur and here(d)), None)


def _recent(drafts: list[Draft]) -> Iterator[Draft]:
    """The last LOOKBACK incidents, the latest first."""
    return itertools.islice(reversed(drafts), LOOKBACK)


def _same_night(x: Mention, own: dates.DateMention, theirs: dates.DateMention) -> bool:
    """"Launched overnight" in a morning report and "late on Sunday" are one night."""
    return own.kind == "relative" and "night" in x.s.text[own.start:own.end].lower() and \
        abs((own.value - theirs.value).days) <= 1


_QUOTES = "\"\u201c'\u2018"


def _night_began_before(cur: Draft, own: dates.DateMention) -> bool:
    """"Clashes broke out overnight" told first and "from late on Monday" after: one night that
    began the day before the one the report counts from."""
    d = cur.date
    if d is None or d.kind != "relative" or own.kind == "relative" or \
            own.precision != dates.DAY or (d.value - own.value).days != 1:
        return False
    src = next((y for y in cur.sents if any(z is d for z in y.dates)), None)
    return src is not None and "night" in src.s.text[d.start:d.end].lower()


# a day named (a weekday, a calendar date) this many days or fewer before a day counted from
# the report ("overnight", "yesterday") may be the same day: a report filed, published or
# syndicated a day or more late moves the counted day, not the named one
NAMED_DAY_SPAN = 6
_NAMED = ("weekday", "explicit", "partial")


def _counted(d: dates.DateMention) -> bool:
    return d.kind == "relative" and d.precision == dates.DAY and not d.since


def _named(d: dates.DateMention) -> bool:
    return d.kind in _NAMED and d.precision == dates.DAY and not d.since


def _one_day_told_two_ways(x: Mention, own: dates.DateMention, cur: Draft) -> bool:
    """The sentence tells the incident just told on a day it names in other words: one of the
    two days counted from the report ("killed 23 in an overnight raid, police said on Monday"),
    the other named up to NAMED_DAY_SPAN days before it or the day after ("The attackers
    arrived late on Saturday"), in a sentence that points back at the incident or tells the
    same kind of event, in no other town, not "separately" nor "again"."""
    theirs = cur.date
    if theirs is None or cur.inherited_date:
        return False
    if _counted(theirs) and _named(own):
        counted, named = theirs.value, own.value
    elif _named(theirs) and _counted(own) and x.points_back:
        counted, named = own.value, theirs.value    # ("the overnight raid began ...": told
    else:                                           # after the day, only pointing back at it)
        return False
    if not -1 <= (counted - named).days <= NAMED_DAY_SPAN:
        return False
    if x.separate or x.says("again", _AGAIN) or _elsewhere(x, cur):
        return False
    if not (x.points_back or x.says("the_doers", _THE_DOERS)):
        if not x.s.text[:own.start].strip():
            return False     # "On Saturday, gunmen killed three farmers": told as another
        told = max((y.cas.killed for y in cur.sents if y.cas.killed is not None), default=None)
        if x.cas.killed is not None and told is not None and x.cas.killed != told:
            return False     # "Gunmen also killed three farmers on Saturday": its own toll
        if not (x.cues.tags - _AFTERMATH) & cur.tags:
            return False
    return not _other_kind(x, cur)   # ("ontem" a protest for the men arrested "no domingo")


# the doers of the incident told before, named again: "The militants came ashore ..."
_THE_DOERS = re.compile(r"\b(?:the|these|those)\s+(?:\w+\s+)?(?:militants|insurgents|fighters|"
                        r"rebels|jihadists|bandits|raiders|attackers|gunmen|assailants)\b", re.I)


def _other_kind(x: Mention, cur: Draft) -> bool:
    """The sentence alone is another kind of event than the incident so far."""
    words = x.lex.code if x.lex is not None else None
    mine = events.classify(x.cues.tags, x.s.text, language=words)
    theirs = events.classify(cur.tags, cur.opening(KIND_CHARS), language=words)
    return bool(mine and theirs and mine != theirs)


# what a sentence tells of the past ("since 2017", "between 2023 and 2025"): the rest of its
# paragraph, undated, says more of that past
_PAST_TOLD = (events.NotEvent.BACKGROUND, events.NotEvent.PERIOD, events.NotEvent.STATE)


def group(sents: list[Mention]) -> list[Draft]:
    """Sentences grouped into incidents: a new one starts at a new date, at another town, or at
    "in retaliation"/"separately" with another kind of event; the rest joins the one before
    (casualty counts and refinements such as "police dispersed them" included)."""
    drafts: list[Draft] = []
    cur: Draft | None = None
    last_date: dates.DateMention | None = None
    background_para = -1     # the paragraph a background sentence ("since 2017") was told in
    for x in sents:
        if _is_background_only(x) or (x.why_not in _PAST_TOLD and not x.cues.strength):
            background_para = x.s.paragraph   # "Five years ago, ..." and what the paragraph adds
            #                                   ("The attacks forced ships to reroute")
        elif (_tally(x.s.text) if x.lex is None else x.says("tally", _TALLY)) \
                and x.cas.killed is not None and not any(
                d.precision == dates.DAY and not d.since for d in x.dates):
            background_para = x.s.paragraph
            continue    # "More than 2,300 people have been killed since then": a running total
        elif x.s.paragraph == background_para and not x.dates:
            continue    # "... since May 2023. More than 220 people have been killed": a tally
        told = _toll_of(x, drafts, cur)
        if told is not None:     # "the death toll from the Djibo attack rose to 15 on Monday"
            told.sents.append(x)
            continue
        own = _own_date(x)
        eventive = x.cues.strength >= MIN_STRENGTH and not _is_background_only(x)
        if not eventive:
            counts = cur is not None and (x.cas.killed is not None or x.cas.injured is not None)
            near = cur is not None and x.s.paragraph - cur.sents[-1].s.paragraph <= int(counts)
            back = _earlier_in_its_town(x, drafts, cur) if counts and cur is not None else None
            if back is not None and x.why_not is None:
                back.sents.append(x)   # "Doctors in Mellit said 22 bodies were recovered after
                cur = back             # the market strike", told after another town's incident
            elif cur is not None and near and (counts or x.cues.hits) and x.why_not is None \
                    and not _is_background_only(x):
                cur.sents.append(x)    # "No casualties reported.", "Police dispersed them."
            elif cur is not None and cur.date is None and own is not None \
                    and own.precision == dates.DAY and x.points_back \
                    and x.s.paragraph - cur.sents[-1].s.paragraph <= 1:
                cur.sents.append(x)    # "Los hechos ocurrieron la noche del lunes": the day of
                cur.date, cur.inherited_date = own, False    # the incident told just before
            if own is not None:
                last_date = own
            continue
        new = cur is None
        if cur is not None and own is not None and _night_began_before(cur, own) \
                and not _elsewhere(x, cur):
            cur.date = own     # (the night is coded from the day it began)
        if cur is not None and own is not None and cur.date is not None \
                and own.value != cur.date.value and not _same_night(x, own, cur.date) and (
                    own.precision == dates.DAY
                    or own.value < cur.date.value - timedelta(days=BACKGROUND_DAYS)):
            if _one_day_told_two_ways(x, own, cur):
                if _named(own):
                    cur.date = own     # (the named day is the incident's, not the counted one)
            else:
                new = True
        if cur is not None and not new and _elsewhere(x, cur):
            new = True
        if cur is not None and not new and x.separate and _other_kind(x, cur):
            new = True
        if not new and cur is not None and own is None:
            back = _earlier_in_its_town(x, drafts, cur)
            if back is not None:   # "22 bodies were brought to the Kabkabiya hospital after the
                back.sents.append(x)   # market strike", told after another town's incident
                cur = back
                continue
        if new and cur is not None and own is not None:
            back = _told_before(x, own, drafts, cur)
            if back is not None:   # "the rockets fired on Wednesday were intercepted near Safed"
                back.sents.append(x)
                cur = back
                continue
        if new and x.s.text[:1] in _QUOTES and own is None and x.cas.killed is None:
            continue   # "When they attacked our consulate ...," he said: a speaker's words
        if new:
            cur = Draft([x], own or last_date, own is None)
            drafts.append(cur)
        else:
            assert cur is not None
            cur.sents.append(x)
            if cur.date is None and own is not None:
                cur.date, cur.inherited_date = own, False
        if own is not None:
            last_date = own
    return drafts


