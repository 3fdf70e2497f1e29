"""The candidate search of event merging (ingest/event_store.py) against the real node: the
events the score needs are among the few fetched, wherever on the globe."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from elasticsearch import helpers

from extract.merge import best_event, report_of, summarise
from ingest import event_store, schema

KHARKIV = (49.9935, 36.2304)


def _report(name: str, day: date, at: tuple[float, float], location: str = "Kharkiv",
            **extra) -> dict:
    """A report whose sentences name its town (so its place rules out towns far off)."""
    incident = {"event_type": "Explosions/Remote violence",
                "sub_event_type": "Shelling/artillery/missile attack", "date": day.isoformat(),
                "date_precision": "day", "country_code": "UA", "country": "Ukraine",
                "admin1": "Kharkiv", "location": location, "lat": at[0], "lon": at[1],
                "geo_precision": 1, "actors": [], "fatalities": 2, "confidence": 0.9,
                "evidence": f"A missile struck a courtyard in {location}, killing two people.",
                **extra}
    return report_of(incident, incident_id=f"{name}-0", article_id=name, source=name,
                     published=f"{day.isoformat()}T18:00:00Z")


def _store(client, settings, reports: list[dict]) -> list[str]:
    """One event per report, indexed in this order; their ids."""
    schema.setup(client, settings)
    events = [summarise([r]) for r in reports]
    helpers.bulk(client, ({"_index": settings.index("events"), "_id": e["event_id"],
                           "_source": e} for e in events), refresh="wait_for")
    return [e["event_id"] for e in events]


@pytest.mark.es
def test_the_event_of_the_reports_day_is_fetched_when_its_town_has_more_events_in_the_window(
        es_client, es_settings):
    """A busy town holds more events of the week around a report than are fetched; the one
    on the report's own day (the one it joins) ranks first, wherever the index put it."""
    day = date(2025, 3, 10)
    # other strikes: the days before with more dead, the days after with fewer (a toll
    # never falls, so none of them is the report's)
    others = [_report(f"other{n}", day + timedelta(days=offset), KHARKIV,
                      fatalities=9 if offset < 0 else 1)
              for n, offset in enumerate([-7, -6, -5, -4, -3, 3, 4, 5, 6, 7] * 2)]
    assert len(others) > event_store.CANDIDATES
    *_, same_day = _store(es_client, es_settings, [*others, _report("first", day, KHARKIV)])
    late = _report("late", day, KHARKIV)
    found, = event_store._candidates(es_client, es_settings, [late], event_store.DEFAULT_RULES)
    assert len(found) == event_store.CANDIDATES
    assert found[0]["event_id"] == same_day
    chosen, _ = best_event(late, found)
    assert chosen is not None and chosen["event_id"] == same_day


@pytest.mark.es
def test_an_event_across_the_antimeridian_is_a_candidate_and_one_far_off_is_not(
        es_client, es_settings):
    """Fiji straddles longitude 180: a town 25 km east of the line is near one 10 km west
    of it. The search narrows to the box around the report's place, which wraps."""
    day = date(2025, 6, 2)
    west, east, far = (-16.78, 179.9), (-16.78, -179.86), (-16.78, 178.6)  # far: ~140 km
    near_id, far_id = _store(es_client, es_settings, [
        _report("east", day, east, country_code="FJ", admin1="Northern", location="Labasa"),
        _report("far", day, far, country_code="FJ", admin1="Western", location="Nadi")])
    rep = _report("west", day, west, country_code="FJ", admin1="Eastern", location="Savusavu")
    found, = event_store._candidates(es_client, es_settings, [rep], event_store.DEFAULT_RULES)
    assert [e["event_id"] for e in found] == [near_id]
    assert far_id != near_id
