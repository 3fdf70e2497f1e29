"""Per-language figures on the hand-coded French, Spanish and Portuguese wire stories, passing
(tests/extract/fixtures/stories_<code>/) and known gaps (stories_known_gaps/<code>/) alike; with
--blind, the stories written before the extractor read them (stories_blind/<code>/).

Two readings per language:
- stories: how many give exactly their expected incidents (what the tests ask), and how many of
  the stories with no incident stay clean;
- incidents, strict: an extracted incident counts when type, date, country, place and fatalities
  all agree (the tests' pairing);
- incidents, scorer: found when country agrees and the date is within a day, as
  ../shared/eval/score_stories.py matches (the issue 17 targets are set on it); date and event
  type accuracy are over those pairs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.wire import (  # noqa: E402
    FIELDS,
    LANGUAGE_BLIND,
    LANGUAGE_GAPS,
    LANGUAGES,
    extract,
    language_folder,
    load,
    pair,
    stories,
)


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _near(want: dict, found: dict) -> bool:
    a, b = _day(want.get("date")), _day(found.get("date"))
    return (want.get("country_code") == found.get("country_code") and a is not None
            and b is not None and abs((a - b).days) <= 1)


def scorer_pairs(want: list[dict], found: list[dict]) -> list[tuple[int, int]]:
    """Country and a date within a day, each side used once; exact dates and types first."""
    near = [(i, j) for i, w in enumerate(want) for j, f in enumerate(found) if _near(w, f)]
    near.sort(key=lambda ij: (want[ij[0]]["date"] != found[ij[1]].get("date"),
                              want[ij[0]]["event_type"] != found[ij[1]].get("event_type")))
    used_w: set[int] = set()
    used_f: set[int] = set()
    out = []
    for i, j in near:
        if i not in used_w and j not in used_f:
            used_w.add(i)
            used_f.add(j)
            out.append((i, j))
    return out


class Tally:
    """One language's counts."""

    def __init__(self) -> None:
        self.stories = self.passing = self.empty = self.clean = 0
        self.want = self.found = self.exact = self.near = self.dates = self.types = 0

    def add(self, want: list[dict], found: list[dict]) -> int:
        exact = len(pair(want, found))
        near = scorer_pairs(want, found)
        self.stories += 1
        self.passing += exact == len(want) == len(found)
        self.empty += not want
        self.clean += not want and not found
        self.want, self.found, self.exact = self.want + len(want), self.found + len(found), \
            self.exact + exact
        self.near += len(near)
        self.dates += sum(want[i]["date"] == found[j].get("date") for i, j in near)
        self.types += sum(want[i]["event_type"] == found[j].get("event_type") for i, j in near)
        return exact

    def lines(self, code: str) -> list[str]:
        def prf(hits: int) -> str:
            p, r = hits / max(self.found, 1), hits / max(self.want, 1)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            return f"P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  ({hits} of {self.want} expected, " \
                   f"{self.found} extracted)"
        return [f"--- {code}: {self.passing}/{self.stories} stories exact, "
                f"{self.clean}/{self.empty} no-incident stories clean",
                f"    strict  {prf(self.exact)}",
                f"    scorer  {prf(self.near)}",
                f"    dates {self.dates / max(self.near, 1):.3f}  "
                f"event type {self.types / max(self.near, 1):.3f}  (over {self.near} found)"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", "-v", action="store_true", help="print each story's misses")
    ap.add_argument("--language", choices=LANGUAGES, action="append",
                    help="only this language (repeatable)")
    ap.add_argument("--blind", action="store_true",
                    help="score the blind stories (stories_blind/<code>/) instead")
    ap.add_argument("--round", type=int,
                    help="with --blind, only the stories whose header says '(round N)'")
    a = ap.parse_args(argv)
    tallies = {}
    print(f"{'story':44} {'want':>4} {'got':>4} {'exact':>5}")
    for code in a.language or LANGUAGES:
        tally = tallies[code] = Tally()
        paths = [(p, "blind") for p in stories(LANGUAGE_BLIND / code)
                 if a.round is None or f"(round {a.round})" in p.read_text(encoding="utf-8")
                 .split("\nlanguage:")[0]] if a.blind else \
            [(p, "") for p in stories(language_folder(code))] + \
            [(p, "gap") for p in stories(LANGUAGE_GAPS / code)]
        for path, tag in paths:
            story = load(path)
            want, found = story["expect"], extract(story)
            exact = tally.add(want, found)
            print(f"{code}/{path.stem[:41]:41} {len(want):4} {len(found):4} {exact:5} {tag}")
            if a.verbose and (exact < len(want) or len(found) != len(want)):
                for w in want:
                    print("    want:", {k: w.get(k) for k in FIELDS if k in w})
                for f in found:
                    print("    got: ", {k: f.get(k) for k in FIELDS})
    print()
    total = Tally()
    for code, tally in tallies.items():
        print("\n".join(tally.lines(code)))
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    if len(tallies) > 1:
        print("\n".join(total.lines("all")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
