"""Event cues per sentence, whether a mention is a real event, and ACLED type from cue tags."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from extract import lexicon, vocab
from extract.literals import Prefilter, Scans
from extract.phrases import Hit, Substrings, longest_first

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
    COMMEMORATION = "commemoration"
    RECOLLECTION = "recollection"
    EXERCISE = "exercise"
    STATISTIC = "statistic"
    PROCUREMENT = "procurement"
    PERIOD = "period"
    QUESTION = "question"
    TIMING = "timing"            # "a day after a missile struck ...": told to date this one
    AFTERMATH = "aftermath"      # "three more of the wounded died": a toll grows, no new deed
    CHARGE = "charge"            # "convicted of murder": a charge in court, not a deed
    REFERENCE = "reference"      # "claimed the attack", "arrested over the bombing": told before
    ACCUSATION = "accusation"    # "accused the army of shelling the village"
    STATE = "state"              # "attacks on villages have become routine": a lasting state


@dataclass(frozen=True)
class Cues:
    """Event cues of one sentence."""

    hits: tuple[Hit, ...]
    tags: frozenset[str]
    strength: float          # the strongest tag weight among the cues


# an event named as the reason for a reaction, not reported: "punished for an attack on"
_DONE_TO = re.compile(r"\b(?:began|begun|begin|beginning|start\w*|continu\w*|went on|going on|"
                      r"proceeded|managed|used|resorted|came|due|led|up|subjected|exposed|"
                      r"attempt to|attempts to|attempted|tried|according|prior|close|next|"
                      r"compared|addition|response|reaction)\s+(?:\w+\s+)?to\s+$", re.I)
# what people gather "to" do and do: "dockers blocked the road to protest"
_PURPOSES = frozenset({"protest", "gathering", "riot", "intervention", "excessive", "arrests",
                       "nonviolent"})
_BACKED_BY = re.compile(r"\b(?:backed|supported|covered|assisted|aided) by\s+(?:[\w\-]+\s+){0,2}$",
                        re.I)
_MODAL_BE = re.compile(r"\b(?:must|will|would|should|to|shall)\s+be\s+$", re.I)
_REASON_FOR = re.compile(r"\b(?:punish\w*|revenge|avenge\w*|reprisals?)\W*\s+"
                         r"(?:[\w\"\u201d]+\s+){0,4}?(?:for|to)\s+(?:an?|the|its|this|that|their)\s+"
                         r"(?:[\w\-]+\s+){0,2}$", re.I)


def sentence_cues(sentence: str, folded: str | None = None, language: str | None = None,
                  found: list[Hit] | None = None) -> Cues:
    """Event cues of one sentence, overlapping matches resolved to the longest (`found`: what
    the cue matcher finds in the sentence, when known already)."""
    v = vocab.get(language)
    if found is None:
        found = v.cues.find(sentence, folded)
    # (the filters below whose words are in the sentence: the others cannot match it)
    may = _FILTERS.possible(sentence) if found else set()
    hits = [h for h in found
            # "anti-riot police", "anti-protest law": not the thing itself
            if not (h.start >= 5 and sentence[h.start - 5:h.start].lower() in ("anti-", "anti "))
            # "the senator attacked the budget plan": words, not violence
            and not (h.label == "attack" and _WORDS_ATTACKED.pattern in may
                     and _WORDS_ATTACKED.match(sentence, h.end))
            # "a pretext to attack", "plans to strike": meant, not done
            and not (h.start > 3 and sentence[h.start - 3:h.start].lower() == "to "
                     and h.label not in _PURPOSES and h.label != "not_event"
                     and not _DONE_TO.search(sentence, max(0, h.start - 30), h.start))
            # "troops backed by aircraft fought": the aircraft support a clash
            and not (h.label == "air" and _BACKED_BY.pattern in may
                     and _BACKED_BY.search(sentence, max(0, h.start - 40), h.start))
            # "must be punished": a demand, not a punishment
            and not (h.phrase.lower().startswith("punish")
                     and _MODAL_BE.search(sentence, max(0, h.start - 20), h.start))
            and not (h.start > 12 and _REASON_FOR.pattern in may
                     and _REASON_FOR.search(sentence, max(0, h.start - 70), h.start))
            # "like a bomb went off", "more arrests": a simile, a count of many
            and not (_LIKE_OR_COUNT.pattern in may
                     and _LIKE_OR_COUNT.search(sentence, max(0, h.start - 25), h.start))
            # "the walkout will begin on Tuesday": announced, not done
            and not (_WILL_HAPPEN.pattern in may and _WILL_HAPPEN.match(sentence, h.end))
            # "fighting dirty air", "destroyed the economy", "the cheerful beat": no violence
            and not (h.label in ("clash", "looting", "attack", "harm")
                     and _ABSTRACT_OBJECT.pattern in may
                     and _ABSTRACT_OBJECT.match(sentence, h.end))
            and not (h.phrase == "beat" and _NOUN_BEFORE.search(sentence, max(0, h.start - 12),
                                                                 h.start))
            and not (h.label in _WEAPONS_SEIZED and _SEIZED.pattern in may
                     and _SEIZED.search(sentence, max(0, h.start - 60), h.start))
            # "fighter jets flew over the monument": aircraft that struck nothing ("aircraft
            # dropped water and retardant on the flames": they fought a fire)
            and not (h.label == "air" and _AIRCRAFT_ONLY.match(h.phrase)
                     and (not _AIR_ACTION.search(sentence)
                          or _FIREFIGHTING.search(sentence) is not None))]
    kept = longest_first(hits)
    tags = frozenset(h.label for h in kept)
    strength = max((v.tag_weight.get(t, 0.0) for t in tags), default=0.0)
    return Cues(tuple(kept), tags, strength)


_LIKE_OR_COUNT = re.compile(r"\b(?:like|as if|as though|more|most|fewer|number of|rise in|"
                            r"increase in|decline in|drop in|fall in)\s+(?:a\s+|an\s+)?$", re.I)
_WILL_HAPPEN = re.compile(r"\s+(?:[\w\-]+\s+){0,2}?(?:will|would|is to|are to|is due to|"
                          r"are due to|is set to|are set to)\s+(?:not\s+)?(?:begin|start|"
                          r"take place|go ahead|be held|last|run|resume|continue|affect)\b", re.I)
_ABSTRACT_OBJECT = re.compile(
    r"\s+(?:the\s+|our\s+|their\s+|its\s+|a\s+|an\s+)?(?:global\s+|local\s+|world\s+)?(?:"
    r"bushfires?|blazes?|flames|inferno|forest fires?|corruption|"
    r"poverty|crime|inflation|climate change|disease|pollution|dirty air|cancer|addiction|hunger|"
    r"misinformation|disinformation|the virus|covid|the pandemic|economy|reputation|career|"
    r"credibility|confidence|trust|hopes?|chances|odds|market|markets|competition|fires?|"
    r"wildfires?|obesity|illiteracy|unemployment|stigma|"
    r"(?:[\w\-]+(?:'s|\u2019s)\s+)?(?:ability|efforts?|capacity|prospects|business|growth|image|"
    r"relations|standing)|"
    # a contest of words or money: "a battle with Western mining firms", "months of fighting
    # in Congress", "his long battle with cancer"
    r"(?:with|in|against)\s+(?:the\s+|his\s+|her\s+|their\s+|its\s+)?(?:[\w\-]+\s+){0,2}?"
    r"(?:firms|companies|corporations|regulators|congress|parliament|the senate|senate|"
    r"lawmakers|legislators|creditors|investors|lenders|banks|insurers|cancer|illness|leukemia|"
    r"tumou?rs?|the courts))\b", re.I)
_NOUN_BEFORE = re.compile(r"\b(?:the|a|an|to the|cheerful|steady|heart|drum)\s+$", re.I)
_AIRCRAFT_ONLY = re.compile(r"^(?:drones?|jets?|fighter jets?|military jets?|warplanes?|"
                            r"war planes?|aircraft|uav|unmanned aerial|helicopter gunships?|"
                            r"air force)$", re.I)
_AIR_ACTION = re.compile(r"\b(?:struck|strikes?|striking|hit|hits|bomb\w*|pound\w*|target\w*|"
                         r"attack\w*|launch\w*|kill\w*|shot down|downed|intercept\w*|"
                         r"raid\w*|shell\w*|destroy\w*|damag\w*|wound\w*|injur\w*|explo\w*|"
                         r"missiles?|rockets?|dropped|blast\w*)\b", re.I)
_FIREFIGHTING = re.compile(r"\b(?:dropp\w* water|water drops?|retardant|water[- ]bomb\w*|"
                           r"firefight\w*|fire crews?|the (?:flames|blaze|wildfire))\b", re.I)
_WORDS_ATTACKED = re.compile(
    r"\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)?(?:[\w\-]+(?:'s|\u2019s)\s+)?"
    r"(?:\w+\s+)?(?:plans?|polic(?:y|ies)|budget|bill|law|decision|remarks|comments|proposals?|"
    r"record|media|critics|ideas?|stance|position|reforms?|speech|statement|report|ruling|"
    r"verdict|deal|agreement|campaign|manifesto|leadership|handling|response|strategy|tax(?:es)?|"
    r"rivals?|opponents?|credibility)\b", re.I)
# the filters of sentence_cues tried only on sentences holding their words (one pass)
# "seizing explosives and two suicide vests": weapons found, none used
_SEIZED = re.compile(r"\b(?:seiz(?:ed|ing)|recover(?:ed|ing)|confiscat(?:ed|ing)|found|"
                     r"discovered|impounded)\s+(?:[\w\-,]+\s+){0,6}$", re.I)
_WEAPONS_SEIZED = frozenset({"suicide", "ied", "grenade", "chemical"})
# (keyed by their source: a compiled pattern hashes its whole program at each look-up)
_FILTERS = Prefilter({p.pattern: p for p in (_WORDS_ATTACKED, _BACKED_BY, _REASON_FOR,
                                              _LIKE_OR_COUNT, _WILL_HAPPEN, _ABSTRACT_OBJECT,
                                              _SEIZED)})
_WINDOW = 60
_SENTENCE_WIDE = frozenset({NotEvent.DENIAL, NotEvent.RECOLLECTION, NotEvent.QUESTION,
                            NotEvent.PERIOD})
# reasons whose match spans the clause they govern: the cues inside it, none after it ("a day
# after U.S. forces carried out an air strike" leaves "militants attacked a base" before it)
_CLAUSE_ONLY = frozenset({NotEvent.TIMING, NotEvent.AFTERMATH, NotEvent.CHARGE,
                          NotEvent.REFERENCE, NotEvent.ACCUSATION, NotEvent.STATE})
# (each reason with its label and reach, in the order tried; read once, not per sentence)
_REASONS = tuple((r, r.value, r in _SENTENCE_WIDE) for r in NotEvent)
_DEMANDS = re.compile(r"\b(?:demand\w*|against|denounc\w*|condemn\w*|call(?:ed|ing)? for|"
                      r"protest\w*|slogans?|placards?|banners?|petition\w*|grievances?|complain\w*|"
                      r"oppos\w+|in support of|solidarity)\b", re.I)
NEGATED = re.compile(r"\b(?:no|not|never|without|nor|neither|nobody|no one|none|nothing)\s+"
                     r"(?:\w+\s+){0,2}$|"
                     # "no reports of arrests or clashes"
                     r"\bno (?:reports? of|signs? of|word of)\s+(?:\w+\s+(?:or|and|nor)\s+)?$|"
                     r"\b(?:whether|unclear if|if)\b[^,;:]*$", re.I)
# every match of NEGATED holds one of these
_NEGATION_WORDS = Substrings([(w, "negation") for w in ("no", "No", "never", "without",
                                                        "neither", "whether", "if", "nothing")])


def negated_before(text: str, at: int, language: str | None = None) -> bool:
    """A negation right before position `at` ("no warplanes"): NEGATED over the 100 characters
    before it, skipped when no negation word is there (another language: its own negation,
    lexicon `negation`, ending right before the cue)."""
    before = text[max(0, at - 100):at]
    lex = lexicon.get(language)
    if lex is not None:
        return lex.negation.search(before) is not None
    return _NEGATION_WORDS.may_match(before) and NEGATED.search(before) is not None


# "held since 2016 were released Tuesday in a prisoner swap": the day starts a clause of its own
_LATER_DAY = re.compile(r"\s*[\w,]+\s+(?:\w+\s+)*?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
                        r"yesterday|today|overnight)\b", re.I)
# "mourns the dead of Monday's missile strike": an event named by a day of this week is a recent
# one, not the old event a commemoration remembers
_RECENT_DAYS = re.compile(r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|"
                          r"last night|weekend)(?:'s|\u2019s)\s+(?:[\w\-]+\s+){0,3}$", re.I)
_ASIDE_OPENS = re.compile(r",\s*(?:where|which|who|whose|when)\b[^,]*$", re.I)


def _aside_closed(sentence: str, start: int, end: int, cue: int) -> bool:
    """The modal words sit in an aside that closes before the cue: "In the far south, where an
    insurgency has simmered for two decades, a bomb exploded" (the decades do not reach it)."""
    return "," in sentence[end:cue] and bool(_ASIDE_OPENS.search(sentence, 0, start))


