"""Cross-source merging (extract/merge.py): the hard cases kept apart, reports of one event
joined, and the event a fold of its reports whatever their order."""

from __future__ import annotations

import math
import random
from datetime import date

from extract.merge import (
    DEFAULT_RULES,
    MergeRules,
    best_event,
    box_around,
    fold,
    haversine_km,
    local_day_at_most,
    merge_batch,
    report_of,
    score,
    summarise,
)

KHARKIV = (49.9935, 36.2304)
SALTIVKA = (50.0235, 36.3424)  # ~9 km from the centre
LAKKI_MARWAT = (32.6072, 70.9123)
BANNU = (32.9853, 70.6040)  # ~50 km from Lakki Marwat, same province
NAIROBI = (-1.2833, 36.8167)


def report(article: str, ordinal: int = 0, *, published: str, source: str | None = None,
           duplicate_of: str | None = None, **incident) -> dict:
    lat, lon = incident.pop("at", (None, None))
    base = {"event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack", "date_precision": "day",
            "country_code": "UA", "admin1": "Kharkiv", "geo_precision": 1, "lat": lat,
            "lon": lon, "actors": [], "fatalities": 0, "confidence": 0.9}
    return report_of({**base, **incident}, incident_id=f"{article}-{ordinal}",
                     article_id=article, source=source or article, published=published,
                     duplicate_of=duplicate_of)


def members(events: list[dict]) -> list[set[str]]:
    return sorted(({m["incident_id"] for m in e["members"]} for e in events), key=sorted)


def missile(article: str, published: str, toll: int, date: str = "2025-03-10",
            **extra) -> dict:
    return report(article, published=published, date=date, location="Kharkiv", at=KHARKIV,
                  fatalities=toll, actors=["Military Forces of Russia"],
                  evidence="A Russian Iskander ballistic missile struck a residential "
                           "courtyard in the Kholodnohirskyi district of Kharkiv, killing "
                           f"{toll} people, regional officials said.", **extra)


def drones(article: str, published: str, toll: int, date: str = "2025-03-11") -> dict:
    return report(article, published=published, date=date, location="Saltivka", at=SALTIVKA,
                  sub_event_type="Air/drone strike", fatalities=toll,
                  actors=["Military Forces of Russia"],
                  evidence="Shahed attack drones hit a 16-storey apartment block and a "
                           f"warehouse in Saltivka overnight, killing {toll} people.")


def test_two_attacks_in_one_town_on_consecutive_days_stay_apart():
    reports = [missile("a1", "2025-03-10T15:00Z", 3), missile("a2", "2025-03-10T19:00Z", 5),
               drones("a3", "2025-03-11T06:00Z", 2), drones("a4", "2025-03-11T11:00Z", 2),
               missile("a5", "2025-03-12T13:00Z", 8)]
    events = merge_batch(reports)
    assert members(events) == [{"a1-0", "a2-0", "a5-0"}, {"a3-0", "a4-0"}]
    monday = next(e for e in events if "a1-0" in e["incident_ids"])
    assert monday["fatalities"] == 8 and [t["fatalities"] for t in monday["tolls"]] == [3, 5, 8]


def test_two_attacks_the_same_day_in_towns_50_km_apart_stay_apart():
    def ied(article, published, precision=1):
        return report(article, published=published, date="2025-04-15", country_code="PK",
                      admin1="Khyber Pakhtunkhwa", location="Lakki Marwat", at=LAKKI_MARWAT,
                      geo_precision=precision, sub_event_type="Remote explosive/landmine/IED",
                      fatalities=2, actors=["Police Forces of Pakistan"],
                      evidence="A roadside bomb struck a police van on patrol near Tajori, "
                               "killing two policemen.")

    def checkpost(article, published, precision=1):
        return report(article, published=published, date="2025-04-15", country_code="PK",
                      admin1="Khyber Pakhtunkhwa", location="Bannu", at=BANNU,
                      geo_precision=precision, event_type="Battles",
                      sub_event_type="Armed clash", fatalities=6,
                      actors=["Police Forces of Pakistan"],
                      evidence="Militants attacked a police checkpost in the Mandan area, "
                               "killing three policemen; three attackers were killed.")

    for precision in (1, 2):
        events = merge_batch([ied("b1", "2025-04-15T08:00Z", precision),
                              checkpost("b2", "2025-04-15T23:00Z", precision),
                              ied("b3", "2025-04-16T06:00Z", precision),
                              checkpost("b4", "2025-04-16T08:00Z", precision)])
        assert members(events) == [{"b1-0", "b3-0"}, {"b2-0", "b4-0"}], precision


