"""The vocabulary in seeds/: loads, and its quick substrings never hide a modality match."""

import json
import re
from pathlib import Path

import pytest
import yaml

from extract import vocab
from extract.events import RULES, Facts, NotEvent

REPO = Path(__file__).resolve().parents[2]
_SHARED = [REPO.parent / "shared", Path("/work/shared")]
DEV = next((d / "eval" / "acled_dev.jsonl" for d in _SHARED
            if (d / "eval" / "acled_dev.jsonl").exists()), None)

WRITTEN = [
    "The group threatened to attack convoys.", "They vowed that they would retaliate.",
    "The army denied reports that it had shelled the town.", "A claim the government rejected.",
    "Leaders will protest next week.", "If talks fail, fighting could resume.",
    "This is the first such attack since February.", "Survivors gathered to remember the dead.",
    "Witnesses recalled the attack.", "Marchers called for the release of prisoners.",
    "No such attack took place, officials said.", "It was the latest strike on the port.",
]


def _sentences() -> list[str]:
    out = list(WRITTEN)
    demo = yaml.safe_load((REPO / "seeds" / "demo" / "articles.yaml").read_text("utf-8"))
    for a in demo["articles"]:
        out += [s for p in a["paragraphs"] for s in re.split(r"(?<=[.!?])\s+", p)]
    if DEV is not None:
        for line in DEV.open(encoding="utf-8"):
            out += re.split(r"(?<=[.!?])\s+", json.loads(line)["text"])
    return out


def test_every_modality_reason_is_known():
    v = vocab.get()
    assert set(v.modality) == {r.value for r in NotEvent}


def test_quick_substrings_never_hide_a_match():
    v = vocab.get()
    for sentence in _sentences():
        present = v.modality_quick.labels(sentence)
        for reason, pat in v.modality.items():
            if pat.search(sentence):
                assert reason in present, (reason, sentence)


@pytest.mark.parametrize("tag", sorted(yaml.safe_load(
    (REPO / "seeds" / "events" / "cues.yaml").read_text("utf-8"))["tags"]))
def test_every_cue_tag_is_used_by_a_rule_or_refines_one(tag):
    # only refine a protest's type, or tell that nothing political happened
    # not_event masks cue words that tell of no event ("shell casings")
    refining = {"intervention", "excessive", "nonviolent", "disaster", "sports", "not_event"}
    # (a change to a group or its activity needs an armed group to change)
    probes = [Facts(frozenset({tag}), t) for t in ("people gathered demanding jobs",
                                                    "army units gathered demanding jobs")]
    assert tag in refining or any(rule.when(f) for f in probes for rule in RULES), \
        f"cue tag {tag!r} never leads to an event type"
