"""Article text -> incidents (what, when, where, who, how many), each with its evidence."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta

from extract import actors as actors_mod
from extract import casualties, dates, events, gazetteer, places, sentences, vocab
from extract.gazetteer import fold_text
from extract.places import PlaceMention

EXTRACTOR_VERSION = "1"

NEAR_KM = 3               # towns closer than this are one place (names differ in spelling)
BACKGROUND_DAYS = 8        # older than this before publication = background, unless the lead
MAX_EVIDENCE_CHARS = 700
MIN_STRENGTH = 0.5         # weakest cue weight that starts an incident


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
    fatalities: int | None = None
    injured: int | None = None
    weapons: tuple[str, ...] = ()
    evidence: str = ""
    confidence: float = 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["actors"] = list(self.actors)
        d["weapons"] = list(self.weapons)
        return d


def load() -> None:
    """Load the gazetteer and every dictionary now rather than on first use."""
    places.load()
    vocab.get()


# ------------------------------------------------------------------ per-sentence facts

@dataclass
class _Sent:
    s: sentences.Sentence
    cues: events.Cues
    dates: list[dates.DateMention]
    cas: casualties.Casualties
    places: list[PlaceMention]
    why_not: events.NotEvent | None = None
    folded: str = ""


@dataclass
class _Draft:
    sents: list[_Sent] = field(default_factory=list)
    date: dates.DateMention | None = None
    inherited_date: bool = False

    @property
    def tags(self) -> frozenset[str]:
        return frozenset().union(*(x.cues.tags for x in self.sents))

    @property
    def text(self) -> str:
        return " ".join(x.s.text for x in self.sents)

    @property
    def folded(self) -> str:
        return " ".join(x.folded for x in self.sents)


_COMMENTS = re.compile(
    r"^\s*(?:\d+\s+)?(?:comments?|responses?|reader comments|leave a (?:comment|reply)|"
    r"join the (?:discussion|conversation)|add (?:a|your) comment|what do you think\??|"
    r"comments are closed|show comments)\s*:?\s*$", re.I | re.M)
_BOILERPLATE = re.compile(r"^(?:photo|file photo|image|video|read more|related|advertisement|"
                          r"share this|follow us|subscribe)\b", re.I)
_SEPARATE = re.compile(r"\b(?:retaliat\w*|in response|in a separate|separately|another "
                       r"(?:attack|incident|strike|clash)|meanwhile|elsewhere|in retaliation|"
                       r"follows? (?:a|an)\b|following (?:a|an)\b|earlier,|later,)", re.I)
_ROUNDUP = re.compile(r"\b(?:across|throughout|nationwide|separate (?:attacks|incidents)|"
                      r"a series of|a wave of|several (?:attacks|incidents))\b", re.I)
_FROM_PLACE = re.compile(r"\bfrom\s+(?:the\s+)?(?:[A-Za-z]+\s+)?(?:(?:town|city|village|area|"
                         r"district|province|region)\s+(?:of\s+)?)?$", re.I)


def _body(text: str) -> str:
    m = _COMMENTS.search(text)
    return text[:m.start()] if m else text


def _analyse(text: str, pub: date | None) -> list[_Sent]:
    mentions = places.find_places(text)
    folded = fold_text(text)
    out: list[_Sent] = []
    mi = 0
    for s in sentences.split(text):
        while mi < len(mentions) and mentions[mi].end <= s.start:
            mi += 1
        own = [m for m in mentions[mi:] if m.start >= s.start and m.end <= s.end]
        if _BOILERPLATE.match(s.text) and len(s.text) < 80:
            continue
        f = folded[s.start:s.end]
        cues, why = events.live_cues(s.text, events.sentence_cues(s.text, f))
        out.append(_Sent(s, cues, dates.find(s.text, pub), casualties.find(s.text), own, why, f))
    return out


def _own_date(x: _Sent) -> dates.DateMention | None:
    """The sentence's date of its event: of several, the one nearest the first event cue."""
    live = [d for d in x.dates if not d.since]
    named = [d for d in live if d.kind in ("explicit", "partial")]
    live = named or live       # "On 21 November, overnight": the named date wins
    text = x.s.text
    outside = [d for d in live if text.count("(", 0, d.start) <= text.count(")", 0, d.start)]
    live = outside or live     # "Around 5 April (between 5 - 6 April)": the aside only hedges
    if len(live) <= 1 or not x.cues.hits:
        return live[0] if live else None
    cue = x.cues.hits[0]
    return min(live, key=lambda d: min(abs(d.start - cue.end), abs(cue.start - d.end)))


