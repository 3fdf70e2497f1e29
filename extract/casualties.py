"""Killed and injured counts in a sentence: digits, number words, vague amounts, explicit zeros."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from extract import lexicon
from extract.literals import Anchored, Scan, Scans, anchored
from extract.phrases import ODD_CASE, Substrings, lowered

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
# ACLED's conservative reading of vague amounts
_VAGUE = {"a dozen": 12, "dozens": 12, "dozens of": 12, "several": 3, "a few": 3, "few": 3,
          "a couple of": 2, "a couple": 2, "scores of": 20, "scores": 20, "hundreds": 100,
          "hundreds of": 100, "a number of": 3, "some": 3}
_WORDS = {w: i for i, w in enumerate(_UNITS)}
_WORDS.update(_TENS)
_WORDS.update({"a": 1, "an": 1, "another": 1, "single": 1, "lone": 1, "both": 2, "a hundred": 100,
               "one hundred": 100, "a pair of": 2})

_NUM_WORD = "|".join(sorted((re.escape(w) for w in list(_WORDS) + list(_VAGUE)),
                            key=len, reverse=True))
NUM = (r"(?:(?:at least|more than|over|up to|nearly|almost|about|around|some|roughly|"
       r"approximately|an estimated)\s+)?"
       r"(?P<{g}>\d{{1,3}}(?:,\d{{3}})+|\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|"
       r"ninety)[\s-](?:one|two|three|four|five|six|seven|eight|nine)|" + _NUM_WORD + r")")

# "beaten / hacked / stoned ... to death": a manner of killing (not "sentenced to death")
_TO_DEATH_MANNER = (r"(?:beat|beaten|beating|stabbed|stabbing|burned|burnt|burning|hacked|hacking|"
                    r"stoned|stoning|clubbed|clubbing|bludgeoned|bludgeoning|battered|shot|"
                    r"shooting|trampled|crushed|tortured|lynched|macheted)")
_KILL_V = (r"(?:killed|dead|died|slain|shot dead|shot and killed|"
           r"(?:beaten|stabbed|burned|burnt|hacked|stoned|clubbed|bludgeoned|battered|shot|"
           r"trampled|crushed|tortured|lynched|macheted) to death|murdered|massacred|executed|"
           r"lost (?:their|his|her) li(?:ves|fe)|perished|fatalit(?:y|ies)|deaths?|bodies|"
           r"lynched|beheaded|neutrali[sz]ed|killed and)")
_HURT_V = r"(?:injured|wounded|hurt|injuries|injury|casualties|hospitali[sz]ed)"
_FILLER = (r"(?:(?!or\b|but\b|were\b|was\b|to\b|by\b|in\b|on\b|at\b|after\b|when\b|while\b|"
           r"as\b|killed\b|injured\b|wounded\b|dead\b|died\b|hurt\b|\d(?!\d*[\s-]*years?[\s-]*old\b)|"
           r"and\s+(?:\d|one|two|"
           r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)\b)"
           r"[\w'\u2019.\-]+\s+){0,10}?")
_AUX = (r"(?:(?:were|was|have been|had been|has been|are|is|reportedly|also|later|all|being|\w+ly|"
        r"got|allegedly|subsequently|then|\w+ed and|\w+ed)\s+)*")
# a count right after the verb makes the count before it the perpetrators: "two men killed a boy"
_NO_OBJECT = (r"(?!\s+(?:at least |more than )?(?:a|an|one|two|three|four|five|six|seven|eight|"
              r"nine|ten|\d+)\b)")


_QUOTE = ("(?:(?:(?<=were )|(?<=was )|(?<=been )|(?<=are )|(?<=is )|(?<=reportedly ))"
          "['\"\u2018\u201c]\\s?)?")
_QUOTE_END = "(?:['\"\u2019\u201d])?"


def _subject_pat(verb: str) -> re.Pattern[str]:
    # a passive verb in quotes counts as told: "30 assailants were 'neutralised'"
    return re.compile(r"\b" + NUM.format(g="n") + r"\s+" + _FILLER + _AUX + _QUOTE + verb
                      + r"\b" + _NO_OBJECT, re.I)


def _object_pat(verb: str) -> re.Pattern[str]:
    return re.compile(r"\b" + verb + _QUOTE_END + r"\s+(?:(?:at least|more than|a total of)\s+)?"
                      + NUM.format(g="n") + r"\b", re.I)


# ("a resident who helped recover the bodies" counts no one)
_KILL_SUBJ = _subject_pat(_KILL_V.replace("bodies", "(?<!the )bodies"))
_PRONOUN_OBJECT = re.compile(r"\b(?P<verb>killing|killed|wounding|wounded|injuring|injured|"
                             r"shooting dead|shot dead)\s+(?:him|her)\b", re.I)
_PRONOUN_KILLED = re.compile(r"\b(?:he|she)\s+(?:was|is|had been|has been)\s+(?:\w+ed\s+and\s+)?"
                             + _KILL_V + r"\b", re.I)
# one named victim: "killing its driver", "shot dead the village chief"
_ONE_VICTIM = re.compile(
    r"\b(?:killing|killed|kills|shot dead|shooting dead|shot and killed)\s+(?:its|the|his|her|"
    r"their)\s+(?:[a-z\-]+\s+){0,2}?(?:driver|pilot|owner|passenger|occupant|commander|leader|"
    r"chief|governor|mayor|imam|priest|pastor|journalist|soldier|officer|policeman|guard|man|"
    r"woman|boy|girl|child|son|daughter|wife|husband|father|mother|brother|sister|head|deputy|"
    r"cleric|teacher|chairman|brother-in-law)\b(?!['\u2019-])", re.I)
# "A man who tried to stop the attackers was shot dead"
_ONE_WHO = re.compile(r"\b(?:a|an|one)\s+(?:[a-z\-]+\s+)?(?:man|woman|boy|girl|child|person|"
                      r"resident|villager|guard|teacher|farmer|soldier|policeman|officer)\s+"
                      r"who\s+[^,.;]{0,80}?\s+(?:was|had been)\s+(?:\w+\s+)?" + _KILL_V + r"\b",
                      re.I)
_BODY_FOUND = re.compile(r"\b(?:a|an|the)\s+(?:[\w\-]+(?:'s|\u2019s)\s+)?(?:dead\s+)?body\b"
                         r"(?:\s+of\s+(?:a|an)\s+[\w\-]+)?\s+(?:\w+\s+){0,6}?(?:was|were)\s+"
                         r"(?:\w+\s+)?(?:found|discovered|recovered)", re.I)
_KILL_PAIR = re.compile(r"\b" + NUM.format(g="n") + r"\s+(?:[\w\-]+\s+){0,2}?and\s+"
                        + NUM.format(g="n2") + r"\s+" + _FILLER + _AUX + _KILL_V + r"\b", re.I)
_HURT_SUBJ = _subject_pat(_HURT_V)
# "between five and seven soldiers were killed", "zero, one or two persons were killed", "10 to
# 15 died": a range or alternatives, of which ACLED codes the lowest
_RANGE_HINT = re.compile(r"\b(?:between|or)\b|\d\s*(?:to|-|\u2013)\s*\d", re.I)   # cheap first
_KILL_RANGE = re.compile(
    r"\b(?:between\s+" + NUM.format(g="lo") + r"\s+and|" + NUM.format(g="lo2")
    + r"(?:\s*,\s*(?:" + _NUM_WORD + r"|\d+))*(?:\s*,?\s+(?:or|to)|(?<=\d)\s*[-\u2013]))\s*"
    + NUM.format(g="hi") + r"\s+" + _FILLER + _AUX + _KILL_V + r"\b", re.I)
# ("tried to kill eight other children": the eight lived)
_KILL_OBJ = _object_pat(r"(?<!tried to )(?<!trying to )(?<!attempted to )(?<!attempting to )"
                        r"(?<!sought to )"
                        r"(?:deaths? of|killing|killed|kills|kill|assassinated|assassinating|"
                        r"claimed the lives of|claiming the lives of|shot dead|shooting dead|"
                        r"shot and killed|"
                        r"murdering|murdered|executing|executed|massacring|massacred|beheading|"
                        r"beheaded|lynching|lynched|stabbing to death|hacking to death|"
                        r"bodies of)")
# "beat 13 policemen to death", "beat the suspect to death" (one), "stoned to death two women"
_TO_DEATH = re.compile(r"\b" + _TO_DEATH_MANNER + r"\s+(?:" + NUM.format(g="n")
                       + r"|(?P<one>the|a|an|his|her|their|its)(?=\s+(?:[\w\-]+\s+){0,2}?"
                       r"[\w\-]*[^s\W]\s+to death))\s+(?:[\w\-]+\s+){0,3}?to death\b"
                       r"|\b" + _TO_DEATH_MANNER + r"\s+to death\s+" + NUM.format(g="n2") + r"\b",
                       re.I)
_HURT_OBJ = _object_pat(r"(?:injuring|injured|wounding|wounded|hurting|hurt|leaving injured)")
_TOLL = re.compile(r"\b(?:death toll|toll|number of (?:the )?dead|fatalities)\s+"
                   r"(?:(?!to\b|at\b)[\w'\u2019.,\-]+\s+){0,20}?"
                   r"(?:to|at|of|reached|is|was|stands at|stood at)\s+" + NUM.format(g="n"), re.I)
_NO_KILL = re.compile(r"\b(?:no (?:one|body|person) (?:was|were|has been) killed|"
                      r"no fatalit(?:y|ies)|no deaths?|no loss of li(?:fe|ves)|no lives were lost|"
                      r"without fatalities|"
                      r"no (?:reported )?fatalities|no reports? of (?:any )?fatalities|"
                      r"no (?:one|body) died|none (?:were|was) killed)\b", re.I)
_NO_ANY = re.compile(r"\b(?:no casualties|without casualties|no (?:reported )?casualties|"
                     r"no reports? of (?:any )?casualties|no (?:one|body|person) (?:was|were) "
                     r"(?:hurt|harmed|injured|wounded)|no injur(?:y|ies)|unharmed|unhurt|"
                     r"without (?:any )?injur(?:y|ies)|no (?:one|body) (?:got )?hurt|"
                     r"no fatalities (?:nor|or|and) injuries|no injuries (?:nor|or|and) fatalities|"
                     r"not harmed|escaped unhurt|nobody was hurt)\b", re.I)
_NO_WORDS = re.compile(
    r"\b(?:no|neither|nor|without)\s+"
    r"(?:(?:immediate|reported|reports? of|any|material|physical|word of|sign of)\s+){0,3}"
    r"(?:(?:damages?|injur(?:y|ies)|fatalit(?:y|ies)|casualt(?:y|ies)|deaths?)\s+"
    r"(?:or|nor|and)\s+(?:reported\s+)?)?(?:casualt(?:y|ies)|fatalit(?:y|ies)|deaths?)\b", re.I)
_NO_HURT_ONLY = re.compile(r"\bno (?:(?:immediate|reported|reports? of)\s+){0,2}"
                           r"(?:injur(?:y|ies)|wounded)\b", re.I)


@dataclass(frozen=True)
class Casualties:
    """Counts named in one sentence; None = not named."""

    killed: int | None = None
    injured: int | None = None
    toll: bool = False      # "the death toll rose to N": replaces earlier counts
    early: bool = False     # "initial reports put the number of dead at five": superseded
    claim: bool = False     # "the group claimed it killed 40 soldiers": a party's own figure


def number(word: str) -> int | None:
    """An integer from digits, a number word or a vague amount; None if it is none of these."""
    w = word.lower().strip()
    if not w:
        return None
    if w[0].isdigit():
        try:
            return int(w.replace(",", ""))
        except ValueError:
            return None
    if w in _VAGUE:
        return _VAGUE[w]
    if w in _WORDS:
        return _WORDS[w]
    parts = re.split(r"[\s-]+", w)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _WORDS:
        return _TENS[parts[0]] + _WORDS[parts[1]]
    return None


_KILL_VERB = re.compile(r"\b" + _KILL_V + r"\b", re.I)
_HURT_VERB = re.compile(r"\b" + _HURT_V + r"\b", re.I)
_SUBJECT_REACH = 120   # how far before its verb a subject count can start


_QUALIFIERS = ("at least", "more than", "over", "up to", "nearly", "almost", "about", "around",
               "some", "roughly", "approximately", "an estimated")
_FIRST_WORDS = ahocorasick.Automaton()
for _w in {w.split()[0] for w in list(_WORDS) + list(_VAGUE) + list(_QUALIFIERS)}:
    _FIRST_WORDS.add_word(_w, len(_w))
_FIRST_WORDS.make_automaton()
_DIGIT_START = re.compile(r"(?<![\w.,])\d")


@functools.lru_cache(maxsize=1)   # the kill and hurt patterns read the same sentence in turn
def _number_starts(text: str) -> list[int]:
    """Where a count (a digit, a number word, "at least" ...) can start, in text order."""
    low = lowered(text)
    n = len(low)
    starts = {m.start() for m in _DIGIT_START.finditer(text)}
    for end, length in _FIRST_WORDS.iter(low):
        st = end - length + 1
        if (st == 0 or not low[st - 1].isalnum()) and (end + 1 >= n or not low[end + 1].isalnum()):
            starts.add(st)
    return sorted(starts)


def _starts_automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for w in words:
        auto.add_word(w, len(w))
    auto.make_automaton()
    return auto


# the words an object pattern's verb starts with (lower case): it is tried only where one does
_OBJECT_VERB_STARTS = _starts_automaton((
    "death", "kill", "assassinat", "claim", "shot", "murder", "execut", "massacr", "behead",
    "lynch", "stabbing", "hacking", "bodies",                              # _KILL_OBJ
    "injur", "wound", "hurt", "leaving"))                                  # _HURT_OBJ
# the words each alternative of _KILL_V and of _HURT_V starts with (lower case)
_KILL_VERB_STARTS = _starts_automaton((
    "kill", "dead", "died", "slain", "shot", "stabbed", "beaten", "burned", "burnt", "hacked",
    "stoned", "clubbed", "bludgeoned", "battered", "trampled", "crushed", "tortured", "macheted",
    "murder",
    "massacre", "execute", "lost", "perish", "fatalit", "death", "bodies", "lynch", "behead",
    "neutrali"))
_HURT_VERB_STARTS = _starts_automaton(("injur", "wound", "hurt", "casualt", "hospitali"))
# (by the verb pattern's id: a compiled pattern hashes its whole program at each look-up)
_VERB_STARTS = {id(_KILL_VERB): _KILL_VERB_STARTS, id(_HURT_VERB): _HURT_VERB_STARTS}


def _matches_at_starts(pat: re.Pattern[str], text: str, starts: ahocorasick.Automaton
                       ) -> Iterator[re.Match[str]]:
    """pat.finditer(text) for a case-blind pattern each of whose matches starts where a word
    of `starts` starts: tried only there rather than at every character."""
    if any(c in text for c in ODD_CASE):
        yield from pat.finditer(text)
        return
    last = 0
    for st in sorted({end - length + 1 for end, length in starts.iter(lowered(text))}):
        if st < last:
            continue
        m = pat.match(text, st)
        if m is not None:
            last = m.end()
            yield m


def _matches(pat: re.Pattern[str], text: str, verbs: list[tuple[int, int]] | None):
    """Matches of a pattern; subject patterns end at a verb (`verbs`: the spans of its verbs in
    the text) and start at a count, so they are tried only at count positions shortly before a
    verb."""
    if verbs is None:     # object patterns start with their verb
        for m in _matches_at_starts(pat, text, _OBJECT_VERB_STARTS):
            if m.start() == 0 or text[m.start() - 1] not in "'\u2019-":
                yield m     # at a word start ("self-killing" is no count)
        return
    starts: list[int] | None = None
    last = -1
    for v_start, v_end in verbs:
        if starts is None:
            starts = _number_starts(text)
        lo = max(0, v_start - _SUBJECT_REACH, last)
        end = min(len(text), v_end + 40)
        i = bisect.bisect_left(starts, lo)
        while i < len(starts) and starts[i] < v_start:
            found = pat.match(text, starts[i], end)
            if found and found.end() >= v_end - 1:
                last = found.end()
                yield found
                break
            i += 1


def _collect(pats: list[tuple[re.Pattern[str], re.Pattern[str] | None]], text: str
             ) -> int | None:
    """The sum of the distinct counts the patterns find (one count is never read twice)."""
    starts: list[int] = []
    spans: list[tuple[int, int, int]] = []      # sorted by start, never overlapping
    verb_spans: dict[int, list[tuple[int, int]]] = {}   # (read once per verb, by its id)
    for pat, verb in pats:
        if verb is not None and id(verb) not in verb_spans:
            verb_spans[id(verb)] = [m.span() for m in _matches_at_starts(
                verb, text, _VERB_STARTS[id(verb)])]
        for m in _matches(pat, text, None if verb is None else verb_spans[id(verb)]):
            for g in ("n", "n2"):
                if g not in pat.groupindex:
                    continue
                n = number(m.group(g))
                if n is None or n > 100000:
                    continue
                s, e = m.span(g)
                i = bisect.bisect_right(starts, s)
                if (i > 0 and spans[i - 1][1] > s) or (i < len(spans) and spans[i][0] < e):
                    continue
                if _is_not_count(text, s, e):
                    continue
                starts.insert(i, s)
                spans.insert(i, (s, e, n))
    if not spans:
        return None
    return sum(n for _, _, n in spans)


def _is_not_count(text: str, s: int, e: int) -> bool:
    after = text[e:e + 12].lower()
    before = text[max(0, s - 6):s].lower()
    # "70-year old", "5 km", "2 hours": ages, distances and durations are not counts
    if re.match(r"[\s-]*(?:year|yr|km|kilomet|mile|hour|day|week|month|minute|percent|%|"
                r"am\b|pm\b|a\.m|p\.m|o'clock|mm\b)", after):
        return True
    return bool(re.search(r"(?:no\.|number|#|\bno|\bnot)\s*$", before))


_KILL_STEMS = ("kill", "neutrali", "dead", "death", "die", "fatal", "slain", "body", "bodies",
               "toll", "lynch",
               "murder", "massacr", "execut", "behead", "perish", "lost their li", "lost his li",
               "lost her li", "loss of li", "lives", "shot")
_HURT_STEMS = ("injur", "wound", "hurt", "casualt", "hospitali", "harm")
_STEMS = Substrings([(w, "kill") for w in _KILL_STEMS] + [(w, "hurt") for w in _HURT_STEMS])


_ASIDE = re.compile(r"\([^()]{0,80}\)")


def find(sentence: str, language: str | None = None) -> Casualties:
    """Killed/injured numbers named in one sentence (`language`: the sentence's, None for
    English)."""
    lex = lexicon.get(language)
    if lex is not None:
        return _find_local(sentence, _local_patterns(lex))
    found = _STEMS.labels(sentence)
    if not found:
        return Casualties()
    if "(" in sentence:   # "a herder (of an unknown clan) was killed": asides hide nothing
        sentence = _ASIDE.sub(lambda m: " " * len(m.group(0)), sentence)
    if "death " in sentence:   # "a charge that carries the death penalty": no one died
        sentence = _DEATH_PENALTY.sub(lambda m: " " * len(m.group(0)), sentence)
    return _find(sentence, kills="kill" in found, hurts="hurt" in found)


_DEATH_PENALTY = re.compile(r"\bdeath (?:penalty|penalties|sentences?|row)\b", re.I)


_NEGATORS = ("no ", "neither", "nor ", "without", "unharm", "unhurt", "not harmed", "none",
             "nobody", "no-one")
_NEITHER_INJURY = re.compile(r"\b(?:neither|no|nor)\s+(?:\w+\s+){0,3}?injur(?:y|ies)\b", re.I)


_ALONG_WITH = re.compile(r"\b(?:killed|killing)\s+(?!\d)(?:[\w'\u2019.,\-]+\s+){1,14}?"
                         r"(?:along with|together with|and)\s+" + NUM.format(g="n")
                         + r"\s+(?:other|others)\b", re.I)


def _find(sentence: str, kills: bool, hurts: bool) -> Casualties:
    low = lowered(sentence)
    toll = None      # the last toll told: "initial reports put the toll at five; it rose to 14"
    if kills and ("toll" in low or "fatalit" in low or "number of" in low):
        tolls = list(_TOLL.finditer(sentence))
        toll = tolls[-1] if tolls else None
    killed: int | None = None
    if not kills:
        pass
    elif toll and number(toll.group("n")) is not None:
        killed = number(toll.group("n"))
    elif _RANGE_HINT.search(sentence) and (rng := _KILL_RANGE.search(sentence)):
        counts = [number(rng.group(g)) for g in ("lo", "lo2", "hi") if rng.group(g)]
        killed = min((n for n in counts if n is not None), default=None)
    else:
        killed = _collect([(_KILL_PAIR, _KILL_VERB), (_KILL_OBJ, None),
                           (_KILL_SUBJ, _KILL_VERB)], sentence)
        if killed is None and "to death" in low:
            m = _TO_DEATH.search(sentence)
            g = None if m is None else next((g for g in ("n", "n2") if m.group(g)), None)
            if m and m.group("one"):
                killed = 1
            elif m and g:     # "beat to death 17-year-old Kennedy": an age, so one victim
                killed = 1 if _is_not_count(sentence, *m.span(g)) else number(m.group(g))
        if killed is None and (" the " in low or " its " in low or " his " in low
                               or " her " in low or " their " in low) \
                and _ONE_VICTIM.search(sentence):
            killed = 1
        if killed is None and " who " in low and _ONE_WHO.search(sentence):
            killed = 1
        if killed is None and (("he " in low and _PRONOUN_KILLED.search(sentence))
                               or ("body" in low and _BODY_FOUND.search(sentence))):
            killed = 1
    if kills and " other" in low:
        along = _ALONG_WITH.search(sentence)     # "killed <a named man> along with three others"
        n = number(along.group("n")) if along else None
        if n is not None and (killed is None or killed <= n):
            killed = n + 1
    injured = _collect([(_HURT_OBJ, None), (_HURT_SUBJ, _HURT_VERB)], sentence) \
        if hurts else None
    if "him" in low or "her" in low:
        for m in _PRONOUN_OBJECT.finditer(sentence):   # "seriously injuring him"
            if m.group("verb").lower().startswith(("kill", "shoot", "shot")):
                killed = 1 if killed is None else killed
            else:
                injured = 1 if injured is None else injured
    if not any(w in low for w in _NEGATORS):
        return _told(sentence, killed, injured, toll=bool(toll))
    if _NO_ANY.search(sentence):
        if killed is None:
            killed = 0
        if injured is None and not re.search(r"no fatalit", sentence, re.I) or \
                re.search(r"injur|hurt|harm|casualt|wound", sentence, re.I) and injured is None:
            injured = 0
    no_words = _NO_WORDS.search(sentence)
    if killed is None and (_NO_KILL.search(sentence) or no_words):
        killed = 0
    if injured is None and no_words and "casualt" in no_words.group(0).lower():
        injured = 0     # "no casualties": nobody killed or hurt
    if injured is None and (_NO_HURT_ONLY.search(sentence) or _NEITHER_INJURY.search(sentence)):
        injured = 0
    return _told(sentence, killed, injured, toll=bool(toll))


# an estimate the story itself calls early, unless the same sentence tells the update
# (these three each tried only where a match can start: literals.anchored)
_EARLY = anchored(re.compile(r"\b(?:(?:initial|preliminary|earlier|first|early)\s+(?:\w+\s+)?"
                             r"(?:reports?|figures?|estimates?|tolls?|counts?|accounts?|tallies|"
                             r"tally)|initially)\b", re.I))
_UPDATE = re.compile(r"\b(?:rose|risen|rising|climbed|increased|jumped|mounted|since|now)\b",
                     re.I)
# a count a party gives of its own killing ("claimed to have killed", "said its fighters
# killed"), or one the text says is unverified; not "claimed the lives of"
_CLAIM = re.compile(r"\b(?:claim(?:ed|s|ing)?\s+(?!the lives|lives|responsibility)(?:that\s+)?"
                    r"(?:to have|having|it|they|its|their|the group|the militants|he)\b|"
                    r"said (?:its|their) (?:fighters|militants|men|forces)\b|"
                    r"(?:could not be (?:independently )?(?:verified|confirmed)|unverified)\b)",
                    re.I)


def _told(sentence: str, killed: int | None, injured: int | None, toll: bool) -> Casualties:
    """The counts with how the sentence tells them: an early estimate, a party's claim."""
    if killed is None:
        return Casualties(killed, injured, toll=toll)
    early = bool(_EARLY.search(sentence)) and not _UPDATE.search(sentence)
    low = lowered(sentence)
    claim = "claim" in low or "verifi" in low or "said " in sentence
    return Casualties(killed, injured, toll=toll, early=early,
                      claim=claim and bool(_CLAIM.search(sentence)))


