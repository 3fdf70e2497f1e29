"""Hard cases for "is there an incident at all", read through the one extraction entry point
(language -> relevance -> incidents), as the pipeline and `newswatch extract` read them.

- fixtures/no_incident/*.yaml: stories full of conflict words in another sense (sport, cyber,
  markets, medicine, games), accidents and disasters, trials and anniversaries of old attacks,
  talks, polls, labour strikes, threats that did not happen. Each must give zero incidents.
- fixtures/incident_in_passing/*.yaml: ordinary articles (business, sport, travel, culture) that
  report one real incident in passing. The relevance gate must not drop them, and the extractor
  must give exactly the incidents `expect` lists (the wire-story format and matching).

The stories were written, with their expectations, before the extractor ran on them; adding a
case is adding a file.
"""

from __future__ import annotations

import pytest

from extract.article import extract_article
from tests.support.wire import FIXTURES, KEY_FIELDS, load, pair, stories

NO_INCIDENT = stories(FIXTURES / "no_incident")
IN_PASSING = stories(FIXTURES / "incident_in_passing")


def _through_entry_point(story: dict) -> tuple[list[dict], str | None]:
    result = extract_article(story["text"], title=story.get("title"),
                             published=str(story["published"]), url=story.get("url"))
    return [i.to_dict() for i in result.incidents], result.skipped


def _show(incidents: list[dict]) -> str:
    return "\n".join("  " + ", ".join(f"{k}={i.get(k)!r}" for k in KEY_FIELDS)
                     + f"\n    evidence: {i.get('evidence', '')[:160]!r}" for i in incidents)


@pytest.mark.parametrize("path", NO_INCIDENT, ids=[p.stem for p in NO_INCIDENT])
def test_no_incident_story(path):
    found, _ = _through_entry_point(load(path))
    assert not found, f"invented incidents:\n{_show(found)}"


@pytest.mark.parametrize("path", IN_PASSING, ids=[p.stem for p in IN_PASSING])
def test_incident_in_passing_story(path):
    story = load(path)
    want = story["expect"]
    found, skipped = _through_entry_point(story)
    assert skipped is None, f"the article was skipped ({skipped}) though it reports an incident"
    paired = pair(want, found)
    missing = [w for i, w in enumerate(want) if i not in paired]
    assert not missing, f"not extracted:\n{_show(missing)}\nextracted:\n{_show(found)}"
    assert len(found) == len(want), f"extra incidents; extracted:\n{_show(found)}"


def test_hard_fixtures_are_well_formed():
    assert len(NO_INCIDENT) >= 30 and len(IN_PASSING) >= 15
    for path in NO_INCIDENT + IN_PASSING:
        story = load(path)
        assert {"published", "title", "text", "url", "expect"} <= set(story), path.name
    for path in NO_INCIDENT:
        assert load(path)["expect"] == [], path.name
    for path in IN_PASSING:
        assert load(path)["expect"], path.name
        for want in load(path)["expect"]:
            assert {"event_type", "sub_event_type", "date", "country_code", "location",
                    "fatalities"} <= set(want), path.name
