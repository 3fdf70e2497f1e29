"""ISO 8601 timestamps in and out, always timezone-aware (naive ones are taken as UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso(text: str | None) -> datetime | None:
    """A datetime from ISO 8601 text ('Z' allowed), or None when missing or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """UTC, to the second, with a 'Z': the one form newswatch writes (a naive time is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
