"""Sentence spans with offsets: paragraph breaks and sentence ends, abbreviations kept whole."""

from __future__ import annotations

import re
from typing import NamedTuple

_ABBREV = frozenset(
    "u.s u.k u.n mr mrs ms dr gen lt col maj capt sgt cpl pvt st no vs jr sr prof gov sen rep "
    "inc ltd co corp dept est approx jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e "
    "a.m p.m mt ft brig adm cmdr insp supt".split()
)
# candidate boundary: . ! ? (and closing quotes/brackets) then space(s) then an opening char
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
# horizontal space only inside the patterns: a run of blank lines must not be rescanned
_PARA = re.compile(r"\n[ \t\r\f\v]*\n|\n(?=[ \t]*[A-Z0-9\"'\u201c(\[])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# a clause that starts another incident inside one sentence: "killed two in Sofara and, in a
# separate attack near Boni, five soldiers died" tells two incidents, each with its own count
_CLAUSE = re.compile(r"[,;]\s+(?:(?:and|while|but|whereas)\s*,?\s*)?(?=(?:in (?:a|another) "
                     r"separate|in another (?:attack|incident)|separately|meanwhile|elsewhere)\b)",
                     re.I)


class Sentence(NamedTuple):
    """A sentence's offsets in the text, its text and its paragraph's number. (A named tuple:
    an article has hundreds, and a tuple is the cheapest to make.)"""

    start: int
    end: int
    text: str
    paragraph: int


def _is_abbrev(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREV:
        return True
    return len(word) == 1 and word.isalpha()   # initials: "J. Smith"


def split(text: str) -> list[Sentence]:
    """Sentences of the text in order, each with its offsets and paragraph number."""
    out: list[Sentence] = []
    for p_i, (ps, pe) in enumerate(paragraphs(text)):
        out += split_paragraph(text, ps, pe, p_i)
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the text's paragraphs, in order (none for no text)."""
    if not text:
        return []
    bounds: list[tuple[int, int]] = []
    last = 0
    for m in _PARA.finditer(text):
        bounds.append((last, m.start()))
        last = m.end()
    bounds.append((last, len(text)))
    return bounds


def split_paragraph(text: str, start: int, end: int, number: int) -> list[Sentence]:
    """The sentences of one paragraph of the text (text[start:end], paragraph `number`)."""
    out: list[Sentence] = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        if text[m.start()] == "." and _is_abbrev(text, m.start()):
            continue
        _add(out, text, cur, m.start() + 1, number)
        cur = m.end()
    _add(out, text, cur, end, number)
    return out


def _add(out: list[Sentence], text: str, s: int, e: int, para: int) -> None:
    """text[s:e] without its outer white space, split where a clause starts another incident."""
    chunk = text[s:e]
    body = chunk.lstrip()
    s += len(chunk) - len(body)
    body = body.rstrip()
    if not body:
        return
    e = s + len(body)
    for m in _CLAUSE.finditer(text, s, e):
        if m.start() - s >= 20:
            out.append(Sentence(s, m.start(), text[s:m.start()], para))
            s = m.end()
            body = text[s:e]
    out.append(Sentence(s, e, body, para))
