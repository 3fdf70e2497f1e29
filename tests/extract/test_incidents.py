"""extract_incidents end to end: the seed article, merging, background, schema, robustness."""

from pathlib import Path

import pytest

from extract.incidents import EXTRACTOR_VERSION, Incident, extract_incidents

_SEED_NAME = "seeds/000_9efb2086bf8b23b0.txt"
_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
SEED = next((d / _SEED_NAME for d in _SHARED if (d / _SEED_NAME).exists()), None)
REPO = Path(__file__).resolve().parents[2]
SEED_PAGE = REPO / "seeds" / "demo" / "articles" / "seed-article.html"

SCHEMA_KEYS = {"event_type", "sub_event_type", "date", "date_precision", "country_code",
               "country", "admin1", "location", "lat", "lon", "geo_precision", "actors",
               "fatalities", "injured", "fatalities_reported", "injured_reported", "weapons",
               "evidence", "confidence", "language", "date_from_weekday"}


def check_seed_incidents(found: list[Incident]) -> None:
    assert len(found) == 3, [i.evidence[:60] for i in found]
    rockets, strike, blast = found
    assert rockets.event_type == "Explosions/Remote violence"
    assert rockets.sub_event_type == "Shelling/artillery/missile attack"
    assert rockets.date == "2024-04-21" and rockets.date_precision == "day"
    assert (rockets.country_code, rockets.location) == ("SY", "Rumaylan")
    assert rockets.fatalities == 0 and rockets.injured == 0
    assert "rockets" in rockets.weapons
    assert "Zummar" in rockets.evidence and "no injuries" in rockets.evidence

    assert strike.sub_event_type == "Air/drone strike"
    assert strike.date == "2024-04-21"
    assert (strike.country_code, strike.location) == ("IQ", "Zummar")
    assert "U.S.-led coalition" in strike.actors

    assert blast.event_type == "Explosions/Remote violence"
    assert blast.date == "2024-04-20"
    assert blast.country_code == "IQ"
    assert blast.fatalities == 1


@pytest.mark.skipif(SEED is None, reason="the shared seed article (../shared/seeds/) is absent")
def test_seed_article_gives_its_three_incidents():
    text = SEED.read_text(encoding="utf-8")
    check_seed_incidents(extract_incidents(text, published="2024-04-22"))


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="seeds/demo seed-article page is absent")
def test_seed_article_as_a_full_news_page():
    clean = pytest.importorskip("extract.clean")
    res = clean.clean_html(SEED_PAGE.read_text(encoding="utf-8"), "https://demo.example/seed")
    assert res.ok, res.reason
    check_seed_incidents(extract_incidents(res.text, title=res.title, published="2024-04-22"))


def test_to_dict_has_exactly_the_schema_keys():
    inc = extract_incidents("On 6 May 2020, gunmen killed two farmers in Wajir, Kenya.",
                            published="2020-05-07")[0]
    d = inc.to_dict()
    assert set(d) == SCHEMA_KEYS
    assert isinstance(d["actors"], list) and isinstance(d["weapons"], list)
    assert 0.0 <= d["confidence"] <= 1.0
    assert d["fatalities"] == 2 and d["date"] == "2020-05-06" and d["country_code"] == "KE"


def test_mentions_of_one_incident_are_merged():
    text = ("Militants fired rockets at an army base in Kirkuk, Iraq, on Sunday. "
            "The failed rocket attack caused no injuries, officials said. "
            "The rockets landed in an empty field.")
    found = extract_incidents(text, published="2024-04-22")
    assert len(found) == 1
    assert found[0].fatalities == 0 and found[0].injured == 0
    assert found[0].fatalities_reported and found[0].injured_reported   # "caused no injuries"
    assert "no injuries" in found[0].evidence


def test_two_dates_make_two_incidents_each_with_its_casualties():
    text = ("Gunmen killed three villagers in Wajir, Kenya, on Sunday. "
            "On Friday, a roadside bomb wounded two soldiers in Mandera.")
    a, b = extract_incidents(text, published="2024-04-22")
    assert (a.date, a.fatalities, a.sub_event_type) == ("2024-04-21", 3, "Attack")
    assert (b.date, b.injured, b.sub_event_type) == ("2024-04-19", 2,
                                                     "Remote explosive/landmine/IED")
    assert b.location == "Mandera"


