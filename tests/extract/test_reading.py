"""One reading of an article's text, shared by the relevance gate and the extractor."""

from __future__ import annotations

from collections import Counter

import yaml

from extract import article, events, paths, sentences
from extract.incidents import extract_incidents
from extract.reading import Reading

REPORT = ("Gunmen killed seven villagers and burned houses in an attack on Kutemba village in "
          "Borno state on Tuesday, police said. Boko Haram fighters arrived on motorcycles at "
          "dawn and opened fire on residents, the police spokesman said.\n\n"
          "In a separate attack on Wednesday, a roadside bomb wounded three soldiers near "
          "Konduga, the army said. No group has claimed the attack.")


def _counting(monkeypatch, module, name) -> Counter:
    calls: Counter = Counter()
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls[args[:2]] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_entry_point_reads_each_sentence_once(monkeypatch):
    cues = _counting(monkeypatch, events, "sentence_cues")
    splits = _counting(monkeypatch, sentences, "split_paragraph")
    result = article.extract_article(REPORT, title="Gunmen kill seven in Borno",
                                     published="2024-05-08")
    assert len(result.incidents) == 2
    assert list(splits.values()) == [1, 1]     # relevance and extraction: each paragraph once
    body_cues = {k: n for k, n in cues.items() if k[0] in REPORT}
    assert body_cues and max(body_cues.values()) == 1   # no sentence's cues worked out twice


def test_a_shared_reading_gives_what_a_fresh_one_gives():
    read = Reading(REPORT)
    from extract import relevance

    assert relevance.score(REPORT, reading=read) == relevance.score(REPORT)
    shared = extract_incidents(REPORT, published="2024-05-08", reading=read)
    assert shared == extract_incidents(REPORT, published="2024-05-08")


def test_a_reading_of_another_text_is_not_used():
    other = Reading("Protesters marched in Lagos on Monday.")
    assert Reading.of(REPORT, other) is not other
    assert Reading.of(other.text, other) is other


def test_no_actor_name_straddles_a_sentence_end():
    # relevance looks for actors sentence by sentence: a name must never be cut in two
    from extract import relevance, vocab

    seeds = paths.seeds_dir()
    names = [a["name"] for a in yaml.safe_load((seeds / "actors" / "actors.yaml").read_text())]
    names += [alias for a in yaml.safe_load((seeds / "actors" / "actors.yaml").read_text())
              for alias in a.get("aliases") or []]
    doc = yaml.safe_load((seeds / "events" / "relevance.yaml").read_text())
    names += [w.rstrip("*") for ws in doc["actors"].values() for w in ws]
    assert len(names) > 100 and vocab.get() and relevance.load()
    cut = [n for n in names if len(sentences.split(f"They said {n} came in. Then it ended.")) != 2]
    assert cut == []


def test_relevance_splits_past_the_lead_only_the_paragraphs_with_a_cue(monkeypatch):
    from extract import relevance

    calls = _counting(monkeypatch, sentences, "split_paragraph")
    quiet = "The committee met again and the budget was approved after a long debate."
    text = "\n\n".join([REPORT] + [quiet] * 40 + ["A bomb exploded near the market."])
    read = Reading(text)
    relevance.score(text, reading=read)
    split = sorted(start for _text, start in calls)
    lead = [start for start, _end in read.paragraphs if start < relevance.LEAD_CHARS]
    assert len(read.paragraphs) == 43 and len(lead) < 25
    assert split == lead + [read.paragraphs[-1][0]]        # the lead, and the late cue's
    assert read.sentences == sentences.split(text)         # and the rest when asked for


def test_the_cues_are_found_once_over_the_whole_text(monkeypatch):
    from extract import vocab

    matcher = vocab.get().cues
    calls: list[str] = []
    real = type(matcher).find

    def counted(self, text, folded=None):
        if self is matcher:
            calls.append(text)
        return real(self, text, folded)

    monkeypatch.setattr(type(matcher), "find", counted)
    read = Reading(REPORT)
    fresh = [events.sentence_cues(s.text, read.folded[s.start:s.end]) for s in read.sentences]
    calls.clear()
    shared = [read.live_cues(s.text, read.folded[s.start:s.end])[0] for s in read.sentences]
    assert calls == [REPORT]       # one pass over the text, none per sentence
    assert [c.hits for c in shared] == [events.live_cues(s.text, c)[0].hits
                                        for s, c in zip(read.sentences, fresh, strict=True)]