def live_cues(sentence: str, cues: Cues, language: str | None = None
              ) -> tuple[Cues, NotEvent | None]:
    """The cues that report something that happened; and why the rest of them do not.

    A modal cue ("threatened to", "will", "since", "denied") governs the event words that
    follow it closely; a negation right before a cue ("no warplanes") removes that cue.
    """
    v = vocab.get(language)
    if not cues.hits:
        return cues, None
    strong = [h for h in cues.hits if v.tag_weight.get(h.label, 0.0) > 0]
    if not strong:
        return cues, None
    # a modal cue governs what follows it: nothing after the last event word matters
    reach = max(h.end for h in strong) + 1
    spans: list[tuple[int, int, NotEvent]] = []     # (start, end, reason) of modal cues
    present = v.modality_quick.labels(sentence)
    # (each reason's patterns that may match the sentence: most cannot, and are not run)
    possible = v.modality_runs.possible(sentence) if present else set()
    lex = lexicon.get(language)
    whole = lex.modality_whole if lex is not None else frozenset()
    for reason, value, wide in _REASONS:
        if value not in present:
            continue
        pat = v.modality_runs.pattern(value, possible)
        if pat is None:
            continue
        # (a clause runs on past the last event word; a modal word before one does not)
        for m in pat.finditer(sentence, 0, len(sentence) if wide or reason in _CLAUSE_ONLY
                              or value in whole else min(len(sentence), reach + 40)):
            if wide:
                return Cues((), frozenset(), 0.0), reason
            spans.append((m.start(), m.end(), reason))
    kept: list[Hit] = []
    why: NotEvent | None = None
    remembering = any(r is NotEvent.COMMEMORATION for _s, _e, r in spans)
    # (English: no negation word in the sentence, none before any of its cues)
    negations = lex is not None or _NEGATION_WORDS.may_match(sentence)
    for h in cues.hits:
        if remembering and h.label == "gathering":
            why = why or NotEvent.COMMEMORATION   # people gathered to remember: not a protest
            continue
        if negations and negated_before(sentence, h.start, language):
            continue
        gov = next((r for s, e, r in spans
                    if (s <= h.start < e or (r not in _CLAUSE_ONLY and e <= h.start + 1
                                             and h.start - e <= _WINDOW))
                    and not _aside_closed(sentence, s, e, h.start)
                    and not (r is NotEvent.BACKGROUND
                             and (_LATER_DAY.match(sentence, e, h.start)
                                  # ("La veille, des hommes armés avaient attaqué": the day
                                  # named first makes a pluperfect narrative, not the past)
                                  or lexicon.hint(lex, "day_first", lexicon.NOTHING)
                                  .search(sentence, 0, s)))
                    and not (r is NotEvent.COMMEMORATION
                             and _RECENT_DAYS.search(sentence, e, h.start))), None)
        if gov is not None:
            why = why or gov
            continue
        kept.append(h)
    if why is NotEvent.TIMING and not any(v.tag_weight.get(h.label, 0.0) > 0 for h in kept):
        kept = _dated_clause_told(sentence, cues.hits, kept, spans, v)
    tags = frozenset(h.label for h in kept)
    strength = max((v.tag_weight.get(t, 0.0) for t in tags), default=0.0)
    return Cues(tuple(kept), tags, strength), (why if strength == 0 else None)


