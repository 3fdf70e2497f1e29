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
            "death, hacked to death, stoned to death, burnt to death, clubbed to death, murdered, "
            "massacred, executed, they lost their lives, he "
            "lost his life, perished, a fatality, fatalities, deaths, a death, bodies, lynched, "
            "beheaded, neutralised, neutralized, killed and; injured, wounded, hurt, injuries, "
            "an injury, casualties, hospitalised, hospitalized. KILLED, Wounded, self-killed.")
    for sample in (text, text + " \u0130stanbul", text.replace("s", "\u017f")):
        want = [m.span() for m in verb.finditer(sample)]
        got = [m.span() for m in c._matches_at_starts(verb, sample, c._VERB_STARTS[id(verb)])]
        assert got == want and want


@pytest.mark.parametrize("sentence,killed", [
    ("Police said a 45-year-old trader was beaten to death by a mob.", 1),
    ("Two herders accused of theft were stoned to death on Friday.", 2),
    ("A young mother was burnt to death in her hut.", 1),
    ("Villagers clubbed the suspected thief to death.", 1),
    ("The crowd hacked to death three men at the checkpoint.", 3),
    ("Police beat to death 17-year-old Kennedy after the protest.", 1),   # an age, one man
    ("Two men were sentenced to death for the murder.", None),      # a sentence, not a killing
])
def test_killed_by_a_manner_of_death(sentence, killed):
    assert find(sentence).killed == killed


@pytest.mark.parametrize("sentence", [
    "About 30 assailants were 'neutralised' during the operation, the army said.",
    "About 30 assailants were \u201cneutralised\u201d, the army said.",
])
def test_a_verb_in_quotes_still_counts(sentence):
    assert find(sentence).killed == 30


_ATTACK = "Gunmen attacked the village of Dalwa near Maiduguri, Nigeria, on Tuesday night. "
_BASE = "Militants attacked an army base in Mandera, Kenya, on Monday. "


@pytest.mark.parametrize("text,fatalities", [
    # a toll update's newer figure wins over an early estimate told after it
    (_ATTACK + "The death toll from the attack has risen to 14, officials said on Thursday. "
     "Initial reports put the number of dead at five.", 14),
    # an early estimate told first gives way to a later, different count
    (_ATTACK + "Police initially said seven villagers were killed. Officials later said four "
     "villagers were killed in the attack.", 4),
    # ... but more dead told after it add to it
    (_ATTACK + "Police initially said two villagers were killed. Three more died in hospital "
     "on Wednesday.", 5),
    # a party's claim does not replace the officials' toll, told before or after it
    (_BASE + "The army said 12 soldiers were killed in the attack. Al-Shabaab claimed it killed "
     "40 soldiers, a figure that could not be verified.", 12),
    (_BASE + "Al-Shabaab claimed it killed 40 soldiers. The army said 12 soldiers were killed in "
     "the attack.", 12),
])
def test_the_credible_latest_toll_is_the_incidents(text, fatalities):
    from extract.incidents import extract_incidents
    incidents = extract_incidents(text, published="2024-04-22")
    assert [i.fatalities for i in incidents] == [fatalities]


def test_early_estimates_and_claims_are_marked():
    assert find("Initial reports put the number of dead at five.").early
    assert not find("Initial reports said five, but the toll has since risen to 14.").early
    assert find("The group claimed to have killed 40 soldiers.").claim
    assert not find("The blast claimed the lives of 12 soldiers.").claim
    assert not find("IS claimed responsibility for the attack, which killed 12 soldiers.").claim


@pytest.mark.parametrize("text", ["He tried to kill eight other children.",
                                  "The gunman attempted to kill two guards before he fled.",
                                  "He was charged with treason, a charge that carries the "
                                  "death penalty."])
def test_those_someone_tried_to_kill_are_not_dead(text):
    assert find(text).killed is None
