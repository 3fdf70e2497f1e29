"""The one extraction entry point: text cap, language from the text, relevance, skip reasons."""

from __future__ import annotations

import pytest

from extract import article, language, relevance
from extract.article import capped, extract_article, extract_record

RAID = ("Gunmen killed seven villagers and burned houses in an attack on Kutemba village in "
        "Borno state on Tuesday, police and local officials said. Boko Haram fighters arrived "
        "on motorcycles at dawn and opened fire on residents, the police spokesman said.")
FRENCH = ("Des hommes armés ont tué sept villageois et incendié des maisons lors d'une attaque "
          "contre le village de Kutemba, dans l'État de Borno, mardi, selon la police et des "
          "responsables locaux. Les assaillants sont arrivés à moto à l'aube.")
GERMAN = ("Bewaffnete haben am Dienstag sieben Dorfbewohner getötet und Häuser in Brand gesetzt, "
          "teilte die Polizei mit. Die Angreifer kamen im Morgengrauen auf Motorrädern.")


def test_language_comes_from_the_text_not_the_metadata():
    assert language.detect(FRENCH, declared="en").code == "fr"
    assert language.detect(GERMAN, declared="en").source == "text"
    assert language.detect(RAID, declared="de").code == "en"


def test_declared_language_decides_only_when_the_text_is_too_short():
    assert language.detect("Oui.", declared="fr-FR") == language.Language("fr", "metadata")
    assert language.detect("Oui.", declared=None).code is None
    assert language.primary_subtag("en_GB") == "en" and language.primary_subtag("x!") is None


def test_a_language_without_data_gets_no_incidents_and_says_why():
    result = extract_article(GERMAN, title="Angriff", published="2024-05-07", language="en")
    assert result.incidents == [] and result.skipped == "language_de"


def test_a_language_with_data_is_extracted_in_english_taxonomy():
    result = extract_article(FRENCH, title="Attaque", published="2024-05-08", language="en")
    assert result.skipped is None and result.language == "fr"
    assert result.incidents and result.incidents[0].country_code == "NG"
    assert result.incidents[0].event_type == "Violence against civilians"
    assert result.incidents[0].fatalities == 7


def test_an_english_incident_report_is_relevant_and_extracted():
    result = extract_article(RAID, title="Gunmen kill seven in Borno village attack",
                             published="2024-05-08", url="https://news.example/world/africa/x")
    assert result.skipped is None and result.language == "en"
    assert result.incident_relevance >= relevance.THRESHOLD
    assert result.incidents and result.incidents[0].country_code == "NG"


SPORT = ("The Wild beat the Sabres 4-1 on Tuesday night as Zach Parise scored twice and the "
         "goalkeeper made 30 saves. The coach praised his players after the match, the team's "
         "third straight win of the season. Parise's shot in the second period was a dagger, "
         "and the fans at the stadium stood to cheer the win over Buffalo.")
CYBER = ("Browser makers warned users on Monday that an attack is detected when a malicious "
         "site tries to exploit a vulnerability in the software. Hackers have used the flaw to "
         "steal passwords, and the company urged users to install the update on every device.")
MEDICAL = ("Doctors say a stroke or a heart attack can strike without warning, and patients "
           "with high blood pressure face the highest risk. Symptoms include numbness, the "
           "medical study found; treatment within an hour saves lives, the physicians said.")
LABOUR = ("Shares in the airline fell 4 percent on Tuesday after pilots voted to strike over "
          "pay. Investors worry the strike threat will hit earnings in the busy season, "
          "analysts said, and the stock has lost a fifth of its value this year.")
MARKETS = ("Bears attacked tech stocks on Wall Street on Monday and the Nasdaq was shot down "
           "2 percent as investors fled, traders said. Shares of chip makers were beaten up "
           "after earnings missed forecasts, and analysts expect more selling this quarter.")


@pytest.mark.parametrize("text", [SPORT, CYBER, MEDICAL, LABOUR, MARKETS],
                         ids=["sport", "cyber", "medical", "labour", "markets"])
def test_conflict_words_in_other_senses_are_not_relevant(text):
    score = relevance.score(text, title=text.split(".")[0])
    assert score < relevance.THRESHOLD
    result = extract_article(text, title=text.split(".")[0], published="2024-05-07")
    assert result.skipped == "not_relevant" and result.incidents == []


def test_the_url_section_lowers_relevance():
    title = "Rebels attack army post, officials say"
    text = ("Rebels attacked an army post on Tuesday, officials said. The fighting lasted "
            "hours, and the final score was settled by a late goal in the match.")
    news = relevance.score(text, title=title, url="https://news.example/world/africa/rebels")
    sport = relevance.score(text, title=title, url="https://news.example/sport/football/rebels")
    cat = relevance.score(text, title=title, categories=["Sports"])
    assert sport < news and cat < news


