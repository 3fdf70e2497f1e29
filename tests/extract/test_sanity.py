"""Incident sanity: triggers in another field's sense, places that are not places, implausible
counts, no event at all — and the reasons dropped candidates are counted under."""

from collections import Counter

import pytest

from extract import sanity
from extract.events import NotEvent, classify, live_cues, sentence_cues
from extract.incidents import extract_incidents
from extract.places import find_places

CRICKET = (
    "LAHORE, March 2 (Reuters) - India beat Sri Lanka by 40 runs on Sunday, their spin attack "
    "taking eight wickets after the openers fired a century stand.\n\n"
    "The captain praised his bowlers and said the team would attack again in the final, where "
    "the batsmen face a stronger pace attack. The umpire reviewed two appeals in the innings."
)
BAR_SHOOTING = (
    "MEXICO CITY, May 5 (Reuters) - Carmakers' shares rose on Monday as investors cheered "
    "quarterly earnings, analysts said, while the peso gained against the dollar.\n\n"
    "In Leon, gunmen opened fire in a bar on Saturday, killing four people, police said.\n\n"
    "Traders expect the central bank to cut interest rates and hold its inflation forecast."
)


def _kinds(text: str) -> tuple[tuple[str, str] | None, NotEvent | None]:
    cues, why = live_cues(text, sentence_cues(text))
    return classify(cues.tags, text, harmed=True), why


def test_an_article_about_sport_is_that_field():
    assert sanity.article_field(CRICKET) == "sports"
    assert sanity.article_field(
        "Militants attacked an army post in Djibo on Saturday, killing 12 soldiers; troops "
        "and an air strike repelled the jihadists, officials said.") is None


def test_sport_metaphors_give_no_incident_and_are_counted():
    dropped: Counter[str] = Counter()
    assert extract_incidents(CRICKET, published="2025-03-02", dropped=dropped) == []
    assert dropped[sanity.Dropped.OTHER_FIELD] >= 1


def test_an_incident_told_in_a_business_story_is_kept():
    found = extract_incidents(BAR_SHOOTING, published="2025-05-05")
    assert [(i.event_type, i.location, i.fatalities, i.date) for i in found] == \
        [("Violence against civilians", "Leon", 4, "2025-05-03")]


def test_an_accident_is_no_event_and_is_counted():
    dropped: Counter[str] = Counter()
    text = ("NAIROBI, July 14 (AP) - Twelve people were killed on Sunday when a bus veered off "
            "the road and plunged into a ravine near Nakuru, police said.")
    assert extract_incidents(text, published="2025-07-14", dropped=dropped) == []
    assert dropped[sanity.Dropped.NOT_AN_EVENT] == 1


@pytest.mark.parametrize("text,name", [
    ("Herbert and Mahut rallied to win the doubles in Madrid on Sunday.", "Herbert"),
    ("Alex Garland's new film opens on Friday.", "Garland"),
    ("U.S. Defense Secretary Lloyd Austin said the strike was lawful.", "Austin"),
    ("Aphids attack roses in June.", "June"),
    ("Rest assured, the company said, prices will not rise.", "Rest"),
])
def test_words_people_and_months_are_not_places(text, name):
    kept, gone = sanity.real_places(text, find_places(text))
    assert name not in {m.name for m in kept}


def test_a_town_named_as_a_place_stays():
    text = "Gunmen killed three farmers near Wajir on Tuesday."
    kept, gone = sanity.real_places(text, find_places(text))
    assert "Wajir" in {m.name for m in kept} and gone == 0


def test_a_toll_of_thousands_needs_a_toll_and_a_day():
    text = ("Historians say the famine killed 100,000 people, and the war that followed it "
            "shaped the region for decades, a new book argues.")
    dropped: Counter[str] = Counter()
    for inc in extract_incidents(text, published="2025-03-02", dropped=dropped):
        assert inc.fatalities is None or inc.fatalities <= sanity.MAX_PLAIN_TOLL


@pytest.mark.parametrize("text,reason", [
    ("Do linden trees kill bees?", NotEvent.QUESTION),
    ("The forces carried out live-fire exercises and rocket units fired at targets at sea.",
     NotEvent.EXERCISE),
    ("Poland signed a deal to buy 96 Apache attack helicopters and anti-tank missiles.",
     NotEvent.PROCUREMENT),
    ("Over the past three years, militants killed hundreds of villagers in the province.",
     NotEvent.PERIOD),
])
def test_mentions_in_other_senses_say_why(text, reason):
    cues, why = live_cues(text, sentence_cues(text))
    assert cues.strength == 0 and why is reason


@pytest.mark.parametrize("text", [
    "A surfer was killed by a shark off a beach near Perth on Sunday, police said.",
    "The former president died on Friday aged 95 after a short illness.",
    "A fire tore through a garment factory, killing nine workers.",
    "It was like a bomb went off in the forest, a farmer said after the storm killed two.",
])
def test_no_perpetrator_no_attack(text):
    assert _kinds(text)[0] is None


@pytest.mark.parametrize("text,expected", [
    ("A bomb exploded at an election rally in Sibi on Tuesday, killing four people.",
     ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
    ("Police opened fire on supporters who had gathered peacefully in the capital, killing two.",
     ("Protests", "Excessive force against protesters")),
])
def test_what_happened_to_a_gathering(text, expected):
    assert _kinds(text)[0] == expected


def test_a_day_told_of_what_followed_the_event_is_not_its_day():
    text = ("CAIRO, May 13 (Reuters) - Airlines suspended flights to Kassala on Tuesday after a "
            "drone struck its airport.\n\nThe drone hit the runway on Monday, the army said.")
    found = extract_incidents(text, published="2025-05-13")
    assert [(i.sub_event_type, i.date) for i in found] == [("Air/drone strike", "2025-05-12")]


def test_a_region_of_a_named_country_stays_in_that_country():
    found = extract_incidents("A drone hit the Harir base in the Kurdistan region of Iraq on "
                              "Thursday, wounding two soldiers.", published="2024-02-03")
    assert [(i.country_code, i.location) for i in found] == [("IQ", "Kurdistan")]


@pytest.mark.parametrize("text", [
    "Any attack on our ships will be met with a crushing response, the group warned on Sunday.",
    "Hezbollah threatened on Sunday to fire rockets at Haifa unless Israel halts its air "
    "strikes on Gaza.",
    "The group said on Sunday it would keep targeting vessels until the war ends and the "
    "air strikes stop.",
])
def test_a_conditional_threat_is_no_incident(text):
    assert extract_incidents("SANAA, July 21 (Reuters) - " + text, published="2025-07-21") == []


def test_a_dateline_of_two_cities_names_no_date_of_the_event():
    text = ("WASHINGTON/BAGHDAD, Feb 3 (Reuters) - U.S. forces carried out air strikes on Friday "
            "against militia targets near the town of Al-Qaim in western Iraq, killing 16.")
    assert [i.date for i in extract_incidents(text, published="2024-02-03")] == ["2024-02-02"]