_AFTER = re.compile(r"\bafter\b", re.I)
_LONG_BEFORE = re.compile(r"\b(?:weeks?|months?|years?|decades?)\b", re.I)


def _dated_clause_told(sentence: str, hits: tuple[Hit, ...], kept: list[Hit],
                       spans: list[tuple[int, int, NotEvent]], v) -> list[Hit]:
    """The cues of "a day after ..." clauses when nothing else in the sentence is an event:
    "Uganda's opposition named its candidate on Tuesday, a day after police fired tear gas at
    a rally" tells of the tear gas, as no event of its own is dated by it. (When the sentence
    has an event word outside the clause, "The attack came a day after ...", the clause only
    dates that event, and stays out.)"""
    # (a clause of an older event stays out: "weeks after a teenager shot dead nine")
    timing = [(m.start(), e) for s, e, r in spans if r is NotEvent.TIMING
              for m in [_AFTER.search(sentence, s, e)]
              if m and not _LONG_BEFORE.search(sentence, s, m.start())]
    inside = [h for h in hits if any(a <= h.start < e for a, e in timing)]
    if any(v.tag_weight.get(h.label, 0.0) > 0 and h not in inside for h in hits):
        return kept
    return sorted(kept + inside, key=lambda h: (h.start, h.start - h.end))


