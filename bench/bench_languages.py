"""Incident precision/recall, dates and types per language on the multilingual dev stories.

Runs `extract_record` over ../shared/eval/multilingual_dev.jsonl (each story without its gold)
and scores each language's stories with ../shared/eval/score_stories.py, the scorer the targets
of issue 17 are set on (country and date within a day; field accuracy over found pairs).
`--time` adds the extraction time per 600 words in each language (best of 5 passes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.article import extract_record  # noqa: E402

EVAL = REPO.parent / "shared" / "eval"
DEV = EVAL / "multilingual_dev.jsonl"
SCORER = EVAL / "score_stories.py"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _score(rows: list[dict], preds: dict[str, list[dict]], tmp: Path, code: str) -> str:
    gold, pred = tmp / f"gold_{code}.jsonl", tmp / f"pred_{code}.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    pred.write_text("".join(json.dumps({"id": r["id"], "incidents": preds[r["id"]]},
                                       ensure_ascii=False) + "\n" for r in rows), "utf-8")
    done = subprocess.run([sys.executable, str(SCORER), "--gold", str(gold), "--pred", str(pred)],
                          capture_output=True, text=True, check=False)
    return done.stdout


def _ms_per_600_words(rows: list[dict], rounds: int) -> float:
    """CPU ms per 600 words of the stories, the best of `rounds` passes (as
    bench/bench_extract.py counts: the least disturbed pass on a shared machine)."""
    words = sum(len(r["text"].split()) for r in rows)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for r in rows:
            extract_record(r)
        best = min(best, time.process_time() - start)
    return best * 1000 * 600 / max(words, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--input", type=Path, default=DEV, help="stories with inline gold")
    ap.add_argument("--verbose", "-v", action="store_true", help="each story's gold and output")
    ap.add_argument("--time", action="store_true", help="CPU ms per 600 words per language")
    a = ap.parse_args(argv)
    rows = _rows(a.input)
    preds: dict[str, list[dict]] = {}
    for r in rows:
        out = extract_record({k: v for k, v in r.items() if k != "gold"})
        preds[r["id"]] = [i.to_dict() for i in out.incidents]
        if a.verbose:
            print(f"== {r['id']} ({out.skipped or len(out.incidents)})  {r['title']}")
            keys = ("event_type", "sub_event_type", "date", "country_code", "location",
                    "fatalities", "injured", "actors")
            for g in r["gold"]:
                print("   gold:", [g.get(k) for k in keys])
            for p in preds[r["id"]]:
                print("   got: ", [p.get(k) for k in keys], "|", p["evidence"][:90])
    by_lang: dict[str, list[dict]] = {}
    for r in rows:
        by_lang.setdefault(r.get("language", "?"), []).append(r)
    with tempfile.TemporaryDirectory() as tmp:
        for code, group in sorted(by_lang.items()):
            print(f"--- {code} ({len(group)} stories)")
            print(_score(group, preds, Path(tmp), code))
        print("--- all")
        print(_score(rows, preds, Path(tmp), "all"))
    if a.time:
        for r in rows:            # (loading the gazetteer, vocabularies and lazy tables is
            extract_record(r)     # not timed)
        for code, group in sorted(by_lang.items()):
            print(f"{code}: {_ms_per_600_words(group, 5):.2f} CPU ms per 600 words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
