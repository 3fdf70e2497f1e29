"""What text a regex needs: lower-case strings one of which every match holds, read from the
regex's parse tree, so that a cheap substring test can skip running it.

Python's `re` tries a case-blind pattern that starts with \\b or an alternation at every
position of the text; most of the extractor's patterns cannot match most sentences, and a
sentence without any of a pattern's literals is answered without running it. The test is
sound (it never skips a pattern that could match) and changes no result, only the time.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence

import ahocorasick

from extract.phrases import ODD_CASE, Substrings, lowered

try:                                  # (the parser's module name since Python 3.11)
    from re import _constants as _c
    from re import _parser as _p
except ImportError:                   # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

# an alternation or a product of alternatives is followed as exact strings up to this many
_MAX_EXACT = 64
# a character class of at most this many single characters counts as their alternation
_MAX_CLASS = 8


class _Info:
    """What is known of the text one part of a pattern matches: `exact`, every string it can
    match (None: too many or unknown); `need`, sets of strings such that each match holds one
    string of every set (none: nothing known)."""

    __slots__ = ("exact", "need")

    def __init__(self, exact: frozenset[str] | None, need: tuple[frozenset[str], ...] = ()
                 ) -> None:
        self.exact = exact
        self.need = need


_EMPTY = _Info(frozenset({""}))
_UNKNOWN = _Info(None)
# the sets kept per pattern (the most selective): each is one more test on a sentence
_MAX_SETS = 3


def _char(code: int) -> str | None:
    """The character lowered, when lowering the text finds it wherever a case-blind match
    holds it (ASCII and Latin letters; not the odd ones re.IGNORECASE equates with ASCII)."""
    c = chr(code)
    low = c.lower()
    if c in ODD_CASE or low in ODD_CASE or len(low) != 1 or code in (0x212A, 0xB5):
        return None
    if code < 0x250:
        return low
    return None


def _strength(needs: frozenset[str]) -> tuple[int, int]:
    """How selective a set of needed strings is: by its shortest string, then the fewest."""
    return (min(len(s) for s in needs), -len(needs))


def _useful(found: frozenset[str] | None) -> bool:
    return bool(found) and "" not in found      # type: ignore[operator]


def _need_of(info: _Info) -> tuple[frozenset[str], ...]:
    """The sets of strings each match holds one of: its exact strings (when none is empty)
    and what else it needs, the most selective first."""
    found = set(info.need)
    if _useful(info.exact):
        found.add(info.exact)     # type: ignore[arg-type]
    return tuple(sorted(found, key=_strength, reverse=True)[:_MAX_SETS])


def _sequence(items: Iterable[tuple]) -> _Info:
    """A concatenation: exact strings multiply while every part is exact; each run of exact
    parts, and what each other part needs, is needed by the whole."""
    product: frozenset[str] | None = frozenset({""})
    needs: list[frozenset[str]] = []
    cut = False
    for op, av in items:
        part = _node(op, av)
        if part.exact is not None and product is not None and \
                len(product) * len(part.exact) <= _MAX_EXACT:
            product = frozenset(a + b for a, b in itertools.product(product, part.exact))
            continue
        cut = True
        if _useful(product):
            needs.append(product)      # type: ignore[arg-type]
        if part.exact is None:
            needs += _need_of(part)
        product = part.exact     # (a new run starts at an exact part)
    if not cut:
        return _Info(product)
    if _useful(product):
        needs.append(product)          # type: ignore[arg-type]
    return _Info(None, tuple(needs))


def _node(op, av) -> _Info:
    if op is _c.LITERAL:
        c = _char(av)
        return _Info(frozenset({c})) if c is not None else _UNKNOWN
    if op is _c.AT or op in (_c.ASSERT, _c.ASSERT_NOT):
        return _EMPTY       # (zero width: a lookaround's text is not the match's)
    if op is _c.IN:
        chars = [_char(v) if o is _c.LITERAL else None for o, v in av]
        if len(chars) <= _MAX_CLASS and all(c is not None for c in chars):
            return _Info(frozenset(chars))       # type: ignore[arg-type]
        return _UNKNOWN     # (a range, a category, a negated class)
    if op is _c.SUBPATTERN:
        return _sequence(av[-1])
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(av)
    if op is _c.BRANCH:
        parts = [_sequence(branch) for branch in av[1]]
        exact = None
        if all(p.exact is not None for p in parts):
            union = frozenset().union(*(p.exact for p in parts))   # type: ignore[misc]
            exact = union if len(union) <= _MAX_EXACT else None
        # each alternative's most selective set: a match holds a string of one of them
        best = [_need_of(p)[:1] for p in parts]
        if exact is not None or not all(best):
            return _Info(exact)
        return _Info(None, (frozenset().union(*(b[0] for b in best)),))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, high, sub = av
        inner = _sequence(sub)
        if low == 0:
            if high == 1 and inner.exact is not None:
                return _Info(inner.exact | {""})    # (?:the )?
            return _EMPTY if high == 0 else _UNKNOWN
        if low == high == 1:
            return inner
        return _Info(None, _need_of(inner))
    return _UNKNOWN    # ANY, NOT_LITERAL, CATEGORY, GROUPREF, GROUPREF_EXISTS ...


def required(pattern: re.Pattern[str] | str) -> tuple[frozenset[str], ...]:
    """Sets of lower-case strings such that every match of the pattern holds a string of each
    set, compared with the lower-cased text (whatever the pattern's case flags); none when
    the pattern may match without any (then it must always be run)."""
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    if not isinstance(source, str):
        return ()
    try:
        tree = _p.parse(source, flags & ~re.UNICODE)
    except (re.error, RecursionError, TypeError):   # pragma: no cover - compiled already
        return ()
    found = _need_of(_sequence(tree))
    # (a set of one- or two-letter strings is found in almost any text, and costs a look-up
    # at each place it is: kept only when there is nothing better)
    return tuple(f for f in found if _strength(f)[0] >= 3) or found[:1]


def _product(heads: frozenset[str], tails: Iterable[str]) -> frozenset[str] | None:
    out = frozenset(h + t for h in heads for t in tails)
    return out if len(out) <= _MAX_EXACT else None


def _starts_seq(items: list) -> frozenset[str] | None:
    """How the matches of a sequence start (see _starts)."""
    heads = frozenset({""})       # the exact text matched so far
    for k, (op, av) in enumerate(items):
        part = _node(op, av)
        if part.exact is not None:
            longer = _product(heads, part.exact)
            if longer is None:
                break
            heads = longer
            continue
        first = _starts(op, av)
        if first is None:
            break
        found = _product(heads, (s for s in first if s))
        if "" in first and found is not None:       # (the part may match nothing)
            rest = _starts_seq(items[k + 1:])
            found = None if rest is None else _product(heads, rest) and \
                found | _product(heads, rest)        # type: ignore[operator]
        return found if found is not None else (heads if "" not in heads else None)
    else:
        return heads
    return heads if "" not in heads else None


def _starts(op, av) -> frozenset[str] | None:
    """Lower-case strings such that each match of the part is empty (only if "" is one of
    them) or starts with one of the others; None when unknown."""
    exact = _node(op, av).exact
    if exact is not None:
        return exact
    if op is _c.SUBPATTERN:
        return _starts_seq(av[-1])
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _starts_seq(av)
    if op is _c.BRANCH:
        found = [_starts_seq(branch) for branch in av[1]]
        if any(f is None for f in found):
            return None
        return frozenset().union(*found)     # type: ignore[arg-type]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        first = _starts_seq(sub)
        if first is None or (low > 0 and "" in first):
            return None
        return first | {""} if low == 0 else first
    return None


def starts(pattern: re.Pattern[str] | str) -> frozenset[str] | None:
    """Lower-case strings one of which every match of the pattern starts with (the shortest
    ones: none starts with another); None when unknown."""
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    try:
        found = _starts_seq(list(_p.parse(source, flags & ~re.UNICODE)))
    except (re.error, RecursionError, TypeError):   # pragma: no cover - compiled already
        return None
    if not found or "" in found:
        return None
    return frozenset(s for s in found if not any(s.startswith(t) and s != t for t in found))


class Prefilter:
    """Which of several regexes can match a text, told by one substring pass over it: a
    pattern needs a string of each of its sets (`required`); one with none is always tried."""

    def __init__(self, patterns: Mapping[Hashable, re.Pattern[str] | str]) -> None:
        # the automaton holds numbers, one per set (a compiled pattern as a key would hash its
        # whole program at each look-up); a pattern's sets are numbered in a row
        self._sets: dict[int, tuple[Hashable, int]] = {}   # first set's number -> key, count
        entries = []
        always = set()
        for key, pat in patterns.items():
            need = required(pat)
            if not need:
                always.add(key)
                continue
            first = len(entries) and entries[-1][1] + 1
            self._sets[first] = (key, len(need))
            entries += [(s, first + i) for i, found in enumerate(need) for s in found]
        self._subs = Substrings(entries)
        self._always = frozenset(always)
        self._all = frozenset(patterns)

    def possible(self, text: str) -> set:
        """The keys whose pattern may match somewhere in the text."""
        if any(c in text for c in ODD_CASE):
            return set(self._all)
        seen = self._subs.labels(text)
        out = set(self._always)
        for t in seen:
            found = self._sets.get(t)
            if found is not None and (found[1] == 1 or
                                      all(t + j in seen for j in range(1, found[1]))):
                out.add(found[0])
        return out


class Anchored:
    """A compiled pattern whose matches start with one of known strings (`starts`): finditer
    tries it only where one of them starts, and finds the same matches as the pattern's own
    finditer, which tries it at every position (a leftmost match starts at one of them)."""

    def __init__(self, regex: re.Pattern[str], first: frozenset[str] | None = None) -> None:
        self.regex = regex
        self._starts: ahocorasick.Automaton | None = None
        if first:
            self._starts = ahocorasick.Automaton()
            for s in first:
                self._starts.add_word(s, len(s))
            self._starts.make_automaton()

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else min(endpos, len(text))
        if self._starts is None or any(c in text for c in ODD_CASE):
            return self.regex.finditer(text, pos, end)
        return self._at_starts(text, pos, end)

    def _at_starts(self, text: str, pos: int, end: int) -> Iterator[re.Match[str]]:
        found = sorted({e - size + 1 for e, size in
                        self._starts.iter(lowered(text), pos, end)})   # type: ignore[union-attr]
        last = pos
        for at in found:
            if at < last:
                continue       # (inside the match before: finditer goes on after it)
            m = self.regex.match(text, at, end)
            if m is not None:
                last = m.end()
                yield m

    def search(self, text: str, pos: int = 0, endpos: int | None = None
               ) -> re.Match[str] | None:
        return next(self.finditer(text, pos, endpos), None)


def anchored(regex: re.Pattern[str]) -> Anchored:
    """The pattern tried only where one of the strings its matches start with starts (re
    tries a case-blind alternation at every position of a text), or everywhere when those are
    not known."""
    return Anchored(regex, starts(regex))


# a back reference counts groups from the start of the whole alternation: such a pattern
# keeps its place among all the others
_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def alternation(patterns: Iterable[str], flags: int = re.I) -> re.Pattern[str]:
    """The patterns as one alternation, tried in order at each position."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


class Alternations:
    """Named alternations of patterns (name -> patterns, `alternation`), each run over a text
    with only those of its patterns that may match there (`Prefilter`, one pass for all the
    names): the matches are those of the whole alternation, since a pattern that can match
    nowhere in the text never wins a position, and most patterns are left out."""

    def __init__(self, patterns: Mapping[str, Sequence[str]], flags: int = re.I) -> None:
        self.whole = {name: alternation(pats, flags) for name, pats in patterns.items() if pats}
        self._parts = {name: tuple(pats) for name, pats in patterns.items() if pats}
        self._flags = flags
        self._filter = Prefilter({(name, i): re.compile(p, flags)
                                  for name, pats in self._parts.items()
                                  for i, p in enumerate(pats)})
        self._whole_only = frozenset(name for name, pats in self._parts.items()
                                     if any(_BACKREF.search(p) for p in pats))
        self._starts = {(name, i): starts(p) for name, pats in self._parts.items()
                        for i, p in enumerate(pats)}
        self._subsets: dict[tuple[str, tuple[int, ...]], Anchored] = {}

    def possible(self, text: str) -> set[tuple[str, int]]:
        """(name, number) of the patterns that may match somewhere in the text."""
        return self._filter.possible(text)

    def pattern(self, name: str, possible: set[tuple[str, int]]) -> Anchored | None:
        """The alternation of the name's patterns that may match (`possible`), in their order;
        None when none may."""
        parts = self._parts.get(name)
        if parts is None:
            return None
        if len(parts) <= len(possible):
            which = tuple(i for i in range(len(parts)) if (name, i) in possible)
        else:     # (a long list of patterns, few of which may match: those few looked at)
            which = tuple(sorted(i for n, i in possible if n == name))
        return self._pattern(name, which) if which else None

    def _pattern(self, name: str, which: tuple[int, ...]) -> Anchored:
        """The alternation of these patterns of the name, tried where one of them can start."""
        parts = self._parts[name]
        if name in self._whole_only:
            which = tuple(range(len(parts)))
        key = (name, which)
        found = self._subsets.get(key)
        if found is None:
            regex = self.whole[name] if len(which) == len(parts) else \
                alternation((parts[i] for i in which), self._flags)
            first = [self._starts[(name, i)] for i in which]
            found = Anchored(regex, None if any(f is None for f in first)
                             else frozenset().union(*first))   # type: ignore[arg-type]
            if len(self._subsets) < 4096:      # (the subsets met are few; a bound all the same)
                self._subsets[key] = found
        return found


def _top_alternatives(source: str) -> list[str]:
    """The top-level alternatives of a pattern's source ("a|b(c|d)" -> ["a", "b(c|d)"])."""
    parts, depth, at, i, in_class = [], 0, 0, 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if source[i + 1:i + 2] == "^":
                i += 1
            if source[i + 1:i + 2] == "]":      # ("[]...]": a literal bracket first)
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(source[at:i])
            at = i + 1
        i += 1
    return parts + [source[at:]]


def _parts(regex: re.Pattern[str]) -> list[str]:
    """The pattern's top-level alternatives, or the whole pattern when their alternation would
    not match as it does (other groups, a global flag at its start)."""
    parts = _top_alternatives(regex.pattern)
    try:
        again = alternation(parts, regex.flags)
    except re.error:
        again = None
    if again is None or (again.groups, again.groupindex) != (regex.groups, regex.groupindex) \
            or regex.pattern.startswith("(?") and not regex.pattern.startswith("(?:"):
        parts = [regex.pattern]     # (a global flag at its start belongs to the whole)
    return parts


class Scan:
    """A compiled pattern as the alternation of its top-level alternatives, run over a text
    with only those that may match it (`Alternations`): search, finditer and sub answer as the
    pattern's own do."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self._runs = Alternations({"": _parts(regex)}, regex.flags)

    def _possible(self, text: str) -> Anchored | None:
        return self._runs.pattern("", self._runs.possible(text))

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match[str]]:
        pat = self._possible(text)
        return iter(()) if pat is None else pat.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int | None = None
               ) -> re.Match[str] | None:
        pat = self._possible(text)
        return None if pat is None else pat.search(text, pos, endpos)

    def sub(self, repl, text: str) -> str:
        return text if self._possible(text) is None else self.regex.sub(repl, text)


class Scans:
    """Named patterns, each run as a Scan would run it, with one substring pass over a text
    telling which of them may match (`possible`) rather than one pass per pattern: for the
    several patterns read in turn over the same sentence. (Patterns of other flags than the
    rest's get a pass of their own.)"""

    def __init__(self, patterns: Mapping[str, re.Pattern[str]]) -> None:
        by_flags: dict[int, dict[str, list[str]]] = {}
        for name, p in patterns.items():
            by_flags.setdefault(p.flags, {})[name] = _parts(p)
        self._runs = [Alternations(parts, flags) for flags, parts in by_flags.items()]
        self._of = {name: k for k, parts in enumerate(by_flags.values()) for name in parts}

    def possible(self, text: str) -> list[set[tuple[str, int]]]:
        """What may match in the text: hand it to search and finditer over the same text (or
        a part of it)."""
        return [runs.possible(text) for runs in self._runs]

    def _pattern(self, name: str, possible: list[set[tuple[str, int]]]) -> Anchored | None:
        k = self._of[name]
        return self._runs[k].pattern(name, possible[k])

    def search(self, name: str, text: str, possible: list[set[tuple[str, int]]]
               ) -> re.Match[str] | None:
        pat = self._pattern(name, possible)
        return None if pat is None else pat.search(text)

    def finditer(self, name: str, text: str, possible: list[set[tuple[str, int]]]
                 ) -> Iterator[re.Match[str]]:
        pat = self._pattern(name, possible)
        return iter(()) if pat is None else pat.finditer(text)