# ------------------------------------------------------------------ classification

_ARMED_TARGET = re.compile(
    r"\b(?:attack(?:ed|ing)?|ambush(?:ed|ing)?|shot(?: dead| and killed)?|kill(?:ed|ing)|"
    r"target(?:ed|ing)|opened fire (?:on|at)|fired (?:on|at)|stormed|raided|assaulted)\s+"
    r"(?!by\b|attributed\b|blamed\b|claimed\b|carried out by\b|perpetrated\b|committed\b|"
    r"launched by\b|led by\b)"
    # (the words between stay in the verb's clause: "killed on Tuesday when insurgents ..."
    # names who killed, not who was killed)
    r"(?:(?!former\b|retired\b|ex-|civilians\b|villagers\b|residents\b|worshippers\b|"
    r"when\b|as\b|after\b|while\b|because\b|by\b|"
    r"passengers\b|people\b)[\w'\u2019\-]+\s+){0,4}?(?:soldiers?|troops|army|military|policem[ae]n|"
    r"police (?:officers?|post|"
    r"station|patrol|checkpoint|checkpost)|gendarmes?|gendarmerie|militants|fighters|rebels|"
    r"insurgents|positions?|checkpoints?|checkposts?|base|barracks|patrol|convoy(?!"
    # (a convoy of trucks, or carrying workers, is civilians on the road)
    r"\s+(?:of\s+(?!military\b|army\b|armou?red\b)(?:\w+\s+)?(?:trucks|lorries|buses|vehicles|"
    r"cars|civilians|traders|merchants|workers|aid|fuel|tankers|pilgrims|passengers)|"
    r"(?:carrying|transporting)\s+(?:\w+\s+){0,2}?(?:workers|civilians|passengers|traders|"
    r"aid|food|goods|pilgrims|students|employees|miners)))|outpost|post|"
    r"lieutenant|officer|"
    r"commander|militiamen|guards?|forces)\b|"
    r"\b(?:soldiers?|troops|policem[ae]n|police officers?|guards?|militants|fighters|gendarmes)\s+"
    r"(?:\w+\s+){0,2}?(?:was|were)\s+(?:\w+\s+)?(?:killed|wounded|injured|shot)\b", re.I)
