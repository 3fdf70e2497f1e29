"""The feed list as data: frozen, self-validating FeedSpec entries loaded from seeds/feeds.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ingest.es import NewswatchError

REGIONS = (
    "global", "africa", "middle-east", "europe", "asia", "south-asia", "southeast-asia",
    "east-asia", "central-asia", "oceania", "north-america", "latin-america", "caribbean",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class FeedSpecError(NewswatchError):
    """A feed entry (or the feed file) is not valid; the message names the entry."""


@dataclass(frozen=True)
class FeedSpec:
    """One feed to poll. Validates itself; a bad value raises FeedSpecError naming the feed."""

    id: str
    name: str
    url: str
    language: str
    country: str | None = None  # ISO 3166-1 alpha-2 of the outlet; None for international bodies
    region: str = "global"  # the region it covers, one of REGIONS
    tags: tuple[str, ...] = ()
    enabled: bool = True

    def __post_init__(self) -> None:
        label = f"feed {self.id!r}"
        if not isinstance(self.id, str):
            raise FeedSpecError(f"{label}: id must be a string; quote it in YAML (off, no, yes "
                                "and numbers are read as other types)")
        if not _ID.match(self.id):
            raise FeedSpecError(f"{label}: id must be 2-64 characters of a-z, 0-9, '-', '_'")
        if not isinstance(self.name, str) or not self.name.strip():
            raise FeedSpecError(f"{label}: name must be a non-empty string (quote it in YAML)")
        problem = url_problem(self.url)
        if problem:
            raise FeedSpecError(f"{label}: url {self.url!r} {problem}")
        if not isinstance(self.language, str) or not _LANGUAGE.match(self.language):
            raise FeedSpecError(f"{label}: language {self.language!r} is not an ISO 639 code "
                                "such as 'en', 'fr' or 'pt-BR'")
        if self.country is not None and (not isinstance(self.country, str)
                                         or not _COUNTRY.match(self.country)):
            raise FeedSpecError(f"{label}: country {self.country!r} is not an ISO 3166 alpha-2 "
                                "code such as 'GB' (leave it out for international sources)")
        if self.region not in REGIONS:
            raise FeedSpecError(f"{label}: region {self.region!r} is not one of: "
                                + ", ".join(REGIONS))
        if not isinstance(self.tags, tuple) or not all(
            isinstance(t, str) and _TAG.match(t) for t in self.tags
        ):
            raise FeedSpecError(f"{label}: tags must be a list of lower-case words")
        if not isinstance(self.enabled, bool):
            raise FeedSpecError(f"{label}: enabled must be true or false")

    @classmethod
    def from_mapping(cls, data: Any, where: str = "") -> FeedSpec:
        """Build from one YAML mapping; unknown keys and missing ones are named."""
        label = f"feed {data.get('id')!r}" if isinstance(data, dict) else f"entry {where}"
        if not isinstance(data, dict):
            raise FeedSpecError(f"{label}: expected a mapping of keys, got {type(data).__name__}")
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(map(str, data)) - set(known))
        if unknown:
            raise FeedSpecError(f"{label} ({where}): unknown key(s) {', '.join(unknown)}; "
                                f"allowed: {', '.join(known)}")
        missing = [k for k in ("id", "name", "url", "language") if k not in data]
        if missing:
            raise FeedSpecError(f"{label} ({where}): missing {', '.join(missing)}")
        values = dict(data)
        tags = values.get("tags", ())
        if isinstance(tags, str):
            tags = (tags,)
        if not isinstance(tags, list | tuple):
            raise FeedSpecError(f"{label} ({where}): tags must be a list")
        values["tags"] = tuple(tags)
        try:
            return cls(**values)
        except FeedSpecError as exc:
            raise FeedSpecError(f"{exc} ({where})") from None


def url_problem(url: Any) -> str | None:
    """Why `url` is not a usable feed URL, or None."""
    if not isinstance(url, str) or not url.strip():
        return "is not a string"
    if url != url.strip() or any(c.isspace() for c in url):
        return "contains spaces"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname or "." not in parts.hostname and parts.hostname != "localhost":
        return "has no valid host name"
    return None


def load_feeds(path: str | Path) -> list[FeedSpec]:
    """Read a feed file (`feeds:` list of mappings); FeedSpecError says what is wrong where."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FeedSpecError(f"cannot read feed file {path}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FeedSpecError(f"{path} is not valid YAML: {exc}") from None
    items = data.get("feeds") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FeedSpecError(f"{path}: expected a top-level 'feeds:' list")
    specs: list[FeedSpec] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        spec = FeedSpec.from_mapping(item, where=f"{path.name} entry {number}")
        if spec.id in seen:
            raise FeedSpecError(f"{path.name}: duplicate feed id {spec.id!r} in entries "
                                f"{seen[spec.id]} and {number}")
        seen[spec.id] = number
        specs.append(spec)
    return specs