# an outcome told without deaths: nobody was killed (ACLED codes 0); "unknown" stays unknown
_OUTCOME = anchored(re.compile(
    r"\b(?:abduct\w*|kidnapp\w*|hostages?|tortur\w*|beat(?:en)?|whipped|flogged|arrest\w*|"
    r"detain\w*|destroy\w*|damag\w*|burn(?:ed|t)|set (?:\w+ )?(?:on )?fire|loot\w*|"
    r"escap\w*|unharmed|unhurt|missed|went missing|released|seized|dispersed|raped)\b", re.I))
_UNKNOWN = anchored(re.compile(
    r"\b(?:casualties (?:are |were )?unknown|unknown number|no information|not known|not clear|"
    r"unclear|without mention|not reported|unconfirmed|inflict\w* (?:\w+ )?\W?casualties)\b",
    re.I))


def outcome_without_deaths(text: str) -> bool:
    """Whether the text tells what happened to the victims and that did not include deaths."""
    return bool(_OUTCOME.search(text)) and not _UNKNOWN.search(text)


# ------------------------------------------------------------------ other languages

@dataclass(frozen=True)
class _Local:
    """A language's count patterns (from its counts.yaml), compiled once."""

    numbers: dict[str, int]
    killed: tuple[re.Pattern[str], ...]     # subject pair, subject, object patterns
    injured: tuple[re.Pattern[str], ...]
    # read over each sentence in turn, each only where its words are (one pass for all):
    # "killed" and "injured", the phrases one of which a count of each holds; "no_killed",
    # "no_injured", "no_casualties", what says nobody was; "claim", a figure the text does
    # not stand behind
    told: Scans
    not_count: re.Pattern[str]      # what follows a number that is no count ("ans", "km")
    number_words: Substrings        # a count's first word (a digit is checked apart)
    aside: Scan                     # ", dont la kamikaze," between a count and its verb
    starts: Anchored                # where a count can start: a digit, a number's first word


