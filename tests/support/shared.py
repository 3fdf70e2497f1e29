"""Where the project's shared data lives (../shared beside the checkout, or NEWSWATCH_SHARED).

Tests that need it skip with a reason when it is absent, so a bare clone still runs the rest.
"""

from __future__ import annotations

import os
from pathlib import Path

from ingest.config import REPO_ROOT

_CANDIDATES = [Path(os.environ["NEWSWATCH_SHARED"])] if os.environ.get("NEWSWATCH_SHARED") else []
_CANDIDATES += [REPO_ROOT.parent / "shared", Path("/work/shared")]

SHARED: Path | None = next((path for path in _CANDIDATES if path.is_dir()), None)


def shared_path(*parts: str) -> Path | None:
    """A path inside the shared folder, or None when it (or the folder) does not exist."""
    if SHARED is None:
        return None
    path = SHARED.joinpath(*parts)
    return path if path.exists() else None