def test_a_protest_and_a_riot_of_other_groups_in_one_city_on_one_day_stay_apart():
    def march(article, published):
        return report(article, published=published, date="2025-05-20", country_code="KE",
                      admin1="Nairobi", location="Nairobi", at=NAIROBI, event_type="Protests",
                      sub_event_type="Peaceful protest", actors=["Protesters (Kenya)"],
                      evidence="Hundreds of doctors in white coats marched peacefully from "
                               "Central Park to Afya House demanding intern postings.")

    def riot(article, published, toll):
        return report(article, published=published, date="2025-05-20", country_code="KE",
                      admin1="Nairobi", location="Nairobi", at=NAIROBI, event_type="Riots",
                      sub_event_type="Violent demonstration", fatalities=toll,
                      actors=["Rioters (Kenya)", "Police Forces of Kenya"],
                      evidence="Gikomba market traders angered by the demolition of their "
                               "stalls blocked Landhies Road with burning tyres and pelted "
                               "police with stones.")

    events = merge_batch([riot("c1", "2025-05-20T08:00Z", 0), march("c2", "2025-05-20T11:00Z"),
                          march("c3", "2025-05-20T15:00Z"), riot("c4", "2025-05-20T17:00Z", 1)])
    assert members(events) == [{"c1-0", "c4-0"}, {"c2-0", "c3-0"}]


def test_an_old_event_recalled_as_background_does_not_join_the_new_one():
    def eringeti(article, published, date, toll):
        return report(article, published=published, date=date, country_code="CD",
                      admin1="North Kivu", location="Eringeti", at=(0.6167, 29.6833),
                      event_type="Violence against civilians", sub_event_type="Attack",
                      fatalities=toll, actors=["ADF"],
                      evidence=f"ADF rebels killed {toll} civilians in Eringeti with machetes "
                               "and guns.")

    new = [eringeti("d1", "2025-06-16T09:00Z", "2025-06-15", 8),
           eringeti("d2", "2025-06-17T11:00Z", "2025-06-15", 21)]
    recalled = eringeti("d3", "2025-06-19T10:00Z", "2024-09-27", 26)
    assert members(merge_batch([*new, recalled])) == [{"d1-0", "d2-0"}, {"d3-0"}]


def test_follow_ups_spelling_variants_and_copies_join_one_event_with_independent_sources():
    def raid(article, published, toll, place, at, precision=1, **extra):
        return report(article, published=published, date="2025-02-11", country_code="NG",
                      admin1="Borno", location=place, at=at, geo_precision=precision,
                      event_type="Violence against civilians", sub_event_type="Attack",
                      fatalities=toll, actors=["Boko Haram"],
                      evidence=f"Gunmen on motorcycles raided Dalwa village near {place}, "
                               f"killing {toll} people and burning grain stores.", **extra)

    events = merge_batch([
        raid("e1", "2025-02-11T21:40Z", 5, "Maiduguri", (11.8469, 13.1571), source="wire"),
        raid("e2", "2025-02-12T06:05Z", 5, "Maiduguri", (11.8469, 13.1571), source="client",
             duplicate_of="e1"),
        raid("e3", "2025-02-12T10:20Z", 9, "Konduga", (11.6533, 13.4179), precision=2,
             source="local"),
        raid("e4", "2025-02-13T14:00Z", 14, "Maidugiri", (11.8469, 13.1571), source="intl"),
    ])
    assert members(events) == [{"e1-0", "e2-0", "e3-0", "e4-0"}]
    (event,) = events
    assert event["report_count"] == 4
    assert event["source_count"] == 3  # the syndicated copy is no independent source
    assert event["fatalities"] == 14
    assert event["location"] == "Maiduguri" and event["geo_precision"] == 1
    assert event["first_reported"] == "2025-02-11T21:40Z"


def test_a_report_that_told_no_toll_adds_none():
    told = missile("t1", "2025-03-10T15:00Z", 3, fatalities_reported=True)
    untold = missile("t2", "2025-03-10T16:00Z", 0, fatalities_reported=False)
    (event,) = merge_batch([told, untold])
    assert [t["fatalities"] for t in event["tolls"]] == [3] and event["report_count"] == 2