_STRUCK_BY_CROWD = re.compile(
    r"\b(?:by|of) (?:a |an )?(?:angry |irate )?(?:mob|crowd|residents|villagers|youths)\b|"
    r"\b(?:citizens|residents|villagers|youths?|students|crowd|mob|locals)\s+(?:\w+\s+){0,2}?"
    r"(?:attacked|beat|assaulted|lynched|stoned|clashed|clash|fought)\b", re.I)
_UNARMED_SIDES = re.compile(r"\b(?:students|youths?|groups? of|supporters|residents|villagers|"
                            r"traders|muslims|christians|fans|neighbours|neighbors|communities|"
                            r"refugees|famil(?:y|ies)|accomplices|each other|relatives|"
                            r"members of (?:the )?\w+ (?:community|clan|tribe))\b", re.I)
_ARMED_SIDE = re.compile(r"\b(?:armed|gunm[ae]n|militia\w*|forces|soldiers|troops|police\w*|"
                         r"military|rebels|militants|fighters|army|insurgents|guns?|rifles?|"
                         r"firearms|shot|shooting|gunfire|officers|machetes?|spears?|arrows?|"
                         r"bows|morans|warriors)\b", re.I)
_FANS = re.compile(r"\b(?:fans|hooligans|ultras|spectators)\b", re.I)
_TWO_SIDED = re.compile(r"\b(?:positions?|exchanged fire|exchange of fire|both directions|"
                        r"clash\w*|fight\w*|fought|battle\w*|gun-?battles?|gun-?fights?|"
                        r"fire-?fights?|shoot-?outs?)\b", re.I)
# unorganised people as the ones who strike, with an object: "villagers killed a woman"
_CROWD_STRIKES = re.compile(
    r"\b(?:villagers|farmers|herders|pastoralists|residents|voters|youths|locals|traders|"
    r"relatives|neighbou?rs|students|riders|drivers|motorists|onlookers|"
    r"a group of (?:people|men|youths?|residents|villagers))\s+"
    r"(?:\w+\s+){0,2}?(?:killed|attacked|assaulted|beat|lynched|stoned|wounded|injured|"
    r"torched|burned)\s+(?:and\s+\w+\s+)?(?:a|an|the|two|three|four|five|several|his|her|"
    r"their|\d+)\b|"
    r"\battacked by (?:angry |irate )?(?:voters|residents|villagers|farmers|youths|locals|"
    r"a mob|a crowd)\b", re.I)
# armed men as the ones who strike: herders or youths among them are an armed group, no mob
_ARMED_DOERS = re.compile(r"\b(?:gunm[ae]n|armed (?:men|herders|youths|group\w*)|militia\w*|"
                          r"bandits|militants|rebels|insurgents|jihadists|terrorists)\b", re.I)
# unarmed people against the police: a riot, not a battle ("traders engaged police in running
# battles", "youths clashed with police")
_POLICE = re.compile(r"\b(?:police\w*|riot police|security forces|officers|anti-riot)\b", re.I)
_GUNS = re.compile(r"\b(?:guns?|gunfire|rifles?|firearms|gunmen|gunman|shot|shooting)\b", re.I)
# interception that was not complete, or told with the damage done
_PARTLY_STOPPED = re.compile(
    r"\b(?:some|most|several|many|part|majority|all but \w+|\d+)\s+(?:of\s+)?(?:which|them|the "
    r"\w+)\s+(?:were\s+|was\s+)?(?:intercepted|shot down|downed)\b|\b(?:damag\w*|destroy\w*|"
    r"landed|impact\w*|hit|struck|fell)\b", re.I)
_FRONTLINE = re.compile(r"\b(?:projectiles?|frontline|unknown weapons|positions|fired|artillery|"
                        r"shelling|shelled)\b", re.I)


_BLAST_AT_GATHERING = re.compile(
    r"\b(?:bomb\w*|blast|explo\w+|device|ied)\s+(?:\w+\s+){0,4}?(?:at|on|targeting|near|during|"
    r"hit|struck|tore through)\s+(?:an?|the)\s+(?:[\w\-]+\s+){0,3}?(?:rally|protest|"
    r"demonstration|march|gathering|sit-in|meeting|procession)\b", re.I)