def test_an_incident_told_in_passing_keeps_a_business_story_relevant():
    text = ("Oil prices rose 2 percent on Tuesday as traders weighed supply worries and "
            "investors awaited earnings from the largest producers this quarter. Analysts "
            "expect the market to stay tight.\n\n" * 3
            + "Militants bombed an oil pipeline near Bayelsa on Monday, killing two guards, "
            "the army said.")
    url = "https://news.example/business/markets/oil"
    assert relevance.score(text, title="Oil rises on supply worries", url=url) >= \
        relevance.THRESHOLD
    assert relevance.score(text.rsplit("\n\n", 1)[0], title="Oil rises on supply worries",
                           url=url) < relevance.THRESHOLD


def test_a_short_event_note_is_all_lead():
    note = "On 3 May 2020, unidentified gunmen shot dead a civilian in Kamba village."
    assert relevance.score(note) >= relevance.THRESHOLD


WITH_HISTORY = (RAID + "\n\nIn March 2019, gunmen killed 30 people in a raid on the nearby "
                "town of Gubio.")


def test_dropped_candidates_come_back_by_reason():
    result = extract_article(WITH_HISTORY, title="Gunmen kill seven in Borno",
                             published="2024-05-08")
    assert len(result.incidents) == 1 and result.dropped == {"background": 1}
    assert result.to_dict()["dropped"] == {"background": 1}
    kept = extract_article(RAID, title="Gunmen kill seven in Borno", published="2024-05-08")
    assert kept.dropped == {} and "dropped" not in kept.to_dict()


def test_no_text_is_a_reason():
    assert extract_article("   ", title="x").skipped == "no_text"
    assert extract_article(None).skipped == "no_text"


def test_long_text_is_cut_on_a_paragraph_boundary_and_reported():
    para = "Officials met to discuss the budget on Tuesday and agreed to meet again. " * 20
    text = "\n\n".join([para] * 100)
    assert len(text) > article.MAX_TEXT_CHARS
    cut = capped(text)
    assert len(cut) <= article.MAX_TEXT_CHARS and text.startswith(cut) and cut.endswith(".")
    assert text[len(cut):].lstrip(" ").startswith("\n\n")
    result = extract_article(text, title="Budget talks")
    assert result.text_truncated and result.chars_cut == len(text) - len(cut)
    assert extract_article(para, title="Budget talks").text_truncated is False


def test_records_from_newswatch_clean_keep_their_date_and_rejections():
    row = {"id": "a1", "title": "Gunmen kill seven in Borno village attack", "text": RAID,
           "date": "2024-05-08", "url": "https://news.example/a1"}
    result = extract_record(row)
    assert result.incidents and result.incidents[0].date == "2024-05-07"   # Tuesday before
    assert extract_record({"id": "b", "rejected": "too_short"}).skipped == "rejected_too_short"
    out = extract_record({"id": "c", "text": GERMAN}).to_dict()
    assert out["skipped"] == "language_de" and out["incidents"] == []


def test_an_unsure_guess_is_no_language():
    # a run of local names: the model's best guess ("kik", p~0.2) is no answer, so the
    # declared language decides, else none (and the article is tried as English)
    names = ("Mwangi Kamau Otieno Wanjiru Njoroge Achieng Kiprop Chebet Mutua Wambui Ochieng "
             "Nyambura.")
    assert language.detect(names) == language.Language(None, "unknown")
    assert language.detect(names, declared="en").code == "en"
    assert extract_article(names, title="Names").skipped != "language_kik"


FILLER = ("Officials met on Wednesday to discuss the city budget and the new bus lanes, and "
          "the council will vote on the plan next month after a public consultation. ") * 4


@pytest.mark.parametrize("told", [
    "A woman was killed when a Russian drone hit her apartment building on Tuesday.",
    "Traders clashed with police over the demolition of their stalls on Tuesday.",
    "The police had killed three of the attackers, the inspector general said.",
    "A bomb exploded near an election rally on Tuesday, killing four people.",
    "Two civilians were killed when an airstrike hit a market on Tuesday.",
])
def test_who_acts_makes_an_event_told_in_passing_political(told):
    assert relevance.score(FILLER + told, title="Council budget") >= relevance.THRESHOLD


@pytest.mark.parametrize("told", [
    "A woman was killed when a delivery drone hit her apartment building on Tuesday.",
    "The American maker's sales were hit after two crashes of its jets, analysts said.",
    "A man was stabbed to death on a train on Tuesday, police said.",
    "Attackers stole thousands of passwords from the bank's servers on Tuesday.",
    "The new season adds a call-in airstrike perk and a bombing run for squads.",
    "The case feels bomb-proof and survived a drop from the roof on Tuesday.",
])
def test_the_same_words_without_a_political_actor_are_not(told):
    assert relevance.score(FILLER + told, title="Council budget") < relevance.THRESHOLD


def test_a_link_to_another_story_is_not_an_event_told_in_passing():
    teaser = "[Related: Protesters block the keynote as police arrest 20 in Gaza City]"
    assert relevance.score(FILLER + teaser, title="Council budget") < relevance.THRESHOLD
    told = "Protesters blocked the keynote on Tuesday as police arrested 20 in Gaza City."
    assert relevance.score(FILLER + told, title="Council budget") >= relevance.THRESHOLD
