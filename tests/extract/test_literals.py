"""extract/literals.py: the strings a regex needs are read soundly (a pattern the test skips
never matches), and an alternation run with only its possible patterns finds what the whole
one finds."""

import json
import re
from pathlib import Path

import pytest
import yaml

from extract import actors, dates, lexicon, vocab
from extract.literals import Alternations, Anchored, Prefilter, Scans, anchored, required, starts

REPO = Path(__file__).resolve().parents[2]
_SHARED = [REPO.parent / "shared", Path("/work/shared")]


def _sentences() -> list[str]:
    out = ["The group threatened to attack convoys.", "No such attack took place.",
           "It came a day after rockets hit the base.", "\u0130NSURGENTS ATTACKED",
           "Les hommes arm\u00e9s ont d\u00e9menti toute implication.",
           "Dijo que no habr\u00e1 paz."]
    demo = yaml.safe_load((REPO / "seeds" / "demo" / "articles.yaml").read_text("utf-8"))
    for a in demo["articles"]:
        out += [s for p in a["paragraphs"] for s in re.split(r"(?<=[.!?])\s+", p)]
    for name in ("acled_dev.jsonl", "multilingual_dev.jsonl"):
        path = next((d / "eval" / name for d in _SHARED if (d / "eval" / name).exists()), None)
        if path is not None:
            for line in path.open(encoding="utf-8"):
                out += re.split(r"(?<=[.!?])\s+", json.loads(line)["text"])
    return out


def _modality_patterns() -> dict[tuple[str, str, int], re.Pattern[str]]:
    out = {}
    for code in sorted(lexicon.supported()):
        lex = lexicon.get(code)
        reasons = lex.modality if lex is not None else {
            r: spec["patterns"] for r, spec in yaml.safe_load(
                (REPO / "seeds" / "events" / "modality.yaml").read_text("utf-8")).items()}
        for reason, pats in reasons.items():
            for i, p in enumerate(pats):
                out[(code, reason, i)] = re.compile(p, re.I)
    return out


def test_a_pattern_needs_its_words():
    assert required(re.compile(r"\bthreat(?:en(?:ed|s)?|s)?\b", re.I)) == (
        frozenset({"threat", "threaten", "threatened", "threatens", "threats"}),)
    # each part of a sequence is needed: the verb and the word after it
    assert set(required(re.compile(r"\b(?:vowed|warned)\s+(?:\w+\s+){0,3}(?:to|that)\b"))) == {
        frozenset({"vowed", "warned"})}
    found = required(re.compile(r"\b(?:came|occurred)\s+(?:\w+\s+){0,3}after\b", re.I))
    assert frozenset({"after"}) in found and frozenset({"came", "occurred"}) in found
    # an optional part or any word needs nothing
    assert required(re.compile(r"(?:the )?\w+")) == ()


def test_the_needed_words_are_lower_case_and_odd_letters_are_not_trusted():
    assert required(re.compile(r"\bKilled\b")) == (frozenset({"killed"}),)
    pre = Prefilter({"k": re.compile(r"\binsurgents\b", re.I)})
    assert pre.possible("no match here") == set()
    assert pre.possible("INSURGENTS attacked") == {"k"}
    # (re.IGNORECASE takes the dotted capital I for an i; lowering the text does not)
    assert re.search(r"\binsurgents\b", "\u0130NSURGENTS", re.I)
    assert pre.possible("\u0130NSURGENTS") == {"k"}


def test_a_skipped_pattern_never_matches():
    patterns = _modality_patterns()
    pre = Prefilter(patterns)
    skipped = 0
    for sentence in _sentences():
        possible = pre.possible(sentence)
        for key, pat in patterns.items():
            if key not in possible:
                skipped += 1
                assert pat.search(sentence) is None, (key, sentence)
    assert skipped > len(patterns)     # (the test skips something)


@pytest.mark.parametrize("code", sorted(lexicon.supported()))
def test_the_alternations_run_find_what_the_whole_alternations_find(code):
    v = vocab.get(code)
    runs: Alternations = v.modality_runs
    left_out = 0
    for sentence in _sentences():
        possible = runs.possible(sentence)
        for reason, whole in v.modality.items():
            expected = [m.span() for m in whole.finditer(sentence)]
            pat = runs.pattern(reason, possible)
            got = [m.span() for m in pat.finditer(sentence)] if pat is not None else []
            assert got == expected, (reason, sentence)
            left_out += pat is None or pat.regex.pattern != whole.pattern
    assert left_out > 0


def test_where_a_match_starts():
    assert starts(re.compile(r"\b(?:vow(?:ed|s)?|warned)\s+to\b", re.I)) == {"vow", "warned"}
    # an optional part: the match starts with it or with what follows it
    assert starts(re.compile(r"\b(?:killed in )?(?:the|its)\s+\d+")) == {
        "killed in the", "killed in its", "the", "its"}
    assert starts(re.compile(r"(?:\w+ )?attack")) is None


