"""Each hand-coded multi-incident wire story (tests/extract/fixtures/wire/*.yaml) gives exactly
the incidents its `expect` lists: event type, date, country, location and fatalities.

The expectations are a careful ACLED coder's reading written before the extractor ran on the
story; adding a case is adding a file. Stories the extractor cannot yet read correctly live in
fixtures/wire_known_gaps/ and are measured by bench/bench_wire.py instead.
"""

from __future__ import annotations

import pytest

from tests.support.wire import KEY_FIELDS, WIRE, extract, load, pair, stories

STORIES = stories(WIRE)


def _show(incidents: list[dict]) -> str:
    return "\n".join("  " + ", ".join(f"{k}={i.get(k)!r}" for k in KEY_FIELDS)
                     for i in incidents)


@pytest.mark.parametrize("path", STORIES, ids=[p.stem for p in STORIES])
def test_wire_story(path):
    story = load(path)
    want = story["expect"]
    found = extract(story)
    paired = pair(want, found)
    missing = [w for i, w in enumerate(want) if i not in paired]
    assert not missing, f"not extracted:\n{_show(missing)}\nextracted:\n{_show(found)}"
    assert len(found) == len(want), f"extra incidents; extracted:\n{_show(found)}"


def test_fixtures_are_well_formed():
    assert len(STORIES) >= 10
    for path in STORIES:
        story = load(path)
        assert {"published", "title", "text", "expect"} <= set(story), path.name
        for want in story["expect"]:
            assert {"event_type", "sub_event_type", "date", "country_code", "location"} \
                <= set(want), path.name