# an arrest for an ordinary crime is no political event
_CRIMINAL = re.compile(r"\b(?:narcotics|drug (?:investigation|dealers?|dealing|trafficking|charges|"
                       r"possession|bust|raid)|fraud|theft|burglar\w*|shoplift\w*|drunk|dui|"
                       r"traffic stop|stolen (?:car|vehicle)s?|robber(?:y|ies)|cocaine|heroin|"
                       r"methamphetamine|cannabis|smuggl\w*|money laundering|contraband|"
                       r"start(?:ed|ing) the (?:fire|blaze|wildfire))\b", re.I)
# who moves, joins, leaves or deploys in a change to a group or its activity (besides the
# armed sides of _ARMED_SIDE)
_ARMED_UNITS = re.compile(r"\b(?:reinforcements|battalions?|brigades?|units?|patrols?|"
                          r"arms|mutiny|combatants|jihadists?)\b", re.I)
_POLICE_FIRED = re.compile(r"\b(?:police|security forces|soldiers|troops)\s+(?:\w+\s+)?"
                           r"(?:opened fire|fired|shot)\b", re.I)
# "counter-terrorism police raided a house ... and arrested four": a raid made to arrest
_FORCES_RAIDED = re.compile(r"\b(?:police(?:men)?|officers|security forces|troops|soldiers|"
                            r"agents|commandos)\s+(?:[\w\-]+\s+){0,2}?raid(?:ed|ing)?\b|"
                            r"\b(?:in|during)\s+an?\s+(?:[\w\-]+\s+)?raid\b", re.I)


@dataclass(frozen=True)
class Facts:
    """What classification looks at: cue tags, the evidence text, whether anyone was hurt."""

    tags: frozenset[str]
    text: str
    harmed: bool = False
    killed: bool = False
    lead: str = ""          # the incident's first sentence: who was hit is told there
    lex: lexicon.Lexicon | None = None   # another language's hints (None: English)
    # English's hints that may match each text read (_HINTS.possible): one substring pass per
    # text, however many rules ask
    may: dict[str, list] = field(default_factory=dict, compare=False, repr=False)


def _seen(f: Facts, name: str, text: str) -> bool:
    """Whether the pattern `name` (_HINTS) is in the text, in the incident's language
    (English's own for English, else the language's hints.yaml)."""
    if f.lex is not None:
        return lexicon.hint(f.lex, name, lexicon.NOTHING).search(text) is not None
    may = f.may.get(text)
    if may is None:
        may = f.may[text] = _HINTS.possible(text)
    return _HINTS.search(name, text, may) is not None

@dataclass(frozen=True)
class Rule:
    when: Callable[[Facts], bool]
    event_type: str
    sub_event_type: str


def _has(*tags: str) -> Callable[[Facts], bool]:
    return lambda f: any(x in f.tags for x in tags)


def _crowd_fight(f: Facts) -> bool:
    """A fight between unarmed groups (students, residents, communities): mob violence."""
    if "mob" in f.tags or _seen(f, "struck_by_crowd", f.text):
        return bool({"mob", "attack", "harm", "clash"} & f.tags)
    if _seen(f, "crowd_strikes", f.text) and not _seen(f, "armed_doers", f.text):
        return bool({"attack", "harm", "clash"} & f.tags)
    if "clash" in f.tags and _seen(f, "fans", f.text):
        return True     # football fans fighting each other or the police
    return "clash" in f.tags and _seen(f, "unarmed_sides", f.text) and \
        not _seen(f, "armed_side", f.text)


def _protest_like(t: frozenset[str]) -> bool:
    return "protest" in t or "riot" in t


