"""One reading of an article's text, shared by the relevance gate and the extractor.

Relevance reads the sentences of the lead and their event cues; extraction then reads every
sentence again. The folded text, the sentences and each sentence's live event cues are worked
out once here, and extract/article.py hands the same reading from the one to the other.
"""

from __future__ import annotations

from extract import events, sentences
from extract.gazetteer import fold_text
from extract.sentences import Sentence

LiveCues = tuple[events.Cues, events.NotEvent | None]


class Reading:
    """A text, folded (the same length, so offsets carry over), its sentences, and the live
    event cues of each sentence asked about so far, in the text's language (None: English)."""

    def __init__(self, text: str, language: str | None = None) -> None:
        self.text = text
        self.language = language
        self.folded = fold_text(text)
        self.paragraphs = sentences.paragraphs(text)     # (start, end) of each
        self._split: dict[int, list[Sentence]] = {}
        self._sentences: list[Sentence] | None = None
        self._live: dict[tuple[str, str], LiveCues] = {}

    @classmethod
    def of(cls, text: str, reading: Reading | None, language: str | None = None) -> Reading:
        """`reading` when it is a reading of this text (in this language), else a new one."""
        if reading is not None and reading.text == text and reading.language == language:
            return reading
        return cls(text, language)

    @property
    def sentences(self) -> list[Sentence]:
        """sentences.split(text), each paragraph split once (do not modify)."""
        if self._sentences is None:
            out: list[Sentence] = []
            for i in range(len(self.paragraphs)):
                out += self.sentences_of(i)
            self._sentences = out
        return self._sentences

    def sentences_of(self, paragraph: int) -> list[Sentence]:
        """The sentences of one paragraph (by its number), split once (do not modify): a
        reader of a few paragraphs need not split them all."""
        found = self._split.get(paragraph)
        if found is None:
            start, end = self.paragraphs[paragraph]
            found = sentences.split_paragraph(self.text, start, end, paragraph)
            self._split[paragraph] = found
        return found

    def live_cues(self, sentence: str, folded: str) -> LiveCues:
        """events.live_cues over the cues of a sentence of the text (`folded`: its folded
        form), and why the rest are not events; each sentence is read once."""
        key = (sentence, folded)
        found = self._live.get(key)
        if found is None:
            found = events.live_cues(sentence, events.sentence_cues(sentence, folded,
                                                                    self.language),
                                     self.language)
            self._live[key] = found
        return found
