"""Article cleaning on the HTML dev corpus: our settings next to trafilatura's defaults, ms/page."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from clean_eval import CorpusPage, CorpusScore, iter_failures, load_corpus, score_corpus

from extract.clean import CleanOptions, clean_html

_SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_CORPUS = (_SHARED if _SHARED.exists() else Path("/work/shared")) / "corpora" / "html"

Extractor = Callable[[CorpusPage], str | None]


def trafilatura_defaults(page: CorpusPage) -> str | None:
    """What a plain `trafilatura.extract(html, url)` gives (comments included, balanced mode)."""
    return trafilatura.extract(page.html, url=page.url)


def ours(options: CleanOptions | None = None) -> Extractor:
    def run(page: CorpusPage) -> str | None:
        result = clean_html(page.html, page.url, options=options)
        return result.text if result.ok else None
    return run


def variants() -> dict[str, Extractor]:
    """The configurations compared: ours first, trafilatura's defaults second."""
    base = CleanOptions()
    return {
        "ours (newswatch defaults)": ours(base),
        "trafilatura defaults": trafilatura_defaults,
        "ours, balanced mode": ours(dataclasses.replace(base, favor_recall=False)),
        "ours, precision mode": ours(dataclasses.replace(base, favor_recall=False,
                                                         favor_precision=True)),
        "ours, fast": ours(dataclasses.replace(base, fast=True)),
    }


def measure(pages: list[CorpusPage], extract: Extractor, repeat: int) -> tuple[CorpusScore, float]:
    """Score once, then time `repeat` passes; returns (score, ms per page)."""
    score = score_corpus(pages, extract)
    start = time.perf_counter()
    for _ in range(repeat):
        for page in pages:
            extract(page)
    elapsed = time.perf_counter() - start
    return score, elapsed * 1000 / (len(pages) * repeat)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="folder with expected.json, expected_fulltext.json (%(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the corpus")
    ap.add_argument("--failures", action="store_true", help="list the pages each config fails")
    args = ap.parse_args(argv)
    pages = load_corpus(args.corpus)
    if not pages:
        print(f"no pages found under {args.corpus}: pass --corpus PATH", file=sys.stderr)
        return 2
    n_full = sum(1 for page in pages if page.fulltext is not None)
    print(f"{len(pages)} pages ({len(pages) - n_full} with snippets, {n_full} with full text) "
          f"from {args.corpus}")
    for page in pages[:3]:  # warm up caches and lazy imports before timing anything
        trafilatura_defaults(page)
        ours()(page)
    header = f"{'configuration':28} {'passed':>7} {'rate':>6} {'snippets':>9} " \
             f"{'recall':>7} {'prec.':>7} {'ms/page':>8}"
    print(header)
    print("-" * len(header))
    results: dict[str, CorpusScore] = {}
    for name, extract in variants().items():
        score, ms = measure(pages, extract, args.repeat)
        results[name] = score
        print(f"{name:28} {score.passed:>3}/{len(score.pages):<3} {score.pass_rate:>6.3f} "
              f"{score.snippet_accuracy:>9.3f} {_fmt(score.mean('recall')):>7} "
              f"{_fmt(score.mean('precision')):>7} {ms:>8.1f}")
    print("\npassed = every 'with' snippet present, no 'without' snippet, and for full-text pages "
          "word recall and precision >= 0.90;\nsnippets = share of single snippet checks "
          "that hold; recall/prec. = mean word overlap on the full-text pages.")
    if args.failures:
        for name, score in results.items():
            print(f"\n{name}:")
            for line in iter_failures(score):
                print(f"  {line[:300]}")
    ours_score = results["ours (newswatch defaults)"]
    defaults_score = results["trafilatura defaults"]
    if ours_score.passed < defaults_score.passed:
        print("\nours passes fewer pages than trafilatura's defaults", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
