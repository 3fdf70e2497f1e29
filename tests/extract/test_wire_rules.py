"""Rules for wire copy: datelines, updated tolls, clauses that start another incident,
report dates, places of care, and casualty phrasings."""

from __future__ import annotations

from extract import casualties, sentences
from extract.incidents import extract_incidents
from extract.mentions import dateline_end


def _one(text: str, published: str) -> dict:
    found = extract_incidents(text, published=published)
    assert len(found) == 1, [(i.location, i.date, i.fatalities) for i in found]
    return found[0].to_dict()


def test_a_dateline_gives_neither_the_date_nor_the_place():
    assert dateline_end("OUAGADOUGOU, March 10 (Reuters) - Militants attacked") == 34
    assert dateline_end("PORT SUDAN, Sudan (AP) \u2014 Drones struck") > 0
    assert dateline_end("KINSHASA (AFP) - Rebels killed") > 0
    assert dateline_end("On Sunday, rebels killed") == 0
    inc = _one("KINSHASA, Feb 18 (AFP) - Rebels killed 23 civilians in Oicha late on Friday.",
               "2025-02-18")
    assert (inc["date"], inc["location"], inc["fatalities"]) == ("2025-02-14", "Oicha", 23)


def test_an_updated_toll_with_its_own_day_stays_with_its_incident():
    inc = _one("Gunmen opened fire in a bar in Celaya late Saturday, killing six people.\n\n"
               "One of the wounded died in hospital on Sunday, bringing the death toll from the "
               "bar attack to seven, prosecutors said.", "2025-05-26")
    assert (inc["date"], inc["fatalities"]) == ("2025-05-24", 7)


_TWO_IN_ONE = ("Militants killed two civilians in the village of Sofara on Saturday and, in a "
               "separate attack near Mopti, five soldiers died when their convoy hit a bomb.")


def test_a_separate_attack_inside_one_sentence_is_another_incident():
    parts = [s.text for s in sentences.split(_TWO_IN_ONE)]
    assert len(parts) == 2 and parts[1].startswith("in a separate attack")
    found = extract_incidents(_TWO_IN_ONE, published="2025-02-03")
    assert sorted((i.location, i.fatalities) for i in found) == [("Mopti", 5), ("Sofara", 2)]


def test_a_day_the_report_was_made_is_not_the_event_day():
    inc = _one("A drone strike on a market in Bure killed 20 people on Thursday.\n\n"
               "\"We collected 20 bodies,\" a resident told Reuters by phone on Saturday.",
               "2025-11-03")
    assert inc["date"] == "2025-10-30"


def test_where_the_wounded_were_taken_is_not_where_it_happened():
    inc = _one("Gunmen attacked the village of Yelwata in Benue state late on Friday, killing "
               "dozens. Many others were wounded and taken to hospitals in Makurdi.",
               "2025-06-16")
    assert inc["location"] == "Yelwata"


def test_a_nationality_places_a_town_the_gazetteer_lacks():
    inc = _one("Israel's army said it struck Hezbollah. An Israeli strike on a house in the "
               "southern Lebanese town of Jouaiya late on Tuesday killed four fighters.",
               "2024-06-12")
    assert inc["country_code"] == "LB"


def test_casualty_phrasings():
    assert casualties.find("A mob beat 13 policemen to death.").killed == 13
    assert casualties.find("Police found the bodies of 10 men on a highway.").killed == 10
    assert casualties.find("The strike killed Taleb Abdallah, a commander, along with three "
                           "other fighters.").killed == 4
    assert casualties.find("The death toll from the assault on the Djibo post rose to 15 on "
                           "Monday.").killed == 15


def test_also_killed_adds_to_the_count():
    inc = _one("Soldiers killed seven rebels in a gunbattle near Kabankalan on Sunday. "
               "A soldier was also killed in the firefight.", "2025-01-28")
    assert inc["fatalities"] == 8


def test_shell_casings_are_no_shelling():
    inc = _one("Gunmen opened fire inside a bar in Celaya late Saturday, killing six people. "
               "Investigators found more than 40 shell casings at the scene.", "2025-05-26")
    assert inc["event_type"] == "Violence against civilians"


def test_in_the_same_area_is_placed_like_the_incident_before():
    found = extract_incidents(
        "Somali forces killed 12 militants in an assault near Bosaso, Somalia, on Saturday.\n\n"
        "On Friday, U.S. forces carried out an airstrike against the militants in the same "
        "area, the U.S. military said.", published="2025-02-24")
    assert [(i.date, i.location) for i in found] == [("2025-02-22", "Bosaso"),
                                                      ("2025-02-21", "Bosaso")]


def test_a_nationality_of_forces_is_who_acted_not_where():
    from extract.where import demonym_country

    assert demonym_country("U.S. forces carried out an airstrike") is None
    assert demonym_country("Turkish warplanes struck positions") is None
    assert demonym_country("an explosion at an Iraqi military base") == "IQ"
    assert demonym_country("Kenyan officials said a civilian was killed") == "KE"


