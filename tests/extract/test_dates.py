"""Dates: explicit formats, weekdays and relative words resolved against publication."""

from datetime import date

import pytest

from extract import dates
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


_EVERY_KIND = [
    "On 2024-04-21 the week of 3 March 2024 and the week beginning March 4, 2024 were quiet.",
    "Fighting on 21st of April, 2024 and on April 21 2024 and since mid-April; during 2019.",
    "Attacks on 21/04/2024, 4.21 and 3.5 km away; in 2023 by early 2021 until 2020.",
    "Clashes on 21.04.2024 left two dead.",
    "Late on Sunday night, two days ago, in the past few weeks, yesterday and last week.",
    "On \u0663 May protesters marched.",       # a digit of another script
    "The WEEK OF 2 MAY and 5 \u041cay; d\u0131d May 5 in 20\u0661\u0669.",
    "Prices rose in the market on Monday; markets fell 12 per cent.",
]


@pytest.mark.parametrize("sentence", _EVERY_KIND)
def test_the_cheap_checks_rule_out_no_date_a_rule_finds(sentence, monkeypatch):
    published = date(2024, 4, 22)
    found = find(sentence, published)
    every_rule = {kind for _pat, kind in dates._RULES}
    monkeypatch.setattr(dates, "_rules_worth_trying", lambda _s: set(every_rule))
    assert find(sentence, published) == found
