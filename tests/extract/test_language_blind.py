"""The blind French, Spanish and Portuguese stories (tests/extract/fixtures/stories_blind/<code>/):
written, with their expected incidents, before the extractor ever read them, about other
countries, actors and wording than the stories the language data was tuned on. They measure
how the language data generalises (`bench/bench_languages_fixtures.py --blind`).

A story the extractor cannot read yet names why in a top-level `known_gap:` and is an expected
failure (strict: once it passes, the mark must go, and the story moves to stories_<code>/).
"""

from __future__ import annotations

import pytest

from tests.support.wire import (
    LANGUAGE_BLIND,
    LANGUAGE_GAPS,
    LANGUAGES,
    assert_gives_expected,
    language_folder,
    load,
    stories,
)

BLIND = [p for code in LANGUAGES for p in stories(LANGUAGE_BLIND / code)]


def _case(path):
    gap = load(path).get("known_gap")
    marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
    return pytest.param(path, marks=marks, id=f"{path.parent.name}-{path.stem}")


@pytest.mark.parametrize("path", [_case(p) for p in BLIND])
def test_blind_story(path):
    assert_gives_expected(load(path))


def test_blind_stories_are_marked_as_blind_and_not_kept_twice():
    """Each blind story says so in its header and is not also among the tuned-on stories."""
    tuned = {p.name for code in LANGUAGES
             for p in stories(language_folder(code)) + stories(LANGUAGE_GAPS / code)}
    for path in BLIND:
        assert "Blind" in path.read_text(encoding="utf-8").split("\nlanguage:")[0], path.name
        assert path.name not in tuned, path.name