def _is_background_only(x: _Sent) -> bool:
    return bool(x.dates) and all(d.since for d in x.dates)


# a definite reference back to the event told before: "the rockets were fired towards ..."
_ANAPHORA = re.compile(
    r"\b(?:the|this|that|these|those)\s+(?:\w+\s+){0,2}?"
    r"(?:attacks?|blasts?|explosions?|bombings?|incidents?|clash(?:es)?|fighting|strikes?|"
    r"airstrikes?|shootings?|raids?|assaults?|protests?|demonstrations?|violence|ambush|"
    r"killings?|unrest|rockets?|missiles?|shells?|bombs?|device|attackers|gunmen|assailants|"
    r"protesters|demonstrators|rioters|victims?)\b", re.I)
_PRECISE = ("city", "unknown", "admin2")


def _km(a: PlaceMention, b: PlaceMention) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _precise_places(x: _Sent) -> list[PlaceMention]:
    """Towns the sentence places its event in (not regions, not "from X" origins)."""
    out = []
    for m in x.places:
        rel = m.start - x.s.start
        if m.kind in _PRECISE and not m.in_parens and \
                not _FROM_PLACE.search(x.s.text[max(0, rel - 40):max(0, rel)]):
            out.append(m)
    return out


def _same_place(a: PlaceMention, b: PlaceMention) -> bool:
    if fold_text(a.location or a.name) == fold_text(b.location or b.name):
        return True
    km = _km(a, b)
    return km is not None and km <= NEAR_KM


def _elsewhere(x: _Sent, cur: _Draft) -> bool:
    """The sentence tells of an event in another town than the incident so far (wire round-ups:
    "In Kirkuk, a bomb ... In Mosul, gunmen ..."), and does not point back at it."""
    if _ANAPHORA.search(x.s.text) or x.cues.strength < 0.8:
        return False
    mine = _precise_places(x)
    if not mine:
        return False
    theirs = [m for y in cur.sents for m in y.places if m.kind in _PRECISE]
    if not theirs:   # a round-up lead ("violence across Iraq") is followed by its parts
        return _ROUNDUP.search(cur.text) is not None
    return any(not any(_same_place(m, t) for t in theirs) for m in mine)


def _is_roundup(d: _Draft) -> bool:
    """A summary of several incidents told one by one after it, placed no finer than a region."""
    return _ROUNDUP.search(d.text) is not None and \
        not any(m.kind in _PRECISE for x in d.sents for m in x.places)


def _drafts(sents: list[_Sent]) -> list[_Draft]:
    drafts: list[_Draft] = []
    cur: _Draft | None = None
    last_date: dates.DateMention | None = None
    for x in sents:
        own = _own_date(x)
        eventive = x.cues.strength >= MIN_STRENGTH and not _is_background_only(x)
        if not eventive:
            counts = x.cas.killed is not None or x.cas.injured is not None
            near = cur is not None and x.s.paragraph - cur.sents[-1].s.paragraph <= int(counts)
            if cur is not None and near and (counts or x.cues.hits) and x.why_not is None:
                cur.sents.append(x)    # "No casualties reported.", "Police dispersed them."
            if own is not None:
                last_date = own
            continue
        new = cur is None
        if cur is not None and own is not None and cur.date is not None \
                and own.value != cur.date.value and (
                    own.precision == dates.DAY
                    or own.value < cur.date.value - timedelta(days=BACKGROUND_DAYS)):
            new = True
        if cur is not None and not new and _elsewhere(x, cur):
            new = True
        if cur is not None and not new and _SEPARATE.search(x.s.text):
            mine = events.classify(x.cues.tags, x.s.text)
            theirs = events.classify(cur.tags, cur.text)
            if mine and theirs and mine != theirs:
                new = True
        if new:
            cur = _Draft([x], own or last_date, own is None)
            drafts.append(cur)
        else:
            assert cur is not None
            cur.sents.append(x)
            if cur.date is None and own is not None:
                cur.date, cur.inherited_date = own, False
        if own is not None:
            last_date = own
    return drafts