_LOCAL: dict[str, _Local] = {}


def _local_patterns(lex: lexicon.Lexicon) -> _Local:
    """The language's count patterns: a count before a killed/injured phrase ("sept fidèles
    ont été tués"), two counts joined before one ("trois miliciens et deux militaires ont été
    tués"), a count after one ("tuant cinq civils"); the filler between a count and its verb
    stops at a conjunction, a number or a clause break (`filler_stop`)."""
    found = _LOCAL.get(lex.code)
    if found is not None:
        return found
    alt = "|".join(sorted((re.escape(w) for w in lex.numbers), key=len, reverse=True))
    qual = "|".join(sorted((re.escape(q) for q in lex.qualifiers), key=len, reverse=True))
    stop = lex.hints.get("filler_stop", lexicon.NOTHING).pattern

    not_count = lex.hints.get("not_count", lexicon.NOTHING).pattern

    def num(g: str) -> str:     # (not an age, a distance, a time: "une quinzaine de km")
        return (r"(?:(?:" + (qual or "(?!x)x") + r")\s+)?(?P<" + g + r">\d{1,3}(?:[ .\u00a0]\d{3})+"
                r"(?!\d)|\d+|" + alt + r")(?!" + not_count + r")")

    # (up to ten words, none a stop word nor a number, unless digits of a name: "gang 400 Mawozo")
    filler = (r"(?:(?!(?:" + stop + r")\b)(?!\d(?!\d*\s+(?-i:[A-Z\u00c0-\u00de])))"
              r"[\w'\u2019\-\u00ab\u00bb\"\u201c\u201d]+\s+){0,10}?")

    def verbs(key: str) -> str:
        return "|".join(f"(?:{p})" for p in lex.count_parts[key]) or "(?!x)x"

    # a count right after the verb makes the count before it the doers ("une grenade ... a tué
    # deux clients")
    no_object = r"(?!\s+(?:(?:" + (qual or "(?!x)x") + r")\s+)?(?:\d|(?:" + alt + r")\b))"

    def pats(after: str, before: str) -> tuple[re.Pattern[str], ...]:
        quote = r"[\u00ab\"\u201c]?\s?"
        return (re.compile(r"(?<![\w\-])" + num("n") + r"\s+(?:[\w'\u2019\-]+\s+){0,2}?(?:"
                           + (lex.hints.get("and", lexicon.NOTHING).pattern) + r")\s+" + num("n2")
                           + r"\s+" + filler + quote + r"(?:" + verbs(after) + r")(?!\w)", re.I),
                re.compile(r"(?<![\w\-])" + num("n") + r"\s+" + filler + quote + r"(?:"
                           + verbs(after) + r")(?!\w)" + no_object, re.I),
                re.compile(r"(?<!\w)(?:" + verbs(before) + r")\s+(?:[\w'\u2019]+\s+){0,2}?"
                           + num("n") + r"(?!\w)", re.I))

    def either(*keys: str) -> re.Pattern[str]:
        parts = [p for k in keys for p in lex.count_parts[k]]
        return re.compile("|".join(f"(?:{p})" for p in parts) or "(?!x)x", re.I)

    told = Scans({"killed": either("killed_after", "killed_before"),
                  "injured": either("injured_after", "injured_before"),
                  **{f"no_{k}": pat for k, pat in lex.none_told.items()},
                  "claim": lex.hints.get("claim", lexicon.NOTHING),
                  # one victim named with no count ("ont abattu le chef du village")
                  "one_victim": lex.hints.get("one_victim", lexicon.NOTHING)})
    found = _Local(lex.numbers, pats("killed_after", "killed_before"),
                   pats("injured_after", "injured_before"), told,
                   lex.hints.get("not_count", lexicon.NOTHING),
                   Substrings([(w.split()[0], "n") for w in list(lex.numbers) + lex.qualifiers]),
                   Scan(lex.hints.get("count_aside", lexicon.NOTHING)),
                   _count_starts(lex))
    _LOCAL[lex.code] = found
    return found