def test_background_paragraph_is_not_an_incident():
    text = ("Protesters marched in Bamako, Mali, on Monday against fuel shortages.\n\n"
            "In 2012, rebels seized the north of the country after heavy fighting.")
    found = extract_incidents(text, published="2024-04-23")
    assert [i.event_type for i in found] == ["Protests"]


def test_threat_denial_and_future_are_not_incidents():
    text = ("The group warned that it would attack any convoy travelling to the capital. "
            "The army denied reports that it had shelled villages near the border. "
            "Opposition leaders plan to protest next week.")
    assert extract_incidents(text, published="2024-04-23") == []


def test_reader_comments_are_ignored():
    text = ("Police dispersed a protest in Nairobi, Kenya, on Monday.\n\n"
            "Comments\n\nJohn: they should have bombed them all yesterday!")
    found = extract_incidents(text, published="2024-04-23")
    assert len(found) == 1 and found[0].event_type == "Protests"


def test_silence_counts_zero_but_not_reported():
    """ACLED's convention: 0 when no death is told; the flags keep "unknown toll" apart."""
    found = extract_incidents("Militants attacked an army base in Kirkuk, Iraq, on Sunday.",
                              published="2024-04-22")
    assert (found[0].fatalities, found[0].injured) == (0, 0)
    assert not found[0].fatalities_reported and not found[0].injured_reported


def test_deaths_told_in_later_sentences_are_added_not_recounted():
    text = ("On Monday, gunmen attacked a police post in Kaduna, Nigeria. "
            "Two officers were killed. Three more died in hospital on Tuesday, a police "
            "spokesman said.")
    inc = extract_incidents(text, published="2024-04-23")[0]
    assert inc.fatalities == 5 and inc.fatalities_reported
    recount = ("On Monday, gunmen attacked a police post in Kaduna, Nigeria, killing two officers. "
               "The two officers were killed at the gate, a police spokesman said.")
    assert extract_incidents(recount, published="2024-04-23")[0].fatalities == 2


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", "a" * 10000, "On 99/99/9999 ...",
                                 "\n" * 5000, "killed " * 5000, "(" * 3000 + "killed 5",
                                 "Kabul Kandahar Herat " * 1000, "killed 5 " * 2000])
def test_never_raises(bad):
    assert isinstance(extract_incidents(bad, published="not a date"), list)


def test_non_text_input_gives_nothing():
    assert extract_incidents(None) == []   # type: ignore[arg-type]


def test_deterministic_and_versioned():
    text = "Gunmen killed two farmers in Wajir, Kenya, on Sunday."
    assert extract_incidents(text, published="2024-04-22") == \
        extract_incidents(text, published="2024-04-22")
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


def test_wire_roundup_gives_one_incident_per_town():
    text = ("Violence across Iraq killed at least 11 people on Tuesday, police said.\n\n"
            "In Kirkuk, a roadside bomb killed three soldiers and wounded five others.\n\n"
            "In Mosul, gunmen shot dead a police officer outside his home.\n\n"
            "Separately, a coalition airstrike hit a hideout near Hawijah, killing seven "
            "militants.")
    found = extract_incidents(text, published="2024-05-08")
    assert [(i.location, i.fatalities) for i in found] == [
        ("Kirkuk", 3), ("Mosul", 1), ("Al Ḩawījah", 7)]
    assert found[0].injured == 5 and found[2].sub_event_type == "Air/drone strike"
    assert {i.date for i in found} == {"2024-05-07"}


def test_a_definite_reference_stays_with_its_incident():
    text = ("Militants fired rockets from Zummar on Sunday. "
            "Officials said the rockets landed near a base in Rumaylan, Syria.")
    assert len(extract_incidents(text, published="2024-04-22")) == 1


def test_the_lead_sentence_decides_what_happened():
    text = ("On 4 May 2020, a man was shot dead in Morelia, Mexico. "
            "The perpetrators later clashed with the police.")
    (inc,) = extract_incidents(text, published="2020-05-05")
    assert (inc.event_type, inc.fatalities) == ("Violence against civilians", 1)


def test_people_who_fled_fighting_are_background():
    text = ("Shells struck a camp in Goma, DR Congo, on Tuesday, killing four. "
            "The camp shelters people who fled fighting in Rutshuru.")
    (inc,) = extract_incidents(text, published="2025-11-18")
    assert inc.location == "Goma" and inc.fatalities == 4


