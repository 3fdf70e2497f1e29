"""Actors of an incident: named groups from the dictionary, national forces and generic parties."""

from __future__ import annotations

import re

from extract import gazetteer, lexicon, places, vocab
from extract.gazetteer import fold_text
from extract.literals import Scans, anchored
from extract.phrases import Hit, Substrings, longest_first

_FORCE_WORDS = (r"(?:armed forces|security forces|military forces|forces|force|troops|army|"
                r"soldiers|soldier|military|navy|air force|warplanes?|jets|border guards|"
                r"special forces|artillery|drones?|aircraft|air defen[cs]e|air ?strikes?|"
                r"shelling|missiles?|warships?|navy|commandos|paratroopers)")
_POLICE_WORDS = r"(?:police(?:men|man| officers?| forces?)?|gendarmes?|gendarmerie)"
_DEMONYM = r"(?P<dem>U\.S\.|US|[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)?)"
_NATIONAL_FORCE = re.compile(r"\b" + _DEMONYM + r"\s+(?:(?:government|regime|state|national|"
                             r"federal|special|riot|military|security)\s+)?(?P<what>"
                             + _POLICE_WORDS + "|" + _FORCE_WORDS + r")\b")
_FORCES_OF = re.compile(r"\b(?:military|armed|security) forces of (?:the )?(?P<country>"
                        r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3})")
_GENERIC = [
    ("police", re.compile(r"\b(?:police(?:men|man)?|policem[ae]n|gendarme(?:s|rie)?|"
                          r"law enforcement|officers)\b", re.I)),
    ("military", re.compile(r"\b(?:soldiers?|troops|army|military|armed forces|"
                            r"security forces|government forces|regime forces|"
                            r"pro-government forces)\b", re.I)),
    ("unidentified", re.compile(r"\b(?:gunm[ae]n|unidentified (?:armed |gun)?(?:men|assailants|"
                                r"attackers|persons|individuals|group)|unknown (?:armed )?"
                                r"(?:men|assailants|attackers|gunmen|persons|party)|"
                                r"assailants|armed men|attackers|bandits|armed group|rustlers|"
                                r"raiders|robbers|poachers|kidnappers|"
                                r"suspected (?:militants|gunmen|bandits))\b", re.I)),
    ("protesters", re.compile(r"\b(?:protesters|protestors|demonstrators|marchers|"
                              r"protesting|protested)\b", re.I)),
    ("rioters", re.compile(r"\b(?:rioters|mob|crowd|youths)\b", re.I)),
    ("civilians", re.compile(r"\b(?:civilians?|villagers|residents|(?:a|an|the|one|two|"
                             r"three) (?:\w+ )?(?:man|woman|men|women|boy|girl|child|children|"
                             r"farmer|farmers|teacher|teachers|driver|trader|student|students|"
                             r"journalist|doctor|nurse|worker|workers|person|people)|people)\b",
                             re.I)),
    ("gang", re.compile(r"\b(?:gangs?|gang members|gangsters|cartels?)\b", re.I)),
    ("clan", re.compile(r"\b(?:the\s+)?(?P<a>[A-Z][\w'\u2019\-]+(?:\s+[A-Z][\w'\u2019\-]+)?)"
                        r"(?:\s+and\s+(?:the\s+)?(?P<b>[A-Z][\w'\u2019\-]+(?:\s+[A-Z]"
                        r"[\w'\u2019\-]+)?))?\s+(?:sub-)?(?:clans?|famil(?:y|ies)|tribes?)\b")),
    ("militia", re.compile(r"\b(?P<name>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)?)\s+(?:ethnic\s+)?"
                           r"(?:militia|militiamen|militants|vigilantes)\b")),
]
# each tried only where one of the words its matches start with starts (re tries a case-blind
# alternation at every position of an incident's text: "unidentified" costs ten times more)
_GENERIC_RUNS = [(kind, anchored(pat)) for kind, pat in _GENERIC]
_GENERIC_LABEL = {
    "police": "Police Forces of {c}", "military": "Military Forces of {c}",
    "unidentified": "Unidentified Armed Group ({c})", "protesters": "Protesters ({c})",
    "rioters": "Rioters ({c})", "civilians": "Civilians ({c})", "gang": "Unidentified Gang ({c})",
}
_CROWD_EVENTS = {"Protests", "Riots"}
# without a country the generic parties keep their bare name
_BARE_LABEL = {"unidentified": "Unidentified Armed Group", "protesters": "Protesters",
               "rioters": "Rioters", "civilians": "Civilians", "gang": "Unidentified Gang"}
