"""Merging despite extraction noise (extract/merge.py): spelling variants, a region-level
place in the wrong country, a riot told as an attack, a follow-up dated by its funerals, a
hospital town, a place taken from another paragraph. Each joins only when the reports share
telling words; without them the same disagreement keeps the reports apart."""

from __future__ import annotations

from extract.merge import (
    merge_batch,
    report_of,
    score,
    summarise,
    word_key,
    word_weight,
    words_of,
)

ERINGETI = (0.6167, 29.6833)
BENI = (0.4911, 29.4731)  # ~30 km south of Eringeti
LAKKI_MARWAT = (32.6072, 70.9123)
BANNU = (32.9853, 70.6040)  # ~50 km away, where the wounded are taken
KHARKIV = (49.9935, 36.2304)
ODESA = (46.4825, 30.7233)  # ~560 km from Kharkiv

MASSACRE = ("ADF rebels raided Eringeti overnight, hacking villagers with machetes near the "
            "Kainama road; civil society in Beni territory counted {toll} dead.")


def report(article: str, ordinal: int = 0, *, published: str, **incident) -> dict:
    lat, lon = incident.pop("at", (None, None))
    base = {"event_type": "Violence against civilians", "sub_event_type": "Attack",
            "date_precision": "day", "country_code": "CD", "admin1": "Nord Kivu",
            "geo_precision": 1, "lat": lat, "lon": lon, "actors": [], "fatalities": 0,
            "confidence": 0.9}
    return report_of({**base, **incident}, incident_id=f"{article}-{ordinal}",
                     article_id=article, source=article, published=published)


def massacre(article: str, published: str, toll: int, date: str = "2025-06-15",
             **extra) -> dict:
    fields = {"location": "Eringeti", "at": ERINGETI, "fatalities": toll,
              "actors": ["ADF"], "evidence": MASSACRE.format(toll=toll), **extra}
    return report(article, published=published, date=date, **fields)


def members(events: list[dict]) -> list[set[str]]:
    return sorted(({m["incident_id"] for m in e["members"]} for e in events), key=sorted)


def test_transliterations_and_misspellings_of_a_rare_name_share_one_key():
    assert word_key("kharkiv") == word_key("kharkov")
    assert word_key("eringeti") == word_key("erengeti")
    assert word_key("maiduguri") == word_key("maidugiri")
    assert word_key("police") == "police"  # a common word is compared as itself
    assert word_key("the") is None
    assert word_weight(word_key("tajori")) > 3 * word_weight("police")
    words = words_of("Shelling hit Al-Fashir's market; El Fasher residents fled.")
    assert word_key("fashir") in words and word_key("fasher") in words


def test_a_region_level_report_placed_in_another_country_joins_when_its_words_agree():
    first = massacre("a1", "2025-06-16T09:00Z", 8)
    # the geocoder read "Beni" as Bolivia's Beni department: a region in the wrong country
    misplaced = massacre("a2", "2025-06-17T11:00Z", 21, country_code="BO",
                         admin1="Beni Department", location="Beni Department",
                         at=(-14.0, -65.5), geo_precision=3)
    assert members(merge_batch([first, misplaced])) == [{"a1-0", "a2-0"}]
    # the same misplaced report telling other things stays apart
    other = {**misplaced, **report("a3", published="2025-06-17T11:00Z", date="2025-06-15",
                                   country_code="BO", admin1="Beni Department",
                                   location="Beni Department", at=(-14.0, -65.5),
                                   geo_precision=3, fatalities=21,
                                   evidence="Flooding of the Mamore river forced cattle "
                                            "ranchers near Trinidad to move their herds.")}
    assert members(merge_batch([first, other])) == [{"a1-0"}, {"a3-0"}]


def test_a_town_named_in_another_country_never_joins():
    first = massacre("b1", "2025-06-16T09:00Z", 8)
    across = massacre("b2", "2025-06-16T12:00Z", 8, country_code="UG", admin1="Bundibugyo",
                      at=(0.7085, 30.0634))
    assert score(across, summarise([first])) == 0.0


def test_a_follow_up_dated_days_later_with_a_rising_toll_joins_and_a_lower_toll_does_not():
    first = massacre("c1", "2025-06-16T09:00Z", 18)
    # burials on Wednesday: the extractor dated the report by them, the toll rose
    burials = massacre("c2", "2025-06-18T14:00Z", 23, date="2025-06-18")
    assert members(merge_batch([first, burials])) == [{"c1-0", "c2-0"}]
    fewer = massacre("c3", "2025-06-18T14:00Z", 4, date="2025-06-18")
    assert members(merge_batch([first, fewer])) == [{"c1-0"}, {"c3-0"}]
    too_late = massacre("c4", "2025-06-25T14:00Z", 23, date="2025-06-25")
    assert members(merge_batch([first, too_late])) == [{"c1-0"}, {"c4-0"}]


