"""Actors: dictionary aliases, national forces, generic parties qualified by the country."""

from extract.actors import find


def test_aliases_map_to_one_canonical_name():
    got = find("Daesh fighters and Ansar Allah rebels", country_code="IQ", event_type="Battles")
    assert "Islamic State" in got and "Houthis" in got


def test_longest_alias_wins():
    got = find("the U.S.-led coalition struck", country_code="IQ", event_type=None)
    assert got == ["U.S.-led coalition"]
    assert find("a Kataib Hezbollah statement", country_code="IQ",
                event_type=None) == ["Kataib Hezbollah"]


def test_nationality_forces():
    got = find("Iraqi forces and Turkish troops", country_code="IQ", event_type="Battles")
    assert "Military Forces of Iraq" in got and "Military Forces of Turkey" in got


def test_generic_parties_take_the_country():
    got = find("Unidentified gunmen killed a civilian", country_code="KE",
               event_type="Violence against civilians")
    assert "Unidentified Armed Group (Kenya)" in got and "Civilians (Kenya)" in got


def test_protest_implies_protesters():
    assert "Protesters (Benin)" in find("Teachers staged a sit-in", country_code="BJ",
                                        event_type="Protests")