def test_an_article_never_tells_one_event_twice():
    first = missile("f1", "2025-03-10T15:00Z", 3)
    second = missile("f1", "2025-03-10T15:00Z", 3)
    second["incident_id"] = "f1-1"
    assert members(merge_batch([first, second])) == [{"f1-0"}, {"f1-1"}]


def test_the_event_is_the_same_whatever_order_its_reports_are_folded_in():
    reports = [missile(f"g{n}", f"2025-03-1{n % 3}T1{n}:00Z", n) for n in range(6)]
    expected = summarise(reports)
    shuffled = reports[:]
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        event = None
        for r in shuffled:
            event = fold(event, r)
        assert {k: v for k, v in event.items() if k != "event_id"} == \
            {k: v for k, v in expected.items() if k != "event_id"}
    # folding a report in twice changes nothing
    assert fold(expected, reports[2]) == {**expected, "event_id": expected["event_id"]}


def test_hard_limits_give_no_score_and_thresholds_live_in_one_dataclass():
    monday = summarise([missile("h1", "2025-03-10T15:00Z", 3)])
    elsewhere = missile("h2", "2025-03-10T16:00Z", 3, country_code="RU")
    assert score(elsewhere, monday) == 0.0
    months_later = missile("h3", "2025-06-10T16:00Z", 3, date="2025-06-10")
    assert score(months_later, monday) == 0.0
    same = missile("h4", "2025-03-10T18:00Z", 4)
    assert score(same, monday) >= DEFAULT_RULES.join_score
    strict = MergeRules(join_score=1.01)
    assert best_event(same, [monday], strict) == (None, 0.0)


def weekday_strike(article: str, published: str, date: str, when: str, toll: int = 4) -> dict:
    """A missile strike whose sentence dates it by `when` ("on Tuesday", "yesterday")."""
    return report(article, published=published, date=date, location="Kharkiv", at=KHARKIV,
                  fatalities=toll, actors=["Military Forces of Russia"],
                  evidence=f"A Russian Iskander missile struck a courtyard in the "
                           f"Kholodnohirskyi district of Kharkiv {when}, killing {toll} people.")


def test_a_date_read_from_a_weekday_name_is_told_from_a_stated_one():
    assert weekday_strike("w1", "2025-03-12T09:00Z", "2025-03-11", "on Tuesday")[
        "date_from_weekday"] is True
    # "yesterday" states the day; the weekday that agrees with it adds nothing unsure
    assert weekday_strike("w2", "2025-03-12T09:00Z", "2025-03-11", "yesterday (Tuesday)")[
        "date_from_weekday"] is False
    assert weekday_strike("w3", "2025-03-12T09:00Z", "2025-03-11", "on March 11")[
        "date_from_weekday"] is False


def test_a_weekday_date_is_told_in_the_reports_own_language():
    french = weekday_strike("f1", "2025-06-17T09:00Z", "2025-06-15", "dimanche soir")
    french.pop("date_from_weekday")  # an incident read back from the index: not told
    french = report_of({**french, "language": "fr", "evidence": (
        "Les assaillants ont attaqué dimanche soir le quartier, tuant quatre personnes.")},
        incident_id="f1-0", article_id="f1", published="2025-06-17T09:00Z")
    assert french["date_from_weekday"] is True


def test_what_extraction_tells_of_a_weekday_date_is_taken_as_told():
    """Extraction knows the date words of all the incident's sentences (the report keeps
    only some): its `date_from_weekday` is taken, the evidence read only without it."""
    stated = weekday_strike("t1", "2025-03-12T09:00Z", "2025-03-11", "on Tuesday")
    incident = {**stated, "date_from_weekday": False}
    assert report_of(incident, incident_id="t1-0", article_id="t1",
                     published="2025-03-12T09:00Z")["date_from_weekday"] is False
    incident = {**weekday_strike("t2", "2025-03-12T09:00Z", "2025-03-11", "on March 11"),
                "date_from_weekday": True}
    assert report_of(incident, incident_id="t2-0", article_id="t2",
                     published="2025-03-12T09:00Z")["date_from_weekday"] is True


