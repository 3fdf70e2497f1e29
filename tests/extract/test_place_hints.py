"""Evidence of where a text is beyond the places it names (issue 12): the regions an armed group
mostly acts in and a monitoring mission reports from, national capitals, the region spellings
ACLED notes use, and sentences that open with an everyday word."""

import pytest

from extract import gazetteer, place_hints, place_words
from extract.place_candidates import filter_spans, raw_spans
from extract.places import find_places
from extract.where import primary_place


def _primary(text: str):
    return primary_place(find_places(text), text)


def test_a_mission_s_village_is_in_the_regions_it_reports_from():
    # the gazetteer knows Sokilnyky only in Lviv oblast, 1,000 km west of the line the SMM
    # watches: the village is a namesake it lacks, pinned in the mission's region
    p = _primary("On 7 May 2020, the OSCE SMM observed a total of 21 projectiles/explosions "
                 "involving artillery near Sokilnyky.")
    assert (p.location, p.country_code) == ("Sokilnyky", "UA")
    assert p.admin1 in ("Donetsk", "Luhansk")
    assert p.geo_precision == 3


def test_a_mission_does_not_move_a_place_the_text_puts_in_a_region():
    p = _primary("The OSCE SMM observed a burnt vehicle in Zhytomyr, Zhytomyr region.")
    assert (p.location, p.admin1) == ("Zhytomyr", "Zhytomyr")


def test_every_region_of_the_actor_and_hint_tables_is_a_known_region():
    hints = place_hints.get()   # (raises on a region the gazetteer does not know)
    assert ("MZ", "cabo delgado province") in hints.actor_regions[
        "Ansar al-Sunna (Ahlu Sunnah Wa-Jama)"]
    assert hints.mission_where


def test_a_national_capital_abroad_outranks_a_namesake_of_a_country_only_speaking():
    p = _primary("American officials said protesters clashed with police in Athens on Monday.")
    assert p.country_code == "GR"
    # its region named, the namesake stands
    p = _primary("Protesters gathered in Athens, Georgia, on Monday, American media said.")
    assert p.country_code == "US"


def test_a_sentence_opening_everyday_word_is_no_place():
    # "Farmers" is an alternate name of a small US town: it must not count for the US
    lang = place_words.get(None)
    for text in ("Farmers blocked the road near Kalale. Herders fled.",
                 "Herders fled. Farmers blocked the road near Kalale."):
        spans = filter_spans(text, raw_spans(text, gazetteer.fold_text(text), lang), lang)
        assert [text[sp.start:sp.end] for sp in spans] == ["Kalale"]


@pytest.mark.parametrize("cc, written", [("YE", "Socotra"), ("IQ", "Dahuk"),
                                          ("CM", "Nord-Ouest"), ("AF", "Hilmand"),
                                          ("SY", "Idleb"), ("SO", "Lower Shabelle"),
                                          ("MM", "Shan-North"), ("CD", "Kongo-Central"),
                                          ("IR", "West Azarbaijan")])
def test_regions_as_acled_spells_them(cc, written):
    assert any(e.kind == gazetteer.KIND_ADMIN1 and e.country_code == cc
               for e, _ in gazetteer.get().lookup(written))


def test_an_unknown_place_whose_brackets_say_nothing_is_placed_by_the_next_place():
    p = _primary("Turkish jets struck PKK positions in the Kuri Jahro area (Kurdish name) in the "
                 "Gare region of Dahuk, northern Iraq. No casualties were reported.")
    assert (p.country_code, p.admin1) == ("IQ", "Duhok")


def test_a_sentence_may_open_with_the_place():
    p = _primary("In Tigania East a herdsman was attacked and killed by cattle rustlers.")
    assert p is not None and p.location == "Tigania East"


def test_a_place_known_only_by_its_country_is_pinned_in_its_armed_group_s_region():
    # "Arabel" is not in the gazetteer; the Pokot militia's home is Kenya, its regions Baringo
    # and West Pokot: the village is pinned in Baringo, not at Nairobi
    p = _primary("Non-violent activity: on 25 December, a group of suspected Pokot militia raided "
                 "a village near Arabel and forced locals attending a church service to flee.")
    assert (p.location, p.country_code, p.admin1) == ("Arabel", "KE", "Baringo")


def test_the_armed_group_named_nearest_the_place_pins_it():
    # ADF (North Kivu first) is named first, CODECO (Ituri) beside the village
    p = _primary("Congolese troops said ADF rebels ambushed an army convoy on Monday. On Tuesday, "
                 "CODECO militiamen attacked the village of Ndjalazo, killing four civilians.")
    assert (p.location, p.country_code, p.admin1) == ("Ndjalazo", "CD", "Ituri")


@pytest.mark.parametrize("dateline, admin1", [("SPRINGFIELD, Ill. (AP) —", "Illinois"),
                                               ("SPRINGFIELD, Mo. (AP) —", "Missouri"),
                                               ("SPRINGFIELD, Mass. (AP) —", "Massachusetts")])
def test_a_wire_dateline_s_state_says_which_namesake(dateline, admin1):
    # (the dateline names no place of the event: its region's short form is evidence only)
    p = _primary(f"{dateline} Protesters blocked a highway in Springfield on Monday.")
    assert (p.location, p.country_code, p.admin1) == ("Springfield", "US", admin1)


def test_a_region_s_short_form_outside_a_dateline_is_no_evidence():
    assert place_hints.dateline_region("He fell ill. Springfield, Ill. is in the news.") is None
    assert place_hints.dateline_region("SANTA BARBARA, Calif. (AP) — A fire") == (
        "US", gazetteer.fold_key("California"))
