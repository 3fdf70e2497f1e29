"""Event cues per sentence, whether a mention is a real event, and ACLED type from cue tags."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from extract import vocab
from extract.phrases import Hit

BATTLES = "Battles"
ERV = "Explosions/Remote violence"
VAC = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
SD = "Strategic developments"


class NotEvent(Enum):
    """Why an event mention in a sentence is not an incident that happened."""

    THREAT = "threat"
    DENIAL = "denial"
    FUTURE = "future"
    HYPOTHETICAL = "hypothetical"
    BACKGROUND = "background"


@dataclass(frozen=True)
class Cues:
    """Event cues of one sentence."""

    hits: tuple[Hit, ...]
    tags: frozenset[str]
    strength: float          # the strongest tag weight among the cues


def sentence_cues(sentence: str) -> Cues:
    """Event cues of one sentence, overlapping matches resolved to the longest."""
    v = vocab.get()
    kept: list[Hit] = []
    for h in sorted(v.cues.find(sentence), key=lambda h: (-(h.end - h.start), h.start)):
        if any(h.start < k.end and k.start < h.end for k in kept):
            continue
        kept.append(h)
    kept.sort(key=lambda h: h.start)
    tags = frozenset(h.label for h in kept)
    strength = max((v.tag_weight.get(t, 0.0) for t in tags), default=0.0)
    return Cues(tuple(kept), tags, strength)


_WINDOW = 60
NEGATED = re.compile(r"\b(?:no|not|never|without|nor|neither)\s+(?:\w+\s+){0,2}$|"
                     r"\b(?:whether|unclear if|if)\b[^,;:]*$", re.I)


def live_cues(sentence: str, cues: Cues) -> tuple[Cues, NotEvent | None]:
    """The cues that report something that happened; and why the rest of them do not.

    A modal cue ("threatened to", "will", "since", "denied") governs the event words that
    follow it closely; a negation right before a cue ("no warplanes") removes that cue.
    """
    v = vocab.get()
    if not cues.hits:
        return cues, None
    spans: list[tuple[int, int, NotEvent]] = []
    for reason in NotEvent:
        pat = v.modality.get(reason.value)
        if pat is None:
            continue
        for m in pat.finditer(sentence):
            if reason is NotEvent.DENIAL:
                return Cues((), frozenset(), 0.0), reason
            spans.append((m.start(), m.end(), reason))
    kept: list[Hit] = []
    why: NotEvent | None = None
    for h in cues.hits:
        if NEGATED.search(sentence[max(0, h.start - 100):h.start]):
            continue
        gov = next((r for s, e, r in spans
                    if (e <= h.start + 1 and h.start - e <= _WINDOW) or s <= h.start < e), None)
        if gov is not None:
            why = why or gov
            continue
        kept.append(h)
    tags = frozenset(h.label for h in kept)
    strength = max((v.tag_weight.get(t, 0.0) for t in tags), default=0.0)
    return Cues(tuple(kept), tags, strength), (why if not kept else None)


# ------------------------------------------------------------------ classification

_ARMED_TARGET = re.compile(
    r"\b(?:attack(?:ed|ing)?|ambush(?:ed|ing)?|shot(?: dead| and killed)?|kill(?:ed|ing)|"
    r"target(?:ed|ing)|opened fire (?:on|at)|fired (?:on|at)|stormed|raided|assaulted)\s+"
    r"(?:\w+\s+){0,4}?(?:soldiers?|troops|army|military|policem[ae]n|police (?:officers?|post|"
    r"station|patrol|checkpoint)|gendarmes?|gendarmerie|militants|fighters|rebels|insurgents|"
    r"positions?|checkpoints?|base|barracks|patrol|convoy|outpost|post|lieutenant|officer|"
    r"commander|militiamen|guards?|forces)\b", re.I)
_CIVILIAN_VICTIM = re.compile(
    r"\b(?:civilians?|villagers|residents|farmers?|teachers?|students?|wom[ae]n|child(?:ren)?|"
    r"boys?|girls?|journalists?|traders?|drivers?|worshippers|passengers|people|man|men|family)\b",
    re.I)
_STRUCK_BY_CROWD = re.compile(r"\b(?:by|of) (?:a |an )?(?:angry |irate )?(?:mob|crowd|residents|"
                              r"villagers|youths)\b", re.I)


@dataclass(frozen=True)
class Rule:
    when: Callable[[frozenset[str], str], bool]
    event_type: str
    sub_event_type: str


def _has(*tags: str) -> Callable[[frozenset[str], str], bool]:
    return lambda t, _s: any(x in t for x in tags)


def _protest_like(t: frozenset[str]) -> bool:
    return "protest" in t or "riot" in t


# ACLED codes by how violence happened and who was hit; first matching rule wins.
RULES: tuple[Rule, ...] = (
    Rule(_has("suicide"), ERV, "Suicide bomb"),
    Rule(_has("chemical"), ERV, "Chemical weapon"),
    Rule(lambda t, s: "disrupted" in t and not ({"attack", "clash"} & t and "killed" in s),
         SD, "Disrupted weapons use"),
    Rule(_has("air"), ERV, "Air/drone strike"),
    Rule(_has("shelling"), ERV, "Shelling/artillery/missile attack"),
    Rule(_has("grenade"), ERV, "Grenade"),
    Rule(lambda t, s: "ied" in t and not _protest_like(t), ERV, "Remote explosive/landmine/IED"),
    Rule(lambda t, s: _protest_like(t) and "excessive" in t, PROTESTS,
         "Excessive force against protesters"),
    Rule(lambda t, s: "riot" in t or ("protest" in t and bool({"looting", "clash", "mob"} & t)),
         RIOTS, "Violent demonstration"),
    Rule(lambda t, s: "protest" in t and ("intervention" in t or "arrests" in t), PROTESTS,
         "Protest with intervention"),
    Rule(_has("protest"), PROTESTS, "Peaceful protest"),
    Rule(lambda t, s: "mob" in t or (bool({"attack", "clash"} & t)
                                    and bool(_STRUCK_BY_CROWD.search(s))), RIOTS, "Mob violence"),
    Rule(_has("gov_regains"), BATTLES, "Government regains territory"),
    Rule(lambda t, s: "overtakes" in t and "transfer" not in t, BATTLES,
         "Non-state actor overtakes territory"),
    Rule(_has("transfer"), SD, "Non-violent transfer of territory"),
    Rule(_has("sexual"), VAC, "Sexual violence"),
    Rule(_has("abduction"), VAC, "Abduction/forced disappearance"),
    Rule(_has("clash"), BATTLES, "Armed clash"),
    Rule(lambda t, s: "attack" in t and bool(_ARMED_TARGET.search(s)), BATTLES, "Armed clash"),
    Rule(_has("attack"), VAC, "Attack"),
    Rule(_has("looting"), SD, "Looting/property destruction"),
    Rule(_has("arrests"), SD, "Arrests"),
    Rule(_has("agreement"), SD, "Agreement"),
    Rule(_has("change_group"), SD, "Change to group/activity"),
    Rule(_has("displacement"), SD, "Other"),
    Rule(_has("ied"), ERV, "Remote explosive/landmine/IED"),
)


def classify(tags: frozenset[str], text: str) -> tuple[str, str] | None:
    """ACLED (event type, sub-event type) for the cue tags of an incident's sentences."""
    for rule in RULES:
        if rule.when(tags, text):
            return rule.event_type, rule.sub_event_type
    return None