def _count_starts(lex: lexicon.Lexicon) -> Anchored:
    """Where a count can start: a digit or a number's first word (tried only where one of them
    starts)."""
    firsts = {w.split()[0] for w in list(lex.numbers) + lex.qualifiers}
    regex = re.compile(r"(?<![\w\-])(?:\d|(?:" + "|".join(sorted(
        (re.escape(w) for w in firsts), key=len, reverse=True)) + r")\b)", re.I)
    return Anchored(regex, frozenset("0123456789") | {w.lower() for w in firsts})


_DIGIT_ANY = re.compile(r"\d")
# digits before a capitalised word are a name ("le gang 400 Mawozo", "Frente 33"), no count
_NAME_AFTER = re.compile(r"\s+[^\W\d_a-z\u00e0-\u00ff]")


def _local_number(word: str, loc: _Local) -> int | None:
    w = " ".join(word.lower().split())
    if w[:1].isdigit():
        digits = re.sub(r"[ .\u00a0]", "", w)
        return int(digits) if digits.isdigit() else None
    return loc.numbers.get(w)


# how far before its verb a count may start, and after it a count may end
_LOCAL_REACH = 160
_LOCAL_AFTER = 60


def _local_sum(pats: tuple[re.Pattern[str], ...], verbs: str, text: str, loc: _Local,
               possible: list) -> int | None:
    """The sum of the distinct counts the patterns find, each number read once; they are
    read only around the killed or injured words (`verbs`: "killed" or "injured" of
    loc.told, `possible` its words in the text), none without one."""
    found = [m.span() for m in loc.told.finditer(verbs, text, possible)]
    if not found:
        return None
    lo, hi = max(0, found[0][0] - _LOCAL_REACH), min(len(text), found[-1][1] + _LOCAL_AFTER)
    spans: list[tuple[int, int, int]] = []
    starts = [m.start() for m in loc.starts.finditer(text, lo, hi)]
    for i, pat in enumerate(pats):
        for m in (_anchored(pat, text, starts, hi) if i < 2 else pat.finditer(text, lo, hi)):
            for g in ("n", "n2"):
                if g not in pat.groupindex or m.group(g) is None:
                    continue
                s, e = m.span(g)
                n = _local_number(m.group(g), loc)
                if n is None or n > 100000 or loc.not_count.match(text, e) or \
                        (text[s].isdigit() and _NAME_AFTER.match(text, e)) or \
                        any(a < e and s < b for a, b, _ in spans):
                    continue
                spans.append((s, e, n))
    return sum(n for _, _, n in spans) if spans else None


