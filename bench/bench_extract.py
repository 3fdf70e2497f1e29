"""Incident extraction speed and memory: load time, RSS, ms per dev note and per long article;
and through the entry point (extract/article.py): language + relevance + extraction per
600-word English article, and what a non-English or an irrelevant article costs."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
_SHARED = REPO.parent / "shared"
SHARED = _SHARED if _SHARED.exists() else Path("/work/shared")
DEV = SHARED / "eval" / "acled_dev.jsonl"
RELEVANCE_DEV = SHARED / "eval" / "relevance_dev.jsonl"
MULTILINGUAL_DEV = SHARED / "eval" / "multilingual_dev.jsonl"
SEED = SHARED / "seeds" / "000_9efb2086bf8b23b0.txt"


def article_600() -> str:
    """About 600 words of wire copy: the seed article topped up with demo paragraphs."""
    parts = [SEED.read_text(encoding="utf-8")] if SEED.exists() else []
    demo = yaml.safe_load((REPO / "seeds" / "demo" / "articles.yaml").read_text("utf-8"))
    for a in demo["articles"]:
        if sum(len(p.split()) for p in parts) >= 600:
            break
        parts += a["paragraphs"]
    return "\n\n".join(parts)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=200, help="runs of the 600-word article")
    ap.add_argument("--python-memory", action="store_true",
                    help="also measure the dictionaries' Python allocations with tracemalloc")
    ap.add_argument("--stages", action="store_true",
                    help="also print where the entry point's time goes, stage by stage")
    ap.add_argument("--entry-only", action="store_true",
                    help="time only the entry point (language + relevance + extraction)")
    a = ap.parse_args(argv)
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    from extract import incidents

    incidents.load()
    load_s = time.perf_counter() - t0
    print(f"load_s                {load_s:.2f}   (gazetteer from its cache in .cache/)")
    print(f"max_rss_mb            {_rss_mb():.0f}   (interpreter before load {rss0:.0f})")
    if a.python_memory:   # tracemalloc slows loading and inflates RSS: measured on its own
        tracemalloc.start()
        from extract import vocab

        vocab._VOCAB = None
        vocab.get()
        print(f"vocab_python_mb       {tracemalloc.get_traced_memory()[1] / 2**20:.1f}")
        tracemalloc.stop()

    text = article_600()
    if a.entry_only:
        entry_point(text, a.repeat)
        return 0
    words = len(text.split())
    found = incidents.extract_incidents(text, published="2024-04-22")   # warm the caches once
    batches = []
    for _ in range(5):   # the best of 5 batches: other processes on the machine only add time
        t1 = time.process_time()
        for _ in range(max(1, a.repeat // 5)):
            incidents.extract_incidents(text, published="2024-04-22")
        batches.append((time.process_time() - t1) * 1000 / max(1, a.repeat // 5))
    print(f"article_words         {words}")
    print(f"ms_per_article        {min(batches):.2f}   (cpu, best batch; median "
          f"{sorted(batches)[2]:.2f}; {len(found)} incidents)")
    print(f"ms_per_600_words      {min(batches) * 600 / words:.2f}")

    if DEV.exists():
        rows = [json.loads(x) for x in DEV.open(encoding="utf-8") if x.strip()]
        t2 = time.process_time()
        for r in rows:
            incidents.extract_incidents(r["text"], published=r.get("published"))
        per_note = (time.process_time() - t2) * 1000 / max(1, len(rows))
        print(f"dev_notes             {len(rows)}")
        print(f"ms_per_dev_note       {per_note:.2f}")
    else:
        print(f"dev set {DEV} not found: skipped", file=sys.stderr)
    entry_point(text, a.repeat)
    if a.stages:
        stages(text, a.repeat)
    print(f"max_rss_mb_end        {_rss_mb():.0f}")
    return 0


# (module, function) of each stage of extract_article; their times nest: relevance holds the
# lead's event cues (which extraction reuses), grouping the counts of the sentences it reads
# (read on first use), incident building actors and classification
STAGES = (("language", "extract/language.py", "detect"),
          ("relevance", "extract/relevance.py", "explain"),
          ("places", "extract/places.py", "find_places"),
          ("event cues", "extract/reading.py", "live_cues"),
          ("casualties", "extract/casualties.py", "find"),
          ("dates", "extract/dates.py", "find"),
          ("grouping", "extract/mentions.py", "group"),
          ("incident building", "extract/incidents.py", "_build"),
          ("  actors", "extract/actors.py", "find"),
          ("  classification", "extract/events.py", "classify"))


def stages(text: str, repeat: int) -> None:
    """Each stage's share of the entry point's time (cProfile's cumulative time over `repeat`
    runs of the 600-word article) times the entry point's CPU ms measured without the
    profiler: the profiler slows Python calls more than regex and automaton work, so the
    shares are estimates."""
    import cProfile
    import pstats

    from extract import article

    title = "Rockets hit a base in Rumaylan"

    def run(t: str) -> None:
        article.extract_article(t, title=title, published="2024-04-22")

    ms = _best_ms(run, [text], repeat)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        run(text)
    prof.disable()
    table = pstats.Stats(prof).stats      # (file, line, name) -> (calls, ..., cumulative, ...)
    total = sum(v[3] for k, v in table.items() if k[2] == "extract_article"
                and k[0].endswith("extract/article.py"))
    print(f"stages_ms             (of {ms:.2f}; nested stages are also in their parents')")
    for label, path, name in STAGES:
        spent = sum(v[3] for k, v in table.items() if k[2] == name and k[0].endswith(path))
        print(f"  {label:20s}{ms * spent / total:6.2f}")


def _best_ms(fn, items: list, repeat: int) -> float:
    """CPU ms per item, the best of 5 batches."""
    batches = []
    for _ in range(5):
        t = time.process_time()
        for _ in range(max(1, repeat // (5 * len(items)))):
            for item in items:
                fn(item)
        batches.append((time.process_time() - t) * 1000
                       / (max(1, repeat // (5 * len(items))) * len(items)))
    return min(batches)


def _cold_language_ms(text: str, title: str, runs: int = 41) -> float:
    """CPU ms of language detection right after an extraction, the median of `runs`: the
    warm loop of _best_ms keeps py3langid's tables (about 30 MB) in the CPU caches, a pipeline
    that extracts between two detections does not."""
    from extract import article, language

    times = []
    for _ in range(runs):
        article.extract_article(text, title=title, published="2024-04-22")
        t = time.process_time()
        language.detect(text)
        times.append((time.process_time() - t) * 1000)
    return sorted(times)[runs // 2]


def _first_words(text: str, n: int = 600) -> str:
    return " ".join(text.split()[:n])


# a real incident page shorter than this is a brief, not the article the figure is about
REAL_PAGE_MIN_WORDS = 300


def _words(row: dict) -> int:
    return len(row["text"].split())


def _extract_row(row: dict):
    from extract import article

    return article.extract_article(row["text"], title=row.get("title"), url=row.get("url"),
                                   published=row.get("published"))


def _joined(stories: list[dict], words: int = 600) -> list[dict]:
    """Stories in one language joined, in order, into articles of at least `words` words (a
    dev story is about 250 words: timed alone, the per-article costs would weigh double);
    the first story's title and day head each article, the stories left over are dropped."""
    out, parts = [], []
    for r in stories:
        parts.append(r)
        if sum(_words(p) for p in parts) >= words:
            out.append({"text": "\n\n".join(p["text"] for p in parts), "title": parts[0]["title"],
                        "published": parts[0].get("published")})
            parts = []
    return out