# each pattern above runs only when one of its stems is in the text (one automaton pass)
_STEMS = Substrings(
    [(w, "police") for w in ("police", "policem", "gendarm", "law enforcement", "officers")]
    + [(w, "military") for w in ("soldier", "troops", "army", "military", "armed forces",
                                 "security forces", "government forces", "regime forces")]
    + [(w, "unidentified") for w in ("gunm", "unidentified", "unknown", "assailant", "armed men",
                                     "attacker", "bandit", "armed group", "suspected")]
    + [(w, "protesters") for w in ("protest", "demonstrator", "marcher")]
    + [(w, "rioters") for w in ("rioter", "mob", "crowd", "youth")]
    + [(w, "civilians") for w in ("civilian", "villager", "resident", "man", "men", "boy", "girl",
                                  "child", "farmer", "teacher", "driver", "trader", "student",
                                  "journalist", "doctor", "nurse", "worker", "person", "people")]
    + [(w, "militia") for w in ("militia", "militant", "vigilante")]
    + [(w, "gang") for w in ("gang", "cartel")]
    + [(w, "clan") for w in ("clan", "famil", "tribe")]
    + [(w, "unidentified") for w in ("rustler", "raider", "robber", "poacher", "kidnapper")]
    + [(w, "national") for w in ("force", "troops", "army", "soldier", "military", "navy",
                                 "warplane", "jet", "guard", "artiller", "drone", "aircraft",
                                 "air defen", "police", "gendarm", "strike", "shelling",
                                 "missile", "warship", "commando", "paratroop")]
    + [("forces of", "forces_of")]
)
_NOT_NATIONS = frozenset({"The", "A", "An", "Government", "Security", "Special", "Federal"})


def _dictionary(hits: list[Hit]) -> list[Hit]:
    """Dictionary matches, the longest where they overlap, in text order."""
    return longest_first(hits)


# country names said with "the" ("Military Forces of the United States")
_THE = frozenset({"United States", "United Kingdom", "Philippines", "Netherlands", "Gambia",
                  "Democratic Republic of Congo", "Republic of Congo", "Central African Republic",
                  "Bahamas", "Comoros", "Maldives", "United Arab Emirates", "Czech Republic",
                  "Dominican Republic", "Solomon Islands", "Marshall Islands"})


def _with_article(name: str) -> str:
    return f"the {name}" if name in _THE else name


def _country_label(cc: str | None) -> str | None:
    return places.country_name(cc) if cc else None


_GENERIC_LOCAL: dict[str, tuple[list[str], Scans]] = {}


def _generic_local(lex: lexicon.Lexicon) -> tuple[list[str], Scans]:
    """A language's words for the generic parties (actors.yaml `generic`): the parties in
    _GENERIC's order, and their patterns, each tried only where one of its words is (one
    substring pass over a text for all of them: literals.Scans)."""
    found = _GENERIC_LOCAL.get(lex.code)
    if found is None:
        order = [k for k, _ in _GENERIC if k in lex.actors_generic and lex.actors_generic[k]]
        found = order, Scans({k: re.compile(r"(?<!\w)(?:" + "|".join(
            sorted((re.escape(w) for w in lex.actors_generic[k]), key=len, reverse=True))
            + r")(?!\w)", re.I) for k in order})
        _GENERIC_LOCAL[lex.code] = found
    return found


