"""Article text -> incidents (what, when, where, who, how many), each with its evidence."""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from extract import actors as actors_mod
from extract import casualties, dates, events, lexicon, mentions, places, sanity, vocab
from extract import where as wh
from extract.literals import Scan
from extract.mentions import Draft, Mention
from extract.phrases import Substrings
from extract.places import PlaceMention
from extract.reading import Reading

# bump whenever the output changes: the reprocess DAG re-extracts articles of older versions
EXTRACTOR_VERSION = "11"   # 11: places of this wave (issue 12); 10: a day named beats a day
#                             counted from the report (issue 11)

MAX_EVIDENCE_CHARS = 700


@dataclass(frozen=True)
class Incident:
    """One incident reported by an article (the DESIGN.md incident schema)."""

    event_type: str
    sub_event_type: str
    date: str | None
    date_precision: str | None
    country_code: str | None
    country: str | None
    admin1: str | None
    location: str | None
    lat: float | None
    lon: float | None
    geo_precision: int | None
    actors: tuple[str, ...] = ()
    fatalities: int = 0          # ACLED's convention: 0 when no death is reported
    injured: int = 0
    fatalities_reported: bool = False   # the text tells a count of the dead (or that none died)
    injured_reported: bool = False
    weapons: tuple[str, ...] = ()
    evidence: str = ""           # in the article's own language
    confidence: float = 0.0
    language: str | None = None  # the article's (ISO 639-1), so facets mix languages
    # the date is a bare weekday's ("on Monday") counted back from the publication day, and no
    # other date word of the incident (its dateline's day included) names that day: it is only
    # as sure as the name is right (the merge allows such a date its week). Not indexed.
    date_from_weekday: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["actors"] = list(self.actors)
        d["weapons"] = list(self.weapons)
        return d


def load() -> None:
    """Load the gazetteer and every dictionary now rather than on first use."""
    places.load()
    vocab.get()


def _actor_country(d: Draft, language: str | None = None) -> str | None:
    """Where a named group mostly acts: the last hint for a text that names no place."""
    v = vocab.get(language)
    for name in actors_mod.find(d.text, country_code=None, event_type=None, folded=d.folded,
                                language=language):
        if name in v.actor_country:
            return v.actor_country[name]
    return None


def _filed_place(text: str, language: str | None = None) -> PlaceMention | None:
    """The town of the wire dateline ("JOHANNESBURG, Oct 9 (Reuters) -"): where the report was
    filed, the last hint for a text that names no place and no nationality."""
    first = text.lstrip()[:200]
    cut = mentions.dateline_end(first, language)
    found = places.find_places(first[:cut], language) if cut else []
    return found[0] if found and found[0].country_code else None


# "A soldier was also killed", "three more died in hospital", "a third member was found dead":
# more dead, not a recount ("more than" is a qualifier, not an addition)
_ALSO_KILLED = re.compile(r"\b(?:also|more(?!\s+than)|another|further|additional|third|fourth)\s+"
                          r"(?:\w+\s+){0,3}?(?:killed|died|dead|slain|succumbed)\b", re.I)


_OTHER_ESTIMATE = re.compile(r"\b(?:put|puts|putting|gave|gives|estimated?|estimates)\s+"
                             r"(?:\w+\s+){0,3}?(?:death )?toll\b", re.I)
_UPDATED = re.compile(r"\b(?:rose|risen|rising|climbed|increased|jumped|mounted|reached|"
                      r"bringing|brings|brought)\b", re.I)


# (read only in sentences holding one of its nouns: literals.Scan)
_COUNTED = Scan(re.compile(
    r"\b(?:\d+|dozens|scores|several|hundreds|a|an|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty)\s+(?:of\s+)?(?:\w+\s+)??"
    r"(?:(?P<state>soldiers|troops|policemen|police officers|gendarmes|servicemen|soldier|"
    r"policeman)|(?P<armed>terrorists|militants|assailants|attackers|insurgents|jihadists|"
    r"rebels|bandits|militiamen|militia members|fighters|gunmen|extremists))\b", re.I))


