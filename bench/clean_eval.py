"""Scores cleaned text against an HTML corpus's expectations (snippets and full texts)."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# A full-text page passes when the extracted words cover the expected ones and add few others.
FULLTEXT_MIN_RECALL = 0.90
FULLTEXT_MIN_PRECISION = 0.90

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class CorpusPage:
    """One page of the corpus and what its main text must (not) contain."""

    path: str  # relative to the corpus folder
    html: bytes
    url: str | None
    must_have: tuple[str, ...] = ()
    must_not_have: tuple[str, ...] = ()
    fulltext: str | None = None  # the whole expected article body, when known


@dataclass(frozen=True)
class PageScore:
    path: str
    passed: bool
    missing: tuple[str, ...] = ()  # expected snippets absent from the text
    unwanted: tuple[str, ...] = ()  # boilerplate snippets present in the text
    recall: float | None = None  # word recall against the full text, when known
    precision: float | None = None
    checks: int = 0  # snippet checks made (must + must-not)


@dataclass(frozen=True)
class CorpusScore:
    pages: tuple[PageScore, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> int:
        return sum(1 for page in self.pages if page.passed)

    @property
    def pass_rate(self) -> float:
        return self.passed / len(self.pages) if self.pages else 0.0

    @property
    def snippet_accuracy(self) -> float:
        """Share of all snippet checks (must / must-not) that hold."""
        total = sum(page.checks for page in self.pages)
        failed = sum(len(page.missing) + len(page.unwanted) for page in self.pages)
        return (total - failed) / total if total else 0.0

    def mean(self, name: str) -> float | None:
        values = [getattr(page, name) for page in self.pages if getattr(page, name) is not None]
        return sum(values) / len(values) if values else None


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def word_overlap(text: str, expected: str) -> tuple[float, float]:
    """(recall, precision) of the extracted words against the expected words (bags of words)."""
    got = Counter(word.lower() for word in _WORD.findall(text))
    want = Counter(word.lower() for word in _WORD.findall(expected))
    common = sum((got & want).values())
    recall = common / sum(want.values()) if want else 1.0
    precision = common / sum(got.values()) if got else 0.0
    return recall, precision


def score_page(page: CorpusPage, text: str | None) -> PageScore:
    """Check one extracted text against the page's expectations."""
    norm = _norm(text or "")
    missing = tuple(s for s in page.must_have if _norm(s) not in norm)
    unwanted = tuple(s for s in page.must_not_have if _norm(s) in norm)
    recall = precision = None
    passed = not missing and not unwanted and bool(norm)
    if page.fulltext is not None:
        recall, precision = word_overlap(text or "", page.fulltext)
        passed = passed and recall >= FULLTEXT_MIN_RECALL and precision >= FULLTEXT_MIN_PRECISION
    checks = len(page.must_have) + len(page.must_not_have)
    return PageScore(page.path, passed, missing, unwanted, recall, precision, checks)


def score_corpus(pages: list[CorpusPage], extract: Callable[[CorpusPage], str | None]
                 ) -> CorpusScore:
    """Run `extract` over the pages and score each result."""
    return CorpusScore(pages=tuple(score_page(page, extract(page)) for page in pages))


def load_corpus(root: Path) -> list[CorpusPage]:
    """The pages listed in root/expected.json and root/expected_fulltext.json (.gz read)."""
    pages: list[CorpusPage] = []
    for name, kind in (("expected.json", "snippets"), ("expected_fulltext.json", "fulltext")):
        listing = root / name
        if not listing.exists():
            continue
        for rel, spec in sorted(json.loads(listing.read_text(encoding="utf-8")).items()):
            path = root / rel
            if not path.exists():
                continue
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            if kind == "snippets":
                pages.append(CorpusPage(rel, data, spec.get("url"),
                                        tuple(spec.get("with", ())),
                                        tuple(spec.get("without", ()))))
            else:
                pages.append(CorpusPage(rel, data, spec.get("url"),
                                        fulltext=spec.get("article_body", "")))
    return pages


def iter_failures(score: CorpusScore) -> Iterator[str]:
    """One readable line per failed page."""
    for page in score.pages:
        if page.passed:
            continue
        bits = []
        if page.missing:
            bits.append(f"missing {list(page.missing)}")
        if page.unwanted:
            bits.append(f"unwanted {list(page.unwanted)}")
        if page.recall is not None:
            bits.append(f"recall {page.recall:.2f} precision {page.precision:.2f}")
        yield f"{page.path}: {'; '.join(bits) or 'no text'}"
