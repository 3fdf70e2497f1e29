"""The Kibana saved objects (seeds/kibana/newswatch.ndjson) rendered for this deployment: each
data view points at the aliases of NEWSWATCH_INDEX_PREFIX, not the shipped `newswatch-` ones."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.config import Settings

SAVED_OBJECTS = Path("kibana") / "newswatch.ndjson"  # under seeds/
SHIPPED_PREFIX = "newswatch"  # the prefix the shipped file's data views are written with


class KibanaObjectsError(ValueError):
    """The saved objects file cannot be rendered: the message says which line and why."""


def render(ndjson: str, settings: Settings) -> str:
    """The NDJSON with every data view's index pattern moved from the shipped prefix to
    `settings.index_prefix` (ids, names and references stay: they are Kibana's, not indices)."""
    out: list[str] = []
    for number, line in enumerate(ndjson.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KibanaObjectsError(f"line {number}: not JSON ({exc.msg})") from None
        if obj.get("type") == "index-pattern":
            title = obj["attributes"]["title"]
            kind = title.removeprefix(f"{SHIPPED_PREFIX}-")
            if kind == title:
                raise KibanaObjectsError(f"line {number}: data view {obj.get('id')!r} reads "
                                         f"{title!r}, not a {SHIPPED_PREFIX}-<kind> alias")
            obj["attributes"]["title"] = settings.index(kind)
        out.append(json.dumps(obj, sort_keys=True) + "\n")  # as scripts/kibana_objects.py
    return "".join(out)


def saved_objects(settings: Settings) -> str:
    """The shipped saved objects, rendered for `settings`."""
    path = settings.seeds_dir / SAVED_OBJECTS
    return render(path.read_text(encoding="utf-8"), settings)
