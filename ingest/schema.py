"""Index schema as code: templates, versioned indices behind aliases, setup and migration."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, helpers

from ingest.bounds import valid_strings
from ingest.config import Settings
from ingest.es import NewswatchError, es_errors

log = logging.getLogger(__name__)

KINDS = ("articles", "incidents", "feeds", "events")

# Bump when a mapping changes in a way that needs a reindex (`newswatch migrate-es`).
SCHEMA_VERSION = 1

# Fields that get an English-stemmed sub-field when the cluster has analysis-common.
ENGLISH_FIELDS = ("title", "text", "description")

# Elasticsearch refuses a keyword term over 32,766 bytes (the whole document with it); a
# character is at most 4 bytes in UTF-8, so values are cut to this many characters in code
# (fit_document) and the mappings ignore longer ones for search (`ignore_above`).
KEYWORD_MAX_CHARS = 8000
# list-valued keyword fields that are searched (authors, tags, actors...) keep at most this
# many values
KEYWORD_MAX_VALUES = 200

_KEYWORD = {"type": "keyword", "ignore_above": KEYWORD_MAX_CHARS}
_DATE = {"type": "date"}
_INT = {"type": "integer"}
_FLOAT = {"type": "float"}
_GEO = {"type": "geo_point"}
_BOOL = {"type": "boolean"}
_TEXT = {"type": "text"}


def _text_with_keyword(ignore_above: int = 512) -> dict:
    """Searchable text that can also be sorted/faceted on via `.keyword`."""
    keyword = {"type": "keyword", "ignore_above": ignore_above}
    return {"type": "text", "fields": {"keyword": keyword}}


def _keyword_with_text() -> dict:
    """A facet value (keyword) that is also full-text searchable via `.text`."""
    return {"type": "keyword", "ignore_above": 512, "fields": {"text": {"type": "text"}}}


ARTICLE_FIELDS: dict[str, dict] = {
    "article_id": _KEYWORD,
    "url": _KEYWORD,
    "canonical_url": _KEYWORD,
    "feed_id": _KEYWORD,
    "source": _keyword_with_text(),
    "domain": _KEYWORD,
    "title": _text_with_keyword(),
    "text": _TEXT,
    "description": _TEXT,
    "authors": _KEYWORD,
    "language": _KEYWORD,
    "tags": _KEYWORD,
    "published": _DATE,
    "updated": _DATE,
    "fetched": _DATE,
    "indexed": _DATE,
    "ingest_lag_s": _FLOAT,
    "content_hash": _KEYWORD,
    "word_count": _INT,
    "extractor_version": _KEYWORD,
    "text_source": _KEYWORD,  # "page" (fetched and cleaned) or "feed" (a feed item's own text)
    "incident_relevance": _FLOAT,   # does it report a current event at all (0..1)
    # near-duplicates (extract/fingerprint.py): SimHash hex ("" when the text is too short),
    # its bands for candidate lookup, and the article this one is a syndicated copy of
    "simhash": _KEYWORD,
    "simhash_bands": _KEYWORD,
    "duplicate_of": _KEYWORD,
    # denormalised facets of the article's incidents
    "event_types": _KEYWORD,
    "sub_event_types": _KEYWORD,
    "countries": _KEYWORD,
    "country_codes": _KEYWORD,
    "admin1s": _KEYWORD,
    "locations": _KEYWORD,
    "actors": _KEYWORD,
    "fatalities_total": _INT,
    "injured_total": _INT,
    "incident_count": _INT,
    "geo": _GEO,
}

INCIDENT_FIELDS: dict[str, dict] = {
    "incident_id": _KEYWORD,
    "article_id": _KEYWORD,
    "ordinal": _INT,
    "event_type": _KEYWORD,
    "sub_event_type": _KEYWORD,
    "date": _DATE,
    "date_precision": _KEYWORD,
    "country_code": _KEYWORD,
    "country": _KEYWORD,
    "admin1": _KEYWORD,
    "location": _keyword_with_text(),
    "geo": _GEO,
    "geo_precision": _INT,
    "actors": _KEYWORD,
    "fatalities": _INT,                # 0 when none is told (ACLED's convention)
    "injured": _INT,
    "fatalities_reported": _BOOL,      # whether the text told a toll: tells 0 from unknown
    "injured_reported": _BOOL,
    "weapons": _KEYWORD,
    "evidence": _TEXT,
    "confidence": _FLOAT,
    "article_url": _KEYWORD,
    "article_title": _text_with_keyword(),
    "source": _keyword_with_text(),
    "feed_id": _KEYWORD,
    "language": _KEYWORD,
    "published": _DATE,
    "indexed": _DATE,
    "extractor_version": _KEYWORD,
    "event_id": _KEYWORD,  # the merged event (newswatch-events) this incident belongs to
}

# one document per real-world event, merged from its reports (ingest/event_store.py)
EVENT_FIELDS: dict[str, dict] = {
    "event_id": _KEYWORD,
    "date": _DATE,
    "date_start": _DATE,
    "date_end": _DATE,
    "event_type": _KEYWORD,
    "sub_event_type": _KEYWORD,
    "country_code": _KEYWORD,
    "country": _KEYWORD,
    "admin1": _KEYWORD,
    "location": _keyword_with_text(),
    "geo": _GEO,
    "geo_precision": _INT,
    "actors": _KEYWORD,
    "fatalities": _INT,
    "injured": _INT,
    "tolls": {"type": "object", "enabled": False},  # [{fatalities, article_id, published}]
    "report_count": _INT,
    "source_count": _INT,
    "sources": _KEYWORD,
    "first_reported": _DATE,
    "last_updated": _DATE,
    "incident_ids": _KEYWORD,
    "article_ids": _KEYWORD,
    "members": {"type": "object", "enabled": False},  # [{article_id, incident_id}]
    "confidence": _FLOAT,
    "evidence": _TEXT,  # the sentence(s) of each independent report, for full-text search
    "words": {"type": "keyword", "index": False, "doc_values": False},
    "reports": {"type": "object", "enabled": False},  # what the merger keeps per report
    "merger_version": _KEYWORD,
    "indexed": _DATE,
}

FEED_FIELDS: dict[str, dict] = {
    "feed_id": _KEYWORD,
    "name": _keyword_with_text(),
    "url": _KEYWORD,
    "title": _text_with_keyword(),
    "language": _KEYWORD,
    "country": _KEYWORD,
    "region": _KEYWORD,
    "tags": _KEYWORD,
    "etag": {"type": "keyword", "index": False, "ignore_above": KEYWORD_MAX_CHARS},
    "last_modified": {"type": "keyword", "index": False, "ignore_above": KEYWORD_MAX_CHARS},
    "last_polled": _DATE,
    "last_status": _KEYWORD,
    "last_error": _text_with_keyword(1024),
    "last_reason": _KEYWORD,
    "consecutive_failures": _INT,
    "entries_seen": _INT,
    "next_poll_after": _DATE,
    "last_full_poll": _DATE,
    # articles of this feed refused for good (404, not HTML, too short...): not fetched again
    "rejected_ids": {"type": "keyword", "index": False},
    # articles that failed for a reason that may pass: {id: [failures, next try (ISO 8601)]}
    "retries": {"type": "object", "enabled": False},
}

FIELDS: dict[str, dict[str, dict]] = {
    "articles": ARTICLE_FIELDS,
    "incidents": INCIDENT_FIELDS,
    "feeds": FEED_FIELDS,
    "events": EVENT_FIELDS,
}


def fit_document(kind: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `doc` that Elasticsearch accepts whatever came from the network: every string
    valid UTF-8, keyword values cut to KEYWORD_MAX_CHARS, keyword lists to KEYWORD_MAX_VALUES."""
    fitted: dict[str, Any] = valid_strings(dict(doc))
    for name, spec in FIELDS[kind].items():
        if spec.get("type") != "keyword" or name not in fitted:
            continue
        value = fitted[name]
        if isinstance(value, str):
            fitted[name] = value[:KEYWORD_MAX_CHARS]
        elif isinstance(value, list | tuple):
            kept = value if spec.get("index") is False else value[:KEYWORD_MAX_VALUES]
            fitted[name] = [v[:KEYWORD_MAX_CHARS] if isinstance(v, str) else v for v in kept]
    return fitted