def _side(text: str) -> str | None:
    """Whose dead a sentence counts, when its counts name only one side ("12 soldiers",
    "dozens of terrorists"): "state" or "armed"."""
    sides = set()
    for m in _COUNTED.finditer(text):
        if m.group("state"):
            sides.add("state")
        elif m.group("armed"):
            sides.add("armed")
    return sides.pop() if len(sides) == 1 else None


def _casualties(d: Draft) -> tuple[int | None, int | None]:
    killed: int | None = None
    injured: int | None = None
    first_side: str | None = None
    weak = False    # the count so far is an early estimate or a party's claim: others replace it
    for x in d.sents:
        c = x.cas
        if killed is None and c.killed:
            first_side = _side(x.s.text)
        if c.killed is not None and killed is not None and (c.early or c.claim and not weak):
            pass       # an early estimate told after a figure, a party's claim beside officials'
        elif c.killed is not None and weak and not _ALSO_KILLED.search(x.s.text):
            killed, weak = c.killed, c.early or c.claim
        elif c.killed is not None and killed and _ALSO_KILLED.search(x.s.text):
            killed += c.killed     # "A soldier was also killed": more dead, not a recount
        elif c.killed is not None and killed and not c.toll and first_side is not None and \
                _side(x.s.text) not in (None, first_side):
            killed += c.killed     # soldiers told first, then "dozens of terrorists were
            first_side = None      # neutralised": the other side's dead
        elif c.killed is not None and c.toll and killed is not None and \
                _OTHER_ESTIMATE.search(x.s.text) and not _UPDATED.search(x.s.text):
            killed = min(killed, c.killed)   # another source's figure: ACLED's lower estimate
        elif c.killed is not None:
            if killed is None:
                weak = c.early or c.claim
            killed = c.killed if (c.toll or killed is None) else max(killed, c.killed)
        if c.injured is not None:
            injured = c.injured if injured is None else max(injured, c.injured)
    return killed, injured


_HEDGED = re.compile(r"\b(?:reportedly|allegedly|claimed|claims|unconfirmed|rumou?rs?|"
                     r"social media|could not be (?:independently )?verified|unverified)\b", re.I)


_HEDGED_QUICK = Substrings([(w, "hedged") for w in (
    "reportedly", "allegedly", "claim", "unconfirmed", "rumo", "social media", "could not be",
    "unverified")])


def _confidence(d: Draft, where: PlaceMention | None, actors: list[str],
                language: str | None = None) -> float:
    """How sure the extraction is: strong cues, a date and place of its own, named actors;
    less when the report itself is hedged ("reportedly", "claimed", "unverified"; another
    language's `hedged` hint: "aurait", "habría", "teria")."""
    c = 0.25 + 0.35 * max(x.cues.strength for x in d.sents)
    text = d.text
    lex = lexicon.get(language)
    if lex is not None:
        if lex.hints.get("hedged", lexicon.NOTHING).search(text):
            c -= 0.1
    elif _HEDGED_QUICK.may_match(text) and _HEDGED.search(text):
        c -= 0.1
    if d.date is not None and not d.inherited_date:
        c += 0.15
    elif d.date is not None:
        c += 0.05
    if where is not None:
        c += 0.15 if where.geo_precision in (1, 2) else 0.05
    if actors:
        c += 0.1
    return round(max(0.05, min(c, 0.95)), 2)


