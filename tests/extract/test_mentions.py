"""The cheap word checks before mentions' case-blind regexes rule out no match."""

from __future__ import annotations

import pytest

from extract import mentions

_SAMPLES = [
    "In retaliation, jets struck the camp.", "It came in response to the raid.",
    "In a separate attack, two died.", "Separately, police arrested five.",
    "Another attack hit Gao.", "Meanwhile, protesters marched.", "Elsewhere, a bomb exploded.",
    "It follows a raid on Monday.", "Following an ambush, troops withdrew.",
    "Earlier, gunmen fired.", "Later, the toll rose.", "Gunmen RETALIATED at dawn.",
    "So far this year 300 were killed.", "Since then 40 died.",
    "Since the start of the war, 900 died.", "Since fighting broke out, 80 died.",
    "Killed this year: 12.", "S\u0131nce then, 40 d\u0131ed; ano\u017fher attack.",
    "Nothing of the kind happened here.",
]


@pytest.mark.parametrize("text", _SAMPLES)
def test_word_checks_rule_out_no_match(text):
    assert mentions._tally(text) == (mentions._TALLY.search(text) is not None)
    assert mentions._SEPARATE_WORDS.may_match(text) or not mentions._SEPARATE.search(text)


def test_counts_are_read_only_for_sentences_grouping_may_join(monkeypatch):
    """A sentence's counts are read on first use: a count told before any incident (and not a
    running total) is never read, and the incident's own counts are as before."""
    from datetime import date

    from extract import casualties

    read: list[str] = []
    find = casualties.find

    def counting(sentence, language=None):
        read.append(sentence)
        return find(sentence, language)

    monkeypatch.setattr(casualties, "find", counting)
    text = ("The district has 40,000 residents and 12 schools. Gunmen attacked the village of "
            "Kuta on Monday, killing five people.")
    sents = mentions.analyse(text, date(2024, 4, 22))
    assert read == []
    drafts = mentions.group(sents)
    assert len(drafts) == 1 and drafts[0].sents[0].cas.killed == 5
    assert [s.startswith("Gunmen") for s in read] == [True]
