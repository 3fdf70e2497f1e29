"""Our cleaning settings against trafilatura's defaults on the shared HTML dev corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import trafilatura

from extract.clean import clean_html
from tests.support.shared import shared_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from clean_eval import iter_failures, load_corpus, score_corpus  # noqa: E402 - bench/, not a package

_EXPECTED = shared_path("corpora", "html", "expected.json")
CORPUS = _EXPECTED.parent if _EXPECTED else None
# Below this share of passed pages something is broken, whatever the defaults do.
PASS_RATE_FLOOR = 0.85

pytestmark = pytest.mark.skipif(CORPUS is None, reason="shared/corpora is not beside the checkout")


@pytest.fixture(scope="module")
def pages():
    assert CORPUS is not None
    loaded = load_corpus(CORPUS)
    assert len(loaded) >= 20  # 17 snippet pages + 4 full-text pages in the dev sample
    return loaded


def _ours(page):
    result = clean_html(page.html, page.url)
    return result.text if result.ok else None


def _defaults(page):
    return trafilatura.extract(page.html, url=page.url)


def test_ours_passes_at_least_as_many_pages_as_trafilatura_defaults(pages):
    ours = score_corpus(pages, _ours)
    defaults = score_corpus(pages, _defaults)
    report = "\n".join(["ours:", *iter_failures(ours), "defaults:", *iter_failures(defaults)])
    assert ours.passed >= defaults.passed, report
    assert ours.snippet_accuracy >= defaults.snippet_accuracy, report
    assert ours.pass_rate >= PASS_RATE_FLOOR, report


def test_every_corpus_page_is_cleaned_with_metadata(pages):
    for page in pages:
        result = clean_html(page.html, page.url)
        assert result.ok, (page.path, result.reason, result.detail)
        assert result.title, page.path
        assert result.date and result.date[:4].isdigit(), page.path
        assert result.canonical_url and result.canonical_url.startswith("http"), page.path