OLD_DAYS = 365     # an event this long before the report is history, even in its lead
HISTORY_DAYS = 3650  # and this long, even dated to the day in its first sentence
RECENT_DAYS = 31     # a day this recent dates the report: it tells of events
BRIEF_CHARS = 600    # a text this short (a brief, an event note) is dated by its publication
# the present perfect: what has been so for a while ("has reported", "have stepped up")
_PRESENT_PERFECT = re.compile(r"\b(?:has|have)\s+(?:(?:[a-z]+ly|also|not|never|already)\s+)?"
                              r"(?:been\s+)?(?!(?:the|any|its|their|his|her|our|this|that|these|"
                              r"those)\b)[a-z]{3,}\b")
_AFTERWORD = 2   # sentences after an incident's last one that may still tell its outcome


def _told_with(d: Draft, sents: list[Mention]) -> str:
    """The incident's sentences and the next few of the same paragraph (its outcome may be told
    apart: "Material damage was reported.")."""
    last = d.sents[-1]
    i = bisect.bisect_left(sents, last.s.start, key=_sentence_start)   # (sents in text order)
    if i == len(sents) or sents[i] is not last:
        i = next((k for k, x in enumerate(sents) if x is last), len(sents))
    after = [x for x in sents[i + 1:i + 1 + _AFTERWORD] if x.s.paragraph == last.s.paragraph]
    return " ".join(x.s.text for x in [*d.sents, *after])


def _sentence_start(x: Mention) -> int:
    return x.s.start


def _headline_place(title: str, event_type: str, language: str | None) -> PlaceMention | None:
    """The place a headline gives the lead incident. A headline of two events ("Army repels
    attack on camp; bomb hits convoy near Gao") gives it only from the part that tells an event
    of its type: the other part's place is the other event's."""
    parts = [p for p in title.split(";") if p.strip()]
    if len(parts) > 1:
        parts = [p for p in parts if _tells_type(p, event_type, language)]
    for part in parts:
        where = wh.title_place(part, language)
        if where is not None:
            return where
    return None


def _tells_type(text: str, event_type: str, language: str | None) -> bool:
    """Whether a headline part tells an event of this type (or no event at all)."""
    cues = events.sentence_cues(text, language=language)
    ev = events.classify(cues.tags, text, language=language) if cues.tags else None
    return ev is None or ev[0] == event_type