# ACLED codes by how violence happened and who was hit; first matching rule wins.
RULES: tuple[Rule, ...] = (
    Rule(_has("suicide"), ERV, "Suicide bomb"),
    Rule(_has("chemical"), ERV, "Chemical weapon"),
    Rule(lambda f: "disrupted" in f.tags and not ({"attack", "harm", "clash"} & f.tags
                                                  and f.harmed),
         SD, "Disrupted weapons use"),
    Rule(_has("air"), ERV, "Air/drone strike"),
    Rule(lambda f: "small_arms" in f.tags and _seen(f, "two_sided", f.text), BATTLES,
         "Armed clash"),
    Rule(_has("shelling"), ERV, "Shelling/artillery/missile attack"),
    # guns and grenades against soldiers or police: a fight, the grenades are one of its arms
    Rule(lambda f: "grenade" in f.tags and _seen(f, "guns", f.text)
         and _seen(f, "armed_target", f.lead or f.text), BATTLES, "Armed clash"),
    Rule(_has("grenade"), ERV, "Grenade"),
    Rule(lambda f: "ied" in f.tags and not _protest_like(f.tags), ERV,
         "Remote explosive/landmine/IED"),
    # "a bomb exploded at an election rally": the gathering was the target
    Rule(lambda f: bool({"ied", "explosion"} & f.tags) and _seen(f, "blast_at_gathering", f.text),
         ERV, "Remote explosive/landmine/IED"),
    Rule(lambda f: "riot" in f.tags or ("protest" in f.tags
                                         and bool({"looting", "clash", "mob"} & f.tags)),
         RIOTS, "Violent demonstration"),
    Rule(lambda f: _protest_like(f.tags) and "excessive" in f.tags, PROTESTS,
         "Excessive force against protesters"),
    Rule(lambda f: "protest" in f.tags and "intervention" in f.tags and f.killed, PROTESTS,
         "Excessive force against protesters"),
    # "police opened fire on supporters who had gathered": a gathering shot at
    Rule(lambda f: "gathering" in f.tags and "attack" in f.tags and f.harmed
         and _seen(f, "police_fired", f.lead or f.text), PROTESTS,
         "Excessive force against protesters"),
    # "police opened fire on young protesters ... 17 were killed"
    Rule(lambda f: "protest" in f.tags and f.killed
         and _seen(f, "police_fired", f.lead or f.text), PROTESTS,
         "Excessive force against protesters"),
    Rule(lambda f: "protest" in f.tags and "intervention" in f.tags, PROTESTS,
         "Protest with intervention"),
    # "police arrested 532 people at a demonstration": the police stepped in
    Rule(lambda f: "protest" in f.tags and "arrests" in f.tags and not f.harmed
         and _seen(f, "police", f.text), PROTESTS, "Protest with intervention"),
    Rule(lambda f: "protest" in f.tags or ("gathering" in f.tags
                                            and _seen(f, "demands", f.text)),
         PROTESTS, "Peaceful protest"),
    Rule(_crowd_fight, RIOTS, "Mob violence"),
    Rule(lambda f: "clash" in f.tags and "small_arms" not in f.tags
         and _seen(f, "unarmed_sides", f.lead or f.text)
         and _seen(f, "police", f.lead or f.text) and not _seen(f, "armed_doers", f.text),
         RIOTS, "Violent demonstration"),
    Rule(_has("gov_regains"), BATTLES, "Government regains territory"),
    Rule(lambda f: "overtakes" in f.tags and "transfer" not in f.tags, BATTLES,
         "Non-state actor overtakes territory"),
    Rule(_has("transfer"), SD, "Non-violent transfer of territory"),
    Rule(_has("sexual"), VAC, "Sexual violence"),
    Rule(_has("abduction"), VAC, "Abduction/forced disappearance"),
    # a raid to arrest, no shots traded, no one hurt: the arrests ("security forces raided a
    # hideout and detained five suspects")
    Rule(lambda f: "arrests" in f.tags and not ({"harm", "small_arms"} & f.tags) and not f.harmed
         and _seen(f, "forces_raided", f.lead or f.text) and not _seen(f, "two_sided", f.text)
         and not _seen(f, "criminal", f.text), SD, "Arrests"),
    Rule(_has("clash", "small_arms"), BATTLES, "Armed clash"),
    Rule(lambda f: "projectile" in f.tags or ("explosion" in f.tags
                                               and _seen(f, "frontline", f.text)),
         ERV, "Shelling/artillery/missile attack"),
    Rule(_has("explosion"), ERV, "Remote explosive/landmine/IED"),
    Rule(lambda f: "looting" in f.tags and not f.harmed and not _seen(f, "criminal", f.text),
         SD, "Looting/property destruction"),     # (not drugs seized in a police raid)
    Rule(lambda f: bool({"attack", "harm"} & f.tags)
         and _seen(f, "armed_target", f.lead or f.text), BATTLES, "Armed clash"),
    Rule(_has("attack", "harm"), VAC, "Attack"),
    Rule(lambda f: "looting" in f.tags and not _seen(f, "criminal", f.text), SD,
         "Looting/property destruction"),
    Rule(lambda f: "arrests" in f.tags and not _seen(f, "criminal", f.text), SD, "Arrests"),
    Rule(_has("agreement"), SD, "Agreement"),
    Rule(_has("headquarters"), SD, "Headquarters or base established"),
    Rule(lambda f: "change_group" in f.tags and bool(_seen(f, "armed_side", f.text)
                                                     or _seen(f, "armed_units", f.text)), SD,
         "Change to group/activity"),
    Rule(_has("displacement"), SD, "Other"),
)


# cue tags that do not show anyone meant harm: a flood also kills, a fire also destroys
# (nor does an arrest after one: "police arrested a man suspected of starting the fire", nor
# troops sent to help: "soldiers were deployed to clear blocked roads")
_NO_INTENT = frozenset({"harm", "explosion", "looting", "displacement", "disaster", "sports",
                        "intervention", "excessive", "nonviolent", "arrests", "not_event",
                        "change_group"})


