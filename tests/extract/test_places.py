"""find_places and primary_place: one small written example per rule."""

from pathlib import Path

import pytest

from extract.places import PlaceMention, find_places
from extract.where import primary_place

_SEED_NAME = "seeds/000_9efb2086bf8b23b0.txt"
_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
SEED = next((d / _SEED_NAME for d in _SHARED if (d / _SEED_NAME).exists()), None)


def by_name(text: str) -> dict[str, PlaceMention]:
    return {m.name: m for m in find_places(text)}


def test_offsets_point_at_the_surface_form():
    text = "On 5 May, protesters in Cotonou and in Wajir, Kenya, marched."
    ms = find_places(text)
    assert [m.name for m in ms] == ["Cotonou", "Wajir", "Kenya"]
    for m in ms:
        assert text[m.start:m.end] == m.name
    assert ms == sorted(ms, key=lambda m: m.start)


@pytest.mark.parametrize("country,code", [("Pakistan", "PK"), ("India", "IN")])
def test_country_named_in_text_decides(country, code):
    m = by_name(f"Protesters gathered in Hyderabad, {country}, on Monday.")["Hyderabad"]
    assert m.country_code == code and m.geo_precision == 1 and m.kind == "city"


@pytest.mark.parametrize("demonym,code", [("Lebanese", "LB"), ("Libyan", "LY")])
def test_demonym_decides(demonym, code):
    m = by_name(f"{demonym} soldiers deployed in Tripoli after clashes.")["Tripoli"]
    assert m.country_code == code


def test_parenthesised_region_decides():
    text = "On 3 May 2020, journalists held a rally in Hyderabad city (Hyderabad, Sindh)."
    p = primary_place(find_places(text), text)
    assert p is not None and p.country_code == "PK" and p.admin1 == "Sindh"
    inside = [m for m in find_places(text) if m.in_parens]
    assert {m.name for m in inside} == {"Hyderabad", "Sindh"}


def test_unknown_village_with_known_district_gets_precision_2():
    text = "On 6 January 2022, armed men killed a herder in Komdezz (Ouake, Donga)."
    ms = find_places(text)
    p = primary_place(ms, text)
    assert p is not None
    assert (p.location, p.kind, p.geo_precision) == ("Komdezz", "unknown", 2)
    assert (p.country_code, p.country, p.admin1) == ("BJ", "Benin", "Donga")
    assert p.lat is not None and abs(p.lat - 9.7) < 0.5


def test_unknown_village_with_only_region_gets_precision_3():
    text = "Gunmen attacked a house in Xqwarta village (Donga) at night."
    ms = find_places(text)
    p = primary_place(ms, text)
    assert p is not None and p.location == "Xqwarta" and p.geo_precision == 3
    assert p.country_code == "BJ"


def test_common_words_and_names_are_not_places():
    text = ("Police said Mobile units arrived. Of the victims, Best was hurt, Nice said. "
            "Sale ended at the White House. Male officers met President Joe Biden.")
    assert find_places(text) == []


def test_lowercase_and_abbreviations_are_not_places():
    assert find_places("the nice mobile police of paris") == []
    assert find_places("NASA and PM staff met.") == []


@pytest.mark.skipif(SEED is None, reason="shared/seeds is not beside the checkout")
def test_seed_article_resolves_zummar_and_rumaylan():
    assert SEED is not None
    text = SEED.read_text(encoding="utf-8")
    ms = find_places(text)
    zummar = [m for m in ms if m.location == "Zummar"]
    rum = [m for m in ms if m.location == "Rumaylan"]
    assert zummar and all((m.country_code, m.admin1) == ("IQ", "Nineveh") for m in zummar)
    assert rum and all((m.country_code, m.admin1) == ("SY", "Al-Hasakah") for m in rum)
    assert {m.country_code for m in ms} <= {"IQ", "SY", "US", "IR"}
    for m in ms:
        assert text[m.start:m.end] == m.name
    p = primary_place(ms, text)
    assert p is not None and p.location == "Zummar"


def test_empty_text():
    assert find_places("") == []
    assert primary_place([], "") is None


def test_region_abbreviation_in_parentheses_decides():
    text = "On 3 May 2020, workers protested in Veliyankodezz village (Malappuram, KL)."
    p = primary_place(find_places(text), text)
    assert p is not None and p.location == "Veliyankodezz"
    assert (p.country_code, p.admin1, p.geo_precision) == ("IN", "Kerala", 2)