class SchemaError(NewswatchError):
    """The cluster's indices or aliases are not in a state newswatch can work with."""


@dataclass(frozen=True)
class MigrationReport:
    kind: str
    old_index: str
    new_index: str
    source_count: int
    target_count: int
    alias: str


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise SchemaError(f"unknown index kind {kind!r}; valid kinds: {', '.join(KINDS)}")


def _properties(kind: str, *, english: bool) -> dict:
    props: dict[str, dict] = {}
    for name, spec in FIELDS[kind].items():
        spec = {**spec, **({"fields": dict(spec["fields"])} if "fields" in spec else {})}
        if english and name in ENGLISH_FIELDS and spec["type"] == "text":
            spec.setdefault("fields", {})["english"] = {"type": "text", "analyzer": "english"}
        props[name] = spec
    return props


def component_names(kind: str, settings: Settings) -> tuple[str, str]:
    """(settings component, mappings component) template names of a kind."""
    return f"{settings.index_prefix}-settings", f"{settings.index_prefix}-{kind}-mappings"


def template_name(kind: str, settings: Settings) -> str:
    return f"{settings.index_prefix}-{kind}"


def version_pattern(kind: str, settings: Settings) -> str:
    return f"{settings.index(kind)}-v*"


def build_templates(kind: str, settings: Settings, *, english: bool) -> dict:
    """The component and index templates of a kind (pure; nothing is sent).

    Returns {"component_templates": {name: body}, "index_template": {"name": ..., "body": ...}}.
    """
    _check_kind(kind)
    settings_name, mappings_name = component_names(kind, settings)
    meta = {"newswatch_kind": kind, "newswatch_schema": SCHEMA_VERSION}
    return {
        "component_templates": {
            settings_name: {
                "template": {
                    "settings": {
                        "number_of_shards": settings.index_shards,
                        "number_of_replicas": settings.index_replicas,
                    }
                },
                "_meta": {"newswatch_schema": SCHEMA_VERSION},
            },
            mappings_name: {
                "template": {
                    "mappings": {
                        "dynamic": "strict",
                        "_meta": meta,
                        "properties": _properties(kind, english=english),
                    }
                },
                "_meta": meta,
            },
        },
        "index_template": {
            "name": template_name(kind, settings),
            "body": {
                "index_patterns": [version_pattern(kind, settings)],
                "composed_of": [settings_name, mappings_name],
                "priority": 500,
                "_meta": meta,
            },
        },
    }


