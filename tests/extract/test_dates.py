"""Dates: explicit formats, weekdays and relative words resolved against publication."""

from datetime import date

import pytest

from extract.dates import DAY, MONTH, WEEK, find, to_date

PUB = date(2024, 4, 22)   # a Monday


@pytest.mark.parametrize("text,expected,precision", [
    ("On 6 May 2020, protesters marched.", date(2020, 5, 6), DAY),
    ("On May 6, 2020 gunmen attacked.", date(2020, 5, 6), DAY),
    ("On November 15th, unknown gunmen killed a civilian.", date(2023, 11, 15), DAY),
    ("15/02, PM Wajir: an attack.", date(2024, 2, 15), DAY),
    ("Reported on 2024-04-01.", date(2024, 4, 1), DAY),
    ("Week of 16 July. Students protest.", date(2023, 7, 19), WEEK),
    ("Clashes continued in early March.", date(2024, 3, 1), MONTH),
])
def test_explicit_dates(text, expected, precision):
    d = find(text, PUB)[0]
    assert (d.value, d.precision) == (expected, precision)


@pytest.mark.parametrize("text,expected", [
    ("Rockets were fired on Sunday.", date(2024, 4, 21)),
    ("An explosion early Saturday killed one.", date(2024, 4, 20)),
    ("Youth on Monday pelted a convoy.", date(2024, 4, 22)),
    ("Gunmen attacked a village yesterday.", date(2024, 4, 21)),
    ("Shelling went on last night.", date(2024, 4, 21)),
    ("Airstrikes hit the port overnight.", date(2024, 4, 22)),
])
def test_relative_dates_resolve_against_publication(text, expected):
    d = find(text, PUB)[0]
    assert d.value == expected and d.precision == DAY


def test_without_publication_date_relative_words_resolve_to_nothing():
    assert find("Rockets were fired on Sunday.", None) == []
    assert find("On 6 May 2020, a rally.", None)[0].value == date(2020, 5, 6)


def test_since_marks_a_background_reference():
    d = find("the first attack since early February", PUB)[0]
    assert d.since


def test_words_that_look_like_dates_are_not_dates():
    assert find("They may march again; it was 3.5 km away.", PUB) == []


def test_to_date_reads_iso_text_and_refuses_junk():
    assert to_date("2024-04-22T09:30:00Z") == PUB
    assert to_date("2024-04-22") == PUB
    assert to_date("yesterday") is None
    assert to_date(None) is None


def test_days_and_weeks_ago():
    assert find("Gunmen attacked the village two days ago.", PUB)[0].value == date(2024, 4, 20)
    d = find("The blast happened three weeks ago.", PUB)[0]
    assert (d.value, d.precision) == (date(2024, 4, 1), WEEK)