def test_organisation_names_are_not_places():
    text = "Ukrainian Forces fired at positions of the Luhansk People's Militia near Holubivka."
    ms = find_places(text)
    assert "Luhansk" not in {m.name for m in ms}
    p = primary_place(ms, text)
    assert p is not None and p.location == "Holubivka" and p.country_code == "UA"


def test_name_after_jabal_is_not_the_town_of_that_name():
    text = "Regime forces shelled the village of Sfuhenxx in Jabal al-Zawiya in Idleb."
    ms = find_places(text)
    assert all(m.country_code == "SY" for m in ms)
    assert "Zawiya" not in {m.name for m in ms}


def test_foreign_exonym_far_from_named_countries_is_dropped():
    text = ("Israeli forces demolished a Palestinian-owned greenhouse in the Jorat Shamaaxx "
            "village in the Bethlehem district.")
    ms = find_places(text)
    assert all(m.country_code in ("IL", "PS") for m in ms)


def test_district_named_before_its_city():
    text = "Workers gathered in Din Daeng district of Bangkok, Thailand."
    p = primary_place(find_places(text), text)
    assert p is not None and p.location == "Din Daeng" and p.country_code == "TH"
    assert p.geo_precision == 2


def test_population_beats_a_coherent_set_of_namesakes():
    text = "The office opened in Sydney. The team later won the match in London."
    got = {m.name: m.country_code for m in find_places(text)}
    assert got == {"Sydney": "AU", "London": "GB"}


def test_person_and_institution_names_hide_place_names():
    text = ("Officials said Mark Jordan will lead the office. The minister visited "
            "Lady Reading Hospital in Peshawar.")
    assert [(m.name, m.country_code) for m in find_places(text)] == [("Peshawar", "PK")]


def test_transliterated_town_in_named_region_gets_its_coordinates():
    text = "On 1 May 2020, a demonstration took place in the town of Atareb in Aleppo province."
    p = primary_place(find_places(text), text)
    assert p is not None and (p.location, p.country_code, p.admin1) == ("Atareb", "SY", "Aleppo")
    assert p.geo_precision == 1 and p.lat is not None and abs(p.lat - 36.14) < 0.2


def test_misspelt_town_takes_the_gazetteer_name():
    text = "On 28 April 2020, in the municipality of Patzuaro, Michoacan, students blocked a road."
    p = primary_place(find_places(text), text)
    assert p is not None and p.location == "Pátzcuaro" and p.admin1 == "Michoacán"


def test_generic_word_after_a_name_picks_the_kind_everywhere():
    text = "On 30 Apr 2020, employees protested in front of the municipality in Amara city."
    p = primary_place(find_places(text), text)
    assert p is not None and (p.country_code, p.kind) == ("IQ", "city")


def test_known_district_of_a_city_beats_the_city():
    text = "On 1 May 2020, workers gathered in Din Daeng district of Bangkok, Thailand."
    p = primary_place(find_places(text), text)
    assert p is not None and p.location == "Din Daeng" and p.admin1 == "Bangkok"


def test_district_spelt_another_way_still_places_the_village():
    text = "On 29 April 2020, an air strike hit a camp near Xwaqle town (Saakow, Middle Juba)."
    p = primary_place(find_places(text), text)
    assert p is not None and (p.location, p.geo_precision) == ("Xwaqle", 2)
    assert p.country_code == "SO" and p.lat is not None and abs(p.lat - 1.63) < 0.1


def test_countries_people_come_from_do_not_move_the_camp():
    text = ("On 10 December 2019, refugees from Sudan and from South Sudan clashed in the "
            "Kakuma refugee camp, resulting in 5 deaths.")
    p = primary_place(find_places(text), text)
    assert p is not None and (p.location, p.country_code) == ("Kakuma", "KE")


def test_region_holding_the_named_district_wins_among_namesakes():
    from extract.unknown_places import region_from_parts

    town, admin1 = region_from_parts(["Ketou", "Plateau"], None)
    assert admin1 is not None and admin1.country_code == "BJ"
    assert town is not None and town.admin1 == admin1.name


def test_local_admin_unit_words_introduce_and_leave_the_name():
    text = ("On 3 May 2020, one person was killed in a clash in Xhajadpur Upazila "
            "(Shahjadpur, Sirajganj) over the lease of a pond.")
    p = primary_place(find_places(text), text)
    assert p is not None and p.location == "Xhajadpur" and p.country_code == "BD"


