"""Does an article report a specific, current event of political violence, protest or a
strategic development? A score in [0, 1] from cheap signals, read before extraction."""

from __future__ import annotations

from collections.abc import Iterable

THRESHOLD = 0.5


def score(text: str, *, title: str | None = None, url: str | None = None,
          categories: Iterable[str] = ()) -> float:
    """The article's incident relevance (placeholder: every article is tried)."""
    return 1.0
