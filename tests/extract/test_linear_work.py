"""Incident extraction does work linear in the length of the text (issue 15 item 7).

Work is counted, not timed: the lines of extract/ that run, traced with sys.settrace, for a
long text of n paragraphs of real wire copy and for one of 4n. A linear extractor does about
4 times the work; one that compares each sentence or name with every earlier incident or
mention does 7 times at these sizes (16 times in the limit). Only Python-level work is seen:
a C-level rescan of the whole text per sentence would not show here (bench_text_length.py
measures CPU time too).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from extract import incidents, mentions
from tests.support.wire import WIRE, load, stories

EXTRACT_DIR = str(Path(incidents.__file__).resolve().parent)
PUBLISHED = "2024-10-13"


def _paragraphs(count: int, seed: int = 15) -> str:
    """`count` paragraphs of the wire stories, shuffled rounds of them (a fixed seed), as one
    long article of many incidents in many towns (a "Comments" line would end the article)."""
    pool = [p.strip() for path in stories(WIRE)
            for p in str(load(path)["text"]).split("\n\n") if p.strip()]
    pool = [p for p in pool if mentions.body(p) == p]
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        batch = pool[:]
        rng.shuffle(batch)
        out += batch
    return "\n\n".join(out[:count])


def _lines_run(text: str) -> int:
    """Lines of extract/ executed while extracting the text's incidents."""
    count = 0

    def line(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return line

    def call(frame, event, arg):
        return line if frame.f_code.co_filename.startswith(EXTRACT_DIR) else None

    before = sys.gettrace()
    sys.settrace(call)
    try:
        found = incidents.extract_incidents(text, title="Violence report", published=PUBLISHED)
    finally:
        sys.settrace(before)
    assert found, "the text should tell incidents, or the test measures nothing"
    return count


def test_work_grows_linearly_with_text_length():
    n = 300
    # loaded first, untraced: the gazetteer, dictionaries and indexes built on first use
    incidents.extract_incidents(_paragraphs(4 * n, seed=16), published=PUBLISHED)
    small, large = _lines_run(_paragraphs(n)), _lines_run(_paragraphs(4 * n))
    ratio = large / small
    assert ratio < 5.0, f"4x the text took {ratio:.1f}x the work: super-linear"