def find(text: str, *, country_code: str | None, event_type: str | None,
         folded: str | None = None, language: str | None = None) -> list[str]:
    """Actor names for an incident described by `text` and located in `country_code`
    (`language`: the text's, None for English; another language's words name the same ACLED
    actors)."""
    out: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in out:
            out.append(name)

    v = vocab.get(language)
    folded = fold_text(text) if folded is None else folded
    named = _dictionary(v.actors.find(text, folded))
    for h in named:
        add(h.label)
    lex = lexicon.get(language)
    if lex is not None:
        return _find_local(text, lex, country_code, event_type, add, out)
    stems = _STEMS.labels(text)
    national: set[str] = set()
    for m in (_NATIONAL_FORCE.finditer(text) if "national" in stems else ()):
        dem = m.group("dem")
        if dem in _NOT_NATIONS:
            continue
        cc = "US" if dem in ("U.S.", "US") else (
            places.country_of_demonym(dem.split()[-1]) or places.country_of_demonym(dem))
        name = _country_label(cc)
        if not name:
            continue
        national.add(cc or "")
        police = re.match(_POLICE_WORDS, m.group("what"), re.I)
        add(("Police Forces of " if police else "Military Forces of ") + _with_article(name))
    for m in (_FORCES_OF.finditer(text) if "forces_of" in stems else ()):
        for e, _alt in gazetteer.get().lookup(m.group("country")):
            if e.kind == gazetteer.KIND_COUNTRY:
                add("Military Forces of " + _with_article(_country_label(e.country_code)
                                                          or e.name))
                break
    country = _country_label(country_code)
    for kind, pat in _GENERIC_RUNS:
        if kind not in stems:
            continue
        hit = pat.search(text)
        if not hit:
            continue
        if kind == "militia":
            s_, e_ = hit.span("name")
            known = any(h.start < e_ and s_ < h.end for h in named)   # "Al Shabaab militants"
            if hit.group("name") not in _NOT_NATIONS and not known:
                add(f"{hit.group('name')} Militia")
            continue
        if kind == "clan":
            for name in (hit.group("a"), hit.group("b")):
                if name and name not in _NOT_NATIONS:
                    add(f"{name} Clan Militia")
            continue
        if kind in ("police", "military") and national:
            continue
        _add_party(kind, country, event_type, add)
    return _with_implied(event_type, country, add, out)


def _add_party(kind: str, country: str | None, event_type: str | None, add) -> None:
    """A generic party under its ACLED label (national forces only with a country)."""
    if kind == "civilians" and event_type in _CROWD_EVENTS:
        return    # "200 people marched": the crowd itself, not its victims
    if kind in ("police", "military"):
        if country:
            add(_GENERIC_LABEL[kind].format(c=_with_article(country)))
        return
    add(_GENERIC_LABEL[kind].format(c=country) if country else _BARE_LABEL.get(kind))


def _with_implied(event_type: str | None, country: str | None, add, out: list[str]
                  ) -> list[str]:
    """The actors with the party the event type implies (protesters, rioters, civilians)."""
    implied = {"Protests": "protesters", "Riots": "rioters",
               "Violence against civilians": "civilians"}.get(event_type or "")
    if implied:
        add(_GENERIC_LABEL[implied].format(c=country) if country else _BARE_LABEL[implied])
    return out


def _find_local(text: str, lex: lexicon.Lexicon, country_code: str | None,
                event_type: str | None, add, out: list[str]) -> list[str]:
    """The generic parties of another language's text, under English's ACLED labels."""
    country = _country_label(country_code)
    kinds, scans = _generic_local(lex)
    possible = scans.possible(text)
    for kind in kinds:
        if scans.search(kind, text, possible):
            _add_party(kind, country, event_type, add)
    return _with_implied(event_type, country, add, out)