def test_an_anchored_pattern_finds_what_the_pattern_finds():
    regex = re.compile(r"\b(?:claim(?:ed|s)?|after|following)\s+(?:the|an?)\s+\w+", re.I)
    anchored = Anchored(regex, starts(regex))
    for sentence in _sentences()[:3000]:
        for pos, end in ((0, len(sentence)), (5, max(5, len(sentence) // 2))):
            assert [m.span() for m in anchored.finditer(sentence, pos, end)] == \
                [m.span() for m in regex.finditer(sentence, pos, end)], sentence


def test_the_date_rules_and_actor_words_tried_where_they_start_find_what_they_find():
    """dates and actors try their rules only where a match can start (literals.anchored): the
    same matches as the rules run at every position, in every language."""
    rules = [p for p, _kind in dates._RULES] + [p for _kind, p in actors._GENERIC]
    for code in sorted(lexicon.supported() - {lexicon.ENGLISH}):
        rules += [run.regex for run, _kind in dates._local_rules(lexicon.get(code)).rules
                  if isinstance(run, Anchored)]
    sentences = _sentences()[:2000]
    for regex in rules:
        fast = anchored(regex)
        for sentence in sentences:
            assert [m.span() for m in fast.finditer(sentence)] == \
                [m.span() for m in regex.finditer(sentence)], (regex.pattern[:60], sentence)


def test_named_scans_find_what_each_pattern_finds_with_one_pass_for_all():
    """The count, nobody-hurt and claim patterns of each language, read over a sentence with
    one substring pass (literals.Scans), find what each pattern finds over it (and over a part
    of it); a pattern of other flags (lexicon.NOTHING) is read as well."""
    patterns = {"nothing": lexicon.NOTHING,
                "claim": re.compile(r"\bclaim(?:ed|s)?\s+(?:that\s+)?(?:it|they)\b|unverified",
                                    re.I)}
    for code in sorted(lexicon.supported() - {lexicon.ENGLISH}):
        lex = lexicon.get(code)
        patterns.update({f"{code}_{k}": p for k, p in lex.none_told.items()})
        patterns[f"{code}_killed"] = re.compile("|".join(
            f"(?:{p})" for p in lex.count_parts["killed_after"] + lex.count_parts["killed_before"]),
            re.I)
    scans = Scans(patterns)
    left_out = matched = 0
    for sentence in _sentences():
        may = scans.possible(sentence)
        for name, regex in patterns.items():
            for text in (sentence, sentence[: len(sentence) // 2]):
                expected = [m.span() for m in regex.finditer(text)]
                assert [m.span() for m in scans.finditer(name, text, may)] == expected, \
                    (name, text)
                found = scans.search(name, text, may)
                assert (found.span() if found else None) == \
                    (expected[0] if expected else None), (name, text)
                matched += bool(expected)
            left_out += scans._pattern(name, may) is None
    assert matched > 0 and left_out > 0


@pytest.mark.parametrize("code", sorted(lexicon.supported() - {lexicon.ENGLISH}))
def test_a_languages_negation_read_where_its_words_are_finds_what_its_patterns_find(code):
    """lexicon `negation` is a Scan (tried only where its words are), read before each cue:
    over the text before every word of the sentences it answers as its patterns do."""
    lex = lexicon.get(code)
    patterns = yaml.safe_load((REPO / "seeds" / "languages" / code / "modality.yaml")
                              .read_text("utf-8"))["negation"]["patterns"]
    whole = re.compile("|".join(f"(?:{p})" for p in patterns), re.I)
    found = 0
    for sentence in _sentences()[:4000]:
        for m in re.finditer(r"\w+", sentence):
            before = sentence[max(0, m.start() - 100):m.start()]
            expected = whole.search(before)
            got = lex.negation.search(before)
            assert (got.span() if got else None) == (expected.span() if expected else None), \
                before
            found += expected is not None
    assert found > 0
    assert lex.negation._possible("12, 34.") is None     # (a text without its words: no regex)


def test_a_text_lowered_again_is_the_same_lower_text():
    """phrases.lowered keeps the lower form of the texts with letters beyond ASCII it lowered
    last: the same text, or an equal one, lowered again (and after the kept ones are dropped)
    is text.lower()."""
    from extract import phrases

    kept = phrases._LOWERED_KEPT
    texts = [f"L\u2019ATTAQUE n\u00b0{i} \u00c0 GAO \u0130" for i in range(kept + 5)]
    texts += ["ASCII ONLY", ""]
    for _ in range(2):
        for text in texts:
            assert phrases.lowered(text) == text.lower()
            assert phrases.lowered("".join(list(text))) == text.lower()
    assert len(phrases._LOWERED) <= kept
    long = "\u00c9" * (phrases._LOWERED_LONGEST + 1)     # (a whole article: lowered, not kept)
    assert phrases.lowered(long) == long.lower() and long not in phrases._LOWERED
