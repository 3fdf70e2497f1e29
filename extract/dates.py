"""Dates named in a sentence, resolved against the publication date, with a precision."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from extract import lexicon
from extract.literals import Anchored, Scan, anchored
from extract.phrases import Substrings

DAY, WEEK, MONTH, YEAR = "day", "week", "month", "year"   # YEAR: only to tell background

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}
_MON = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"


@dataclass(frozen=True)
class DateMention:
    """A date expression: where it is, what it resolves to, how precise, and its cue word."""

    start: int
    end: int
    value: date
    precision: str
    # explicit | relative | weekday | partial | earlier ("2 days earlier") | attributive (dates
    # the deed it names or follows, not the sentence: "a 2019 bombing", "a decade ago")
    kind: str
    since: bool = False  # introduced by "since"/"until": a background reference


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year_for(month: int, day: int, pub: date | None) -> int | None:
    """Year of a yearless "15 May": the latest one not after publication (+2 days slack)."""
    if pub is None:
        return None
    for y in (pub.year, pub.year - 1):
        d = _mk(y, month, day)
        if d is not None and d <= pub + timedelta(days=2):
            return y
    return pub.year - 1


def _explicit(m: re.Match[str], pub: date | None) -> tuple[date, str] | None:
    g = m.groupdict()
    mon = _MONTHS[g["mon"].lower()]
    day = int(g["day"]) if g.get("day") else None
    year = int(g["year"]) if g.get("year") else None
    if day is None:
        if year is None:
            year = _year_for(mon, 1, pub)
            if year is None:
                return None
        d = _mk(year, mon, 1)
        return (d, MONTH) if d else None
    if year is None:
        year = _year_for(mon, day, pub)
        if year is None:
            return None
    d = _mk(year, mon, day)
    return (d, DAY) if d else None


def _numeric(m: re.Match[str], pub: date | None) -> tuple[date, str] | None:
    a, b = int(m.group("a")), int(m.group("b"))
    ys = m.group("y")
    year: int | None = None
    if ys:
        year = int(ys) + (2000 if len(ys) == 2 else 0)
    options = []
    for day, mon in ((a, b), (b, a)):   # day-first (ACLED, most of the world) tried first
        y = year if year is not None else (_year_for(mon, day, pub) if 1 <= mon <= 12 else None)
        if y is None or not 1 <= mon <= 12:
            continue
        d = _mk(y, mon, day)
        if d is not None:
            options.append(d)
    if not options:
        return None
    if pub is not None:
        fits = [d for d in options if d <= pub + timedelta(days=2)]
        if fits:
            return (fits[0], DAY)
    return (options[0], DAY)


def _weekday_before(wd: int, pub: date) -> date:
    delta = (pub.weekday() - wd) % 7
    return pub - timedelta(days=delta)


_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b" + _Y + r"-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), "iso"),
    (re.compile(r"\b(?:week of|week starting|week beginning)\s+(?:the\s+)?" + _D
                + r"(?:\s+of)?\s+" + _MON + r"(?:,?\s+" + _Y + r")?\b", re.I), "week_dm"),
    (re.compile(r"\b(?:week of|week starting|week beginning)\s+" + _MON + r"\s+" + _D
                + r"(?:,?\s+" + _Y + r")?\b", re.I), "week_md"),
    (re.compile(r"\b" + _D + r"(?:\s+of)?\s+" + _MON + r"(?:,?\s+" + _Y + r")?\b", re.I), "dm"),
    (re.compile(r"\b" + _MON + r"\s+" + _D + r"(?!\d)(?:,?\s+" + _Y + r")?\b", re.I), "md"),
    (re.compile(r"\b(?:early|mid|late|end of|beginning of|in|during|since|last)[\s-]+" + _MON
                + r"(?:\s+" + _Y + r")?\b", re.I), "month"),
    (re.compile(r"\b(?:in|during|since|by|until|of)\s+(?:early\s+|late\s+|mid-?)?"
                r"(?P<year>(?:19|20)\d\d)\b(?![/.-]\d)", re.I), "year"),
    # a year naming an event: "a 2019 bombing", "the 2014 attack" (it dates that event, not
    # the sentence's others: "on Monday, marking the anniversary of a 1990 uprising")
    (re.compile(r"\b(?:[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir|[Tt]hat)\s+(?P<year>(?:19|20)\d\d)"
                r"(?=\s+[a-z])"), "year_of"),
    (re.compile(r"(?<![\d/.])(?P<a>[0-3]?\d)[/.](?P<b>[01]?\d)(?:[/.](?P<y>(?:19|20)?\d\d))?"
                r"(?![\d/.]\d)"), "numeric"),
    (re.compile(r"\b(?:(?:late|early|on|last|this|past)\s+)?" + _WD
                + r"(?:\s+(?:night|morning|evening|afternoon))?\b", re.I), "weekday"),
    (re.compile(r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                r"(?P<unit>days?|weeks?)\s+(?:ago|earlier)\b", re.I), "ago"),
    # long ago: "a decade ago", "two years ago", "in the 1990s" (background, not the day's)
    (re.compile(r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                r"a few|several)\s+(?P<unit>months?|years?|decades?)\s+ago\b", re.I), "long_ago"),
    (re.compile(r"\b(?:in|during|since|by|through|throughout)\s+the\s+(?:early\s+|late\s+|mid-?)?"
                r"(?P<decade>(?:19|20)\d)0s\b", re.I), "decade"),
    # a span of time ending now: a tally over it, not one day's event ("in the past week")
    (re.compile(r"\b(?:in|over|during|throughout)\s+the\s+(?:past|last|previous)\s+"
                r"(?:(?:\d+|few|several|two|three|four|five|six|ten|twelve)\s+)?"
                r"(?P<unit>weeks?|months?|years?|decades?)\b", re.I), "period"),
    (re.compile(r"\b(?P<rel>yesterday|last night|overnight|today|this morning|tonight|"
                r"this evening|this afternoon|earlier today|a day earlier|the day before|"
                r"last week|this week|earlier this week|last month|earlier this month|"
                r"this month|last year|earlier this year|last (?:winter|spring|summer|autumn|"
                r"fall))\b", re.I), "relative"),
]
# each rule tried only where one of the words its matches start with starts (re tries a
# case-blind rule at every position of the sentence)
_RUNS = [(anchored(pat), kind) for pat, kind in _RULES]

_REL = {
    "yesterday": (-1, DAY), "last night": (-1, DAY), "overnight": (0, DAY), "today": (0, DAY),
    "this morning": (0, DAY), "tonight": (0, DAY), "this evening": (0, DAY),
    "this afternoon": (0, DAY), "earlier today": (0, DAY), "a day earlier": (-2, DAY),
    "the day before": (-2, DAY), "last week": (-7, WEEK), "this week": (-3, WEEK),
    "earlier this week": (-3, WEEK), "last month": (-30, MONTH),
    "earlier this month": (-10, MONTH), "this month": (0, MONTH),
    "last year": (-365, YEAR), "earlier this year": (-60, YEAR),
    # a season: some months back ("protests spread across France last winter")
    "last winter": (-180, MONTH), "last spring": (-180, MONTH), "last summer": (-180, MONTH),
    "last autumn": (-180, MONTH), "last fall": (-180, MONTH),
}
_SINCE = re.compile(r"\b(?:since|until|till)\s+(?:early\s+|late\s+|mid\s+)?$", re.I)


_MONTH_KINDS = ("week_dm", "week_md", "dm", "md", "month")
_TRIGGERS = Substrings(
    [(d, k) for d in "0123456789" for k in ("iso", "numeric", "year", "year_of", "decade")]
    + [(m, k) for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                        "nov", "dec") for k in _MONTH_KINDS]
    + [("day", "weekday")]
    + [(w, "relative") for w in ("yesterday", "night", "today", "morning", "evening",
                                 "afternoon", "week", "month", "day before", "day earlier",
                                 "year", "winter", "spring", "summer", "autumn", "fall")]
    + [(w, "ago") for w in (" ago", " earlier")] + [(" ago", "long_ago")]
    + [(w, "period") for w in ("the past ", "the last ", "the previous ")]
)


# what else a rule's every match holds besides its trigger: a day's digits (a day and a month,
# a week of a day), "week", a year's first two digits, a digit next to "/" or "."
_DAY_DIGITS = frozenset({"week_dm", "week_md", "dm", "md"})
_WEEK_OF = frozenset({"week_dm", "week_md"})
_CENTURY = frozenset({"iso", "year", "year_of", "decade"})
_DIGIT = re.compile(r"\d")
_DIGIT_SEPARATOR = re.compile(r"\d[/.]")


def _rules_worth_trying(sentence: str) -> set[str]:
    """Cheap checks that rule out most date rules for a sentence before their regexes run: the
    rule's trigger words (_TRIGGERS), then what else its matches need."""
    worth = _TRIGGERS.labels(sentence)
    if worth & _DAY_DIGITS and not _DIGIT.search(sentence):
        worth -= _DAY_DIGITS
    if worth & _WEEK_OF and "week" not in sentence.lower():
        worth -= _WEEK_OF
    if worth & _CENTURY and "19" not in sentence and "20" not in sentence:
        worth -= _CENTURY
    if "numeric" in worth and not _DIGIT_SEPARATOR.search(sentence):
        worth.discard("numeric")
    return worth


