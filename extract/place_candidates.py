"""Candidate place names in a text: the gazetteer's automaton over the text, then the filters
that drop what is a word, a person's name or a piece of an organisation's name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract import admin_units, gazetteer
from extract.gazetteer import KIND_CITY, KIND_COUNTRY, Entry, fold_key
from extract.place_words import ENGLISH_WORDS, PlaceWords

AFTER = 240   # the look-ahead window after a name: every pattern applied there fits in it
_BEFORE = 40  # the look-behind window before a name


def _words(words: str | tuple[str, ...]) -> str:
    return admin_units.alternation(tuple(words.split()) if isinstance(words, str) else words)


# the words before a name that say what it is, read from the last few words before it
_CUES = frozenset("in at near from to into outside inside around toward towards of between and "
                  "across through reach reached entered via village town city area district "
                  "locality".split())   # "in (the) (northern) X", "village X"
_STRICT_CUES = frozenset("in at near from to toward towards into outside".split())
_PLACE_OF_WORDS = frozenset(w for unit in admin_units.ANY for w in unit.lower().split())
_TITLES = frozenset("President Minister Mr Mrs Ms Dr Gen General Colonel Col Sheikh Imam "
                    "Governor Mayor Senator spokesman spokesperson leader King Prince Emir Pope "
                    "Saint St".split())
_LOWER = re.compile(r"[a-z]+")
_FIRST_NAME = re.compile(r"[A-Z][a-z]+")


_ELIDED = re.compile(r"\b([A-Za-z]{1,2})['\u2019]$")   # "d'Arbinda", "l'Ituri"


@dataclass(frozen=True)
class Before:
    """The last words before a name (when whitespace parts them from it), and what they say.
    In a language other than English (`lang`) the words are folded and read with its words
    too ("à", "près de", "la province de")."""

    words: tuple[str, ...]
    lang: PlaceWords = ENGLISH_WORDS
    w1: str = ""   # the last word, the one before it, the one before that ("" when none)
    w2: str = ""
    w3: str = ""

    @classmethod
    def at(cls, text: str, start: int, lang: PlaceWords = ENGLISH_WORDS) -> Before:
        window = text[max(0, start - _BEFORE):start]
        elided = None
        if not lang.english and (elided := _ELIDED.search(window)) is not None:
            window = window[:elided.start()] + " " + elided.group(1) + "' "
        if not window[-1:].isspace():
            return cls((), lang)
        words = window.split()
        if start > _BEFORE and len(words) > 1:
            words = words[1:]    # the first may be cut by the window
        if not lang.english:
            words = [fold_key(w) for w in words]
        last = ["", "", "", *words[-3:]]
        return cls(tuple(words[-3:]), lang, last[-1], last[-2], last[-3])

    def cue(self) -> bool:
        """"in X", "in the X", "in northern X", "in the northern X", "village X"."""
        w1, w2, w3 = self.w1, self.w2, self.w3
        if not self.lang.english:   # "à X", "près de X", "dans le X", "au sud de X"
            cues, join = self.lang.cues, self.lang.joiners
            return (w1 in cues or (w2 in cues and (w1 in join or _LOWER.fullmatch(w1) is not None))
                    or (w3 in cues and w1 in join and _LOWER.fullmatch(w2) is not None))
        return (w1 in _CUES or (w2 in _CUES and (w1 == "the" or _LOWER.fullmatch(w1) is not None))
                or (w3 in _CUES and w2 == "the" and _LOWER.fullmatch(w1) is not None))

    def strict_cue(self) -> bool:
        """A preposition right before: what makes a common word ("Rest", "Deal") worth a look."""
        if not self.lang.english:
            w1, w2 = self.w1, self.w2
            return w1 in self.lang.strict_cues or (
                w1 in self.lang.articles and w2 in self.lang.strict_cues) or self.place_of()
        return self.w1 in _STRICT_CUES

    def place_of(self) -> bool:
        """"the village of X", "the District of Y"."""
        if not self.lang.english:   # "la province du Lac", "aldeia de Chai"
            return self.w1 in self.lang.joiners and self.w2 in self.lang.unit_keys
        return self.w1.lower() == "of" and self.w2.lower() in _PLACE_OF_WORDS

    def the(self) -> bool:
        if not self.lang.english:
            return False   # (an article before a place name is ordinary: "le Mali", "la Drôme")
        return self.w1 == "the"

    def origin(self) -> bool:
        """"from X", "from the X": where someone comes from, not where things happen."""
        if not self.lang.english:
            w1, w2 = self.w1, self.w2
            return w1 in self.lang.origin or (w1 in self.lang.joiners and (
                w2 in self.lang.origin or f"{w2} {w1}" in self.lang.origin))
        return self.w1 == "from" or (self.w2 == "from" and self.w1 == "the")

    def feature(self) -> bool:
        """"le fleuve Niger", "o golfo da Guiné": the name of a river, a sea, a mountain."""
        w1, w2 = self.w1, self.w2
        features = self.lang.features
        return w1 in features or (w1 in self.lang.joiners and w2 in features)

    def title(self) -> bool:
        """"spokesman Abdifatah Aden", "Gen. X": a title, maybe a first name, then the name."""
        w1, w2 = self.w1, self.w2
        if not self.lang.english:   # "le gouverneur X", "Agence Ouest", "la calle X"
            titles = self.lang.titles   # (and "la Plaza de X", "o golfo da X")
            return fold_key(w1) in titles or fold_key(w1) in _TITLES_FOLDED or (
                fold_key(w2) in titles and (_FIRST_NAME.fullmatch(w1) is not None
                                            or w1 in self.lang.joiners))
        return w1.rstrip(".") in _TITLES or (
            w2.rstrip(".") in _TITLES and _FIRST_NAME.fullmatch(w1) is not None)


_TITLES_FOLDED = frozenset(fold_key(t) for t in _TITLES)


# after a country named as who spoke or acted, not where: "Pakistan said", "U.S. air strikes",
# "Iranian-backed" (where.py and the text's country read them)
SPEAKS_AFTER = re.compile(r"\s+(?:has |had )?(?:said|says|denied|denies|claimed|accused|blamed|"
                          r"warned|told|stated|insisted|rejected|condemned|carried out|launched|"
                          r"conducted|sent|deployed)\b")
ACTING_AFTER = re.compile(r"-(?:led|backed|supported|sponsored|allied|aligned|armed|trained)\b|"
                          r"\.?\s+(?:-led\s+)?(?:air ?strikes?|strikes|forces|troops|military|"
                          r"army|soldiers|navy|air force|warplanes|jets|aircraft|drones?|"
                          r"officials?|envoy|government|president|embassy|coalition|marines|"
                          r"service ?(?:members?|men|women|personnel)|personnel|citizens?|"
                          r"nationals?|contractors?|diplomats?|sailors?|airmen|"
                          r"(?:central |africa )?command)\b",
                          re.I)

def names_actor(text: str, sp: Span) -> bool:
    """"U.S. forces", "Pakistan said": the name is followed by what says it acted or spoke
    (read once per span)."""
    if sp.acting is None:
        sp.acting = bool(ACTING_AFTER.match(text, sp.end) or SPEAKS_AFTER.match(text, sp.end))
    return sp.acting


# "Amara city", "Wajir County": the generic word after a name
GENERIC_AFTER = re.compile(r"^\s+" + _words(admin_units.ANY) + r"\b", re.I)
# the generic words and sites between a name and its "(district, region)"
GENERIC_PLACE = _words(admin_units.ADMIN2 + admin_units.SETTLEMENTS + admin_units.SITES)
_PAREN = re.compile(r"^\s*[(\[]([^()\[\]]{1,90})[)\]]")
ALIAS = r"(?:\s*\[[^\[\]()]{1,60}\](?=\s*\())?"   # "Kangara [Kangara Peulh] (Karimama, ...)"
_PAREN_AFTER = re.compile(r"^(?:\s+" + GENERIC_PLACE + r"){0,2}" + ALIAS
                          + r"\s*[(\[]([^()\[\]]{1,90})[)\]]")
PAREN_NEAR = re.compile(r"^[^()\[\]]{0,40}?" + ALIAS + r"\s*[(\[]([^()\[\]]{1,90})[)\]]")

_ABBR_CAPS = re.compile(r"^[A-Z]{1,5}$")
# name prefixes ("Al Jah", "Kafr Nassij") that are no place on their own
PREFIX_WORDS = frozenset(
    "al el ar as ad an at az ash abu bin ibn wadi jabal jebel tell tal kafr ain ein bir ras umm "
    "beit bayt deir dar wa sidi san santa sao la le los las ayn bab khan qasr hay souq suq jisr "
    "nahr khirbet mazraat tel".split()
)
_ARTICLE_WORDS = frozenset("al el ar as ad an at az ash la le los las".split())
_PLACE_PREFIXES = PREFIX_WORDS - _ARTICLE_WORDS   # "Jabal", "Kafr": another place's name
# words that end an organisation's name begun by a place ("Luhansk People's Militia")
_ORG_AFTER = frozenset(
    "people's peoples militia army forces police government company corporation ministry "
    "university bank council party front movement brigade brigades battalion regiment "
    "liberation defence defense electricity airways airlines club hospital school college "
    "church mosque hotel stadium prison palace".split()
)


@dataclass
class Span:
    """A stretch of text the automaton matched, and the gazetteer places it may name."""

    start: int
    end: int
    key_id: int
    cands: list[tuple[Entry, bool]]
    cue: bool = False
    paren_of: int | None = None    # index of the span this one locates, when in "(Y, Z)"
    paren_parts: list[str] | None = None
    run_end: int | None = None     # the end of the longer name this one begins ("Mai Mahiu")
    # what is read around it once, for the filters, the scoring and the mention
    before: Before | None = None   # the words before it
    generic: str = ""              # the generic word after it ("city" of "Amara city")
    acting: bool | None = None     # named as who acted or spoke (names_actor)


# a lower-case word of 4+ letters, but "upon" (a joiner in names)
_LOWER_LETTERS = "a-zß-öø-ÿ"   # (accented too: "été", "después")
_LOWER_WORD = re.compile(r"((?<![\w'\u2019-])(?!upon(?![\w'\u2019]))[" + _LOWER_LETTERS + r"]["
                         + _LOWER_LETTERS + r"'\u2019]{3,}(?![\w'\u2019]))")


def _mask_lower_words(text: str) -> str:
    """Folded text with lower-case words of 4+ letters blanked: place names start upper-case
    and keep only short lower-case joiners (de, al, of), so the automaton reports far fewer
    matches that would be dropped anyway."""
    parts = _LOWER_WORD.split(text)    # words at the odd places
    parts[1::2] = [" " * len(w) for w in parts[1::2]]
    return gazetteer.fold_uncached("".join(parts))


def raw_spans(text: str, folded: str, lang: PlaceWords = ENGLISH_WORDS) -> list[Span]:
    """The longest gazetteer names in the text, left to right, not overlapping (names of
    another language's texts left out)."""
    gz = gazetteer.get()
    n = len(folded)
    kl, ke = gz.key_len, gz.key_entries
    own = gz.lang_entries.get(lang.code, {})   # the language's own names
    # a name starts upper-case and neither starts nor ends inside a word
    found = [(s, end + 1, kid) for end, kid in gz.automaton.iter(_mask_lower_words(text))
             if text[(s := end - kl[kid] + 1)].isupper()
             and not (s > 0 and folded[s - 1].isalnum())
             and not (end + 1 < n and folded[end + 1].isalnum())
             and (ke[kid] or kid in own)]
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    spans: list[Span] = []
    last_end = -1
    for s, e, kid in found:
        if s >= last_end:
            spans.append(Span(s, e, kid, []))   # candidates: once the cheap checks pass
            last_end = e
    return spans


def is_sentence_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\"'\u201c(":
        j -= 1
    return j < 0 or text[j] in ".!?:\n"


_NEXT_WORD = re.compile(r"\s([A-Za-z][\w\-]*)")
_PREV_WORD = re.compile(r"([A-Za-z][\w\-\.]*)\s$")
_LETTERS = re.compile(r"[A-Za-z]+")
_NEXT_CAPS = re.compile(r"((?:\s+[A-Z][\w'\u2019\-]*){1,4})")
# a capitalised word (hyphenated pairs whole: "Al-Qaeda")
CAP_WORD = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")


def _next_word(text: str, end: int) -> str:
    m = _NEXT_WORD.match(text, end, end + 40)
    return m.group(1) if m else ""


def prev_word(text: str, start: int) -> str:
    """The word right before a name and one whitespace: from its first letter on, of letters,
    digits, hyphens and dots ("Gen." of "(Gen. X"); "" when there is none. (What
    _PREV_WORD.search(text, start - _BEFORE, start) finds, read from the last word itself:
    a search tries every position of the window.)"""
    lo = max(0, start - _BEFORE)
    end = start - 1   # the whitespace after the word; "$" also matches before a last newline
    if end - 1 >= lo and text[end] == "\n" and text[end - 1].isspace():
        end -= 1
    if end - 1 < lo or not text[end].isspace() or text[end - 1].isspace():
        return ""
    m = _WORD_TAIL.search(text[lo:end].rsplit(None, 1)[-1])
    return m.group() if m else ""


_WORD_TAIL = re.compile(r"[A-Za-z][\w\-\.]*$")


def _prev_name_word(text: str, start: int) -> str:
    """The word before a name, looking past an article joined to it ("Jabal al-Zawiya")."""
    if start == 0 or not (text[start - 1].isspace() or text[start - 1] == "-"):
        return ""
    words = _LETTERS.findall(text, max(0, start - _BEFORE), start)
    while words and words[-1].lower() in _ARTICLE_WORDS:
        words.pop()
    return words[-1] if words else ""


# lower-case words that may follow a place name: joiners, prepositions, common verbs' helpers
_FUNCTION_WORDS = frozenset(
    "and or but of in on at to from for with by near after before since during as than that "
    "which who where when while is was are were has had have said says the a an".split())
_LOWER_NEXT = re.compile(r" ([a-z]+)\b")


def _modifies_noun(text: str, end: int, lang: PlaceWords = ENGLISH_WORDS) -> bool:
    """"in Police custody", "in Army uniform": a lower-case noun right after the word, which
    the word qualifies; a place is followed by punctuation, a capital or a joiner. (Not in the
    languages whose adjectives follow the noun: "dans le Sahel burkinabè".)"""
    if not lang.english:
        return False
    m = _LOWER_NEXT.match(text, end, end + 30)
    return m is not None and m.group(1) not in _FUNCTION_WORDS and not admin_units.is_unit_word(
        m.group(1))


def _in_org_name(text: str, end: int, lang: PlaceWords = ENGLISH_WORDS) -> bool:
    """The name starts an organisation's name ("Luhansk People's Militia", "Kerman Coal Mine
    Company"): up to four capitalised words follow and one of them is an organisation word."""
    words = _NEXT_CAPS.match(text, end, end + 80)
    if not words:
        return False
    return any(fold_key(w) in _ORG_AFTER or fold_key(w) in lang.org_words
               for w in words.group(1).split())


def _is_person_family_name(text: str, sp: Span, lang: PlaceWords = ENGLISH_WORDS) -> bool:
    """"Mark Jordan": a capitalised word (not a demonym, prefix or sentence start) before it."""
    gz = gazetteer.get()
    prv = prev_word(text, sp.start)
    pk = fold_key(prv)
    return (prv[:1].isupper() and not is_sentence_start(text, sp.start)
            and pk not in gz.common and pk not in gz.demonyms and pk not in lang.common
            and pk not in PREFIX_WORDS and prv != "The")


def _inside_longer_name(text: str, sp: Span, lang: PlaceWords = ENGLISH_WORDS) -> bool:
    """A capitalised word right after or before (not a demonym): "Kakuma Mission", "Port X"."""
    gz = gazetteer.get()
    nxt, prv = _next_word(text, sp.end), prev_word(text, sp.start)
    return (nxt[:1].isupper() and fold_key(nxt) not in gz.demonyms
            and fold_key(nxt) not in lang.not_name_words) or (
        prv[:1].isupper() and not is_sentence_start(text, sp.start)
        and fold_key(prv) not in gz.demonyms and prv not in ("The",)
        and fold_key(prv) not in lang.common)


# capitalised words after a name that do not lengthen it
_NOT_NAME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split())
# an Arabic article joined to the capitalised word of a name ("Jurf al-Sakhar")
JOINED_ARTICLE = r"(?:al|el|ad|an|ar|as|ash|at|az)-"
# an Arabic article written apart inside a name ("Jal el Dib", "Ras al Ain"; not "de": "barrio
# Belalcázar de Jamundí" is a part of Jamundí)
_NAME_JOINER = r"(?:al|el|ad|an|ar|as|ash|at|az)"
_CAPITALISED_RUN = re.compile(r"(?: (?:" + _NAME_JOINER + r" )?(?:" + JOINED_ARTICLE
                              + r")?[A-Z][a-z'\u2019\-]+)+")


