"""Sentence splitting: offsets, abbreviations, paragraphs."""

from extract.sentences import split


def test_offsets_point_into_the_text():
    text = "Gunmen attacked a bus. Two died.\n\nPolice arrived later."
    ss = split(text)
    assert [s.text for s in ss] == ["Gunmen attacked a bus.", "Two died.", "Police arrived later."]
    for s in ss:
        assert text[s.start:s.end] == s.text
    assert [s.paragraph for s in ss] == [0, 0, 1]


def test_abbreviations_do_not_end_a_sentence():
    ss = split("A U.S. official said Gen. Smith left. He was safe.")
    assert [s.text for s in ss] == ["A U.S. official said Gen. Smith left.", "He was safe."]


def test_empty_text_has_no_sentences():
    assert split("") == []
    assert split("   \n ") == []