def test_bracketed_other_name_does_not_hide_the_parenthetical():
    text = "On 28 June 2022, soldiers deployed to Xangara [Xangara Peulh] (Karimama, Alibori)."
    p = primary_place(find_places(text), text)
    # (square-bracketed other names are ACLED coders' notation, which news never uses: the
    # name as written is the location)
    assert p is not None and (p.name, p.location, p.country_code, p.admin1) == (
        "Xangara", "Xangara", "BJ", "Alibori")


def test_nested_parenthetical_is_read():
    text = ("On 1 May 2020, persons vandalised graves at Xavaaly town "
            "(Valikamam South-West (Sandilipay), Jaffna district).")
    p = primary_place(find_places(text), text)
    assert p is not None and (p.location, p.country_code, p.geo_precision) == ("Xavaaly", "LK", 2)


def test_region_spelt_another_way_in_the_parenthetical():
    text = "On 5 May 2020, shelling hit Xaraqib (Ariha, Idleb) in the morning."
    p = primary_place(find_places(text), text)
    assert p is not None and (p.country_code, p.admin1) == ("SY", "Idlib")


@pytest.mark.parametrize("text, code", [
    ("An Israeli airstrike in Gaza killed five people.", "PS"),
    ("The Gaza health ministry said 20 were killed.", "PS"),
    ("Protesters in Chokwe, Gaza, demanded jobs.", "MZ"),
])
def test_gaza_is_palestinian_unless_the_text_is_about_mozambique(text, code):
    gaza = next(m for m in find_places(text) if m.name == "Gaza")
    assert gaza.country_code == code


@pytest.mark.parametrize("text, place", [
    ("Shelling killed two civilians in the Kharkiv region village of Kupiansk.", "Kupiansk"),
    ("Militants attacked the Borno state town of Bama on Monday.", "Bama"),
])
def test_region_named_before_its_village_is_not_the_place(text, place):
    assert primary_place(find_places(text), text).name == place


def test_bracket_pattern_tried_on_runs_finds_every_match():
    from extract import unknown_places as places

    text = ("Fighting in Kaya (Sanmatenga, Centre-Nord) and at Djibo village [Soum], then near "
            "the Bama camp (Borno); no bracket here, and Mora (Extreme-Nord) (again) [x] (")
    slow = [(m.span(), m.span(1)) for m in places.PATTERNS[places.BRACKETED].finditer(text)]
    assert [(m.span(), m.span(1)) for m in places.bracket_matches(text)] == slow
    assert len(slow) >= 4


def test_place_of_pattern_tried_after_its_words_finds_every_match():
    from extract import unknown_places as places

    text = ("Gunmen entered the village of Kalkou and the town of\n  Sebba; residents of Djibo, "
            "the district  of Bama (Borno), a villageof X, subvillage of Y, Village of Z, the area "
            "of the market, the city of Ras al Ain of Hasakah; county of Ouaga of Kadiogo.")
    slow = [(m.span(), m.span(1)) for m in places.PATTERNS[places.PLACE_OF].finditer(text)]
    assert [(m.span(), m.span(1)) for m in places.place_of_matches(text)] == slow
    assert len(slow) >= 4


def test_patterns_tried_near_their_anchors_find_every_match():
    from extract import unknown_places as places

    text = ("(in Kaya district) Fighting in Djibo town, near the Bama camp, in Mora, Extreme-Nord,"
            " then at Kiptule area of Kericho West and in Naikara village of Narok; Dalwa, a "
            "farming community in Konduga, and Kanoma, a village near Gusau. Toward Gao, in "
            "Ras al Ain, Hasakah; into\nSebba\tvillage, at The Hague; inTown village; 'at Wau, "
            "in Jonglei'.")
    fast = places.intro_matches(text)
    for how in range(places.BRACKETED + 1, len(places.PATTERNS)):
        slow = [(m.span(), m.groups()) for m in places.PATTERNS[how].finditer(text)]
        assert [(m.span(), m.groups()) for m in fast[how]] == slow
        assert slow, how


