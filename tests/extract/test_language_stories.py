"""Each hand-coded French, Spanish and Portuguese wire story
(tests/extract/fixtures/stories_<code>/*.yaml) gives exactly the incidents its `expect` lists:
event type, date, country, location and fatalities, through the pipeline's path for an article
in that language (language gate, relevance, extraction).

The stories are written for these tests, not taken from the dev set; the expectations are a
careful ACLED coder's reading written before the extractor ran. Stories the extractor cannot
read yet live in fixtures/stories_known_gaps/<code>/ and are measured by
bench/bench_languages_fixtures.py; moving one back is one `git mv`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.support.wire import (
    LANGUAGE_GAPS,
    LANGUAGES,
    assert_gives_expected,
    language_folder,
    load,
    stories,
)

STORIES = [p for code in LANGUAGES for p in stories(language_folder(code))]
GAPS = [p for code in LANGUAGES for p in stories(LANGUAGE_GAPS / code)]
SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "languages"

# ACLED's event types and their sub-event types (the taxonomy the expectations are coded in)
TAXONOMY = {
    "Battles": {"Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade"},
    "Violence against civilians": {"Sexual violence", "Attack",
                                   "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}


@pytest.mark.parametrize("path", STORIES, ids=[f"{p.parent.name[8:]}-{p.stem}" for p in STORIES])
def test_language_story(path):
    assert_gives_expected(load(path))


@pytest.mark.parametrize("code", LANGUAGES)
def test_language_fixtures_are_well_formed(code):
    """Every story of a language, passing or known gap: the fields the tests read, its folder's
    language, incidents coded in ACLED's taxonomy on a day no later than publication; at least
    20 stories per language, 4 of them with no incident."""
    paths = stories(language_folder(code)) + stories(LANGUAGE_GAPS / code)
    assert len(paths) >= 20, f"{code}: {len(paths)} stories"
    empty = 0
    for path in paths:
        story = load(path)
        assert {"language", "published", "title", "text", "expect"} <= set(story), path.name
        assert story["language"] == code, path.name
        assert path.read_text(encoding="utf-8").startswith("#"), f"{path.name}: say what it tests"
        published = dt.date.fromisoformat(str(story["published"]))
        empty += not story["expect"]
        for want in story["expect"]:
            assert {"event_type", "sub_event_type", "date", "country_code", "location",
                    "fatalities"} <= set(want), path.name
            assert want["sub_event_type"] in TAXONOMY.get(want["event_type"], ()), path.name
            assert dt.date.fromisoformat(want["date"]) <= published, path.name
            assert len(want["country_code"]) == 2 and want["country_code"].isupper(), path.name
            assert isinstance(want["fatalities"], int) and want["fatalities"] >= 0, path.name
    assert empty >= 4, f"{code}: {empty} stories with no incident"


def test_each_story_lives_in_one_place():
    """A story moved to known gaps is not also left among the passing ones (or the reverse)."""
    names = [(p.parent.name[-2:], p.name) for p in STORIES + GAPS]
    assert len(names) == len(set(names))


def test_every_language_in_seeds_has_its_stories():
    """A language given data in seeds/languages/<code>/ comes with its stories (English keeps
    its own in fixtures/wire/)."""
    seeded = {p.name for p in SEEDS.glob("*") if p.is_dir()} - {"en"}
    assert seeded, "no language data in seeds/languages/"
    assert seeded <= set(LANGUAGES), f"no stories for {sorted(seeded - set(LANGUAGES))}"
