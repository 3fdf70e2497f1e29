"""Incident precision/recall and per-field accuracy on the hand-coded wire stories."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.wire import FIELDS, KNOWN_GAPS, WIRE, extract, field_ok, load, pair, stories  # noqa: E402

# an extracted incident stands for an expected one when all key fields agree, else when country,
# date and type, or country and place, or country and date agree: the loosest pairing under
# which its other fields are still worth comparing
_LOOSE = (("country_code", "date", "event_type"), ("country_code", "location"),
          ("country_code", "date"))


def _loose_pair(want: list[dict], found: list[dict]) -> dict[int, int]:
    out: dict[int, int] = pair(want, found)
    for fields in _LOOSE:
        rest_w = [i for i in range(len(want)) if i not in out]
        rest_f = [j for j in range(len(found)) if j not in out.values()]
        sub = pair([want[i] for i in rest_w], [found[j] for j in rest_f], fields)
        out.update({rest_w[i]: rest_f[j] for i, j in sub.items()})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--verbose", "-v", action="store_true", help="print each story's misses")
    ap.add_argument("--folder", type=Path, action="append",
                    help="measure the stories in this folder instead (repeatable), e.g. "
                         "tests/extract/fixtures/wire_holdout")
    a = ap.parse_args(argv)
    if a.folder:
        paths = [(p, f.name) for f in a.folder for p in stories(f)]
    else:
        paths = [(p, "") for p in stories(WIRE)] + [(p, "gap") for p in stories(KNOWN_GAPS)]
    n_want = n_found = n_exact = 0
    right = {f: 0 for f in FIELDS}
    asked = {f: 0 for f in FIELDS}
    print(f"{'story':36} {'want':>4} {'got':>4} {'exact':>5}")
    for path, tag in paths:
        story = load(path)
        want, found = story["expect"], extract(story)
        exact = pair(want, found)
        loose = _loose_pair(want, found)
        n_want, n_found, n_exact = n_want + len(want), n_found + len(found), n_exact + len(exact)
        for i, w in enumerate(want):
            for f in FIELDS:
                if f in w:
                    asked[f] += 1
                    right[f] += i in loose and field_ok(f, w, found[loose[i]])
        print(f"{path.stem[:36]:36} {len(want):4} {len(found):4} {len(exact):5} {tag}")
        if a.verbose and (len(exact) < len(want) or len(found) != len(want)):
            for i, w in enumerate(want):
                if i not in exact:
                    print("    missed:", {k: w.get(k) for k in FIELDS if k in w})
            for j, f in enumerate(found):
                if j not in exact.values():
                    print("    extra: ", {k: f.get(k) for k in FIELDS})
    print()
    print(f"incident precision    {n_exact / max(n_found, 1):.3f}   ({n_exact}/{n_found})")
    print(f"incident recall       {n_exact / max(n_want, 1):.3f}   ({n_exact}/{n_want})")
    for f in FIELDS:
        print(f"{f:21} {right[f] / max(asked[f], 1):.3f}   ({right[f]}/{asked[f]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