def test_headline_gives_the_place_the_body_leaves_out():
    (inc,) = extract_incidents("Gunmen killed five villagers on Sunday, police said.",
                               title="Five killed in attack near Kaduna, Nigeria",
                               published="2024-04-22")
    assert (inc.location, inc.country_code, inc.fatalities) == ("Kaduna", "NG", 5)


def test_hedged_reports_are_less_certain():
    sure = extract_incidents("Gunmen killed two farmers in Wajir, Kenya, on Sunday.",
                             published="2024-04-22")[0]
    hedged = extract_incidents("Gunmen reportedly killed two farmers in Wajir, Kenya, on Sunday, "
                               "a claim that could not be verified.", published="2024-04-22")[0]
    assert 0 < hedged.confidence < sure.confidence <= 1


def test_transliteration_marks_become_apostrophes():
    (inc,) = extract_incidents("On 3 May 2020, gunmen shot dead a man in the city of Dar'a, Syria.",
                               published="2020-05-04")
    assert "\u2018" not in (inc.location or "") and inc.country_code == "SY"


def test_spokesman_named_like_a_town_and_past_attacks_add_nothing():
    text = ("Al Shabaab militants stormed a hotel in Mogadishu, Somalia, late on Tuesday, killing "
            "at least nine people, police said.\n\n"
            "Police spokesman Abdifatah Aden said all five attackers were killed. "
            "The group has carried out similar attacks in the past.")
    (inc,) = extract_incidents(text, published="2024-05-15")
    assert (inc.location, inc.fatalities) == ("Mogadishu", 9)
    assert "Al Shabaab" in inc.actors


def test_a_road_between_two_towns_is_not_the_place():
    text = ("Gunmen abducted 20 passengers from a bus on the Abuja-Kaduna highway on Sunday, "
            "police in Nigeria's Kaduna state said.")
    (inc,) = extract_incidents(text, published="2024-09-10")
    assert inc.location != "Abuja" and inc.admin1 and "Kaduna" in inc.admin1
    assert inc.sub_event_type == "Abduction/forced disappearance" and inc.fatalities == 0


def test_a_planned_rally_is_not_an_incident():
    assert extract_incidents("The opposition plans a rally in Tbilisi on Saturday.",
                             published="2024-07-02") == []


def test_the_day_it_was_said_is_not_the_day_it_happened():
    (inc,) = extract_incidents("Gunmen killed three villagers in Wajir, Kenya, on Saturday, "
                               "police said on Monday.", published="2024-04-22T18:00:00Z")
    assert inc.date == "2024-04-20"


def test_a_named_group_hints_the_country_when_no_place_is_named():
    (inc,) = extract_incidents("Imbonerakure members tortured an opposition activist on Sunday.",
                               published="2024-04-22")
    assert inc.country_code == "BI" and inc.geo_precision == 3


@pytest.mark.parametrize("text", [
    "Floods killed at least 20 people in northern Kenya on Sunday, officials said.",
    "A bus crash on the Nairobi-Mombasa highway killed 12 people on Saturday.",
    "Cholera has killed 30 people in Malawi since January, the health ministry said.",
    "A gas explosion killed 3 people in a restaurant in Lagos on Sunday.",
    "Salah shot wide as Liverpool attacked relentlessly in the match in Madrid on Saturday.",
    "The senator attacked the government's budget plan in Washington on Tuesday.",
])
def test_disasters_accidents_sports_and_words_are_not_incidents(text):
    assert extract_incidents(text, published="2024-04-22") == []


def test_violence_in_a_disaster_area_is_still_an_incident():
    text = "Gunmen set fire to a market in Maiduguri on Sunday, killing 5 traders."
    (inc,) = extract_incidents(text, published="2024-04-22")
    assert inc.event_type == "Violence against civilians" and inc.fatalities == 5
    (riot,) = extract_incidents("Fans clashed with police after the match in Cairo on Sunday.",
                                published="2024-04-22")
    assert riot.event_type == "Riots"


TWO_SCALES = ("Armed bandits killed at least 21 people in Nigeria's northwestern Zamfara State on "
              "Saturday, police said, the latest in a wave of attacks on rural communities.\n\n"
              "On Monday, residents of Kaura Namoda buried {n} people killed when gunmen on "
              "motorcycles opened fire on traders in the town's market.")