def longer_name_end(text: str, end: int, lang: PlaceWords = ENGLISH_WORDS) -> int | None:
    """Where the longer name ends that a match begins ("Mai" of "Mai Mahiu", "Trans" of "Trans
    Mara"): capitalised words follow in the same phrase that are no weekday, month, demonym,
    organisation or generic word ("Embu Town"); None when none does."""
    gz = gazetteer.get()
    run = _CAPITALISED_RUN.match(text, end, end + 60)
    if run is None:
        return None
    stop = end
    for word in run.group().split():
        if word.islower():
            continue   # a joiner: the name goes on only if a word follows it
        key = fold_key(word)
        if (key in _NOT_NAME_WORDS or key in gz.demonyms or key in _ORG_AFTER or key in gz.common
                or admin_units.is_unit_word(key) or key in lang.not_name_words
                or key in lang.common or key in lang.org_words or key in lang.demonyms):
            break
        stop = text.index(word, stop) + len(word)
    return stop if stop > end else None


_ACRONYM_AFTER = re.compile(r"\s*\([A-Z0-9/\-]{2,8}\)")
# a country's currency ("US dollar", "Hong Kong dollars", "Zimbabwe-dollar")
_CURRENCY_AFTER = re.compile(r"[\s\-]dollars?\b", re.I)