def has_analysis_common(client: Elasticsearch) -> bool:
    """True when every node reports the analysis-common module (the `english` analyzer)."""
    info = _call(
        lambda: client.nodes.info(metric="plugins", filter_path="nodes.*.modules.name")
    )
    nodes = (info.body if hasattr(info, "body") else info).get("nodes", {})
    if not nodes:
        return False
    return all(
        any(m.get("name") == "analysis-common" for m in node.get("modules", []))
        for node in nodes.values()
    )


def _call(fn):
    """Run one request; a transport failure becomes ElasticsearchUnavailable."""
    with es_errors("setting up or reading the schema"):
        return fn()


def _versions(client: Elasticsearch, settings: Settings, kind: str) -> dict[int, str]:
    quiet = client.options(ignore_status=404)
    found = _call(lambda: quiet.indices.get(index=version_pattern(kind, settings),
                                            expand_wildcards="open,closed"))
    pattern = re.compile(re.escape(settings.index(kind)) + r"-v(\d+)$")
    versions: dict[int, str] = {}
    for name in (found.body or {}):
        match = pattern.match(name)
        if match:
            versions[int(match.group(1))] = name
    return versions


def _alias_targets(client: Elasticsearch, alias: str) -> dict[str, dict]:
    quiet = client.options(ignore_status=404)
    found = _call(lambda: quiet.indices.get_alias(name=alias))
    body = found.body or {}
    if "error" in body or "status" in body:
        return {}
    return {index: data.get("aliases", {}).get(alias, {}) for index, data in body.items()}


def current_index(client: Elasticsearch, settings: Settings, kind: str) -> str:
    """The concrete index the kind's alias writes to."""
    _check_kind(kind)
    alias = settings.index(kind)
    targets = _alias_targets(client, alias)
    if not targets:
        raise SchemaError(f"alias {alias} does not exist; run `newswatch setup-es`")
    if len(targets) == 1:
        return next(iter(targets))
    writers = [name for name, meta in targets.items() if meta.get("is_write_index")]
    if len(writers) != 1:
        raise SchemaError(f"alias {alias} points at {sorted(targets)} without one write index")
    return writers[0]