def find(sentence: str, published: date | None, language: str | None = None
         ) -> list[DateMention]:
    """Date mentions of one sentence, non-overlapping, in text order (`language`: the
    sentence's, None for English)."""
    lex = lexicon.get(language)
    if lex is not None:
        return _find_local(sentence, published, _local_rules(lex))
    out: list[DateMention] = []
    worth = _rules_worth_trying(sentence)
    if not worth:
        return out
    # the spans taken so far, disjoint and in text order: the last one starting before a
    # match's end is the only one that can overlap it (one look, however many dates)
    starts: list[int] = []
    ends: list[int] = []
    for pat, kind in _RUNS:
        if kind not in worth:
            continue
        for m in pat.finditer(sentence):
            s, e = m.span()
            i = bisect.bisect_left(starts, e)
            if i and ends[i - 1] > s:
                continue
            res = _resolve(kind, m, published)
            if res is None:
                continue
            value, prec, k = res
            since = bool(_SINCE.search(sentence[max(0, s - 14):s])) or \
                m.group(0)[:6].lower() == "since " or kind == "period"
            starts.insert(i, s)
            ends.insert(i, e)
            out.append(DateMention(s, e, value, prec, k, since))
    out.sort(key=lambda d: d.start)
    return out


def _resolve(kind: str, m: re.Match[str], pub: date | None) -> tuple[date, str, str] | None:
    if kind == "iso":
        d = _mk(int(m.group("year")), int(m.group("m")), int(m.group("d")))
        return (d, DAY, "explicit") if d else None
    if kind in ("week_dm", "week_md"):
        r = _explicit(m, pub)
        if r is None:
            return None
        mid = r[0] + timedelta(days=3)     # the middle of that week, not after the report
        if pub is not None and mid >= pub:
            mid = max(r[0], pub - timedelta(days=1))
        return (mid, WEEK, "explicit")
    if kind in ("dm", "md", "month"):
        r = _explicit(m, pub)
        if r is None:
            return None
        if not m.group("mon")[0].isupper():
            return None   # month names are capitalised: "may", "march" are verbs here
        return (r[0], r[1], "explicit" if m.group("year") else "partial")
    if kind in ("year", "year_of"):
        y = int(m.group("year"))
        if pub is not None and y >= pub.year:
            return None       # "in 2024" in a 2024 article says nothing about the day
        return (date(y, 1, 1), YEAR, "explicit" if kind == "year" else "attributive")
    if kind == "numeric":
        if m.group("y") is None and "." in m.group(0):
            return None   # "3.5" is a number, not a date
        r = _numeric(m, pub)
        return (r[0], r[1], "explicit") if r else None
    if kind == "weekday":
        if pub is None:
            return None
        wd = _WEEKDAYS[m.group("wd").lower()]
        d = _weekday_before(wd, pub)
        if m.group(0).lower().startswith("last ") and d == pub:
            d -= timedelta(days=7)
        return (d, DAY, "weekday")
    if kind == "ago":
        if pub is None:
            return None
        words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10}
        n_text = m.group("n").lower()
        n = int(n_text) if n_text.isdigit() else words[n_text]
        week = m.group("unit").lower().startswith("week")
        kind = "earlier" if m.group(0).lower().endswith("earlier") else "relative"
        return (pub - timedelta(days=n * (7 if week else 1)), WEEK if week else DAY, kind)
    if kind == "long_ago":
        if pub is None:
            return None
        words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3, "several": 3}
        n_text = m.group("n").lower()
        n = int(n_text) if n_text.isdigit() else words[n_text]
        unit = m.group("unit").lower()
        days = n * (30 if unit.startswith("month") else 3650 if unit.startswith("decade") else 365)
        # ("attributive": it dates the deed it follows, not the sentence's other days)
        return (pub - timedelta(days=days), MONTH if unit.startswith("month") else YEAR,
                "attributive")
    if kind == "decade":
        y = int(m.group("decade")) * 10
        if pub is not None and y + 9 >= pub.year:
            return None       # "in the 2020s" in a 2025 article dates nothing
        return (date(y, 1, 1), YEAR, "explicit")
    if kind == "period":
        if pub is None:
            return None
        unit = m.group("unit").lower()
        days = 7 if unit.startswith("week") else 30 if unit.startswith("month") else 365
        return (pub - timedelta(days=days), WEEK if days == 7 else MONTH if days == 30 else YEAR,
                "relative")
    if kind == "relative":
        if pub is None:
            return None
        days, prec = _REL[m.group("rel").lower()]
        return (pub + timedelta(days=days), prec, "relative")
    return None


