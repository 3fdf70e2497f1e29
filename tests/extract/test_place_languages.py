"""Places in French, Spanish and Portuguese texts: local country names, the language's
prepositions and unit words, places the gazetteer lacks introduced the language's way."""

from __future__ import annotations

import pytest

from extract import gazetteer, place_words, places, where
from extract.article import extract_article


def _where(text: str, language: str | None) -> list[tuple[str, str | None]]:
    return [(m.location, m.country_code) for m in places.find_places(text, language)]


def test_a_country_named_in_the_language_is_that_country_in_its_texts_only():
    fr = "Des combats ont éclaté au Tchad et au Liban, selon l'ONU."
    assert ("Chad", "TD") in _where(fr, "fr")
    assert ("Lebanon", "LB") in _where(fr, "fr")
    # in English "Liban" is no name of Lebanon: the key is the French texts' only
    assert all(cc != "LB" for e, _ in gazetteer.get().lookup("Liban") for cc in [e.country_code])
    assert ("Lebanon", "LB") not in _where("He met Liban Abdi in Hargeisa.", "en")


@pytest.mark.parametrize("language, text, cc", [
    ("es", "Una explosión sacudió Colombia el lunes.", "CO"),
    ("pt", "Os confrontos continuam em Moçambique.", "MZ"),
    ("fr", "Le gouvernement du Cameroun a démenti.", "CM"),
])
def test_country_names_of_each_language(language, text, cc):
    assert any(k == "country" and c == cc for k, c in
               ((m.kind, m.country_code) for m in places.find_places(text, language)))


def test_a_village_the_gazetteer_lacks_is_placed_in_the_region_named_after_it():
    text = ("Des hommes armés ont attaqué le village de Kombolobaye, dans la région de "
            "Mopti, au centre du Mali.")
    found = {m.location: m for m in places.find_places(text, "fr")}
    assert "Kombolobaye" in found
    assert found["Kombolobaye"].country_code == "ML"
    assert found["Kombolobaye"].admin1 == "Mopti"
    # read as English, the French words introduce nothing
    assert "Kombolobaye" not in {m.location for m in places.find_places(text, "en")}


def test_a_name_then_its_district_and_province_in_portuguese():
    text = ("Homens armados atacaram a aldeia de Nacutuco, no distrito de Muidumbe, "
            "província de Cabo Delgado.")
    found = {m.location: m for m in places.find_places(text, "pt")}
    assert found["Nacutuco"].country_code == "MZ"
    assert found["Nacutuco"].geo_precision in (2, 3)


def test_a_name_after_a_preposition_then_its_department_in_spanish():
    text = ("Dos soldados murieron en Mirandilla, en el departamento del Caquetá, "
            "informó el Ejército.")
    found = {m.location: m for m in places.find_places(text, "es")}
    assert found["Mirandilla"].country_code == "CO"


def test_a_unit_word_before_a_name_says_it_is_no_country():
    # "Chile" is a country and also a village's name; "la comunidad de Chile" is the village
    text = "Hombres armados irrumpieron en la comunidad de Chile, municipio de Tlapa, Guerrero."
    kinds = {m.name: m.kind for m in places.find_places(text, "es")}
    assert kinds.get("Chile") != "country"


def test_a_list_of_countries_is_no_evidence_of_where_the_text_is():
    text = ("Des agriculteurs ont bloqué une route près de Valence, et d'autres ont manifesté "
            "devant la préfecture d'Agen contre l'accord avec le Mercosur (Brésil, Argentine, "
            "Uruguay, Paraguay).")
    found = {m.name: m.country_code for m in places.find_places(text, "fr")}
    assert found.get("Valence") == "FR"
    assert found.get("Agen") == "FR"


