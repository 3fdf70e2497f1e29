"""seeds/kibana/newswatch.ndjson checked against the live mapping (Kibana cannot run here)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from ingest import schema
from ingest.config import REPO_ROOT

NDJSON = REPO_ROOT / "seeds" / "kibana" / "newswatch.ndjson"
GENERATOR = REPO_ROOT / "scripts" / "kibana_objects.py"
REFERABLE = {"index-pattern", "search", "lens", "map", "visualization", "dashboard"}
NUMERIC = {"integer", "long", "float", "double", "short", "byte", "scaled_float"}
# what each Lens operation needs of its source field
OPERATION_TYPES = {
    "date_histogram": {"date"},
    "terms": {"keyword"} | NUMERIC,
    "sum": NUMERIC, "max": NUMERIC, "min": NUMERIC, "average": NUMERIC, "median": NUMERIC,
    "unique_count": {"keyword"} | NUMERIC,
}


def _objects() -> list[dict]:
    lines = NDJSON.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_file_is_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("kibana_objects", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert NDJSON.read_text(encoding="utf-8") == module.render(), (
        "seeds/kibana/newswatch.ndjson is stale: run .venv/bin/python scripts/kibana_objects.py")


def test_objects_are_well_formed_with_unique_ids_and_resolving_references():
    objects = _objects()
    assert {o["type"] for o in objects} >= {"index-pattern", "search", "lens", "map", "dashboard"}
    keys = [(o["type"], o["id"]) for o in objects]
    assert len(keys) == len(set(keys))
    assert len({o["id"] for o in objects}) == len(objects)
    present = set(keys)
    for obj in objects:
        assert isinstance(obj["attributes"], dict) and obj["attributes"].get("title"), obj["id"]
        names = [ref["name"] for ref in obj["references"]]
        assert len(names) == len(set(names)), obj["id"]
        for ref in obj["references"]:
            assert ref["type"] in REFERABLE
            assert (ref["type"], ref["id"]) in present, (obj["id"], ref)
        # every stringified JSON attribute parses
        for key, value in obj["attributes"].items():
            if key.endswith("JSON"):
                json.loads(value)
        meta = obj["attributes"].get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
        if meta:
            source = json.loads(meta)
            if "indexRefName" in source:
                assert source["indexRefName"] in names
    for obj in objects:
        if obj["type"] == "dashboard":
            panels = json.loads(obj["attributes"]["panelsJSON"])
            refs = {ref["name"].split(":")[-1]: ref for ref in obj["references"]}
            for panel in panels:
                assert refs[panel["panelRefName"]]["type"] == panel["type"]
            assert len({p["panelIndex"] for p in panels}) == len(panels)


def test_compose_imports_this_file():
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    assert "/api/saved_objects/_import" in compose and "kbn-xsrf" in compose
    assert "seeds/kibana/newswatch.ndjson" in compose


def _field_types(client, index: str) -> dict[str, str]:
    mapping = client.indices.get_mapping(index=index).body
    props = next(iter(mapping.values()))["mappings"]["properties"]
    types: dict[str, str] = {}
    for name, spec in props.items():
        types[name] = spec["type"]
        for sub, sub_spec in spec.get("fields", {}).items():
            types[f"{name}.{sub}"] = sub_spec["type"]
    return types


def _fields_used(obj: dict, views: dict[str, str]) -> list[tuple[str, str, set[str] | None]]:
    """(data view id, field, allowed types or None for any) referred to by one object."""
    attrs, refs = obj["attributes"], {r["name"]: r["id"] for r in obj["references"]}
    used: list[tuple[str, str, set[str] | None]] = []
    if obj["type"] == "index-pattern":
        used.append((obj["id"], attrs["timeFieldName"], {"date"}))
        used += [(obj["id"], f, {"keyword"}) for f in json.loads(attrs["fieldFormatMap"])]
    elif obj["type"] == "search":
        view = refs["kibanaSavedObjectMeta.searchSourceJSON.index"]
        used += [(view, column, None) for column in attrs["columns"]]
        used += [(view, field, {"date", "keyword"} | NUMERIC) for field, _ in attrs["sort"]]
    elif obj["type"] == "lens":
        for layer_id, layer in attrs["state"]["datasourceStates"]["formBased"]["layers"].items():
            view = refs[f"indexpattern-datasource-layer-{layer_id}"]
            for column in layer["columns"].values():
                if column["operationType"] != "count":
                    allowed = OPERATION_TYPES[column["operationType"]]
                    used.append((view, column["sourceField"], allowed))
            assert set(layer["columnOrder"]) == set(layer["columns"])
    elif obj["type"] == "map":
        for layer in json.loads(attrs["layerListJSON"]):
            source = layer["sourceDescriptor"]
            if source.get("indexPatternRefName"):
                view = refs[source["indexPatternRefName"]]
                used.append((view, source["geoField"], {"geo_point", "geo_shape"}))
                used += [(view, f, None) for f in source.get("tooltipProperties", [])]
                if source.get("sortField"):
                    used.append((view, source["sortField"], {"date"} | NUMERIC))
                style = layer.get("style", {}).get("properties", {})
                for prop in style.values():
                    name = prop.get("options", {}).get("field", {}).get("name")
                    if name:
                        used.append((view, name, {"keyword"} | NUMERIC))
    return used


def test_every_referenced_field_exists_in_the_live_mapping(es_client, es_settings, es_prefix):
    schema.setup(es_client, es_settings)
    objects = _objects()
    views = {o["id"]: o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}
    kinds = {}
    for view_id, pattern in views.items():
        kind = pattern.removeprefix("newswatch-")
        assert kind in schema.KINDS and pattern == f"newswatch-{kind}"  # the default aliases
        kinds[view_id] = _field_types(es_client, es_settings.index(kind))
    checked = 0
    for obj in objects:
        for view, field, allowed in _fields_used(obj, views):
            types = kinds[view]
            assert field in types, f"{obj['type']} {obj['id']}: {field} not in {views[view]}"
            if allowed is not None:
                assert types[field] in allowed, (obj["id"], field, types[field], allowed)
            checked += 1
    assert checked > 40


@pytest.mark.parametrize(("view", "time_field"), [
    ("newswatch-articles", "published"), ("newswatch-incidents", "date"),
    ("newswatch-feeds", "last_polled"), ("newswatch-events", "date")])
def test_data_views_name_their_time_fields(view, time_field):
    by_id = {o["id"]: o for o in _objects()}
    assert by_id[view]["attributes"]["timeFieldName"] == time_field


def test_main_dashboard_counts_events_and_keeps_incidents_one_click_away():
    by_id = {o["id"]: o for o in _objects()}
    board = by_id["newswatch-incidents-dashboard"]
    kinds = {ref["type"] for ref in board["references"]}
    assert kinds == {"lens", "map", "search"}
    titles = {by_id[ref["id"]]["attributes"]["title"] for ref in board["references"]}
    assert {"Events map", "Events over time by event type", "Events by country",
            "Fatalities by country (events)", "Events by number of sources",
            "Latest events (merged across reports)", "Latest incidents", "Top actors"} <= titles
    counted = [ref["id"] for ref in board["references"] if ref["type"] in ("lens", "map")
               and by_id[ref["id"]]["references"][0]["id"] == "newswatch-events"]
    assert len(counted) >= 5
