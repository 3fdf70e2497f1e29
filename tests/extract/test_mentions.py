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
