"""Near-duplicate articles (extract/fingerprint.py): a syndicated copy is found, another
report of the same event is not, and the band lookup misses no close pair."""

from __future__ import annotations

import random

from extract.fingerprint import (
    MAX_DISTANCE,
    CopyFinder,
    bands_of,
    distance,
    fingerprint,
    is_copy,
)

WIRE = (
    "Suspected jihadist fighters attacked a farming village near the northeastern Nigerian "
    "city of Maiduguri late on Tuesday, killing at least five people and setting fire to "
    "homes and grain stores, a member of a local vigilante group and a resident said. The "
    "attackers arrived on motorcycles shortly after dusk and opened fire as residents of "
    "Dalwa were returning from evening prayers, said a member of the Civilian Joint Task "
    "Force, a militia that fights alongside the military. A resident who fled to Maiduguri "
    "said several houses and a grain store were burnt before soldiers arrived from a nearby "
    "base. There was no immediate comment from the Nigerian army or the Borno State police "
    "command. No group claimed responsibility, but both Boko Haram and its rival operate in "
    "the area."
)
COPY = "MAIDUGURI, Nigeria (MPA) - " + WIRE.replace("late on Tuesday", "on Tuesday night")
OTHER_REPORT = (
    "Nine people were killed on Tuesday night when insurgents suspected to be members of the "
    "Boko Haram faction known as JAS stormed Dalwa, a farming community in Konduga Local "
    "Government Area of Borno State. Residents said the attackers, who numbered more than 30, "
    "arrived on motorcycles at about 8pm and began shooting sporadically, forcing villagers to "
    "flee into nearby farmland. Among those killed were two brothers and an elderly man who "
    "could not run, a community leader said. Troops were deployed to the community on "
    "Wednesday morning and at least six injured persons were taken to hospital in Maiduguri."
)


def test_a_syndicated_copy_is_found_and_points_at_the_first_article():
    finder = CopyFinder()
    assert finder.original_of("wire", WIRE)[1] is None
    assert finder.original_of("local", OTHER_REPORT)[1] is None
    fp, original = finder.original_of("client", COPY)
    assert original == "wire" and fp is not None
    # a copy of the copy points at the first article of the text
    assert finder.original_of("client2", COPY + " Reporting by MPA.")[1] == "wire"


def test_another_report_of_the_same_event_is_no_copy():
    a, b = fingerprint(WIRE), fingerprint(OTHER_REPORT)
    assert a is not None and b is not None
    assert not is_copy(WIRE, a.simhash, OTHER_REPORT, b.simhash)


def test_a_text_too_short_gets_no_fingerprint():
    assert fingerprint("Two killed in Kharkiv.") is None
    assert CopyFinder().original_of("x", "Two killed.") == (None, None)


def test_hashes_within_the_distance_share_a_band():
    rng = random.Random(7)
    for _ in range(500):
        value = rng.getrandbits(64)
        flipped = value
        for bit in rng.sample(range(64), rng.randint(0, MAX_DISTANCE)):
            flipped ^= 1 << bit
        assert distance(value, flipped) <= MAX_DISTANCE
        assert set(bands_of(value)) & set(bands_of(flipped))