# ------------------------------------------------------------------ per-incident facts

def _place(d: _Draft, text: str, all_mentions: list[PlaceMention], single: bool
           ) -> PlaceMention | None:
    ms = [m for x in d.sents for m in x.places]
    if single:
        ms = all_mentions
    if not ms:
        return None
    precise = [m for m in ms if m.kind != "country"]
    not_origin = [m for m in precise
                  if not _FROM_PLACE.search(text[max(0, m.start - 40):m.start])]
    pool = ms
    if precise and not_origin and len(not_origin) < len(precise):
        origin_ids = {id(m) for m in precise if m not in not_origin}
        pool = [m for m in ms if id(m) not in origin_ids]
    return places.primary_place(pool, text)


def _likely_country(mentions: list[PlaceMention]) -> str | None:
    votes: dict[str, int] = {}
    for m in mentions:
        if m.country_code:
            votes[m.country_code] = votes.get(m.country_code, 0) + 1
    return max(votes, key=lambda c: (votes[c], c)) if votes else None


def _demonym_country(sentence_text: str) -> str | None:
    for m in re.finditer(r"\b[A-Z][a-z]+\b", sentence_text):
        cc = places.country_of_demonym(m.group(0))
        if cc:
            return cc
    return None


def _country_place(cc: str | None) -> PlaceMention | None:
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


def _casualties(d: _Draft) -> tuple[int | None, int | None]:
    killed: int | None = None
    injured: int | None = None
    for x in d.sents:
        c = x.cas
        if c.killed is not None:
            killed = c.killed if (c.toll or killed is None) else max(killed, c.killed)
        if c.injured is not None:
            injured = c.injured if injured is None else max(injured, c.injured)
    return killed, injured


_NON_LETHAL = {events.PROTESTS, events.RIOTS, events.SD}
_NON_LETHAL_SUBS = {"Abduction/forced disappearance", "Sexual violence"}


_HEDGED = re.compile(r"\b(?:reportedly|allegedly|claimed|claims|unconfirmed|rumou?rs?|"
                     r"social media|could not be (?:independently )?verified|unverified)\b", re.I)


def _confidence(d: _Draft, where: PlaceMention | None, actors: list[str]) -> float:
    """How sure the extraction is: strong cues, a date and place of its own, named actors;
    less when the report itself is hedged ("reportedly", "claimed", "unverified")."""
    c = 0.25 + 0.35 * max(x.cues.strength for x in d.sents)
    if _HEDGED.search(d.text):
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


def _paragraphs(d: _Draft, sents: list[_Sent]) -> str:
    """The text of the paragraphs an incident is told in (its outcome may be told apart)."""
    paras = {x.s.paragraph for x in d.sents}
    return " ".join(x.s.text for x in sents if x.s.paragraph in paras)


