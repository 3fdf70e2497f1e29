"""Place resolution on the ACLED dev set: country, location, coords within 25 km, notes placed
more than 500 km off, speed, memory (places and where.primary_place only: the entry point's
figures come from tests/extract/test_dev_quality.py and the shared scorer).

--multilingual: the same question on the French, Spanish and Portuguese stories of
multilingual_dev.jsonl, per gold incident: is its place among the text's place mentions (name
and country), and is the text's primary place in the incident's country (the scorer matches
incidents by country).

--speed: CPU ms of places.find_places per 600-word English article (bench_extract's) and per
French, Spanish and Portuguese story of multilingual_dev.jsonl (its first 600 words), the best
of 5 batches; with --profile N, cProfile's N costliest functions by own time on the article."""

from __future__ import annotations

import argparse
import json
import re
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
    ap.add_argument("--multilingual", action="store_true",
                    help="the stories of multilingual_dev.jsonl (default --gold there)")
    ap.add_argument("--fixtures", action="store_true",
                    help="with --multilingual: the stories of tests/extract/fixtures/stories_*/ "
                         "instead (their `expect`)")
    ap.add_argument("--speed", action="store_true",
                    help="CPU ms of find_places per article (no scores)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="with --speed: the N costliest functions by own time")
    a = ap.parse_args(argv)
    if a.speed:
        return _speed(a.profile)
    if a.multilingual:
        if a.gold == DEFAULT_GOLD:
            a.gold = DEFAULT_GOLD.parent / "multilingual_dev.jsonl"
        return _multilingual(a)
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


def _best_ms(fn, runs: int) -> float:
    """CPU ms per call, the best of 5 batches (other processes only add time)."""
    batches = []
    for _ in range(5):
        t = time.process_time()
        for _ in range(runs):
            fn()
        batches.append((time.process_time() - t) * 1000 / runs)
    return min(batches)


def _speed(profile: int) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_extract import MULTILINGUAL_DEV, article_600

    from extract import places

    places.load()
    text = article_600()
    places.find_places(text)   # (first-use tables built)
    print(f"en_ms_per_article  {_best_ms(lambda: places.find_places(text), 40):.2f}   "
          f"({len(text.split())} words)")
    stories: dict[str, list[str]] = {}
    if MULTILINGUAL_DEV.exists():
        for line in MULTILINGUAL_DEV.open(encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                stories.setdefault(row["language"], []).append(
                    " ".join(row["text"].split()[:600]))
    for code, texts in sorted(stories.items()):
        words = sum(len(t.split()) for t in texts) // len(texts)
        ms = _best_ms(lambda c=code, ts=texts: [places.find_places(t, c) for t in ts], 4)
        print(f"{code}_ms_per_story     {ms / len(texts):.2f}   ({len(texts)} stories, {words} "
              "words on average)")
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(lambda: [places.find_places(text) for _ in range(100)])
        pstats.Stats(prof).sort_stats("tottime").print_stats(profile)
    return 0


# a wire dateline ("N'DJAMENA, 8 février (Agence Sahel Presse) –"): where the report was
# filed, left out of what the text says
_DATELINE = re.compile(r"^[A-ZÀ-Þ][^\n]{0,90}?\)\s*[-\u2013\u2014]\s")


def _fixture_stories() -> list[dict]:
    """The hand-written stories of tests/extract/fixtures/stories_*/ as rows of the dev set."""
    import yaml

    root = Path(__file__).resolve().parents[1] / "tests" / "extract" / "fixtures"
    rows = []
    for path in sorted(root.glob("stories_*/**/*.yaml")):
        story = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rows.append({"id": path.stem, "language": story.get("language"),
                     "text": story.get("text") or "", "gold": story.get("expect") or []})
    return rows


def _multilingual(a: argparse.Namespace) -> int:
    if not a.gold.exists():
        print(f"gold file {a.gold} not found: pass --gold PATH", file=sys.stderr)
        return 2
    sys.path.insert(0, str(a.scorer.parent))
    from score_incidents import place_match  # type: ignore[import-not-found]

    from extract import places, where

    places.load()
    if a.fixtures:
        rows = _fixture_stories()
    else:
        rows = [json.loads(line) for line in a.gold.open(encoding="utf-8") if line.strip()]
    stats: dict[str, list[int]] = {}   # language -> [incidents, place found, country, admin1,
    #                                      incidents with an admin1]
    spent = 0.0
    for r in rows:
        lang, text = r.get("language"), r["text"]
        t0 = time.perf_counter()
        ms = places.find_places(text, lang)
        spent += time.perf_counter() - t0
        cut = _DATELINE.match(text)
        told = [m for m in ms if not cut or m.start >= cut.end()]
        p = where.primary_place(told, text, lang)
        for g in r["gold"]:
            row = stats.setdefault(lang, [0, 0, 0, 0, 0])
            hit = next((m for m in told if place_match(g["location"], m.location)
                        and m.country_code == g["country_code"]), None)
            c = p is not None and p.country_code == g["country_code"]
            a1 = hit is not None and place_match(g.get("admin1"), hit.admin1)
            row[0] += 1
            row[1] += hit is not None
            row[2] += c
            row[3] += a1
            row[4] += bool(g.get("admin1"))
            if a.misses and not (hit and c):
                print(f"--- {r['id']} gold {g['location']} | {g.get('admin1')} | "
                      f"{g['country_code']}  primary {p and p.location} | "
                      f"{p and p.country_code}  found {hit is not None}")
    total = [sum(v[k] for v in stats.values()) for k in range(5)]
    print(f"{'language':10} {'incidents':>9} {'place':>6} {'country':>8} {'admin1':>7}")
    for lang, v in sorted(stats.items()) + [("all", total)]:
        n = max(1, v[0])
        a1 = f"{v[3] / v[4]:7.3f}" if v[4] else f"{'-':>7}"   # (the gold may name none)
        print(f"{lang:10} {v[0]:9d} {v[1] / n:6.3f} {v[2] / n:8.3f} {a1}")
    print(f"ms_per_story       {spent * 1000 / max(1, len(rows)):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
