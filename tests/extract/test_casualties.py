"""Casualty counts: digits, words, vague amounts, explicit zeros, silence."""

import pytest

from extract import casualties as c
from extract.casualties import find, number, outcome_without_deaths


@pytest.mark.parametrize("text,killed,injured", [
    ("Gunmen opened fire, killing two and wounding 12.", 2, 12),
    ("At least 5 people were killed in the blast.", 5, None),
    ("More than twenty-three soldiers died.", 23, None),
    ("Dozens of protesters were injured.", None, 12),
    ("The death toll rose to 34 on Tuesday.", 34, None),
    # a toll's wording read across a long place phrase and its commas
    ("The death toll from Tuesday night's attack on Dalwa, a farming community in Konduga "
     "Local Government Area, has risen to 14, officials said.", 14, None),
    ("The clash resulted in 2 rebel and 1 military fatality.", 3, None),
    ("Unidentified gunmen shot dead a police officer.", 1, None),
    ("A woman was shot dead in the market.", 1, None),
    ("A man's body was found near the river.", 1, None),
    ("No casualties were reported.", 0, 0),
    ("The rockets resulted in no injuries to U.S. personnel.", 0, 0),
    ("Neither fatalities nor injuries reported.", 0, 0),
    ("No one was injured.", 0, 0),
    ("Protesters marched through the city.", None, None),
])
def test_counts(text, killed, injured):
    c = find(text)
    assert (c.killed, c.injured) == (killed, injured)


def test_the_perpetrators_count_is_not_a_victim_count():
    assert find("Two gunmen killed a farmer in the village.").killed == 1


def test_ages_are_not_counts():
    assert find("Militia attacked the village, killing a 70-year old man.").killed == 1


def test_unknown_stays_unknown():
    assert find("No information on casualties was reported.").killed is None
    assert not outcome_without_deaths("They attacked the post; casualties unknown, houses burned.")
    assert outcome_without_deaths("Gunmen abducted the village head.")


@pytest.mark.parametrize("word,n", [("12", 12), ("1,200", 1200), ("seven", 7), ("dozens", 12),
                                    ("twenty-one", 21), ("several", 3), ("banana", None)])
def test_number_words(word, n):
    assert number(word) == n


def test_no_immediate_reports_of_casualties_is_zero():
    c = find("There were no immediate reports of casualties.")
    assert (c.killed, c.injured) == (0, 0)


@pytest.mark.parametrize("sentence,killed", [
    ("Between five and seven soldiers were killed in the ambush.", 5),
    ("Conflicting reports stated that zero, one or two persons were killed.", 0),
    ("Two or three people were killed, residents said.", 2),
    ("Nine soldiers and five militia members were killed.", 14),   # two groups: a sum
])
def test_a_range_or_alternatives_count_their_lowest(sentence, killed):
    assert find(sentence).killed == killed


@pytest.mark.parametrize("verb", [c._KILL_VERB, c._HURT_VERB])
def test_verbs_tried_only_at_their_first_words_are_all_found(verb):
    # every alternative of the verb patterns, and odd-case letters that re.IGNORECASE folds
    text = ("Two were killed, one dead, three died, four slain, five shot dead, six shot and "
            "killed, seven shot to death, eight stabbed to death, beaten to death, burned to "
            "death, hacked to death, murdered, massacred, executed, they lost their lives, he "
            "lost his life, perished, a fatality, fatalities, deaths, a death, bodies, lynched, "
            "beheaded, neutralised, neutralized, killed and; injured, wounded, hurt, injuries, "
            "an injury, casualties, hospitalised, hospitalized. KILLED, Wounded, self-killed.")
    for sample in (text, text + " \u0130stanbul", text.replace("s", "\u017f")):
        want = [m.span() for m in verb.finditer(sample)]
        got = [m.span() for m in c._matches_at_starts(verb, sample, c._VERB_STARTS[verb])]
        assert got == want and want