def _build(d: _Draft, text: str, all_mentions: list[PlaceMention], single: bool,
           pub: date | None, sents: list[_Sent], title: str | None = None
           ) -> Incident | None:
    killed, injured = _casualties(d)
    ev = events.classify(d.tags, d.text, harmed=bool(killed or injured), killed=bool(killed),
                         lead=d.sents[0].s.text, lead_tags=d.sents[0].cues.tags)
    if ev is None:
        return None
    event_type, sub = ev
    where = _place(d, text, all_mentions, single)
    if (where is None or where.kind == "country") and title:
        where = _title_place(title) or where   # the headline names the place the body omits
    cc = where.country_code if where else None
    if where is None:
        cc = _demonym_country(d.text)
        where = _country_place(cc)
    elif cc is None:      # a place the gazetteer lacks: its country from the other places named
        cc = _likely_country([m for x in d.sents for m in x.places] or all_mentions) \
            or _demonym_country(d.text)
        if cc:
            where = replace(where, country_code=cc, country=places.country_name(cc))
    folded = d.folded
    who = actors_mod.find(d.text, country_code=cc, event_type=event_type, folded=folded)
    if killed is None and (injured is not None or event_type in _NON_LETHAL
                           or sub in _NON_LETHAL_SUBS
                           or casualties.outcome_without_deaths(_paragraphs(d, sents))):
        killed = 0          # casualties accounted for, or an event that kills nobody by kind
    weapons: list[str] = []
    for h in vocab.get().weapons.find(d.text, folded):
        if events.NEGATED.search(d.text[max(0, h.start - 100):h.start]):
            continue
        if h.label not in weapons:
            weapons.append(h.label)
    evidence = d.text if len(d.text) <= MAX_EVIDENCE_CHARS else \
        d.text[:MAX_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " ..."
    dm = d.date or _undated(pub)
    year_only = dm is not None and dm.precision == dates.YEAR
    return Incident(
        event_type=event_type, sub_event_type=sub,
        date=dm.value.isoformat() if dm and not year_only else None,
        date_precision=dm.precision if dm and not year_only else None,
        country_code=cc,
        country=places.country_name(cc) if cc else None,
        admin1=_plain(where.admin1) if where else None,
        location=_plain(where.location) if where else (places.country_name(cc) if cc else None),
        lat=where.lat if where else None, lon=where.lon if where else None,
        geo_precision=where.geo_precision if where else (3 if cc else None),
        actors=tuple(who), fatalities=killed, injured=injured, weapons=tuple(weapons),
        evidence=evidence, confidence=_confidence(d, where, who),
    )


# transliteration marks for ayn and hamza ("Dar‘ā", "Ta‘izz") are written as an apostrophe
_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bf": "'", "\u02be": "'",
                        "\u02bc": "'", "\u02bb": "'", "`": "'"})


def _plain(name: str | None) -> str | None:
    return name.translate(_MARKS) if name else name


def _title_place(title: str | None) -> PlaceMention | None:
    """A town or region the headline names, for a lead incident whose text names none."""
    if not title or not title.strip():
        return None
    ms = places.find_places(title)
    p = places.primary_place(ms, title) if ms else None
    return p if p is not None and p.kind != "country" else None


def _undated(pub: date | None) -> dates.DateMention | None:
    """No date named: most reports tell of the day before publication; precision says "week"."""
    if pub is None:
        return None
    return dates.DateMention(0, 0, pub - timedelta(days=1), dates.WEEK, "fallback")


def _merge_same(incidents: list[Incident]) -> list[Incident]:
    out: list[Incident] = []
    for inc in incidents:
        twin = next((o for o in out if o.sub_event_type == inc.sub_event_type
                     and o.date == inc.date and o.location == inc.location), None)
        if twin is None:
            out.append(inc)
    return out


def extract_incidents(text: str, *, title: str | None = None,
                      published: str | datetime | date | None = None,
                      url: str | None = None) -> list[Incident]:
    """Incidents reported by an article, in text order. Pure and deterministic; never raises."""
    try:
        return _extract(text, title, published)
    except Exception:    # outside input must never break a run: no incident, not a crash
        return []


def _extract(text: str, title: str | None, published: str | datetime | date | None
             ) -> list[Incident]:
    if not isinstance(text, str):
        return []
    pub = dates.to_date(published)
    body = _body(text)
    sents = _analyse(body, pub)
    drafts = _drafts(sents)
    if not drafts and title:
        body = title.strip() + ".\n\n" + body
        sents = _analyse(body, pub)
        drafts = _drafts(sents)
    if not drafts:
        return []
    all_mentions = [m for x in sents for m in x.places]
    single = len(drafts) == 1
    out: list[Incident] = []
    if len(drafts) > 1 and _is_roundup(drafts[0]):
        drafts = drafts[1:]      # "violence across Iraq killed 11": the sum of what follows
    lead_para = min(x.s.paragraph for x in sents if x.cues.hits) if sents else 0
    for d in drafts:
        if pub is not None and d.date is not None and \
                d.date.value < pub - timedelta(days=BACKGROUND_DAYS) and \
                d.sents[0].s.paragraph > lead_para:
            continue        # background: an older event the article is not about
        inc = _build(d, body, all_mentions, single, pub, sents, title if not out else None)
        if inc is not None:
            out.append(inc)
    return _merge_same(out)