def _nationality(key: str, sp: Span, lang: PlaceWords) -> bool:
    """A nationality word of the language that is not also a country's name in it ("les
    Maliens", but "l'Argentine")."""
    if key not in lang.demonyms:
        return False
    sp.cands = sp.cands or list(gazetteer.get().candidates(sp.key_id, lang.code))
    return not any(e.kind == KIND_COUNTRY for e, _ in sp.cands)


def filter_spans(text: str, spans: list[Span], lang: PlaceWords = ENGLISH_WORDS) -> list[Span]:
    """Drop matches that are words, person names or pieces of organisation names; set each
    kept span's candidates and whether a cue introduces it as a place."""
    gz = gazetteer.get()
    out = []
    run_end = -1   # the end of the longer name the last kept match begins
    for sp in spans:
        if sp.start < run_end:
            continue   # "Mara" of "Trans Mara": a word of a longer name begun before
        surface = text[sp.start:sp.end]
        key = fold_key(surface)
        before = sp.before = Before.at(text, sp.start, lang)
        abbr = _ABBR_CAPS.match(surface)
        if key in PREFIX_WORDS or (len(key) <= 2 and not abbr):
            continue
        if before.lang.features and before.feature():
            continue   # "le fleuve Niger": the river
        if (key in gz.common or key in lang.common
                or (key in gz.demonyms if lang.english else _nationality(key, sp, lang))) and (
                not before.strict_cue() or _modifies_noun(text, sp.end, lang)):
            continue   # "in Police custody": a common word naming the noun after it
        cands = sp.cands or list(gz.candidates(sp.key_id, lang.code))
        if abbr:   # "NASA", "PM", "UN": only countries' short forms
            cands = [(e, a) for e, a in cands if e.kind == KIND_COUNTRY and "." not in surface
                     and len(surface) >= 2]
            if not cands:
                continue
        after_text = text[sp.end:sp.end + AFTER]
        generic = GENERIC_AFTER.match(after_text)
        sp.generic = generic.group(0).strip().lower() if generic else ""
        named_after = bool(generic or _PAREN.match(after_text))
        sp.cue = before.cue() or before.place_of() or named_after
        if (key in gz.words and not sp.cue and lang.english and is_sentence_start(text, sp.start)
                and all(e.kind == KIND_CITY and e.population < 100_000 for e, _ in cands)):
            continue   # "Farmers protested ...": an everyday word opening a sentence, not the
            #            small town of that name (which would tip the text's country)
        after = text[sp.end:sp.end + 2]
        if len(after) == 2 and after[0] == "-" and after[1].islower():
            continue   # "Gaya-gaya": a piece of a longer word
        if before.the() and not named_after:
            # "the Kakuma refugee camp" stays
            cands = [(e, a) for e, a in cands if e.kind != KIND_CITY or e.population >= 100_000]
            if not cands:
                continue
        prv = _prev_name_word(text, sp.start)
        if prv[:1].isupper() and fold_key(prv) in _PLACE_PREFIXES:
            continue   # "Jabal Zawiya", "Kafr Nabl": the name of another place
        if any(e.kind == KIND_COUNTRY for e, _ in cands) and _is_person_family_name(
                text, sp, lang):
            continue
        if before.title():
            cands = [(e, a) for e, a in cands if e.kind == KIND_COUNTRY]
        elif not lang.english and before.place_of():   # "la sindicatura de Costa Rica"
            cands = [(e, a) for e, a in cands if e.kind != KIND_COUNTRY] or cands
        if _CURRENCY_AFTER.match(text, sp.end):
            continue   # "the high US dollar exchange rate": a currency, no place
        if _in_org_name(text, sp.end, lang) or (not lang.english and _ACRONYM_AFTER.match(
                text, sp.end)):   # "la Unidad de Mantenimiento del Orden (UNDMO)"
            cands = [(e, a) for e, a in cands if e.kind == KIND_COUNTRY]
            if not cands:
                continue
        big = max((e.population for e, _ in cands), default=0)
        has_region = any(e.kind != KIND_CITY for e, _ in cands)
        if not has_region and not sp.cue and big < 100_000 and (
                _inside_longer_name(text, sp, lang) or len(key) <= 3):
            continue
        if not cands:
            continue
        # (a big town by its main name stays itself: "Mogadishu Mayor", "Nairobi Expressway")
        if not has_region and not named_after and (
                big < 100_000 or all(alt for _, alt in cands)):
            sp.run_end = longer_name_end(text, sp.end, lang)
            run_end = sp.run_end or -1
        sp.cands = cands
        out.append(sp)
    return out


