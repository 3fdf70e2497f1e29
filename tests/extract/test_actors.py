"""Actors: dictionary aliases, national forces, generic parties qualified by the country."""

from extract.actors import find


def test_aliases_map_to_one_canonical_name():
    got = find("Daesh fighters and Ansar Allah rebels", country_code="IQ", event_type="Battles")
    assert "Islamic State" in got
    assert "Houthis (Military Forces of Yemen, Supreme Political Council)" in got


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


def test_clans_and_gangs():
    got = find("armed militias from the Hawadle and Jarer Weyne clans battled", country_code="SO",
               event_type="Battles")
    assert "Hawadle Clan Militia" in got and "Jarer Weyne Clan Militia" in got
    assert "Unidentified Gang (Brazil)" in find("a shoot-out between rival gangs",
                                                country_code="BR", event_type="Battles")


def test_without_a_country_generic_parties_keep_their_bare_name():
    assert find("High school students riot", country_code=None,
                event_type="Riots") == ["Rioters"]
