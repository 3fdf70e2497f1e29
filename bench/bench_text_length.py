"""How incident extraction grows with the length of ONE article's text (issue 15 item 7).

    .venv/bin/python bench/bench_text_length.py [--sizes 0.1,0.25,0.5,1,2] [--quick]
                                                [--profile 0.5] [--budget-s 300]

Each text is built from real wire sentences: the stories of tests/extract/fixtures/wire/ and
the seed article of ../shared/seeds/, paragraphs shuffled with a fixed seed and repeated until
the size (MB of UTF-8) is reached, so the text reads like a very long article of many
incidents. Every size runs extract_incidents once in a fresh interpreter, so its CPU time
(`time.process_time`) and peak RSS are its own; the text building is not timed. A size that
runs longer than --budget-s CPU seconds is killed and reported as such. `--profile MB` prints
the cProfile top entries (own and cumulative time) of one run at that size instead.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REPO, current_rss_mb, rss_mb, table, write_results  # noqa: E402

WIRE = REPO / "tests" / "extract" / "fixtures" / "wire"
SEEDS = REPO.parent / "shared" / "seeds"
PUBLISHED = "2024-10-13"


def paragraphs() -> list[str]:
    """Every paragraph of the wire fixtures and the seed articles, in a fixed order; a
    "Comments" heading is left out (the article would end there)."""
    import yaml

    from extract.mentions import body

    out: list[str] = []
    for path in sorted(WIRE.glob("*.yaml")):
        story = yaml.safe_load(path.read_text("utf-8"))
        out += [p.strip() for p in str(story.get("text") or "").split("\n\n") if p.strip()]
    for path in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        out += [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    return [p for p in out if body(p) == p]


def make_text(mb: float, seed: int = 15) -> str:
    """About `mb` MB of article text: shuffled rounds of the real paragraphs."""
    pool = paragraphs()
    rng = random.Random(seed)
    want = int(mb * 1_000_000)
    parts: list[str] = []
    size = 0
    while size < want:
        round_ = pool[:]
        rng.shuffle(round_)
        for p in round_:
            parts.append(p)
            size += len(p.encode("utf-8")) + 2
            if size >= want:
                break
    return "\n\n".join(parts)


def work(mb: float, seed: int) -> dict:
    from extract import incidents

    incidents.load()
    text = make_text(mb, seed)
    base = current_rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    found = incidents.extract_incidents(text, title="Violence report", published=PUBLISHED)
    return {"mb": mb, "chars": len(text), "cpu_s": time.process_time() - cpu,
            "wall_s": time.perf_counter() - wall, "incidents": len(found),
            "rss_base_mb": base, "peak_rss_mb": rss_mb()}


def _child(mb: float, seed: int, budget_s: float) -> dict:
    def limit() -> None:   # a runaway size stops at the budget instead of running for hours
        resource.setrlimit(resource.RLIMIT_CPU, (int(budget_s) + 1, int(budget_s) + 2))

    out = subprocess.run([sys.executable, __file__, "--worker", str(mb), str(seed)], cwd=REPO,
                         capture_output=True, text=True, preexec_fn=limit)
    if out.returncode != 0:
        return {"mb": mb, "cpu_s": None, "note": f"stopped at the {budget_s:.0f} s CPU budget"
                if out.returncode < 0 else out.stderr[-500:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _profile(mb: float, seed: int) -> None:
    from harness import profile_top

    from extract import incidents

    incidents.load()
    text = make_text(mb, seed)
    _, rows = profile_top(incidents.extract_incidents, text, published=PUBLISHED, top=20)
    print(table(["function", "calls", "own s", "cumulative s"],
                [[r["function"], r["calls"], r["own_s"], r["cumulative_s"]] for r in rows]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="0.1,0.25,0.5,1,2", help="MB of text, comma-separated")
    ap.add_argument("--quick", action="store_true", help="0.05 and 0.1 MB only")
    ap.add_argument("--budget-s", type=float, default=300.0, help="CPU seconds per size")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--profile", type=float, default=None, metavar="MB")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(work(float(a.worker[0]), int(a.worker[1]))))
        return 0
    if a.profile:
        _profile(a.profile, a.seed)
        return 0
    sizes = [0.05, 0.1] if a.quick else [float(x) for x in a.sizes.split(",") if x]
    rows = [_child(mb, a.seed, a.budget_s) for mb in sizes]
    first = next((r for r in rows if r.get("cpu_s")), None)
    lines = []
    for r in rows:
        if not r.get("cpu_s"):
            lines.append([f"{r['mb']:g}", "-", "-", "-", "-", "-", "-", r.get("note", "")])
            continue
        per_mb = r["cpu_s"] / r["mb"]
        r["cpu_s_per_mb"] = per_mb
        r["growth"] = per_mb / (first["cpu_s"] / first["mb"])
        lines.append([f"{r['mb']:g}", f"{r['chars']:,}", f"{r['cpu_s']:.2f}", f"{per_mb:.2f}",
                      f"{r['mb'] / r['cpu_s']:.3f}" if r["cpu_s"] else "-",
                      f"{r['growth']:.2f}", f"{r['peak_rss_mb']:.0f}",
                      f"{r['incidents']} incidents"])
    print(table(["MB", "chars", "CPU s", "CPU s/MB", "MB/s", "s/MB vs smallest",
                 "peak RSS MB", "note"], lines))
    name = "bench_text_length_quick" if a.quick else "bench_text_length"
    print(f"\nwrote {write_results(name, {'sizes': rows}, a.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