def test_nationality_words_are_lower_case_and_follow_the_noun():
    # "malien" says the text is in Mali: the small town named is Mali's, not a namesake abroad
    lang = place_words.get("fr")
    assert lang.demonyms["maliens"] == "ML" and lang.demonyms["tchadienne"] == "TD"
    text = "L'armée malienne affirme avoir repoussé l'attaque à Boni, selon des élus maliens."
    assert where.demonym_country("une base malienne a été visée", "fr") == "ML"
    assert where.demonym_country("l'armée malienne a riposté", "fr") is None
    found = {m.name: m.country_code for m in places.find_places(text, "fr")}
    assert found.get("Boni") == "ML"


def test_an_agency_in_a_dateline_is_no_place():
    # (Atlántico is a department of Colombia: in the agency's name it names none)
    text = "BOGOTÁ, 3 de mayo (Agencia Atlántico Noticias) — Tres policías murieron en Tumaco."
    names = {m.name for m in places.find_places(text, "es")}
    assert "Atlántico" not in names
    assert "Tumaco" in names
    assert "Atlántico" in {m.name for m in places.find_places(text, "en")}


def test_a_language_without_place_words_is_read_as_english():
    assert place_words.get("de") is place_words.ENGLISH_WORDS
    assert place_words.get(None) is place_words.ENGLISH_WORDS


def test_a_village_near_which_something_happened_is_a_place_of_the_texts_country():
    text = ("Des affrontements ont opposé l'armée aux rebelles près de Gbangoua, dans le même "
            "territoire, a indiqué le gouverneur de l'Ituri, en République démocratique du "
            "Congo.")
    found = {m.location: m.country_code for m in places.find_places(text, "fr")}
    assert found.get("Gbangoua") == "CD"


def test_a_name_then_the_town_it_is_near():
    text = ("Um drone atingiu uma viatura à entrada de Nhica do Rovuma, perto de Mueda, em "
            "Cabo Delgado.")
    found = {m.location: m for m in places.find_places(text, "pt")}
    assert found["Nhica do Rovuma"].country_code == "MZ"
    assert found["Nhica do Rovuma"].geo_precision == 2   # placed at Mueda


@pytest.mark.parametrize("language, text, name", [
    # an organisation followed by its acronym
    ("es", "Agentes de la Unidad de Mantenimiento del Orden (UNDMO) llegaron a Cali.", "Orden"),
    # a square, a gulf: a name after a generic word and "de"
    ("pt", "Os manifestantes concentraram-se na Praça da Batalha, no Porto.", "Batalha"),
    ("pt", "A pirataria no golfo da Guiné diminuiu, disse o ministro em Luanda.", "Guiné"),
])
def test_names_that_are_no_place_of_their_own(language, text, name):
    assert name not in {m.name for m in places.find_places(text, language)}


def test_a_town_after_its_settlement_word_stays_a_town():
    text = "Os insurgentes atacaram ontem a cidade de Pemba, em Cabo Delgado."
    assert ("Pemba", "MZ") in _where(text, "pt")


@pytest.mark.parametrize("language, text, kind", [
    ("en", "Police fired tear gas at protesters in Maputo on Thursday.", "city"),
    ("pt", "A polícia disparou gás lacrimogéneo em Maputo na quinta-feira.", "city"),
    ("fr", "Des obus sont tombés à Tombouctou dans la nuit.", "city"),
    ("en", "Fighting was reported in Maputo province on Thursday.", "admin1"),
    ("fr", "Des combats ont eu lieu dans la région de Tombouctou.", "admin1"),
])
def test_a_region_named_like_its_capital_is_the_town_unless_called_a_region(language, text, kind):
    found = [m for m in places.find_places(text, language) if m.name in ("Maputo", "Tombouctou")]
    assert [m.kind for m in found] == [kind]


def test_the_place_after_its_preposition_wins_over_a_region_with_a_note_in_brackets():
    # a wire story's "(Ituri, nord-est de la RDC)" describes; it is not ACLED's
    # "X (district, region)" that names the event's place
    text = ("Huit orpailleurs ont été tués lundi sur un site minier proche de Mongbwalu, dans "
            "le territoire de Djugu (Ituri, nord-est de la RDC).")
    ms = places.find_places(text, "fr")
    assert where.primary_place(ms, text, "fr").name == "Mongbwalu"


