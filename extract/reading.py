"""One reading of an article's text, shared by the relevance gate and the extractor.

Relevance reads the sentences of the lead and their event cues; extraction then reads every
sentence again. The folded text, the sentences, the event cues of the whole text (one pass)
and each sentence's live event cues are worked out once here, and extract/article.py hands
the same reading from the one to the other.
"""

from __future__ import annotations

import bisect

from extract import events, sentences, vocab
from extract.gazetteer import fold_text
from extract.phrases import Hit
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
        self._start_of: dict[str, int] = {}     # a sentence split so far -> its offset
        self._cues: list[Hit] | None = None
        self._cue_starts: list[int] = []

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
            for sent in found:
                self._start_of.setdefault(sent.text, sent.start)
        return found

    @property
    def cues(self) -> list[Hit]:
        """The event cues of the whole text (vocab cues.find), found once (do not modify)."""
        if self._cues is None:
            self._cues = vocab.get(self.language).cues.find(self.text, self.folded)
            self._cue_starts = [h.start for h in self._cues]
        return self._cues

    def _cues_of(self, sentence: str, folded: str) -> list[Hit] | None:
        """What cues.find(sentence, folded) finds, taken from the whole text's cues when the
        sentence is one of the text's and no letter touches it on either side (a cue is a
        whole word: one running over a sentence's edge is then none of its own); else None."""
        start = self._start_of.get(sentence)
        if start is None:
            return None
        end = start + len(folded)
        whole = self.folded
        if whole[start:end] != folded or (start > 0 and whole[start - 1].isalnum()) or \
                (end < len(whole) and whole[end].isalnum()):
            return None
        cues = self.cues
        i = bisect.bisect_left(self._cue_starts, start)
        out = []
        while i < len(cues) and cues[i].start < end:
            h = cues[i]
            if h.end <= end:
                out.append(Hit(h.label, h.start - start, h.end - start, h.phrase))
            i += 1
        return out

    def live_cues(self, sentence: str, folded: str) -> LiveCues:
        """events.live_cues over the cues of a sentence of the text (`folded`: its folded
        form), and why the rest are not events; each sentence is read once."""
        key = (sentence, folded)
        found = self._live.get(key)
        if found is None:
            found = events.live_cues(sentence, events.sentence_cues(
                sentence, folded, self.language, self._cues_of(sentence, folded)),
                self.language)
            self._live[key] = found
        return found