def test_mob_violence_told_as_an_attack_joins_only_when_the_words_agree():
    def lynching(article, published, event_type, sub_type, evidence):
        return report(article, published=published, date="2025-02-11", country_code="NG",
                      admin1="Borno", location="Maiduguri", at=(11.8469, 13.1571),
                      event_type=event_type, sub_event_type=sub_type, fatalities=2,
                      evidence=evidence)

    told = ("A mob in Maiduguri's Gwange ward beat and burned two suspected thieves at the "
            "Monday market.")
    riot = lynching("d1", "2025-02-11T12:00Z", "Riots", "Mob violence", told)
    attack = lynching("d2", "2025-02-11T15:00Z", "Violence against civilians", "Attack",
                      told.replace("A mob", "Residents"))
    assert members(merge_batch([riot, attack])) == [{"d1-0", "d2-0"}]
    other = lynching("d3", "2025-02-11T15:00Z", "Violence against civilians", "Attack",
                     "Gunmen on motorcycles shot two farmers at Dalwa, Konduga district.")
    assert members(merge_batch([riot, other])) == [{"d1-0"}, {"d3-0"}]


def test_a_town_one_report_names_as_where_the_wounded_went_does_not_move_the_event():
    def blast(article, published, place, at, precision):
        return report(article, published=published, date="2025-04-15", country_code="PK",
                      admin1="Khyber Pakhtunkhwa", location=place, at=at,
                      geo_precision=precision, event_type="Explosions/Remote violence",
                      sub_event_type="Remote explosive/landmine/IED", fatalities=2,
                      evidence=f"A roadside bomb near Tajori in Lakki Marwat killed two "
                               f"policemen; an injured officer was taken to {place}.")

    events = merge_batch([blast("e1", "2025-04-15T08:00Z", "Lakki Marwat", LAKKI_MARWAT, 2),
                          blast("e2", "2025-04-15T12:00Z", "Lakki Marwat", LAKKI_MARWAT, 2),
                          blast("e3", "2025-04-16T06:00Z", "Bannu", BANNU, 1)])
    assert members(events) == [{"e1-0", "e2-0", "e3-0"}]
    assert events[0]["location"] == "Lakki Marwat"


def test_a_place_the_reports_own_sentences_never_name_is_no_hard_limit():
    def strike(article, published, place, at, evidence):
        return report(article, published=published, date="2025-03-10", country_code="UA",
                      admin1="Kharkiv", location=place, at=at,
                      event_type="Explosions/Remote violence",
                      sub_event_type="Shelling/artillery/missile attack", fatalities=7,
                      evidence=evidence)

    told = ("The toll from Monday's Iskander strike on the Kholodnohirskyi district rose to "
            "seven after rescuers recovered another body from a collapsed stairwell.")
    kharkiv = strike("f1", "2025-03-10T15:00Z", "Kharkiv", KHARKIV,
                     "An Iskander missile hit a courtyard in Kharkiv's Kholodnohirskyi "
                     "district, and rescuers searched a collapsed stairwell.")
    # a roundup's item placed at the port named in another paragraph
    roundup = strike("f2", "2025-03-11T18:00Z", "Odesa", ODESA, told)
    assert roundup["place_named"] is False
    assert members(merge_batch([kharkiv, roundup])) == [{"f1-0", "f2-0"}]
    # a place the sentences do name, this far away, is another event whatever the words
    named = strike("f3", "2025-03-11T18:00Z", "Odesa", ODESA, told.replace(
        "Kholodnohirskyi district", "Odesa port"))
    assert named["place_named"] is True
    assert score(named, summarise([kharkiv])) == 0.0


def test_a_syndicated_copy_joins_its_originals_event_whatever_date_extraction_gave_it():
    original = massacre("g1", "2025-06-16T09:00Z", 18)
    # the same wire text, read a week off (a weekday resolved against another publication day)
    copy = {**massacre("g2", "2025-06-17T07:00Z", 18, date="2025-06-22"),
            "duplicate_of": "g1"}
    assert members(merge_batch([original, copy])) == [{"g1-0", "g2-0"}]
    (event,) = merge_batch([original, copy])
    assert event["source_count"] == 1  # a copy is no independent source
    stranger = massacre("g3", "2025-06-17T07:00Z", 18, date="2025-06-22")
    assert members(merge_batch([original, stranger])) == [{"g1-0"}, {"g3-0"}]


def test_the_next_days_attack_on_the_same_town_with_more_dead_needs_shared_words():
    def strike(article, published, date, toll, evidence, sub_type):
        return report(article, published=published, date=date, country_code="UA",
                      admin1="Kharkiv", location="Kharkiv", at=KHARKIV,
                      event_type="Explosions/Remote violence", sub_event_type=sub_type,
                      fatalities=toll, evidence=evidence)

    missile = strike("h1", "2025-03-10T15:00Z", "2025-03-10", 3,
                     "An Iskander missile hit a courtyard in the Kholodnohirskyi district of "
                     "Kharkiv, killing three.", "Shelling/artillery/missile attack")
    drones = strike("h2", "2025-03-11T06:00Z", "2025-03-11", 9,
                    "Shahed drones struck a 16-storey block and a warehouse in Saltivka, "
                    "killing nine.", "Air/drone strike")
    assert members(merge_batch([missile, drones])) == [{"h1-0"}, {"h2-0"}]
    # the same strike told the next day, its toll risen: one event
    update = strike("h3", "2025-03-11T09:00Z", "2025-03-11", 5,
                    "The toll from the Iskander missile strike on a courtyard in Kharkiv's "
                    "Kholodnohirskyi district rose to five.", "Shelling/artillery/missile attack")
    assert members(merge_batch([missile, update])) == [{"h1-0", "h3-0"}]