def test_word_before_a_name_is_what_a_search_of_the_window_finds():
    import random
    import re

    from extract.place_candidates import prev_word

    window_search = re.compile(r"([A-Za-z][\w\-\.]*)\s$")
    rng = random.Random(7)
    texts = ["said Gen. Aden", "(Gen. X", "Mr.\n Z", "x. \nY", "12ab \n Q", "foo_bar-b.z Q",
             "a \n\nB", "A\n"] + ["".join(rng.choice("aB .-\n\t_é9,(\"'") for _ in range(60))
                                   for _ in range(300)]
    for text in texts:
        for start in range(len(text) + 1):
            m = window_search.search(text, max(0, start - 40), start)
            assert prev_word(text, start) == (m.group(1) if m else ""), (text, start)


def test_nationality_words_are_the_capitalised_words_that_are_ones():
    from extract import gazetteer, place_words
    from extract.gazetteer import fold_key
    from extract.place_candidates import ACTING_AFTER, CAP_WORD
    from extract.place_scoring import _demonyms

    text = ("Iraqi forces and Syrian-backed units met South-Sudanese and Al-Syrian officials; "
            "the Iraqi-Kurdish talks, a Saudi-led raid, Ab-Cd-Iraqi, X-Iraqi, aIraqi, Iraqis, "
            "Iraqi.")
    demonyms = gazetteer.get().demonyms
    by_words = [(demonyms[fold_key(w.group())], ACTING_AFTER.match(text, w.end()) is not None)
                for w in CAP_WORD.finditer(text) if demonyms.get(fold_key(w.group()))]
    assert list(_demonyms(text, text, place_words.get(None), [])) == by_words
    assert ("IQ", True) in by_words and ("SA", True) in by_words and len(by_words) >= 5


def test_a_name_the_gazetteer_knows_only_by_its_first_word_is_kept_whole():
    text = "Residents of Mai Mahiu blocked the Nairobi-Naivasha highway in Kenya on Monday."
    m = next(m for m in find_places(text) if m.name.startswith("Mai"))
    assert (m.name, m.location, m.country_code, m.geo_precision) == ("Mai Mahiu", "Mai Mahiu",
                                                                     "KE", 2)


def test_no_word_of_a_longer_unknown_name_is_placed_abroad():
    text = "Gunmen attacked Esoit village in Trans Mara on Monday, killing two people."
    assert not [m for m in find_places(text) if m.name in ("Trans", "Mara")]


def test_a_weekday_or_a_generic_word_after_a_town_does_not_lengthen_it():
    found = find_places("Traders protested in Embu Town Wednesday over new levies, in Kenya.")
    assert [m.location for m in found if m.kind != "country"] == ["Embu"]
    found = find_places("Police dispersed a crowd in Garissa Wednesday, Kenyan media said.")
    assert [m.location for m in found] == ["Garissa"]


def test_a_place_the_gazetteer_lacks_falls_back_to_the_region_its_unit_is_named_after():
    text = "Two herders were killed when raiders attacked Kiptule area of Kericho West subcounty."
    p = primary_place(find_places(text), text)
    assert (p.location, p.country_code, p.admin1, p.geo_precision) == (
        "Kiptule", "KE", "Kericho County", 3)
    assert p.lat is not None and abs(p.lat - (-0.37)) < 0.3


def test_a_namesake_abroad_needs_a_word_for_its_country_when_the_text_names_regions():
    text = ("A herder was killed near the Maasai Mau forest on Friday. The killing sparked two "
            "days of violence in Narok county.")
    assert {m.country_code for m in find_places(text)} == {"KE"}


def test_a_person_whose_first_name_is_another_name_of_a_city_is_no_place():
    text = ("Demonstrators marched in Nabatiyeh, Lebanon, condemning the governor of the "
            "Central Bank, Riad Salameh.")
    assert "SA" not in {m.country_code for m in find_places(text)}


def test_myanmar_states_by_their_english_names():
    text = "Fighting forced villagers of Lay Kay Kaw to flee in Karen State on Monday."
    regions = {m.name: (m.country_code, m.location) for m in find_places(text)
               if m.kind == "admin1"}
    assert regions["Karen State"] == ("MM", "Kayin State")


def test_a_units_other_name_in_brackets_does_not_locate_the_event():
    # "Muthraw (Hpapun) District": the bracket is the district's other name, not ACLED's
    # "X (district, region)" note; the village named first is the place
    text = ("On 6 May 2020, near Kaw Thoo Lei village, Luthaw Township, Muthraw (Hpapun) "
            "District, Karen State, fighting forced villagers to flee.")
    ms = find_places(text)
    assert primary_place(ms, text).name == "Kaw Thoo Lei"
