"""Where extract/ finds its data (seeds/, shipped with the package) and its gazetteer cache.

extract/ reads no environment variable: ingest/config.py reads NEWSWATCH_SEEDS and
NEWSWATCH_CACHE_DIR and hands them over with `configure()` before the first extraction.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent

_seeds_dir: Path | None = None
_cache_dir: Path | None = None


def _in_checkout() -> bool:
    """True when extract/ is this repository's source folder (an editable install or tests)."""
    return (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "seeds").is_dir()


@functools.cache     # (asked at every look-up of a language's words: found once)
def packaged_seeds_dir() -> Path:
    """seeds/ as installed with the package (a wheel puts it at extract/seeds), else the
    repository's seeds/ (an editable install)."""
    shipped = Path(str(resources.files(__package__).joinpath("seeds")))
    return shipped if shipped.is_dir() else _CHECKOUT / "seeds"


def default_cache_dir() -> Path:
    """The repository's .cache/ in a checkout, else ~/.cache/newswatch."""
    return _CHECKOUT / ".cache" if _in_checkout() else Path.home() / ".cache" / "newswatch"


def configure(*, seeds_dir: Path | None = None, cache_dir: Path | None = None) -> None:
    """Use these folders from now on (None = the default). Takes effect for what is loaded
    after the call: the gazetteer and vocabulary are loaded once per process."""
    global _seeds_dir, _cache_dir
    _seeds_dir = Path(seeds_dir) if seeds_dir else None
    _cache_dir = Path(cache_dir) if cache_dir else None


def seeds_dir() -> Path:
    """The seeds/ folder in use."""
    return _seeds_dir or packaged_seeds_dir()


def cache_dir() -> Path:
    """The folder where the gazetteer's built tables are kept."""
    return _cache_dir or default_cache_dir()