def entry_point(text: str, repeat: int) -> None:
    """The entry point's own costs: load, language, relevance, the three together."""
    from extract import article, language, relevance

    t0 = time.process_time()
    language.load()
    relevance.load()
    print(f"entry_load_cpu_s      {time.process_time() - t0:.2f}   (language model + relevance "
          "lexicon, after the extractor)")
    title = "Rockets hit a base in Rumaylan"
    lang_ms = _best_ms(lambda t: language.detect(t), [text], repeat)
    rel_ms = _best_ms(lambda t: relevance.score(t, title=title), [text], repeat)
    all_ms = _best_ms(lambda t: article.extract_article(t, title=title, published="2024-04-22"),
                      [text], repeat)
    print(f"entry_ms_600_words    {all_ms:.2f}   (language {lang_ms:.2f} + relevance "
          f"{rel_ms:.2f} + extraction)")
    print(f"language_ms_cold      {_cold_language_ms(text, title):.2f}   (median, each right "
          "after an extraction: the model's tables out of the CPU caches, as in a pipeline)")
    few = max(5, repeat // 4)     # (runs of each of the articles below, timed one by one)
    if MULTILINGUAL_DEV.exists():
        with MULTILINGUAL_DEV.open(encoding="utf-8") as fh:
            stories = [json.loads(x) for x in fh if x.strip()]
        per_language = {}
        for code in sorted({r["language"] for r in stories}):
            joined = _joined([r for r in stories if r["language"] == code])
            per_language[code] = statistics.median(
                _best_ms(_extract_row, [a], few) * 600 / _words(a)
                for a in joined)
        print("entry_ms_non_english  " + "  ".join(f"{c} {ms:.2f}" for c, ms in
                                                   per_language.items())
              + "   (per 600 words: each language's stories joined into articles of 600 words "
              "or more, the median article)")
    if RELEVANCE_DEV.exists():
        with RELEVANCE_DEV.open(encoding="utf-8") as fh:
            rows = [json.loads(x) for x in fh if x.strip()]
        real = [dict(r, text=_first_words(r["text"])) for r in rows
                if r.get("label") == "incident" and _words(r) >= REAL_PAGE_MIN_WORDS]
        ms = sorted(_best_ms(_extract_row, [r], few) * 600 / _words(r) for r in real)
        print(f"entry_ms_real_pages   {statistics.median(ms):.2f}   (median; max {ms[-1]:.2f}; "
              f"per 600 words: the {len(real)} incident pages of {RELEVANCE_DEV.name}, cut "
              "to 600 words)")
        none = [r for r in rows if r.get("label") == "none" and len(r["text"].split()) >= 600]
        pages = [(_first_words(r["text"]), r.get("title"), r.get("url")) for r in none]
        skipped = [p for p in pages if article.extract_article(
            p[0], title=p[1], url=p[2]).skipped == "not_relevant"]
        ms = _best_ms(lambda p: article.extract_article(p[0], title=p[1], url=p[2]), skipped,
                      repeat)
        print(f"entry_ms_irrelevant   {ms:.2f}   ({len(skipped)} pages cut to 600 words, "
              "skipped after relevance)")


if __name__ == "__main__":
    raise SystemExit(main())
