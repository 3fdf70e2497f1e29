"""Bounds on what comes from the network: valid UTF-8 text, capped numbers, plausible dates.

Applied at the boundary (feed parsing, documents before indexing, feed state), so one hostile
value can neither crash a run nor be refused by Elasticsearch on every pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

# Publication and update times outside this range are treated as unknown.
EARLIEST_TIME = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)  # clocks and time zones: a little ahead of now is fine


def valid_text(value: str) -> str:
    """`value` with lone surrogates (e.g. from a JSON "\\ud800" escape) replaced by U+FFFD,
    so it encodes as UTF-8; a valid string is returned as is."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def valid_strings(value: Any) -> Any:
    """valid_text applied to every string inside dicts, lists and tuples (keys too)."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, Mapping):
        return {valid_strings(k): valid_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(valid_strings(v) for v in value)
    return value


def bounded_seconds(value: float | int | None, maximum: float) -> float | None:
    """A duration read from the network, within [0, maximum]; None when it is not a number."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), maximum)


def plausible_time(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """The moment when it lies between 1900 and a little after now, else None (unknown)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if moment < EARLIEST_TIME or moment > now + FUTURE_SLACK:
        return None
    return moment