def _put_templates(client: Elasticsearch, kind: str, settings: Settings, english: bool) -> dict:
    """Put a kind's templates; returns {template name: 'created'|'updated'|'unchanged'}."""
    wanted = build_templates(kind, settings, english=english)
    status: dict[str, str] = {}
    quiet = client.options(ignore_status=404)
    for name, body in wanted["component_templates"].items():
        have = _call(lambda n=name: quiet.cluster.get_component_template(name=n)).body or {}
        existing = [t["component_template"] for t in have.get("component_templates", [])]
        if existing and _same(existing[0], body):
            status[name] = "unchanged"
            continue
        _call(lambda n=name, b=body: client.cluster.put_component_template(name=n, **b))
        status[name] = "updated" if existing else "created"
    name, body = wanted["index_template"]["name"], wanted["index_template"]["body"]
    have = _call(lambda: quiet.indices.get_index_template(name=name)).body or {}
    existing = [t["index_template"] for t in have.get("index_templates", [])]
    if existing and _same(existing[0], body):
        status[name] = "unchanged"
    else:
        _call(lambda: client.indices.put_index_template(name=name, **body))
        status[name] = "updated" if existing else "created"
    return status


def _same(have: Any, want: Any) -> bool:
    """Whether the stored object already holds everything wanted (stored values come back as
    strings for settings, so compare on string forms of leaves)."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return False
        return all(_same(_lookup(have, key), value) for key, value in want.items())
    if isinstance(want, list):
        return isinstance(have, list) and len(have) == len(want) and all(
            _same(h, w) for h, w in zip(have, want, strict=True)
        )
    return str(have).lower() == str(want).lower()


def _lookup(have: dict, key: str) -> Any:
    if key in have:
        return have[key]
    # settings come back nested under "index" ({"index": {"number_of_shards": "1"}})
    index = have.get("index")
    if isinstance(index, dict) and key in index:
        return index[key]
    return None


def setup(client: Elasticsearch, settings: Settings) -> dict:
    """Templates put, first versioned index created, alias set, for every kind. Idempotent.

    Returns {"english": bool, kind: {"templates": {name: status}, "index": name,
    "index_status": "created"|"existed", "alias_status": "created"|"existed",
    "mapping_status": "current"|"updated"|"needs-migration: <reason>",
    "replicas_status": "current"|"updated"}}.
    """
    english = has_analysis_common(client)
    report: dict[str, Any] = {"english": english}
    for kind in KINDS:
        report[kind] = _setup_kind(client, settings, kind, english)
        log.info("%s: index %s %s, alias %s %s, mapping %s", kind, report[kind]["index"],
                 report[kind]["index_status"], settings.index(kind),
                 report[kind]["alias_status"], report[kind]["mapping_status"])
    return report


def _setup_kind(client: Elasticsearch, settings: Settings, kind: str, english: bool) -> dict:
    alias = settings.index(kind)
    templates = _put_templates(client, kind, settings, english)
    quiet = client.options(ignore_status=404)
    direct = _call(lambda: quiet.indices.get(index=alias, expand_wildcards="all")).body or {}
    if alias in direct:  # a concrete index (not an alias) occupies the alias name
        raise SchemaError(
            f"{alias} is a concrete index, not an alias (was something indexed before setup?); "
            f"reindex it into {alias}-v1 or delete it, then run `newswatch setup-es` again"
        )
    targets = _alias_targets(client, alias)
    if targets:
        index = current_index(client, settings, kind)
        mapping_status = _update_mapping(client, kind, index, settings, english)
        return {"templates": templates, "index": index, "index_status": "existed",
                "alias_status": "existed", "mapping_status": mapping_status,
                "replicas_status": _apply_replicas(client, index, settings)}
    versions = _versions(client, settings, kind)
    if versions:  # versioned indices exist but the alias is gone: point it at the newest
        index = versions[max(versions)]
        index_status = "existed"
    else:
        index = f"{alias}-v1"
        index_status = "created" if _create(client, index) else "existed"
    _call(lambda: client.indices.update_aliases(
        actions=[{"add": {"index": index, "alias": alias, "is_write_index": True}}]
    ))
    return {"templates": templates, "index": index, "index_status": index_status,
            "alias_status": "created", "mapping_status": "current",
            "replicas_status": _apply_replicas(client, index, settings)}


def _apply_replicas(client: Elasticsearch, index: str, settings: Settings) -> str:
    """Give an existing index the configured replica count (a node added later: 0 -> 1).

    Replicas are a dynamic setting; the templates only reach indices created after them.
    The shard count cannot change in place (that is a migration)."""
    have = _call(lambda: client.indices.get_settings(
        index=index, name="index.number_of_replicas")).body
    current = _lookup(have.get(index, {}).get("settings", {}), "number_of_replicas")
    if _same(current, settings.index_replicas):
        return "current"
    _call(lambda: client.indices.put_settings(
        index=index, settings={"index": {"number_of_replicas": settings.index_replicas}}))
    return "updated"


def _create(client: Elasticsearch, index: str) -> bool:
    """Create an index; False when a concurrent setup created it first."""
    try:
        _call(lambda: client.indices.create(index=index))
    except ApiError as exc:
        if exc.status_code == 400 and exc.error == "resource_already_exists_exception":
            return False
        raise
    return True


def _update_mapping(client: Elasticsearch, kind: str, index: str, settings: Settings,
                    english: bool) -> str:
    """Apply additive mapping changes in place; say when only a migration can apply them."""
    wanted = _properties(kind, english=english)
    have = _call(lambda: client.indices.get_mapping(index=index)).body
    current = have.get(index, {}).get("mappings", {}).get("properties", {})
    if _same(current, wanted):
        return "current"
    try:
        _call(lambda: client.indices.put_mapping(index=index, properties=wanted, dynamic="strict"))
    except ApiError as exc:
        if exc.status_code == 400:
            return f"needs-migration: {exc.message}"
        raise
    return "updated"


def create_next_version(client: Elasticsearch, settings: Settings, kind: str) -> str:
    """Create the next versioned index of a kind from the current templates (not aliased)."""
    _check_kind(kind)
    _put_templates(client, kind, settings, has_analysis_common(client))
    versions = _versions(client, settings, kind)
    name = f"{settings.index(kind)}-v{max(versions, default=0) + 1}"
    _call(lambda: client.indices.create(index=name))
    return name


def swap_alias(client: Elasticsearch, settings: Settings, kind: str, new_index: str) -> None:
    """Point the alias at new_index only (one atomic request); it becomes the write index."""
    _check_kind(kind)
    alias = settings.index(kind)
    actions: list[dict] = [
        {"remove": {"index": index, "alias": alias}}
        for index in _alias_targets(client, alias)
        if index != new_index
    ]
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    _call(lambda: client.indices.update_aliases(actions=actions))
    log.info("alias %s now points at %s", alias, new_index)


def migrate(client: Elasticsearch, settings: Settings, kind: str) -> MigrationReport:
    """Create the next version, copy every document into it (scan + bulk), verify, swap alias."""
    old = current_index(client, settings, kind)
    new = create_next_version(client, settings, kind)
    log.info("migrating %s: copying %s into %s", kind, old, new)
    try:
        _call(lambda: client.indices.refresh(index=old))
        # helpers.reindex first asks whether the target is a data stream; a node without the
        # data-streams module answers 400, which the helper does not expect: tolerate it there.
        # (Bulk item errors still raise BulkIndexError; the counts are verified below.)
        helpers.reindex(client, old, new, chunk_size=500,
                        target_client=client.options(ignore_status=400),
                        bulk_kwargs={"max_retries": 3})
        _call(lambda: client.indices.refresh(index=new))
        source_count = _call(lambda: client.count(index=old))["count"]
        target_count = _call(lambda: client.count(index=new))["count"]
    except helpers.BulkIndexError as exc:
        raise SchemaError(
            f"migrating {kind}: {len(exc.errors)} documents did not fit {new}; "
            f"first error: {exc.errors[0]}. The alias still points at {old}; "
            f"delete {new} after fixing the schema"
        ) from exc
    except (ApiError, KeyError) as exc:
        raise SchemaError(
            f"migrating {kind}: copying {old} into {new} failed ({exc}); "
            f"the alias still points at {old}"
        ) from exc
    if source_count != target_count:
        raise SchemaError(
            f"migrating {kind}: {old} holds {source_count} documents but {new} {target_count}; "
            f"the alias still points at {old}"
        )
    swap_alias(client, settings, kind, new)
    return MigrationReport(kind, old, new, source_count, target_count, settings.index(kind))


def drop_everything(client: Elasticsearch, prefix: str) -> None:
    """Delete every index, index template and component template named `prefix*`.

    For throw-away prefixes (tests, benchmarks). Each is deleted by its exact name: clusters
    refuse wildcard deletes (action.destructive_requires_name).
    """
    quiet = client.options(ignore_status=404)
    for name in quiet.indices.get(index=f"{prefix}*", expand_wildcards="all").body or {}:
        quiet.indices.delete(index=name)
    templates = quiet.indices.get_index_template(name=f"{prefix}*").body or {}
    for item in templates.get("index_templates", []):
        quiet.indices.delete_index_template(name=item["name"])
    components = quiet.cluster.get_component_template(name=f"{prefix}*").body or {}
    for item in components.get("component_templates", []):
        quiet.cluster.delete_component_template(name=item["name"])