# someone who meant the harm: without one, a fire, a crash or a shark that killed is no attack
_PERPETRATOR = re.compile(
    r"\b(?:gunm[ae]n|militants?|insurgents?|rebels?|jihadists?|terrorists?|bandits?|attackers?|"
    r"assailants?|militia\w*|soldiers?|troops|fighters|army|armed (?:men|group)|security forces|"
    r"police\w*(?!\s+(?:said|say|says|told|reported|spokes\w+|added|confirmed|believe\w*))|"
    r"mob|rioters|protesters|demonstrators|arsonists?|suspects?|set fire|set on fire|"
    r"torched|opened fire|gunfire|shot dead|stabbed|bombs?|explosives?|grenades?|"
    r"improvised|airstrikes?|air strikes?|shell(?:ing|ed)|missiles?|rockets?|shoot-?outs?|"
    r"gun-?fights?|gun-?battles?|fire-?fights?|exchanged? (?:of )?fire)\b", re.I)


_WAR_WEAPONS = frozenset({"projectile", "shelling", "air", "ied", "grenade", "suicide",
                          "chemical"})


def _not_political(facts: Facts) -> bool:
    """A disaster, an accident, a disease or a sports match, not political violence."""
    if "sports" in facts.tags and not ({"riot", "protest", "mob"} & facts.tags
                                       or _WAR_WEAPONS & facts.tags or _crowd_fight(facts)):
        return True     # (a missile that hit a stadium is no match, whatever was postponed)
    # (a crowd that beat a driver after a crash meant the harm: mob violence; a crowd gathered
    # for a festival where a crush killed meant none, one gathered to demand is a protest)
    tags = facts.tags
    if "gathering" in tags and not _seen(facts, "demands", facts.text):
        tags = tags - {"gathering"}
    return "disaster" in tags and (tags <= _NO_INTENT or (
        tags <= _NO_INTENT | {"attack", "clash"}
        and not _seen(facts, "perpetrator", facts.text)
        and not _seen(facts, "crowd_strikes", facts.text)))


# the patterns the rules read by name (each run only where its words are, one substring pass
# over a text telling which may match: literals.Scans); another language gives its own
# (hints.yaml)
_HINTS = Scans({
    "armed_doers": _ARMED_DOERS, "armed_side": _ARMED_SIDE, "armed_target": _ARMED_TARGET,
    "armed_units": _ARMED_UNITS, "blast_at_gathering": _BLAST_AT_GATHERING,
    "criminal": _CRIMINAL, "crowd_strikes": _CROWD_STRIKES, "demands": _DEMANDS, "fans": _FANS,
    "frontline": _FRONTLINE, "guns": _GUNS, "partly_stopped": _PARTLY_STOPPED,
    "perpetrator": _PERPETRATOR, "police": _POLICE, "police_fired": _POLICE_FIRED,
    "forces_raided": _FORCES_RAIDED,
    "struck_by_crowd": _STRUCK_BY_CROWD, "two_sided": _TWO_SIDED,
    "unarmed_sides": _UNARMED_SIDES,
})


def _first_rule(facts: Facts) -> tuple[str, str] | None:
    if _not_political(facts):
        return None
    for rule in RULES:
        if rule.when(facts):
            return rule.event_type, rule.sub_event_type
    return None


# What later sentences may turn an incident into, given what its lead sentence says happened:
# a protest can turn out violent; an attack's weapon can be told later; the rest stays.
_LATER_MAY_MAKE = {PROTESTS: {PROTESTS, RIOTS}, VAC: {ERV}, BATTLES: {ERV, BATTLES},
                   RIOTS: {RIOTS}, ERV: {SD}}    # (a missile told later to be intercepted)


def classify(tags: frozenset[str], text: str, *, harmed: bool = False, killed: bool = False,
             lead: str = "", lead_tags: frozenset[str] | None = None,
             language: str | None = None) -> tuple[str, str] | None:
    """ACLED (event type, sub-event type) for the cue tags of an incident's sentences.

    With the lead sentence's own tags, the lead decides what happened and later sentences
    only refine it (a protest that turned violent, the weapon of an attack)."""
    lex = lexicon.get(language)
    whole = _first_rule(Facts(tags, text, harmed, killed, lead, lex))
    if lead_tags is None or lead_tags == tags:
        return whole
    first = _first_rule(Facts(lead_tags, lead, harmed, killed, lead, lex))
    if first is None:
        return whole
    if whole is not None and whole[0] in _LATER_MAY_MAKE.get(first[0], set()):
        if whole[0] == SD and first[0] == ERV and \
                _seen(Facts(tags, text, lex=lex), "partly_stopped", text):
            return first    # some got through: still a strike
        return whole
    return first