def test_one_event_told_in_its_region_then_its_town_is_one_incident():
    (inc,) = extract_incidents(TWO_SCALES.format(n=21), published="2025-06-17")
    assert (inc.date, inc.location, inc.fatalities) == ("2025-06-14", "Kaura Namoda", 21)


def test_another_toll_in_the_town_is_another_incident():
    found = extract_incidents(TWO_SCALES.format(n=9), published="2025-06-17")
    assert [(i.date, i.fatalities) for i in found] == [("2025-06-14", 21), ("2025-06-16", 9)]


def test_a_place_plagued_for_years_is_no_event():
    text = ("Gunmen killed five farmers in Faskari, Katsina State, on Sunday, police said.\n\n"
            "Zamfara and Katsina have been plagued by kidnapping gangs for years.")
    (inc,) = extract_incidents(text, published="2025-06-17")
    assert inc.location == "Faskari"


AFTER_A_RAID = ("Gunmen on motorcycles killed 21 people in Kaura Namoda in Nigeria's northwestern "
                "Zamfara State on Saturday, police said.\n\n{then}")


def test_the_burial_of_its_victims_two_days_later_is_the_same_incident():
    then = ("Residents of Kaura Namoda on Monday buried the 21 victims of the attack, a local "
            "councillor said.")
    (inc,) = extract_incidents(AFTER_A_RAID.format(then=then), published="2025-06-17")
    assert (inc.date, inc.fatalities) == ("2025-06-14", 21)


@pytest.mark.parametrize("then", [
    "On Monday, the attackers returned to Kaura Namoda and killed five more people.",
    "On Monday, the gunmen killed five people in Kaura Namoda, residents said.",
])
def test_a_new_deed_in_the_same_town_two_days_later_is_another_incident(then):
    found = extract_incidents(AFTER_A_RAID.format(then=then), published="2025-06-17")
    assert [(i.date, i.fatalities) for i in found] == [("2025-06-14", 21), ("2025-06-16", 5)]


DRONES_THEN = ("Russian drones struck the city of Zaporizhzhia overnight, killing two people and "
               "injuring five, the regional governor said on Thursday.\n\n{then}")


def test_the_toll_of_an_event_named_by_its_day_is_that_days_incident():
    then = ("The death toll from Tuesday's missile strike on an industrial area of Zaporizhzhia "
            "rose to six after rescuers found another body.")
    found = extract_incidents(DRONES_THEN.format(then=then), published="2025-05-08")
    assert [(i.date, i.fatalities) for i in found] == [("2025-05-08", 2), ("2025-05-06", 6)]


@pytest.mark.parametrize("then", [
    "The death toll from the drone strike in Zaporizhzhia rose to six on Thursday evening.",
    "The death toll from Thursday's drone strike rose to six.",
])
def test_a_toll_counted_later_or_named_by_the_same_day_stays_with_the_incident(then):
    (inc,) = extract_incidents(DRONES_THEN.format(then=then), published="2025-05-08")
    assert (inc.date, inc.fatalities) == ("2025-05-08", 6)


def test_the_dead_of_an_earlier_attack_in_a_timing_clause_are_not_counted():
    text = ("Russian drones struck the city of Zaporizhzhia overnight, killing two people, less "
            "than a day after a missile attack on the city killed nine people, the governor "
            "said on Thursday.")
    (inc,) = extract_incidents(text, published="2025-05-08")
    assert (inc.date, inc.fatalities) == ("2025-05-08", 2)


def test_a_date_read_from_a_bare_weekday_alone_says_so():
    def weekday_only(text: str) -> bool:
        (inc,) = extract_incidents(text, published="2025-03-12")
        return inc.to_dict()["date_from_weekday"]

    assert weekday_only("Gunmen killed four farmers in Wajir on Monday, police said.")
    # the dateline names the same day, or the day is not a weekday's: the date is stated
    assert not weekday_only("NAIROBI, March 10 (Reuters) - Gunmen killed four farmers in Wajir "
                            "on Monday, police said.")
    assert not weekday_only("Gunmen killed four farmers in Wajir yesterday, police said.")
    assert not weekday_only("Gunmen killed four farmers in Wajir on 10 March, police said.")

