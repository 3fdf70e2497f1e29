"""Each hand-coded multi-incident wire story (tests/extract/fixtures/wire/*.yaml) gives exactly
the incidents its `expect` lists: event type, date, country, location and fatalities.

The expectations are a careful ACLED coder's reading written before the extractor ran on the
story; adding a case is adding a file. Stories the extractor cannot yet read correctly live in
fixtures/wire_known_gaps/ and are measured by bench/bench_wire.py instead.
"""

from __future__ import annotations

import pytest

from tests.support.wire import WIRE, assert_gives_expected, load, stories

STORIES = stories(WIRE)


@pytest.mark.parametrize("path", STORIES, ids=[p.stem for p in STORIES])
def test_wire_story(path):
    assert_gives_expected(load(path))


def test_fixtures_are_well_formed():
    assert len(STORIES) >= 10
    for path in STORIES:
        story = load(path)
        assert {"published", "title", "text", "expect"} <= set(story), path.name
        for want in story["expect"]:
            assert {"event_type", "sub_event_type", "date", "country_code", "location"} \
                <= set(want), path.name
