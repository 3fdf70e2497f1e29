"""Place resolution on the ACLED dev set: country, location, coords within 25 km, notes placed
more than 500 km off, speed, memory (places and where.primary_place only: the entry point's
figures come from tests/extract/test_dev_quality.py and the shared scorer)."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

_SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_GOLD = (_SHARED if _SHARED.exists() else Path("/work/shared")) / "eval" / "acled_dev.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_GOLD.parent / "score_incidents.py")
    ap.add_argument("--misses", action="store_true", help="print the rows that miss")
    ap.add_argument("--half", choices=("even", "odd"),
                    help="only the even (tuning) or odd (checking) rows, counted from 0")
    a = ap.parse_args(argv)
    if not a.gold.exists():
        print(f"gold file {a.gold} not found: pass --gold PATH", file=sys.stderr)
        return 2
    sys.path.insert(0, str(a.scorer.parent))
    from score_incidents import dist_km, place_match  # type: ignore[import-not-found]

    from extract import places, where

    t0 = time.perf_counter()
    places.load()
    load_s = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [json.loads(line) for line in a.gold.open(encoding="utf-8") if line.strip()]
    if a.half:
        rows = rows[0 if a.half == "even" else 1::2]
    n = len(rows)
    ok = {"country": 0, "location": 0, "admin1": 0, "coord25": 0, "far500": 0}
    n_admin1 = 0
    t1 = time.perf_counter()
    for r in rows:
        g = r["gold"]
        ms = places.find_places(r["text"])
        p = where.primary_place(ms, r["text"])
        pred = {} if p is None else {"country_code": p.country_code, "location": p.location,
                                     "admin1": p.admin1, "lat": p.lat, "lon": p.lon}
        c = str(pred.get("country_code") or "").upper() == g["country_code"].upper()
        loc = place_match(g["location"], pred.get("location"))
        d = dist_km(g, pred) if pred else None
        ok["country"] += c
        ok["location"] += loc
        ok["coord25"] += d is not None and d <= 25
        ok["far500"] += d is not None and d > 500
        if g.get("admin1"):
            n_admin1 += 1
            ok["admin1"] += place_match(g["admin1"], pred.get("admin1"))
        if a.misses and not (c and loc):
            print(f"--- {r['id']} gold {g['location']} | {g['admin1']} | {g['country_code']}"
                  f"  pred {pred.get('location')} | {pred.get('admin1')} | "
                  f"{pred.get('country_code')} d={d if d is None else round(d)}")
            print("   ", r["text"][:220].replace("\n", " "))
    per_ms = (time.perf_counter() - t1) * 1000 / max(1, n)
    print(f"rows {n}")
    print(f"country            {ok['country'] / n:.3f}")
    print(f"location           {ok['location'] / n:.3f}")
    print(f"admin1             {ok['admin1'] / max(1, n_admin1):.3f}")
    print(f"coord_within_25km  {ok['coord25'] / n:.3f}")
    print(f"more_than_500km    {ok['far500'] / n:.3f}   (target <= 0.010)")
    print(f"load_s             {load_s:.2f}")
    print(f"max_rss_mb         {rss_mb:.0f}")
    print(f"ms_per_note        {per_ms:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
