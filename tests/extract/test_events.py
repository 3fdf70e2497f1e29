"""Event cues, what is not an event (threats, denials, future, background), ACLED types."""

import pytest

from extract.events import NotEvent, classify, live_cues, sentence_cues


def kind(text: str, harmed: bool = False):
    cues, _why = live_cues(text, sentence_cues(text))
    return classify(cues.tags, text, harmed=harmed)


@pytest.mark.parametrize("text,expected", [
    ("Teachers staged a sit-in in front of the ministry.", ("Protests", "Peaceful protest")),
    ("Residents protested; police dispersed them with tear gas.",
     ("Protests", "Protest with intervention")),
    ("Demonstrators burned tyres and pelted police with stones.",
     ("Riots", "Violent demonstration")),
    ("A mob lynched a suspected thief.", ("Riots", "Mob violence")),
    ("Two groups of students clashed over music.", ("Riots", "Mob violence")),
    ("Militants clashed with the army near the town.", ("Battles", "Armed clash")),
    ("Gunmen attacked a police checkpoint.", ("Battles", "Armed clash")),
    ("Gunmen shot dead a farmer in his field.", ("Violence against civilians", "Attack")),
    ("Gunmen abducted five villagers.",
     ("Violence against civilians", "Abduction/forced disappearance")),
    ("An airstrike hit a house.", ("Explosions/Remote violence", "Air/drone strike")),
    ("Rebels fired mortar shells at the camp.",
     ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ("A roadside bomb hit a convoy.",
     ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
    ("A suicide bomber blew himself up at a market.",
     ("Explosions/Remote violence", "Suicide bomb")),
    ("A hand grenade was thrown at a shop.", ("Explosions/Remote violence", "Grenade")),
    ("Soldiers defused an IED on the road.", ("Strategic developments", "Disrupted weapons use")),
    ("Armed men looted shops and set houses on fire.",
     ("Strategic developments", "Looting/property destruction")),
    ("Troops recaptured the town from the rebels.",
     ("Battles", "Government regains territory")),
    ("Rebels seized control of the town after the army withdrew.",
     ("Battles", "Non-state actor overtakes territory")),
    ("Militants established a base near the village.",
     ("Strategic developments", "Headquarters or base established")),
    ("Houthi reinforcements arrived at the front.",
     ("Strategic developments", "Change to group/activity")),
    ("Police arrested the former minister.", ("Strategic developments", "Arrests")),
    ("The two sides signed a peace agreement.", ("Strategic developments", "Agreement")),
    ("A woman was raped by armed men.", ("Violence against civilians", "Sexual violence")),
    ("Government forces used chlorine gas on the town.",
     ("Explosions/Remote violence", "Chemical weapon")),
    ("Police shot dead two protesters with live ammunition during a rally.",
     ("Protests", "Excessive force against protesters")),
])
def test_acled_types(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text,reason", [
    ("The group threatened to attack any convoy.", NotEvent.THREAT),
    ("The army denied reports that it had shelled the village.", NotEvent.DENIAL),
    ("Opposition leaders will protest next week.", NotEvent.FUTURE),
    ("This is the first such attack since early February.", NotEvent.BACKGROUND),
    ("Survivors gathered to commemorate those killed in 1994.", NotEvent.COMMEMORATION),
    ("The attack came less than a day after a missile struck the city.", NotEvent.TIMING),
    ("Three more of the wounded died in hospital overnight.", NotEvent.AFTERMATH),
    ("A court convicted ten men of murder.", NotEvent.CHARGE),
    ("Relatives still grieve for those killed in the 2014 attack.", NotEvent.BACKGROUND),
    ("Saltivka was badly damaged by shelling in the first months of the invasion.",
     NotEvent.PERIOD),
    ("The Guards said they had test-fired a new ballistic missile.", NotEvent.EXERCISE),
    ("The militia vowed on Wednesday to avenge the killing of its commander in a drone strike.",
     NotEvent.THREAT),
    ("Villagers were told to leave within three days or face attack.", NotEvent.THREAT),
    ("One of the injured, a sergeant, was referred to the hospital in Bannu.",
     NotEvent.AFTERMATH),
    ("Islamic State claimed responsibility for the attack in a statement.", NotEvent.REFERENCE),
    ("The president condemned the bombing.", NotEvent.REFERENCE),
    ("Authorities imposed a curfew after the clashes.", NotEvent.REFERENCE),
    ("The bodies of the victims were handed over to their families.", NotEvent.AFTERMATH),
    ("The attack was the latest in a string of assaults on the police.", NotEvent.BACKGROUND),
    ("Armed groups operate in the area, attacking villages.", NotEvent.BACKGROUND),
    ("The region has seen frequent clashes between herders and farmers.", NotEvent.BACKGROUND),
    ("The Houthis have attacked more than 100 ships since November 2023.", NotEvent.BACKGROUND),
    ("Israel has struck the port several times in response to missile attacks.",
     NotEvent.BACKGROUND),
    ("Residents accused soldiers of killing five civilians.", NotEvent.ACCUSATION),
])
def test_mentions_that_are_not_incidents(text, reason):
    cues, why = live_cues(text, sentence_cues(text))
    assert cues.tags == frozenset() and why is reason


@pytest.mark.parametrize("text,kept,gone", [
    # the clause that dates the incident by another governs only its own cues
    ("Militants attacked an army post on Monday, a day after U.S. forces carried out an air "
     "strike.", "attack", "air"),
    ("Two days after the bombing, police arrested three suspects.", "arrests", "ied"),
    ("A man who was shot by gunmen died in hospital.", "attack", "harm"),
])
def test_a_clause_governs_only_its_own_cues(text, kept, gone):
    cues, _ = live_cues(text, sentence_cues(text))
    assert kept in cues.tags and gone not in cues.tags


@pytest.mark.parametrize("text,expected", [
    ("Insurgents attacked a village, killing six, a member of a vigilante group said.",
     ("Violence against civilians", "Attack")),
    ("The suspect was killed by vigilantes after his release.", ("Riots", "Mob violence")),
])
def test_vigilantes_who_tell_and_vigilantes_who_kill(text, expected):
    assert kind(text, harmed=True) == expected


@pytest.mark.parametrize("text,expected", [
    # what the victim was accused of describes him; the lynching is what happened
    ("A man accused of blasphemy was lynched by a crowd.", ("Riots", "Mob violence")),
    ("A suspected witch was stoned to death by villagers.", ("Riots", "Mob violence")),
    ("Motorcycle taxi riders attacked a driver after a crash.", ("Riots", "Mob violence")),
    ("Two men were beaten to death by a mob.", ("Riots", "Mob violence")),
])
def test_mob_violence_as_acled_codes_it(text, expected):
    assert kind(text, harmed=True) == expected


@pytest.mark.parametrize("text,expected", [
    ("Militants attacked a police checkpost, killing two policemen.", ("Battles", "Armed clash")),
    ("Eight civilians were killed in an attack attributed to ADF rebels.",
     ("Violence against civilians", "Attack")),
    ("Traders engaged police in running battles after their stalls were demolished.",
     ("Riots", "Violent demonstration")),
    ("Gunmen suspected to be armed herders killed five people in the village.",
     ("Violence against civilians", "Attack")),
    ("Doctors marched peacefully; there were no reports of arrests or clashes.",
     ("Protests", "Peaceful protest")),
    ("Nine people were killed on Tuesday night when insurgents stormed the village.",
     ("Violence against civilians", "Attack")),
    ("A trafficker was killed after exchanging fire with military police.",
     ("Battles", "Armed clash")),
    ("A guided aerial bomb hit an apartment block, killing three people.",
     ("Explosions/Remote violence", "Air/drone strike")),
    ("Police have arrested two suspects in connection with the attack.",
     ("Strategic developments", "Arrests")),
    ("Islamic State claimed a suicide bombing that killed 12 people at a market on Friday.",
     ("Explosions/Remote violence", "Suicide bomb")),
])
def test_who_did_it_to_whom(text, expected):
    assert kind(text, harmed=True) == expected


@pytest.mark.parametrize("text", [
    "Kharkiv is regularly targeted by missiles and guided aerial bombs.",
    "The village has been attacked by insurgents several times in recent years.",
    "Communities have lived in fear since the Christmas Eve attacks of December 2023, in which "
    "gunmen killed more than 100 people.",
    "Many of the camp's residents were already displaced from elsewhere in Darfur.",
    "Sumy was also hit last week, when a missile struck a bus station.",
    "Al-Fashir is home to displaced people, many of whom fled earlier fighting.",
])
def test_what_keeps_happening_or_happened_long_ago_is_no_incident(text):
    cues, _ = live_cues(text, sentence_cues(text))
    assert cues.strength < 0.5, cues.tags


def test_negated_cue_is_dropped_but_the_rest_stays():
    text = "A blast shook the depot at dawn, though there were no warplanes in the sky."
    cues, _ = live_cues(text, sentence_cues(text))
    assert "air" not in cues.tags and "explosion" in cues.tags


def test_nothing_violent_is_no_event():
    assert kind("The central bank raised interest rates by half a point.") is None


@pytest.mark.parametrize("text,expected", [
    ("Villagers killed an elderly woman accused of sorcery.", ("Riots", "Mob violence")),
    ("Refugees from two camps clashed after a football match.", ("Riots", "Mob violence")),
    ("Rebels fired mortars and small arms at army positions.", ("Battles", "Armed clash")),
    ("Two families exchanged fire and used rocket-propelled grenades.",
     ("Battles", "Armed clash")),
    ("Anti-riot police beat two journalists.", ("Violence against civilians", "Attack")),
])
def test_who_fought_whom_and_how(text, expected):
    assert kind(text) == expected


def test_later_sentences_refine_but_do_not_replace_the_lead():
    from extract.events import classify
    lead = "Demonstrators marched through the town."
    later = "Rioters hurled rocks at the bank."
    lt = sentence_cues(lead).tags
    both = lt | sentence_cues(later).tags
    assert classify(both, f"{lead} {later}", lead=lead, lead_tags=lt) == \
        ("Riots", "Violent demonstration")
    lead2 = "Gunmen shot dead a shopkeeper."
    later2 = "They later clashed with police."
    lt2 = sentence_cues(lead2).tags
    both2 = lt2 | sentence_cues(later2).tags
    assert classify(both2, f"{lead2} {later2}", lead=lead2, lead_tags=lt2) == \
        ("Violence against civilians", "Attack")


@pytest.mark.parametrize("text,kept", [
    # a day of this week names a recent event: the mourning does not make it an old one
    ("Kharkiv mourns as the death toll from Monday's missile strike reaches eight.", "shelling"),
    ("Crowds mourned the victims of Saturday\u2019s bombing at the market.", "ied"),
])
def test_mourning_a_recent_event_keeps_its_cue(text, kept):
    cues, why = live_cues(text, sentence_cues(text))
    assert kept in cues.tags and why is None


def test_mourning_an_event_of_another_year_is_commemoration():
    text = "Residents mourned the dead of the 2014 bombing at the market."
    cues, why = live_cues(text, sentence_cues(text))
    assert cues.tags == frozenset() and why is NotEvent.COMMEMORATION


@pytest.mark.parametrize("text", [
    "Police opened an investigation into the shooting.",
    # how the attack named was done is no new attack
    "Prosecutors opened an inquiry and an investigation into the attack, which officials said "
    "was carried out with a ballistic missile fired from across the border.",
])
def test_an_investigation_into_an_event_names_it_again(text):
    cues, why = live_cues(text, sentence_cues(text))
    assert cues.tags == frozenset() and why is NotEvent.REFERENCE


def test_what_a_named_event_did_is_still_told():
    text = "The Taliban condemned the bombing, which killed 12 people in Kabul."
    cues, _ = live_cues(text, sentence_cues(text))
    assert "harm" in cues.tags


@pytest.mark.parametrize("text,live", [
    ("The coast guard rammed the supply boats on several occasions this year.", False),
    ("A journalist was shot several times by gunmen outside his home.", True),
    ("The junta is in a dispute with mining firms while fighting jihadists in the north.", False),
    ("Nobody was hurt.", False),
    ("Police said nothing was shot down.", False),
])
def test_what_was_done_again_and_again_or_not_at_all_is_no_event(text, live):
    cues, _ = live_cues(text, sentence_cues(text))
    assert (cues.strength > 0) is live