def test_a_sentence_naming_an_earlier_incidents_town_joins_it():
    found = extract_incidents(
        "An airstrike hit a market in the town of Mellit on Sunday. In Omdurman, shells "
        "landed on homes, killing four people.\n\nDoctors in Mellit said 22 people had been "
        "killed in the market strike.", published="2025-04-28")
    assert sorted((i.location, i.fatalities) for i in found) == [("Mellit", 22),
                                                                 ("Omdurman", 4)]


def test_days_earlier_count_back_from_the_day_last_named():
    found = extract_incidents(
        "Gunmen killed seven villagers in an attack in Mellit, Sudan, late Monday, police said "
        "on Tuesday.\n\nTwo days earlier, gunmen abducted 20 people from the town of Nyala.",
        published="2025-10-08")
    assert sorted((i.location, i.date) for i in found) == [("Mellit", "2025-10-06"),
                                                           ("Nyala", "2025-10-04")]


def test_another_sources_toll_keeps_the_lower_figure_and_an_update_replaces_it():
    lower = _one("Militants attacked a church in Beni, Congo, on Sunday, killing 38 people. "
                 "A radio station put the toll at 43.", "2025-07-28")
    assert lower["fatalities"] == 38
    update = _one("Militants attacked a church in Beni, Congo, on Sunday, killing 38 people. "
                  "The toll rose to 43 on Monday.", "2025-07-28")
    assert update["fatalities"] == 43


def test_an_attack_on_a_gold_mine_is_no_landmine_and_its_attackers_are_no_target():
    inc = _one("An attack by CODECO militiamen on a gold mine near Mongbwalu, Congo, on Friday "
               "killed six miners.", "2025-07-28")
    assert (inc["event_type"], inc["sub_event_type"]) == ("Violence against civilians", "Attack")


def test_a_place_owned_by_a_country_stays_in_that_country():
    kurdistan = _one("A drone struck a base in Iraq's Kurdistan region on Sunday, wounding two "
                     "soldiers.", "2025-11-20")
    assert (kurdistan["country_code"], kurdistan["location"], kurdistan["geo_precision"]) == \
        ("IQ", "Kurdistan", 3)
    ituri = _one("Gunmen killed 7 villagers in Congo's Ituri province on Monday.", "2025-11-20")
    assert ituri["country_code"] == "CD"  # "Congo" also names the place's own country


def test_a_dateline_country_of_several_words_is_cut_whole():
    line = "GOMA, Democratic Republic of the Congo, March 20 (Reuters) - Rebels took Walikale"
    assert line[dateline_end(line):] == "Rebels took Walikale"
    other = "PORT OF SPAIN, Trinidad and Tobago (AP) - Gunmen shot four"
    assert other[dateline_end(other):] == "Gunmen shot four"


def test_a_day_counted_from_the_report_yields_to_the_day_named_for_the_same_event():
    # "overnight" counts from a report three days after the raid; the next paragraph names it
    inc = _one("Gunmen killed 12 villagers in an overnight raid on Gidan Dawa, police said on "
               "Wednesday.\n\nThe gunmen arrived on motorcycles late on Sunday and opened fire on "
               "residents.", "2025-07-16")
    assert (inc["date"], inc["fatalities"]) == ("2025-07-13", 12)


def test_a_named_day_and_a_counted_day_of_another_kind_of_event_stay_two_incidents():
    found = extract_incidents(
        "Police arrested four opposition leaders in Conakry on Sunday as they prepared to "
        "meet.\n\nYesterday, police fired tear gas at hundreds of supporters who marched in "
        "Conakry to demand the release of the detained leaders.", published="2025-03-04")
    assert sorted((i.sub_event_type, i.date) for i in found) == [
        ("Arrests", "2025-03-02"), ("Protest with intervention", "2025-03-03")]


def test_a_campaign_summed_up_between_two_years_is_no_incident():
    assert extract_incidents(
        "The rebels attacked more than 200 convoys between March 2022 and late 2024, seizing "
        "fuel and food. The attacks forced aid agencies to suspend deliveries.",
        published="2025-05-02") == []


def test_another_attack_with_its_own_day_and_toll_stays_apart_from_a_day_counted():
    lead = ("Gunmen killed five people in an overnight attack on a village in Niger state, "
            "police said on Tuesday.\n\n")
    for other in ("On Saturday, gunmen killed three farmers in the same district.",
                  "Gunmen also killed three farmers in the area on Saturday, residents said."):
        found = extract_incidents(lead + other, published="2025-07-15")
        assert sorted((i.date, i.fatalities) for i in found) == [
            ("2025-07-12", 3), ("2025-07-15", 5)], other
