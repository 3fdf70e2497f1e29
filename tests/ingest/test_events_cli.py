"""`newswatch events` on the events development set: floors of the figures, the same events
when every date moves by whole days, the syndicated copies marked, and the output lines."""

from __future__ import annotations

import importlib.util
import json
import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest

from extract.merge import merge_batch
from ingest.cli import main
from ingest.commands.events import articles_to_events

_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
EVAL = next((d / "eval" for d in _SHARED if (d / "eval" / "events_dev.jsonl").exists()), None)
needs_dev = pytest.mark.skipif(EVAL is None, reason="../shared/eval/events_dev.jsonl is absent")

# Measured through the extraction entry point (see README "Events"): F1 0.632, complete 0.111,
# 6 wrong joins with the first merger; F1 0.928, complete 0.778, no wrong join with the
# merger that weighs telling words and overrules extraction's conflicts only with them. A
# drop below a floor is a regression of extraction or merging. Targets (issue 13): F1 >=
# 0.90, complete >= 0.80, no wrong join; the two events still incomplete miss incidents
# extraction does not find (a roundup's item, a follow-up), listed in the README.
FLOORS = {"pair_f1": 0.86, "complete_events": 0.66}
MAX_WRONG_JOINS = 0

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}")


def _scorer():
    spec = importlib.util.spec_from_file_location("score_events", EVAL / "score_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows() -> list[dict]:
    return [json.loads(line) for line in (EVAL / "events_dev.jsonl").open(encoding="utf-8")]


def shifted(row: dict, days: int) -> dict:
    """The article with its publication time and the calendar dates in its text moved by
    `days` (weekday names stay: shift by whole weeks to keep them true)."""
    published = datetime.fromisoformat(row["published"].replace("Z", "+00:00"))
    year = published.year

    def move(month: str, day: str) -> date | None:
        number = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(month[:3]))
        try:
            return date(year, number, int(day)) + timedelta(days=days)
        except ValueError:
            return None

    def month_day(m: re.Match) -> str:
        moved = move(m.group(1), m.group(2))
        return f"{_MONTHS[moved.month - 1]} {moved.day}" if moved else m.group()

    def day_month(m: re.Match) -> str:
        moved = move(m.group(2), m.group(1))
        return f"{moved.day} {_MONTHS[moved.month - 1]}" if moved else m.group()

    text = _DAY_MONTH.sub(day_month, _MONTH_DAY.sub(month_day, row["text"]))
    return {**row, "text": text,
            "published": (published + timedelta(days=days)).isoformat()}


def _partition(events: list[dict]) -> list[list[str]]:
    return sorted(sorted({m["article_id"] for m in e["members"]}) for e in events)


@needs_dev
def test_dev_set_figures_stay_above_their_floors():
    gold = json.loads((EVAL / "events_dev_gold.json").read_text(encoding="utf-8"))
    events, articles = articles_to_events(_rows())
    figures = _scorer().score(gold, events)
    for name, floor in FLOORS.items():
        assert figures[name] >= floor, figures
    assert figures["wrong_joins"] <= MAX_WRONG_JOINS, figures
    copies = {(a["duplicate_of"], a["id"]) for a in articles if a["duplicate_of"]}
    assert copies == {(s["original"], s["copy"]) for s in gold["syndicated"]}


@needs_dev
def test_random_subsets_of_the_dev_set_make_no_wrong_join():
    """With some reports missing (an outlet not polled, a roundup's other half), the events
    that remain must not chain into their hard negatives through what is left."""
    gold = json.loads((EVAL / "events_dev_gold.json").read_text(encoding="utf-8"))
    rows = _rows()
    reports: list[dict] = []
    with patch("extract.merge.merge_batch", side_effect=lambda reps: reports.extend(reps)):
        articles_to_events(rows)
    ids = sorted(r["id"] for r in rows)
    for seed in range(30):
        keep = set(random.Random(seed).sample(ids, 28))
        kept_gold = {**gold, "events": [
            {**e, "members": [m for m in e["members"] if m["article_id"] in keep]}
            for e in gold["events"]]}
        events = merge_batch([r for r in reports if r["article_id"] in keep])
        assert _scorer().score(kept_gold, events)["wrong_joins"] == 0, sorted(keep)


