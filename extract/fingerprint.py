"""Near-duplicate articles: a SimHash fingerprint per text and the test for a syndicated copy.

A wire story re-published by a client keeps the wire text under another headline or outlet;
such a copy is still searchable but is no independent report. The fingerprint is
trafilatura's 64-bit Charikar SimHash (`trafilatura.deduplication.Simhash`, already a
dependency): two copies differ in a few bits, unrelated stories of one topic in many. To find
candidates among many stored fingerprints without comparing each, the hash is cut into
`BANDS` bands: two hashes within `MAX_DISTANCE` bits share at least one band exactly
(pigeonhole), so a keyword lookup on the bands finds every candidate. A candidate is confirmed
on the texts themselves (shared word 3-grams), so a fingerprint collision never marks a copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from trafilatura.deduplication import Simhash

HASH_BITS = 64
BANDS = 8  # 8-bit bands: any two hashes within 7 differing bits share a band
BAND_BITS = HASH_BITS // BANDS
MAX_DISTANCE = 7  # bits; copies seen differ by 2-5, distinct stories of one event by 13+
MIN_SHINGLE_OVERLAP = 0.5  # share of the shorter text's word 3-grams found in the other
MIN_WORDS = 40  # below this a text is too short to call anything a copy of it

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Fingerprint:
    simhash: str  # hex, as stored on the article
    bands: tuple[str, ...]  # "band:value" keywords for candidate lookup

    @property
    def value(self) -> int:
        return int(self.simhash, 16)


def fingerprint(text: str | None) -> Fingerprint | None:
    """The text's fingerprint, or None when it is too short to tell copies apart."""
    if not isinstance(text, str) or len(_WORD.findall(text)) < MIN_WORDS:
        return None
    value = Simhash(text, length=HASH_BITS).hash
    return Fingerprint(f"{value:016x}", bands_of(value))


def bands_of(value: int) -> tuple[str, ...]:
    mask = (1 << BAND_BITS) - 1
    return tuple(f"{i}:{(value >> (i * BAND_BITS)) & mask:02x}" for i in range(BANDS))


def from_bands(bands: Iterable[str] | None) -> Fingerprint | None:
    """The fingerprint whose bands these are (they hold every bit of the hash), so a text
    fingerprinted where it was extracted is not hashed again; None unless all BANDS are there
    and well formed."""
    value, seen = 0, set()
    for band in bands or ():
        index, _, bits = str(band).partition(":")
        try:
            i, v = int(index), int(bits, 16)
        except ValueError:
            return None
        if not (0 <= i < BANDS and 0 <= v < 1 << BAND_BITS) or i in seen:
            return None
        seen.add(i)
        value |= v << (i * BAND_BITS)
    if len(seen) != BANDS:
        return None
    return Fingerprint(f"{value:016x}", bands_of(value))


def distance(a: str | int, b: str | int) -> int:
    """Differing bits between two fingerprints (hex strings or ints)."""
    x = int(a, 16) if isinstance(a, str) else a
    y = int(b, 16) if isinstance(b, str) else b
    return (x ^ y).bit_count()


def shingle_overlap(a: str, b: str, n: int = 3) -> float:
    """Share of the shorter text's word n-grams that the other text has too (0..1)."""
    sa, sb = _shingles(a, n), _shingles(b, n)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text or "")]
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def is_copy(text: str, fp: str, other_text: str, other_fp: str) -> bool:
    """Whether two texts are the same story (a syndicated copy): close fingerprints and,
    on the texts, most word 3-grams shared."""
    return (distance(fp, other_fp) <= MAX_DISTANCE
            and shingle_overlap(text, other_text) >= MIN_SHINGLE_OVERLAP)


class CopyFinder:
    """In-memory near-duplicate lookup over a batch, in arrival order (what `newswatch events`
    uses, and reconcile for the articles of its own run; stored ones are looked up in
    Elasticsearch on their bands). An article's original is that of the earliest article it
    copies, whichever band finds it first, as reconcile picks among stored ones: the same
    articles give the same originals however they are split between the two."""

    def __init__(self) -> None:
        self._by_band: dict[str, dict[str, None]] = {}  # band -> article ids, oldest first
        self._seen: dict[str, tuple[str, str]] = {}  # article id -> (simhash, text)
        self._arrival: dict[str, int] = {}  # article id -> its rank in arrival order
        self._original: dict[str, str] = {}  # copy -> the first article of its text

    def original_of(self, article_id: str, text: str | None, fp: Fingerprint | None = None,
                    ) -> tuple[Fingerprint | None, str | None]:
        """(fingerprint, id of the earlier article this one copies or None); remembers it.
        `fp`: the text's fingerprint when already known (computed from `text` otherwise)."""
        fp = fp or fingerprint(text)
        if fp is None:
            return None, None
        original = None
        for candidate in self._candidates(fp.bands):
            other_fp, other_text = self._seen[candidate]
            if is_copy(text or "", fp.simhash, other_text, other_fp):
                original = self._original.get(candidate, candidate)
                self._original[article_id] = original
                break
        self._seen[article_id] = (fp.simhash, text or "")
        self._arrival[article_id] = len(self._arrival)
        for band in fp.bands:
            self._by_band.setdefault(band, {})[article_id] = None
        return fp, original

    def adopt(self, article_id: str, original: str) -> None:
        """The article copies `original`, found elsewhere (stored): its copies copy that."""
        if article_id in self._seen:
            self._original[article_id] = original

    def forget(self, article_id: str) -> None:
        """Drop an article (too old to be copied now), so memory holds a window, not a run."""
        seen = self._seen.pop(article_id, None)
        self._original.pop(article_id, None)
        self._arrival.pop(article_id, None)
        if seen is not None:
            for band in bands_of(int(seen[0], 16)):
                self._by_band.get(band, {}).pop(article_id, None)

    def _candidates(self, bands: Iterable[str]) -> list[str]:
        """Articles sharing a band with these, earliest first."""
        found: set[str] = set()
        for band in bands:
            found.update(self._by_band.get(band, ()))
        return sorted(found, key=self._arrival.__getitem__)