def test_one_weekday_name_read_against_publication_days_either_side_of_it_joins():
    """'On Tuesday' published on a Monday resolves six days back, published on the Tuesday
    to that day: when the weekday names are off the calendar (a wrong-day report, a shifted
    clock) the two still tell one day."""
    early = weekday_strike("x1", "2025-03-10T20:00Z", "2025-03-04", "on Tuesday", toll=3)
    late = weekday_strike("x2", "2025-03-11T09:00Z", "2025-03-11", "on Tuesday", toll=5)
    assert members(merge_batch([early, late])) == [{"x1-0", "x2-0"}]


def test_a_weekday_date_agrees_unsurely_with_any_day_of_its_week():
    stated = weekday_strike("y1", "2025-03-11T08:00Z", "2025-03-10", "yesterday", toll=3)
    named = weekday_strike("y2", "2025-03-11T10:00Z", "2025-03-05", "on Wednesday", toll=4)
    assert members(merge_batch([stated, named])) == [{"y1-0", "y2-0"}]
    # unsure: without shared telling words the weekday date does not join
    bare = {**named, "words": ["~wrdx"], "incident_id": "y3-0", "article_id": "y3"}
    assert score(bare, summarise([stated])) == 0.0
    # beyond its week a weekday date is as far as any other: a week-old event stays apart
    old = weekday_strike("y4", "2025-03-20T10:00Z", "2025-03-19", "on Wednesday", toll=2)
    assert members(merge_batch([stated, old])) == [{"y1-0"}, {"y4-0"}]


def test_one_articles_incident_split_by_a_weekday_off_its_calendar_is_one_event():
    """'Overnight' and 'late on Sunday' in one article name two days once the weekday is off
    the calendar, so extraction gives the attack twice; the two halves join one event, with
    another outlet's report of it. Two attacks the article tells apart do not."""
    stated = weekday_strike("s1", "2025-06-17T15:00Z", "2025-06-17", "overnight", toll=18)
    split = weekday_strike("s1", "2025-06-17T15:00Z", "2025-06-15", "late on Sunday",
                           toll=18)
    split = {**split, "incident_id": "s1-1"}
    other = weekday_strike("s2", "2025-06-17T18:00Z", "2025-06-15", "late on Sunday",
                           toll=18)
    assert members(merge_batch([stated, split, other])) == [{"s1-0", "s1-1", "s2-0"}]
    # the same town a day apart with another toll: two attacks, as the article tells them
    next_day = {**weekday_strike("s1", "2025-06-17T15:00Z", "2025-06-16", "on Monday",
                                 toll=4), "incident_id": "s1-1"}
    assert members(merge_batch([stated, next_day])) == [{"s1-0"}, {"s1-1"}]
    # both days stated (no weekday to doubt): two attacks, whatever the toll
    stated_twice = {**weekday_strike("s1", "2025-06-17T15:00Z", "2025-06-16",
                                     "on June 16", toll=18), "incident_id": "s1-1"}
    assert members(merge_batch([stated, stated_twice])) == [{"s1-0"}, {"s1-1"}]


def checkpost(article: str, published: str, date: str, evidence: str, toll: int = 3) -> dict:
    return report(article, published=published, date=date, location="Bannu", at=BANNU,
                  country_code="PK", admin1="Khyber Pakhtunkhwa", geo_precision=2,
                  event_type="Battles", sub_event_type="Armed clash", fatalities=toll,
                  fatalities_reported=True, actors=["Police Forces of Pakistan"],
                  evidence=evidence)


LATE_ON_TUESDAY = ("Two policemen and a constable were martyred late on Tuesday night when "
                   "militants attacked a police checkpost in the Mandan area of Bannu district.")
WIRE_OF_APRIL_15 = ("Three police officers and three attackers were killed when gunmen armed "
                    "with rifles stormed a security post in northwest Pakistan on April 15, "
                    "officials in Bannu said.")


