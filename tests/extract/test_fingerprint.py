"""Near-duplicate articles (extract/fingerprint.py): a syndicated copy is found, another
report of the same event is not, and the band lookup misses no close pair."""

from __future__ import annotations

import random

from extract.fingerprint import (
    MAX_DISTANCE,
    CopyFinder,
    RunCopies,
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


def _overlapping_texts(count: int, seed: int) -> list[str]:
    """Texts cut from one long run of sentences at nearby offsets: neighbours are copies of
    each other, texts further apart are not, so which article is whose original depends on
    the order they are checked in (copying is not transitive)."""
    rng = random.Random(seed)
    words = [f"w{n}" for n in range(400)]
    sentences = [" ".join(rng.choice(words) for _ in range(10)) + "." for _ in range(count + 12)]
    return [" ".join(sentences[k:k + 12]) for k in range(count)]


def test_a_runs_copies_come_out_the_same_in_any_rounds():
    """RunCopies, fed a run's articles in rounds of any order, gives every article the
    original that CopyFinder gives over all of them in publication order."""
    texts = _overlapping_texts(24, seed=3)
    rng = random.Random(9)
    published = {f"a{n:02d}": f"2025-03-{10 + rng.randrange(5):02d}T{rng.randrange(24):02d}:00"
                 for n in range(len(texts))}
    text_of = dict(zip(published, texts, strict=True))
    finder = CopyFinder()
    expected = {aid: finder.original_of(aid, text_of[aid])[1]
                for aid in sorted(published, key=lambda a: (published[a], a))}
    assert sum(1 for o in expected.values() if o) >= 8  # copies, and chains of them
    for trial in range(5):
        arrival = list(published)
        random.Random(trial).shuffle(arrival)
        run = RunCopies("2025-03-01T00:00:00")
        cuts = sorted(random.Random(trial).sample(range(1, len(arrival)), 3))
        for start, end in zip([0, *cuts], [*cuts, len(arrival)], strict=True):
            for aid in arrival[start:end]:
                run.add(aid, (published[aid], aid), None, fingerprint(text_of[aid]),
                        text_of[aid])
            got = run.originals()
        assert got == expected, trial