def _anchored(pat: re.Pattern[str], text: str, starts: list[int], hi: int
              ) -> Iterator[re.Match[str]]:
    """pat.finditer(text, ..., hi) for a pattern whose matches start at a count: tried only
    at the `starts`, none inside a match already made."""
    last = -1
    for st in starts:
        if st < last:
            continue
        m = pat.match(text, st, hi)
        if m is not None:
            last = m.end()
            yield m


def _find_local(sentence: str, loc: _Local) -> Casualties:
    """find() with a language's patterns: counts, then what the sentence says nobody was."""
    if "(" in sentence:
        sentence = _ASIDE.sub(lambda m: " " * len(m.group(0)), sentence)
    if "," in sentence:     # "Cinq personnes, dont la kamikaze, ont été tuées"
        sentence = loc.aside.sub(lambda m: " " * len(m.group(0)), sentence)
    killed = injured = None
    told = loc.told
    may = told.possible(sentence)
    if _DIGIT_ANY.search(sentence) or loc.number_words.any(sentence):
        killed = _local_sum(loc.killed, "killed", sentence, loc, may)
        injured = _local_sum(loc.injured, "injured", sentence, loc, may)
    if told.search("no_casualties", sentence, may):
        killed = 0 if killed is None else killed
        injured = 0 if injured is None else injured
    if killed is None and told.search("no_killed", sentence, may):
        killed = 0
    if killed is None and told.search("one_victim", sentence, may):
        killed = 1
    if injured is None and told.search("no_injured", sentence, may):
        injured = 0
    claim = killed is not None and told.search("claim", sentence, may) is not None
    return Casualties(killed, injured, claim=claim)