def test_a_weekday_named_after_midnight_east_of_utc_joins_the_event_of_that_day():
    """Out at 23:10 UTC on a Monday, a Pakistani report's "Tuesday" is its writer's own
    day (04:10 there), not the Tuesday six days back the name was counted to: it joins the
    wire's event of that Tuesday when it tells the same toll, type and place, though the two
    share few words; another toll or an earlier hour keeps them apart."""
    early = checkpost("b1", "2025-04-14T23:10Z", "2025-04-08", LATE_ON_TUESDAY)
    wire = checkpost("b2", "2025-04-15T08:00Z", "2025-04-15", WIRE_OF_APRIL_15)
    assert early["date_from_weekday"] and not wire["date_from_weekday"]
    assert members(merge_batch([early, wire])) == [{"b1-0", "b2-0"}]
    # the same words, another toll: the words alone do not carry a date this unsure
    other_toll = {**wire, "fatalities": 5}
    assert members(merge_batch([early, other_toll])) == [{"b1-0"}, {"b2-0"}]
    # out at 05:00 UTC it is still Monday in Pakistan: its Tuesday cannot be the next day
    morning = checkpost("b1", "2025-04-14T05:00Z", "2025-04-08", LATE_ON_TUESDAY)
    assert members(merge_batch([morning, wire])) == [{"b1-0"}, {"b2-0"}]


def test_the_writers_day_is_read_from_the_offset_or_the_places_longitude():
    assert local_day_at_most("2025-04-14T23:10Z", BANNU[1]) == date(2025, 4, 15)
    assert local_day_at_most("2025-04-14T15:30Z", BANNU[1]) == date(2025, 4, 14)
    # Kharkiv's clock is two hours ahead of UTC: 15:30 UTC is still that day there
    assert local_day_at_most("2025-03-10T15:30Z", KHARKIV[1]) == date(2025, 3, 10)
    # no place: any zone, up to 14 hours ahead
    assert local_day_at_most("2025-03-10T11:00Z") == date(2025, 3, 11)
    assert local_day_at_most("2025-03-10T09:00Z") == date(2025, 3, 10)
    # a time with its own offset is the day it says; a day alone is that day
    assert local_day_at_most("2025-03-10T23:30+05:00", BANNU[1]) == date(2025, 3, 10)
    assert local_day_at_most("2025-03-10") == date(2025, 3, 10)


def test_a_weekday_report_of_the_afternoon_does_not_reach_the_next_days_attack():
    """Kharkiv, Monday 15:30 UTC: a report's "on Monday" is that Monday, so the next day's
    strike in the town (a stated date, a smaller toll) stays another event, however many
    words the two share."""
    monday = weekday_strike("k1", "2025-03-10T15:30Z", "2025-03-10", "on Monday", toll=3)
    tuesday = weekday_strike("k2", "2025-03-11T09:00Z", "2025-03-11", "on March 11", toll=2)
    tuesday = {**tuesday, "sub_event_type": "Air/drone strike"}
    assert monday["date_from_weekday"] and not tuesday["date_from_weekday"]
    assert members(merge_batch([monday, tuesday])) == [{"k1-0"}, {"k2-0"}]


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    north, west, south, east = box
    across = west > east  # the box wraps at longitude 180
    in_lon = (lon >= west or lon <= east) if across else west <= lon <= east
    return south <= lat <= north and in_lon


def test_the_box_around_a_place_holds_every_point_within_the_distance_and_little_more():
    rng = random.Random(7)
    centres = [KHARKIV, NAIROBI, (-16.78, 179.9), (10.0, -179.95), (88.5, 20.0), (-89.0, 0.0),
               *((rng.uniform(-80, 80), rng.uniform(-180, 180)) for _ in range(40))]
    for lat, lon in centres:
        for km in (10.0, 100.0):
            box = box_around(lat, lon, km)
            for _ in range(300):  # points at up to km, in every direction
                bearing, reach = rng.uniform(0, 2 * math.pi), km * rng.uniform(0.5, 1.0)
                plat, plon = _destination(lat, lon, bearing, reach)
                assert haversine_km(lat, lon, plat, plon) <= km + 1e-6
                assert _inside(box, plat, plon), (lat, lon, km, plat, plon, box)
            # not much more: a point just past the distance due north or south is outside
            for bearing in (0.0, math.pi):
                plat, plon = _destination(lat, lon, bearing, km * 1.01)
                assert not _inside(box, plat, plon) or abs(plat) > 89, (lat, lon, km, box)


def _destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point `km` from (lat, lon) along `bearing` (radians) on the sphere."""
    p, d = math.radians(lat), km / 6371.0
    p2 = math.asin(math.sin(p) * math.cos(d) + math.cos(p) * math.sin(d) * math.cos(bearing))
    l2 = math.radians(lon) + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p),
                                        math.cos(d) - math.sin(p) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
