"""One time format written everywhere: UTC, to the second, with a 'Z'."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ingest import dead_letters
from ingest.times import iso, parse_iso


@pytest.fixture
def far_from_utc(monkeypatch):
    """The machine's local zone set to UTC+05:30 for the test."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_iso_is_utc_with_z_and_takes_a_naive_time_as_utc(far_from_utc):
    assert iso(datetime(2024, 4, 21, 12, 0, 5, 999)) == "2024-04-21T12:00:05Z"
    plus_three = datetime(2024, 4, 21, 15, 0, tzinfo=timezone(timedelta(hours=3)))
    assert iso(plus_three) == "2024-04-21T12:00:00Z"
    assert parse_iso(iso(plus_three)) == plus_three


def test_dead_letter_summary_writes_the_same_form(tmp_path):
    (tmp_path / "bulk-1.jsonl").write_text(
        '{"time": "2024-01-01T05:30:00+05:30", "index": "x", "id": "a", "op": "index", '
        '"document": {}, "error": "refused"}\n'
        '{"time": "2024-01-02T00:00:00.123456+00:00", "index": "x", "id": "b", "op": "index", '
        '"document": {}, "error": "refused"}\n', encoding="utf-8")
    summary = dead_letters.summarise(dead_letters.read_letters(tmp_path))
    assert (summary.oldest, summary.newest) == ("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")
    assert dead_letters.read_letters(tmp_path)[0].time == datetime(2024, 1, 1, tzinfo=UTC)