def from_anchor(d: DateMention, published: date, anchor: date) -> DateMention:
    """"Two days earlier" counted back from the day the story last named, not the report's."""
    if d.kind != "earlier":
        return d
    return DateMention(d.start, d.end, anchor - (published - d.value), d.precision, "relative",
                       d.since)


def to_date(value: str | date | datetime | None) -> date | None:
    """A publication date from ISO text, a date or a datetime; None when unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if not s:
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


# ------------------------------------------------------------------ other languages

@dataclass(frozen=True)
class _Local:
    """A language's date rules (built from its dates.yaml) and the words they resolve."""

    rules: tuple[tuple[Anchored | Scan, str], ...]
    lex: lexicon.Lexicon
    triggers: Substrings           # the words a rule kind needs (digits checked apart)
    since: re.Pattern[str]       # "depuis" right before a date
    since_start: re.Pattern[str]     # ... or opening it ("depuis 2017")
    of_noun: re.Pattern[str]         # "du", "del": the date names a thing ("la dana del 29")
    last: re.Pattern[str]            # "pasado", "dernier": a weekday before the report's day
    of_start: re.Pattern[str]        # a month or year opened by "de": "las protestas de enero de
    #                                  2023" names which protests, not when this happened
    week_units: re.Pattern[str]


_LOCAL: dict[str, _Local] = {}


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _local_rules(lex: lexicon.Lexicon) -> _Local:
    """The date rules of a language, compiled once: the same kinds as English's, their words
    from the language's dates.yaml (`words`: the glue between a day, a month and a year, the
    words before a weekday, a night's, a month's and a year's openers, "since")."""
    found = _LOCAL.get(lex.code)
    if found is not None:
        return found
    w = lex.date_words
    mon = "(?P<mon>" + _alternation(lex.months) + r")\.?"
    wd = "(?P<wd>" + _alternation(lex.weekdays) + ")"
    wd1 = "(?P<wd1>" + _alternation(lex.weekdays) + ")"
    year = r"(?P<year>(?:19|20)\d\d)"
    glue = w.get("day_month", "")
    rules = [
        (re.compile(r"\b" + year + r"-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), "iso"),
        (re.compile(r"\b(?:" + w.get("night", "(?!x)x") + r")\s+" + wd1 + r"(?:\s+\w+)?\s+(?:"
                    + w.get("night_to", "(?!x)x") + r")\s+" + wd + r"\b", re.I), "night"),
        (re.compile(r"\b(?P<day>[0-3]?\d)(?:" + w.get("ordinal", "(?!x)x") + r")?\s+(?:"
                    + glue + r")?" + mon + r"(?:\s+(?:" + w.get("month_year", "(?!x)x")
                    + r")?" + year + r")?\b", re.I), "dm"),
        # a day of the month alone ("no dia 5", "el día 12"): the latest one up to publication
        (re.compile(w.get("day_only", "(?!x)x"), re.I), "day"),
        (re.compile(r"\b(?:" + w.get("month_in", "(?!x)x") + r")\s+" + mon + r"(?:\s+(?:"
                    + w.get("month_year", "(?!x)x") + r")?" + year + r")?\b", re.I), "month"),
        (re.compile(r"\b(?:" + w.get("year_in", "(?!x)x") + r")\s+" + year
                    + r"\b(?![/.-]\d)", re.I), "year"),
        (_RULES[7][0], "numeric"),
        (re.compile(r"\b(?:(?:" + w.get("weekday_before", "(?!x)x") + r")\s+)?" + wd
                    + r"(?:\s+(?:" + w.get("weekday_after", "(?!x)x") + r"))?\b", re.I),
         "weekday"),
        (Scan(re.compile(w.get("ago", "(?!x)x"), re.I)), "ago"),
        (re.compile(r"\b(?P<rel>" + _alternation(lex.relative) + r")\b", re.I), "relative"),
    ]
    triggers = Substrings([(m, "month") for m in lex.months]
                          + [(d, "weekday") for d in lex.weekdays]
                          + [(r, "relative") for r in lex.relative])
    # (each tried only where one of the words its matches start with starts)
    runs = tuple((anchored(p) if isinstance(p, re.Pattern) else p, kind) for p, kind in rules)
    found = _Local(runs, lex, triggers, re.compile(r"\b(?:" + w.get("since", "(?!x)x")
                                                 + r")\s+(?:\w+\s+)?$", re.I),
                   re.compile(r"(?:" + w.get("since", "(?!x)x") + r")\b", re.I),
                   re.compile(r"\b(?:" + w.get("of_noun", "(?!x)x") + r")\s+$", re.I),
                   re.compile(r"\b(?:" + w.get("last", "(?!x)x") + r")\b", re.I),
                   re.compile(r"(?:" + w.get("of_start", "(?!x)x") + r")\s", re.I),
                   re.compile(w.get("week_units", "(?!x)x"), re.I))
    _LOCAL[lex.code] = found
    return found


def _find_local(sentence: str, published: date | None, loc: _Local) -> list[DateMention]:
    """find() with a language's rules: the first rule that takes a span keeps it; a rule runs
    only when the sentence holds what it needs (a digit, a month, a weekday, a relative word)."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    words = loc.triggers.labels(sentence)
    if _DIGIT.search(sentence) is not None:     # (what English's digit rules need, too)
        words.add("digit")
        if "19" in sentence or "20" in sentence:
            words.add("century")
        if _DIGIT_SEPARATOR.search(sentence):
            words.add("separator")
    for pat, kind in loc.rules:
        if not _worth_local(kind, words):
            continue
        for m in pat.finditer(sentence):
            s, e = m.span()
            if any(a < e and s < b for a, b in taken):
                continue
            res = _resolve_local(kind, m, published, loc)
            if res is None:
                continue
            value, prec, k = res
            # (a date after "of" names a thing, not when: "les élections du 9 octobre")
            since = bool(loc.since.search(sentence[max(0, s - 20):s])) or kind == "period" or \
                bool(loc.since_start.match(m.group(0))) or \
                (kind in ("dm", "month", "weekday")
                 and bool(loc.of_noun.search(sentence, max(0, s - 8), s))) or \
                (kind in ("month", "year") and bool(loc.of_start.match(m.group(0))))
            taken.append((s, e))
            out.append(DateMention(s, e, value, prec, k, since))
    out.sort(key=lambda d: d.start)
    return out


# what a sentence must hold for a rule to be tried: a digit, a year's first two digits, a digit
# before "/" or ".", a month, a weekday, a relative word ("ago" is a literals.Scan, tried only
# where its words are)
_LOCAL_NEEDS = {"iso": {"century"}, "numeric": {"separator"}, "year": {"century"},
                "dm": {"digit", "month"}, "day": {"digit"}, "month": {"month"},
                "night": {"weekday"}, "weekday": {"weekday"}, "relative": {"relative"}}
_NO_NEED: frozenset[str] = frozenset()


def _worth_local(kind: str, words: set[str]) -> bool:
    return _LOCAL_NEEDS.get(kind, _NO_NEED) <= words


def _resolve_local(kind: str, m: re.Match[str], pub: date | None, loc: _Local
                   ) -> tuple[date, str, str] | None:
    lex = loc.lex
    if kind in ("dm", "month"):
        g = m.groupdict()
        month = lex.months[g["mon"].lower()]
        day = int(g["day"]) if g.get("day") else None
        y = int(g["year"]) if g.get("year") else _year_for(month, day or 1, pub)
        if y is None:
            return None
        d = _mk(y, month, day or 1)
        if d is None:
            return None
        if day is None:
            return d, MONTH, "explicit" if g.get("year") else "partial"
        return d, DAY, "explicit" if g.get("year") else "partial"
    if kind == "day":
        if pub is None:
            return None
        day = int(m.group("day"))
        back = pub.replace(day=1) - timedelta(days=1)      # (the month before)
        d = _mk(pub.year, pub.month, day) if day <= pub.day else _mk(back.year, back.month, day)
        return None if d is None else (d, DAY, "partial")
    if kind in ("weekday", "night"):
        if pub is None:
            return None
        d = _weekday_before(lex.weekdays[m.group("wd").lower()], pub)
        if d == pub and loc.last.search(m.group(0)):
            d -= timedelta(days=7)     # "el pasado sábado" in a Saturday's report
        return d, DAY, "weekday"
    if kind == "relative":
        if pub is None:
            return None
        days, prec = lex.relative[m.group("rel").lower()]
        told = "earlier" if prec == "anchored" else "relative"
        return pub + timedelta(days=days), DAY if prec == "anchored" else prec, told
    if kind == "ago":
        if pub is None:
            return None
        n_text = m.group("n").lower()
        n = int(n_text) if n_text.isdigit() else lex.numbers.get(n_text)
        if n is None:
            return None
        week = bool(loc.week_units.match(m.group("unit")))
        return pub - timedelta(days=n * (7 if week else 1)), WEEK if week else DAY, "relative"
    return _resolve(kind, m, pub)