def _build(d: Draft, text: str, all_mentions: list[PlaceMention], single: bool,
           pub: date | None, sents: list[Mention], title: str | None = None,
           doc_country: str | None = None, dropped: Counter[str] | None = None,
           language: str | None = None) -> Incident | None:
    """The incident a draft tells; doc_country is likely_country(all_mentions), counted once
    per article rather than once per incident."""
    killed, injured = _casualties(d)
    told = d.text     # what its sentences tell, joined once for the steps below
    if sanity.plausible_count(killed, d) != killed:
        killed = None
        if dropped is not None:
            dropped[sanity.Dropped.IMPLAUSIBLE_COUNT.value] += 1
    ev = events.classify(d.tags, told, harmed=bool(killed or injured), killed=bool(killed),
                         lead=d.sents[0].s.text, lead_tags=d.sents[0].cues.tags,
                         language=language)
    if ev is None:
        return None
    event_type, sub = ev
    where = wh.incident_place(d, text, all_mentions, single, language)
    if (where is None or where.kind == "country") and title:
        where = _headline_place(title, event_type, language) or where   # the headline's
    cc = where.country_code if where else None
    if where is None:     # no place of its own: the nationality it names, the article's country
        cc = wh.demonym_country(told, language) or doc_country or _actor_country(d, language)
        filed = _filed_place(text, language) if doc_country is None else None
        filed = filed if filed is not None and cc in (None, filed.country_code) else None
        # (a text that names no place at all: the town it was filed from, "LONDON, March 6
        # (AP) - About 50 activists occupied the lobby of the British Museum")
        where = filed or wh.country_place(
            cc or (wh.demonym_country(title, language) if title else None))
        cc = where.country_code if where else None
    elif cc is None:      # a place the gazetteer lacks: its country from the other places named
        own = [m for x in d.sents for m in x.places]
        cc = (wh.likely_country(own) if own else doc_country) \
            or wh.demonym_country(told, language)
        if cc:
            where = replace(where, country_code=cc, country=places.country_name(cc))
    folded = d.folded
    who = actors_mod.find(told, country_code=cc, event_type=event_type, folded=folded,
                          language=language)
    # a toll told is "reported"; otherwise 0 all the same (ACLED's convention), so that sums
    # and filters need no null case, while the flag keeps "unknown toll" apart
    killed_told = killed is not None or casualties.outcome_without_deaths(_told_with(d, sents))
    injured_told = injured is not None
    weapons: list[str] = []
    for h in vocab.get(language).weapons.find(told, folded):
        if events.negated_before(told, h.start, language):
            continue
        if h.label not in weapons:
            weapons.append(h.label)
    evidence = told if len(told) <= MAX_EVIDENCE_CHARS else \
        told[:MAX_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " ..."
    dm = d.date or _undated(pub)
    year_only = dm is not None and dm.precision == dates.YEAR
    return Incident(
        event_type=event_type, sub_event_type=sub,
        date=dm.value.isoformat() if dm and not year_only else None,
        date_precision=dm.precision if dm and not year_only else None,
        date_from_weekday=_weekday_only(d, dm),
        country_code=cc,
        country=places.country_name(cc) if cc else None,
        admin1=wh.plain(where.admin1) if where else None,
        location=wh.plain(where.location) if where else (places.country_name(cc) if cc else None),
        lat=where.lat if where else None, lon=where.lon if where else None,
        geo_precision=where.geo_precision if where else (3 if cc else None),
        actors=tuple(who), fatalities=killed or 0, injured=injured or 0,
        fatalities_reported=killed_told, injured_reported=injured_told, weapons=tuple(weapons),
        evidence=evidence, confidence=_confidence(d, where, who, language),
    )


_SAME_AREA = re.compile(r"\b(?:in|near|around) the same (?:area|town|village|city|district|"
                        r"region|place|locality|mountains|spot)\b", re.I)


def _in_same_area(text: str) -> bool:
    """_SAME_AREA.search(text), read only when "same" is there (casefold() folds every letter
    re.IGNORECASE takes for one of its letters)."""
    return "same" in text.casefold() and _SAME_AREA.search(text) is not None


def _placed_like(inc: Incident, before: Incident) -> Incident:
    """An incident "in the same area" as the one told before it is placed where that one is."""
    return replace(inc, country_code=before.country_code, country=before.country,
                   admin1=before.admin1, location=before.location, lat=before.lat,
                   lon=before.lon, geo_precision=before.geo_precision)


def _weekday_only(d: Draft, dm: dates.DateMention | None) -> bool:
    """Whether the date was read from a bare weekday alone: no other date word of the
    incident's sentences, nor the day of a dateline, names that day."""
    if dm is None or dm.kind != "weekday" or dm.precision != dates.DAY:
        return False
    return all(z.kind == "weekday" for x in d.sents for z in (*x.dates, *x.filed)
               if z.value == dm.value)


def _undated(pub: date | None) -> dates.DateMention | None:
    """No date named: most reports tell of the day before publication; precision says "week"."""
    if pub is None:
        return None
    return dates.DateMention(0, 0, pub - timedelta(days=1), dates.WEEK, "fallback")


def _merge_same(incidents: list[Incident]) -> list[Incident]:
    """The first of the incidents of one kind, day and place; the later ones are retellings.
    An incident placed only in a region or country and one of the same type in a town of it,
    a day or two apart with counts that agree, are one event told at two scales (_one_event)."""
    out: list[Incident] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    # out's incidents by country and type, the last mentions.LOOKBACK of each looked at (a
    # huge text of thousands of incidents stays linear)
    kin: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    for inc in incidents:
        key = (inc.sub_event_type, inc.date, inc.location)
        if key in seen:
            continue
        seen.add(key)
        same = kin[(inc.country_code, inc.event_type)]
        k = next((k for k in same[-mentions.LOOKBACK:] if _one_event(out[k], inc)), None)
        if k is None:
            same.append(len(out))
            out.append(inc)
        else:
            out[k] = _at_finer_scale(out[k], inc)
    return out


# an event told first in a region and again in one of its towns is dated by report or by its
# aftermath ("buried on Monday", "had taken the town by Wednesday") up to this many days later
SCALE_DAYS = 2


def _coarse(inc: Incident) -> bool:
    return inc.geo_precision in (None, 3)


def _one_event(a: Incident, b: Incident) -> bool:
    """The same event told at two scales: one placed in a region or country only, the other
    in a town of that region (or country), the same event type, dates at most SCALE_DAYS
    apart, and no two different death tolls ("gunmen killed 21 in Zamfara State on Saturday"
    ... "on Monday, residents of Kaura Namoda buried 21 people killed when gunmen ...")."""
    if a.event_type != b.event_type or a.country_code is None or \
            a.country_code != b.country_code or _coarse(a) == _coarse(b):
        return False
    if a.sub_event_type != b.sub_event_type and a.event_type != events.BATTLES:
        return False     # (a clash and the town it won are one battle; a looting and a
        #                   change of command are two strategic developments)
    region, town = (a, b) if _coarse(a) else (b, a)
    if region.admin1 is not None and region.admin1 != town.admin1:
        return False
    if a.date is None or b.date is None or \
            abs((date.fromisoformat(a.date) - date.fromisoformat(b.date)).days) > SCALE_DAYS:
        return False
    return not (a.fatalities and b.fatalities and a.fatalities != b.fatalities)


def _at_finer_scale(a: Incident, b: Incident) -> Incident:
    """One event from its two tellings: the town's place and kind, the earlier day (a later
    one is the day it was reported or its aftermath), the larger counts, both sides' actors
    and weapons, the first telling's evidence."""
    town = b if _coarse(a) else a
    first = min(a, b, key=lambda i: i.date or "")
    return replace(town, date=first.date, date_precision=first.date_precision,
                   date_from_weekday=first.date_from_weekday,
                   fatalities=max(a.fatalities, b.fatalities),
                   injured=max(a.injured, b.injured),
                   fatalities_reported=a.fatalities_reported or b.fatalities_reported,
                   injured_reported=a.injured_reported or b.injured_reported,
                   actors=tuple(dict.fromkeys(a.actors + b.actors)),
                   weapons=tuple(dict.fromkeys(a.weapons + b.weapons)),
                   evidence=a.evidence, confidence=max(a.confidence, b.confidence))


def extract_incidents(text: str, *, title: str | None = None,
                      published: str | datetime | date | None = None,
                      url: str | None = None, dropped: Counter[str] | None = None,
                      reading: Reading | None = None, language: str | None = None
                      ) -> list[Incident]:
    """Incidents reported by an article, in text order. Pure and deterministic; never raises.

    `dropped`, when given, counts the candidates (and places and counts) left out, by reason
    (`sanity.Dropped` values). `reading`, a Reading of the text that relevance has read, saves
    reading its sentences again. `language`: the text's (None: English); another language's
    words come from seeds/languages/<code>/ and the same rules read them."""
    try:
        return _extract(text, title, published, Counter() if dropped is None else dropped,
                        reading, language)
    except Exception:    # outside input must never break a run: no incident, not a crash
        return []


def _analysed(body: str, pub: date | None, dropped: Counter[str],
              reading: Reading | None = None, language: str | None = None) -> list[Mention]:
    """The sentences' mentions, with only the places that are places."""
    sents = mentions.analyse(body, pub, reading, language)
    kept, gone = sanity.real_places(body, [m for x in sents for m in x.places], language)
    if gone:
        dropped[sanity.Dropped.NOT_A_PLACE.value] += gone
        keep = {id(m) for m in kept}
        for x in sents:
            x.places = [m for m in x.places if id(m) in keep]
    return sents


def _extract(text: str, title: str | None, published: str | datetime | date | None,
             dropped: Counter[str], reading: Reading | None, language: str | None = None
             ) -> list[Incident]:
    if not isinstance(text, str):
        return []
    pub = dates.to_date(published)
    body = mentions.body(text)
    sents = _analysed(body, pub, dropped, reading, language)
    drafts = mentions.group(sents)
    if not drafts and title:
        head = title.strip()
        body = head + ("" if head[-1:] in ".?!" else ".") + "\n\n" + body
        sents = _analysed(body, pub, dropped, language=language)
        drafts = mentions.group(sents)
    if not drafts:
        return []
    # (the text folded once: relevance's reading of it, when this is the text it read)
    field = sanity.article_field(body, reading.folded if reading is not None
                                 and reading.text == body else None)
    all_mentions = [m for x in sents for m in x.places]
    doc_country = wh.likely_country(all_mentions)
    # (an article that names no day of the last weeks, not even in a dateline, as a film review
    # or an essay: its deeds are not dated the day before publication, they are not events; a
    # brief or an event note is dated by its publication)
    names_a_day = pub is None or len(body) <= BRIEF_CHARS or any(
        pub - timedelta(days=RECENT_DAYS) <= z.value <= pub
        for x in sents for z in (*x.dates, *x.filed))
    single = len(drafts) == 1
    out: list[Incident] = []
    if len(drafts) > 1 and mentions.is_roundup(drafts[0]):
        drafts = drafts[1:]      # "violence across Iraq killed 11": the sum of what follows
    # (the lead may tell only of threats or denials: what follows it is still background)
    lead_para = min((x.s.paragraph for x in sents if x.cues.hits or x.why_not is not None),
                    default=0)
    for d in drafts:
        if pub is not None and d.date is not None and \
                d.date.value < pub - timedelta(days=mentions.BACKGROUND_DAYS) and \
                (d.sents[0].s.paragraph > lead_para
                 or (d.date.precision == dates.YEAR and d.date.value.year < pub.year)
                 or d.date.value < pub - timedelta(days=HISTORY_DAYS)
                 or (d.date.value < pub - timedelta(days=OLD_DAYS)
                     and (d.sents[0].s.paragraph or d.date.precision in (dates.YEAR, dates.MONTH)
                          or all(z is not d.date for z in d.sents[0].dates)))):
            dropped[sanity.Dropped.BACKGROUND.value] += 1
            continue        # background: an older event the article is not about
        if d.inherited_date and d.date is not None and _PRESENT_PERFECT.search(d.sents[0].told):
            # "Romania has reported fragments of Russian drones falling on its territory": a
            # state told without a day of its own, not the day's event it follows
            dropped[sanity.Dropped.BACKGROUND.value] += 1
            continue
        if d.date is None and not names_a_day:
            dropped[sanity.Dropped.UNDATED.value] += 1
            continue
        if field is not None and not sanity.told_as_event(d):
            dropped[sanity.Dropped.OTHER_FIELD.value] += 1
            continue        # "their pace attack" in a cricket report
        inc = _build(d, body, all_mentions, single, pub, sents, title if not out else None,
                     doc_country, dropped, language)
        if inc is None:
            dropped[sanity.Dropped.NOT_AN_EVENT.value] += 1
        elif pub is not None and inc.date is None:
            # (every event the report tells of happened on some day it can name; a deed with
            # none, "police used excessive force during last year's protests", is a finding)
            dropped[sanity.Dropped.UNDATED.value] += 1
            inc = None
        if inc is not None and out and inc.geo_precision in (None, 3) and \
                _in_same_area(d.text):
            inc = _placed_like(inc, out[-1])
        if inc is not None:
            out.append(inc)
    return _merge_same(out)