def test_a_neighbourhood_the_gazetteer_lacks_is_coded_as_its_town():
    text = ("Três suspeitos morreram durante uma operação policial no Complexo do Quitungo, na "
            "zona norte do Rio de Janeiro.")
    ms = places.find_places(text, "pt")
    assert where.primary_place(ms, text, "pt").location == "Rio de Janeiro"


def test_an_elided_preposition_introduces_a_place_too():
    text = ("Au Burkina Faso, des soldats sont tombés dans une embuscade près d'Oursaga. Les "
            "assaillants ont fui.")
    assert ("Oursaga", "BF") in _where(text, "fr")


@pytest.mark.parametrize("language, text", [
    ("fr", "Des hommes armés ont attaqué le village de Kalkou, près de Sebba, puis à Djibo, "
           "dans la province du Soum (Sahel), et à Gao, dans le cercle de Gao. LE VILLAGE DE "
           "Tin, près d'Arbinda."),
    ("es", "Atacaron la vereda de El Palmar, cerca de Tibú, en Cúcuta, departamento de Norte "
           "de Santander (Colombia)."),
    ("fr", "Le président a parlé à Paris de la paix et de l'économie."),   # no unit word
])
def test_a_language_s_patterns_tried_where_their_words_are_find_every_match(language, text):
    from extract import unknown_places

    lang = place_words.get(language)
    fast = unknown_places.intro_matches(text, lang)
    slow_intro = [m for p in lang.intro for m in getattr(p, "regex", p).finditer(text)]
    slow_named = [m for m in lang.named.finditer(text) if lang.region_after.match(text, m.end(1))]
    assert [m.span() for m in fast[unknown_places.PLACE_OF]] == [m.span() for m in slow_intro]
    assert [m.span() for m in fast[unknown_places.REGION_AFTER]] == [m.span() for m in slow_named]
    assert [m.span() for m in fast[unknown_places.BRACKETED]] == [
        m.span() for m in unknown_places.PATTERNS[unknown_places.BRACKETED].finditer(text)
        if not unknown_places._ACRONYM.match(text, m.end())]


@pytest.mark.parametrize("language, text, name", [
    ("es", "Comuneros bloquearon el miércoles la carretera Puno-Desaguadero a la altura de Ilave.",
     "Ilave"),
    ("fr", "Des jeunes ont bloqué mercredi la route nationale Dakar-Thiès au niveau de Rufisque.",
     "Rufisque"),
    ("pt", "Camionistas bloquearam na quarta-feira a estrada Maputo-Xai-Xai na altura de "
     "Marracuene.", "Marracuene"),
])
def test_a_road_between_two_towns_is_placed_where_it_is_blocked(language, text, name):
    """"at the level of X" on a road named by its two ends: the place is X, not an end."""
    found = extract_article(text, title="", published="2026-09-03", language=language)
    assert [i.location for i in found.incidents] == [name]


@pytest.mark.parametrize("language, text, name", [
    ("es", "Disidentes hostigaron el lunes la estación de policía de Barbacoas, en Nariño.",
     "Barbacoas"),
    ("fr", "Des hommes armés ont attaqué mardi le commissariat de Koutiala, dans la région de "
     "Sikasso.", "Koutiala"),
    ("pt", "Insurgentes atacaram ontem o posto policial de Mocímboa da Praia, em Cabo Delgado.",
     "Mocímboa da Praia"),
])
def test_a_police_post_of_a_town_is_an_armed_target_in_that_town(language, text, name):
    """"the police station of X, in <region>": the place is X (not a namesake town of the
    region) and the post attacked is an armed target, a clash."""
    found = extract_article(text, title="", published="2026-05-19", language=language)
    assert [(i.event_type, i.location) for i in found.incidents] == [("Battles", name)]
