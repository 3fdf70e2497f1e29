"""Fast whole-word phrase matching over accent-folded text with one Aho-Corasick automaton."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick

from extract.gazetteer import fold_key, fold_text


class Hit(NamedTuple):
    """One phrase found in the text: its label, offsets in the original text, and the folded
    phrase. (A named tuple: a text yields hundreds, and a tuple is the cheapest to make.)"""

    label: str
    start: int
    end: int
    phrase: str


class PhraseMatcher:
    """Phrases -> labels; a phrase ending in '*' matches any word ending."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._auto = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, bool]]] = {}
        for phrase, label in entries:
            prefix = phrase.endswith("*")
            key = fold_key(phrase.rstrip("*"))
            if not key:
                continue
            table.setdefault(key, [])
            if (label, prefix) not in table[key]:
                table[key].append((label, prefix))
        for key, labels in table.items():
            # all labels (a whole-word match) and those that also match a longer word
            value = (len(key), key, tuple(lb for lb, _ in labels),
                     tuple(lb for lb, prefix in labels if prefix))
            self._auto.add_word(key, value)
        self._empty = not table
        if not self._empty:
            self._auto.make_automaton()

    def find(self, text: str, folded: str | None = None) -> list[Hit]:
        """All matches in text order; the longest match wins where matches overlap per label."""
        if self._empty or not text:
            return []
        folded = fold_text(text) if folded is None else folded
        n = len(folded)
        hits: list[Hit] = []
        for end_i, (size, key, labels, prefixed) in self._auto.iter(folded):
            start = end_i - size + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            end = end_i + 1
            if end >= n or not folded[end].isalnum():
                for label in labels:
                    hits.append(Hit(label, start, end, key))
            elif prefixed:
                word_end = end
                while word_end < n and folded[word_end].isalnum():
                    word_end += 1
                for label in prefixed:
                    hits.append(Hit(label, start, word_end, key))
        if len(hits) > 1:
            hits.sort(key=_text_order)
        return hits


def _text_order(h: Hit) -> tuple[int, int]:
    return h.start, h.start - h.end


# letters that re.IGNORECASE equates to ASCII ones but str.lower() does not turn into them
ODD_CASE = ("\u0130", "\u0131", "\u017f")

_LOWERED: dict[str, str] = {}
_LOWERED_KEPT = 256
_LOWERED_LONGEST = 5000     # (a whole article is lowered again: the kept texts stay small)


def lowered(text: str) -> str:
    """text.lower(), kept for the last texts with a letter beyond ASCII: a dozen readers lower
    each sentence in turn, and such a text costs tens of instructions a letter to lower (an
    ASCII one costs one: it is lowered again)."""
    if text.isascii() or len(text) > _LOWERED_LONGEST:
        return text.lower()
    found = _LOWERED.get(text)
    if found is None:
        if len(_LOWERED) >= _LOWERED_KEPT:
            _LOWERED.clear()
        found = _LOWERED[text] = text.lower()
    return found


class Substrings:
    """Which labels have one of their substrings in a text: a cheap test before costly regexes."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._auto = ahocorasick.Automaton()
        table: dict[str, set[str]] = {}
        for sub, label in entries:
            table.setdefault(sub.lower(), set()).add(label)
        for sub, labels in table.items():
            self._auto.add_word(sub, frozenset(labels))
        self._empty = not table
        if not self._empty:
            self._auto.make_automaton()

    def labels(self, text: str) -> set[str]:
        """Labels found in the text (compared lower-case)."""
        out: set[str] = set()
        if self._empty or not text:
            return out
        for _end, labels in self._auto.iter(lowered(text)):
            out |= labels
        return out

    def any(self, text: str) -> bool:
        """Whether any substring occurs in the text (compared lower-case)."""
        if self._empty or not text:
            return False
        return next(self._auto.iter(lowered(text)), None) is not None

    def may_match(self, text: str) -> bool:
        """False only when a re.IGNORECASE regex, each of whose matches holds one of the
        substrings, cannot match the text: none is there, nor a letter of ODD_CASE."""
        return self.any(text) or any(c in text for c in ODD_CASE)


def longest_first(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits in text order; where hits overlap the longest one wins."""
    starts: list[int] = []
    kept: list[Hit] = []      # sorted by start, never overlapping
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        i = bisect.bisect_right(starts, h.start)
        if i > 0 and kept[i - 1].end > h.start:
            continue
        if i < len(kept) and kept[i].start < h.end:
            continue
        starts.insert(i, h.start)
        kept.insert(i, h)
    return kept