class RunCopies:
    """The copies among one run's articles when they come in several rounds (merge rounds
    during a pass take them as feeds list them, newest first), decided as one pass over all
    of them in publication order decides them (CopyFinder): each round's articles are added
    and the originals of those from the earliest added on are worked out again, in order,
    from the texts kept here (each article knows the others within MAX_DISTANCE bits; pairs
    are compared on their texts once). An article's own-run original comes first; else its
    `context` original, found among articles stored before the run."""

    def __init__(self, started: str, window_days: int = 7) -> None:
        self.started = started  # when the run began: older stored articles are context
        self.window_days = window_days
        self._articles: dict[str, tuple[tuple[str, str], object, str, str]] = {}
        self._by_band: dict[str, list[str]] = {}
        self._close: dict[str, set[str]] = {}  # article id -> those within MAX_DISTANCE
        self._context: dict[str, str] = {}
        self._pairs: dict[tuple[str, str], bool] = {}
        self._out: dict[str, str | None] = {}  # the originals as last worked out
        self._from: tuple[str, str] | None = None  # work out again from here on
        self._written: dict[str, str | None] = {}

    def add(self, article_id: str, order: tuple[str, str], day, fp: Fingerprint,
            text: str | None, context: str | None = None) -> None:
        """An article of this round: its place in publication order, day, fingerprint and
        text, and the original of the earliest stored (pre-run) article it copies."""
        if article_id in self._articles:
            return
        close = self._close.setdefault(article_id, set())
        for other in {o for band in fp.bands for o in self._by_band.get(band, ())}:
            if distance(fp.simhash, self._articles[other][2]) <= MAX_DISTANCE:
                close.add(other)
                self._close[other].add(article_id)
        self._articles[article_id] = (order, day, fp.simhash, text or "")
        for band in fp.bands:
            self._by_band.setdefault(band, []).append(article_id)
        if context:
            self._context[article_id] = context
        self._from = order if self._from is None else min(self._from, order)

    def set_context(self, article_id: str, original: str) -> None:
        """The article copies a stored (pre-run) article whose original is `original`."""
        if article_id in self._articles and self._context.get(article_id) != original:
            self._context[article_id] = original
            order = self._articles[article_id][0]
            self._from = order if self._from is None else min(self._from, order)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._articles

    def originals(self) -> dict[str, str | None]:
        """article id -> its original (None: none), over every article added so far."""
        if self._from is not None:
            order = sorted(self._articles, key=lambda a: self._articles[a][0])
            rank = {aid: i for i, aid in enumerate(order)}
            for aid in order:
                key, day, _, _ = self._articles[aid]
                if key < self._from:
                    continue  # nothing earlier was added: as worked out before
                original = None
                for other in sorted((o for o in self._close[aid] if rank[o] < rank[aid]),
                                    key=rank.__getitem__):
                    other_day = self._articles[other][1]
                    if day and other_day and (day - other_day).days > self.window_days:
                        continue  # forgotten by then (CopyFinder's window)
                    if self._copies(aid, other):
                        original = self._out[other] or other
                        break
                self._out[aid] = original or self._context.get(aid)
            self._from = None
        return dict(self._out)

    def changed(self, originals: dict[str, str | None], new: set[str]
                ) -> dict[str, str | None]:
        """Articles of earlier rounds whose original is not the one written for them; all of
        `originals` is recorded as written (`new`: this round's, written by the caller)."""
        out = {aid: original for aid, original in originals.items()
               if aid not in new and aid in self._written and self._written[aid] != original}
        self._written.update(originals)
        return out

    def _copies(self, a: str, b: str) -> bool:
        key = (a, b) if a < b else (b, a)
        if key not in self._pairs:
            _, _, fa, ta = self._articles[a]
            _, _, fb, tb = self._articles[b]
            self._pairs[key] = is_copy(ta, fa, tb, fb)
        return self._pairs[key]