@needs_dev
@pytest.mark.parametrize("days", [7, 35, 364])
def test_dates_shifted_by_whole_weeks_give_the_same_events(days):
    rows = _rows()
    before = _partition(articles_to_events(rows)[0])
    after = _partition(articles_to_events([shifted(r, days) for r in rows])[0])
    assert after == before


# Every shift by whole days, weekday names left as they were (so off the calendar unless the
# shift is whole weeks), measured with the merger that allows a weekday-dated report its week
# (issue 13): F1 0.958-0.993, complete 0.889 (0.778 at -1/+6: E8), no wrong join at every
# shift from -6 to +7. Before, complete was 0.778 at every shift that is not whole weeks:
# extraction splits one article's incident in two when its "overnight" and its weekday name
# disagree (E11), and one article's two incidents never joined one event; now they do when
# one is the other told again (merge.retold). Before that, F1 0.70-0.98 and 2 wrong joins.
# Now complete 0.889 at every shift, F1 0.979-0.993: at -1/+6 E8's first report, out at
# 23:10 UTC, names its writer's day (already the next one in Pakistan), which the merge
# allows when the report tells the wire's toll, type and place (merge.local_day_at_most).
SHIFT_FLOORS = {"pair_f1": 0.97, "complete_events": 0.88}
# shifts (of the 14 from -6 to +7) whose complete events may fall below the unshifted figure
MAX_SHIFTS_LESS_COMPLETE = 0


@needs_dev
@pytest.mark.parametrize("days", range(-6, 8))
def test_dates_shifted_by_any_whole_days_keep_the_figures(days):
    """Shifted by days that are not whole weeks, a text's weekday names no longer match its
    dates, so extraction dates a weekday-dated report up to six days off the others; the
    merging holds its figures all the same."""
    gold = json.loads((EVAL / "events_dev_gold.json").read_text(encoding="utf-8"))
    events, _ = articles_to_events([shifted(r, days) for r in _rows()])
    figures = _scorer().score(gold, events)
    for name, floor in SHIFT_FLOORS.items():
        assert figures[name] >= floor, (days, figures)
    assert figures["wrong_joins"] <= MAX_WRONG_JOINS, (days, figures)


@needs_dev
def test_an_incident_split_by_a_shifted_weekday_rejoins_its_event_at_most_shifts():
    gold = json.loads((EVAL / "events_dev_gold.json").read_text(encoding="utf-8"))
    unshifted = _scorer().score(gold, articles_to_events(_rows())[0])["complete_events"]
    less = [days for days in range(-6, 8) if _scorer().score(
        gold, articles_to_events([shifted(r, days) for r in _rows()])[0])["complete_events"]
        < unshifted]
    assert len(less) <= MAX_SHIFTS_LESS_COMPLETE, less


def test_the_command_writes_one_line_per_event(tmp_path):
    text = ("KHARKIV — A Russian ballistic missile struck a residential neighbourhood in "
            "Kharkiv on Monday, killing three people and injuring 24, regional officials said.")
    articles = tmp_path / "articles.jsonl"
    articles.write_text("\n".join(json.dumps(row) for row in [
        {"id": "a", "title": "Missile kills three in Kharkiv", "text": text,
         "published": "2025-03-10T15:30:00Z", "url": "https://one.example/a"},
        {"id": "b", "title": "Russian missile kills three in Kharkiv",
         "text": text.replace("three", "three civilians"),
         "published": "2025-03-10T17:30:00Z", "url": "https://two.example/b"},
        "not json",
    ][:2]) + "\nnot json\n", encoding="utf-8")
    out = tmp_path / "events.jsonl"
    assert main(["events", "--input", str(articles), "--output", str(out)]) == 1  # a bad line
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    (event,) = lines
    for key in ("event_id", "date", "event_type", "location", "country_code", "fatalities",
                "source_count", "members"):
        assert key in event
    assert {m["article_id"] for m in event["members"]} == {"a", "b"}
    assert event["source_count"] == 2 and event["fatalities"] == 3
    assert "reports" not in event


def test_a_missing_input_says_what_to_pass(tmp_path, capsys):
    assert main(["events", "--input", str(tmp_path / "nope.jsonl")]) == 2
    assert "--input PATH" in capsys.readouterr().err