def mark_parens(text: str, spans: list[Span]) -> None:
    """Spans inside "(Y, Z)" right after a place name locate that place."""
    for i, sp in enumerate(spans):
        m = _PAREN_AFTER.match(text[sp.end:sp.end + AFTER])
        if not m:
            continue
        parts = [p.strip() for p in m.group(1).split(",") if p.strip()]
        sp.paren_parts = parts
        lo, hi = sp.end + m.start(1), sp.end + m.end(1)
        for j in range(i + 1, len(spans)):
            if spans[j].start >= hi:
                break
            if spans[j].start >= lo:
                spans[j].paren_of = i


def generic_word(text: str, sp: Span, lang: PlaceWords = ENGLISH_WORDS) -> str:
    """The generic word after a name ("city" in "Amara city"), lower case, or "". In a
    language that puts it before ("la ville de X", "la provincia de Y"): its English kind,
    "city" or "province". (Of a span filter_spans kept.)"""
    if not lang.english:
        before = sp.before or Before.at(text, sp.start, lang)
        if before.place_of():
            unit = before.words[-2]
            return "city" if unit in lang.town_keys else (
                "province" if unit in lang.admin1_keys else "")
    if sp.generic:
        return sp.generic
    # "in central Maputo", "downtown Kinshasa": the city, not its province
    return "city" if _CITY_CENTRE_BEFORE.search(text, max(0, sp.start - 16), sp.start) else ""


_CITY_CENTRE_BEFORE = re.compile(r"\b(?:central|downtown|centre of|center of)\s+$", re.I)
