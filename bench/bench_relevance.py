"""Article-level precision of incident extraction on real pages (relevance_dev.jsonl).

Runs the extraction entry point (`extract.article.extract_record`, what the pipeline and
`newswatch extract` call) over every page and prints, per label, how many pages got at least
one incident, the incidents invented on pages that report none, and CPU ms per page.
`--bare` runs the bare extractor (`extract_incidents`, no language or relevance gate) instead,
for comparison. `-v` lists the offending pages (id, title, incident types and evidence).

    .venv/bin/python bench/bench_relevance.py [-v] [--bare] [--input PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEV = REPO.parent / "shared" / "eval" / "relevance_dev.jsonl"


def _run(row: dict, bare: bool) -> tuple[list[dict], dict]:
    if bare:
        from extract.incidents import extract_incidents

        found = extract_incidents(row.get("text") or "", title=row.get("title"),
                                  published=row.get("published"), url=row.get("url"))
        return [i.to_dict() for i in found], {}
    from extract.article import extract_record

    result = extract_record(row).to_dict()
    return result.pop("incidents"), result


def measure(rows: list[dict], bare: bool = False) -> dict:
    """Figures per label, the offending pages, the skip reasons and CPU ms per page."""
    from extract import incidents

    incidents.load()
    if not bare:
        from extract import language

        language.load()
    pages: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    passed: Counter[str] = Counter()      # given to the extractor (not skipped)
    invented = 0
    skipped: Counter[str] = Counter()
    offending: list[tuple[dict, list[dict], dict]] = []
    missed: list[tuple[dict, dict]] = []
    cpu = 0.0
    for row in rows:
        label = row.get("label", "none")
        t0 = time.process_time()
        found, info = _run(row, bare)
        cpu += time.process_time() - t0
        pages[label] += 1
        skipped[info.get("skipped") or "-"] += 1
        passed[label] += not info.get("skipped")
        if found:
            hit[label] += 1
        if label == "none" and found:
            invented += len(found)
            offending.append((row, found, info))
        if label == "incident" and not found:
            missed.append((row, info))
    return {"pages": pages, "hit": hit, "passed": passed, "invented": invented,
            "skipped": skipped,
            "offending": offending, "missed": missed,
            "ms_per_page": 1000 * cpu / max(1, len(rows))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=DEV, help="labelled pages (JSON lines)")
    ap.add_argument("--bare", action="store_true",
                    help="the bare extractor, without the language and relevance gates")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="list none pages given incidents and incident pages missed")
    a = ap.parse_args(argv)
    if not a.input.is_file():
        print(f"bench_relevance: {a.input} not found: pass --input PATH", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in a.input.open(encoding="utf-8") if line.strip()]
    m = measure(rows, a.bare)
    pages, hit = m["pages"], m["hit"]
    none = pages["none"]
    print(f"{'entry point' if not a.bare else 'bare extractor'} over {a.input.name}: "
          f"{len(rows)} pages")
    print(f"{'measure':42} {'value':>10}")
    print(f"{'none pages with >=1 incident':42} {hit['none']:>6}/{none:<3}")
    print(f"{'  share (target <= 2%)':42} {100 * hit['none'] / max(1, none):>9.1f}%")
    print(f"{'incident pages with >=1 incident':42} {hit['incident']:>6}/{pages['incident']:<3}")
    print(f"{'borderline pages with >=1 incident':42} "
          f"{hit['borderline']:>6}/{pages['borderline']:<3}")
    print(f"{'incidents invented on none pages':42} {m['invented']:>10}")
    print(f"{'CPU ms per page':42} {m['ms_per_page']:>10.2f}")
    if not a.bare:
        gate = m["passed"]
        print(f"{'given to the extractor (none/incident/borderline)':42} "
              f"{gate['none']}/{none}, {gate['incident']}/{pages['incident']}, "
              f"{gate['borderline']}/{pages['borderline']}")
        print("skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(m["skipped"].items())))
    if a.verbose:
        for row, found, info in m["offending"]:
            print(f"\nNONE {row['id']}  relevance={info.get('incident_relevance')}")
            print(f"  title: {row.get('title')}\n  url: {row.get('url')}")
            for inc in found:
                print(f"  - {inc['event_type']} / {inc['sub_event_type']} @ {inc['location']} "
                      f"({inc['country_code']}): {inc['evidence'][:160]!r}")
        for row, info in m["missed"]:
            print(f"\nMISSED {row['id']}  relevance={info.get('incident_relevance')} "
                  f"skipped={info.get('skipped')}\n  title: {row.get('title')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
