"""Write seeds/kibana/newswatch.ndjson: the Kibana saved objects (data views, searches, Lens, map,
dashboards), built from small tables here so the file stays consistent. Run after editing:

    .venv/bin/python scripts/kibana_objects.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "seeds" / "kibana" / "newswatch.ndjson"
CORE = "8.8.0"

DATA_VIEWS = {
    # id: (index pattern (alias), time field, name, URL-formatted fields)
    "newswatch-articles": ("newswatch-articles", "published", "newswatch articles",
                           ("url", "canonical_url")),
    "newswatch-incidents": ("newswatch-incidents", "date", "newswatch incidents",
                            ("article_url",)),
    "newswatch-feeds": ("newswatch-feeds", "last_polled", "newswatch feeds", ("url",)),
    "newswatch-events": ("newswatch-events", "date", "newswatch events", ()),
}


def _js(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def data_view(view_id: str) -> dict:
    pattern, time_field, name, url_fields = DATA_VIEWS[view_id]
    return {
        "type": "index-pattern", "id": view_id, "coreMigrationVersion": CORE,
        "typeMigrationVersion": "8.0.0", "managed": False, "references": [],
        "attributes": {
            "title": pattern, "name": name, "timeFieldName": time_field,
            "fieldFormatMap": _js({f: {"id": "url", "params": {"labelTemplate": "{{value}}"}}
                                   for f in url_fields}),
            "fields": "[]", "runtimeFieldMap": "{}", "typeMeta": "{}", "allowNoIndex": True,
        },
    }


def saved_search(search_id: str, title: str, view_id: str, columns: list[str],
                 sort: list[list[str]], query: str = "") -> dict:
    source = {"query": {"query": query, "language": "kuery"}, "filter": [],
              "highlightAll": True, "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"}
    return {
        "type": "search", "id": search_id, "coreMigrationVersion": CORE,
        "typeMigrationVersion": "8.0.0", "managed": False,
        "attributes": {"title": title, "description": "", "columns": columns, "sort": sort,
                       "kibanaSavedObjectMeta": {"searchSourceJSON": _js(source)}},
        "references": [{"type": "index-pattern", "id": view_id,
                        "name": "kibanaSavedObjectMeta.searchSourceJSON.index"}],
    }


def _column(kind: str, field: str | None = None, *, label: str, size: int = 10,
            order_by: str | None = None) -> dict:
    if kind == "date_histogram":
        return {"label": label, "dataType": "date", "operationType": "date_histogram",
                "sourceField": field, "isBucketed": True, "scale": "interval",
                "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False}}
    if kind == "terms":
        return {"label": label, "dataType": "string", "operationType": "terms",
                "sourceField": field, "isBucketed": True, "scale": "ordinal",
                "params": {"size": size, "orderBy": {"type": "column", "columnId": order_by},
                           "orderDirection": "desc", "otherBucket": True,
                           "missingBucket": False}}
    if kind == "count":
        return {"label": label, "dataType": "number", "operationType": "count",
                "sourceField": "___records___", "isBucketed": False, "scale": "ratio",
                "params": {"emptyAsNull": True}}
    return {"label": label, "dataType": "number", "operationType": kind, "sourceField": field,
            "isBucketed": False, "scale": "ratio", "params": {"emptyAsNull": True}}


def lens_xy(lens_id: str, title: str, view_id: str, *, x: dict, y: dict,
            split: dict | None = None, series: str = "bar_stacked") -> dict:
    layer = "layer1"
    columns = {"x": x, "y": y}
    order = ["x", "y"]
    if split:
        columns["split"] = split
        order = ["split", "x", "y"]
    for column in columns.values():
        if column["operationType"] == "terms":
            column["params"]["orderBy"]["columnId"] = "y"
    visualization = {
        "legend": {"isVisible": True, "position": "right"},
        "valueLabels": "hide", "preferredSeriesType": series,
        "layers": [{"layerId": layer, "layerType": "data", "seriesType": series,
                    "xAccessor": "x", "accessors": ["y"],
                    **({"splitAccessor": "split"} if split else {})}],
    }
    return _lens(lens_id, title, view_id, "lnsXY", layer, columns, order, visualization)


def _lens(lens_id, title, view_id, vis_type, layer, columns, order, visualization) -> dict:
    return {
        "type": "lens", "id": lens_id, "coreMigrationVersion": CORE,
        "typeMigrationVersion": "8.9.0", "managed": False,
        "attributes": {
            "title": title, "description": "", "visualizationType": vis_type,
            "state": {
                "visualization": visualization,
                "query": {"query": "", "language": "kuery"}, "filters": [],
                "datasourceStates": {"formBased": {"layers": {layer: {
                    "columns": columns, "columnOrder": order, "incompleteColumns": {}}}}},
                "internalReferences": [], "adHocDataViews": {},
            },
        },
        "references": [{"type": "index-pattern", "id": view_id,
                        "name": f"indexpattern-datasource-layer-{layer}"}],
    }


def lens_table(lens_id: str, title: str, view_id: str, rows: dict, metrics: dict) -> dict:
    columns = {**rows, **metrics}
    first_metric = next(iter(metrics))
    for column in rows.values():
        if column["operationType"] == "terms":
            column["params"]["orderBy"]["columnId"] = first_metric
    visualization = {"layerId": "layer1", "layerType": "data",
                     "columns": [{"columnId": c} for c in columns]}
    return _lens(lens_id, title, view_id, "lnsDatatable", "layer1", columns, list(columns),
                 visualization)


INCIDENT_TIPS = ["event_type", "sub_event_type", "location", "country", "fatalities", "date",
                 "article_title", "article_url"]
EVENT_TIPS = ["event_type", "sub_event_type", "location", "country", "fatalities",
              "source_count", "report_count", "date"]


def incident_map(map_id: str, title: str, view_id: str, label: str = "Incidents",
                 tips: list[str] = INCIDENT_TIPS) -> dict:
    layers = [
        {"id": "basemap", "type": "EMS_VECTOR_TILE", "label": None, "visible": True,
         "alpha": 1, "minZoom": 0, "maxZoom": 24,
         "sourceDescriptor": {"type": "EMS_TMS", "isAutoSelect": True},
         "style": {"type": "EMS_VECTOR_TILE"}},
        {"id": label.lower(), "type": "GEOJSON_VECTOR", "label": label, "visible": True,
         "alpha": 0.8, "minZoom": 0, "maxZoom": 24, "joins": [],
         "sourceDescriptor": {
             "type": "ES_SEARCH", "id": "incidents-source", "geoField": "geo",
             "scalingType": "LIMIT", "sortField": "date", "sortOrder": "desc",
             "tooltipProperties": tips,
             "indexPatternRefName": "layer_1_source_index_pattern", "applyGlobalQuery": True,
             "applyGlobalTime": True},
         "style": {"type": "VECTOR", "isTimeAware": True, "properties": {
             "fillColor": {"type": "DYNAMIC", "options": {
                 "field": {"name": "event_type", "origin": "source"}, "type": "CATEGORICAL",
                 "colorCategory": "palette_0"}},
             "iconSize": {"type": "STATIC", "options": {"size": 6}}}}},
    ]
    state = {"zoom": 1.5, "center": {"lat": 25, "lon": 30},
             "timeFilters": {"from": "now-30d", "to": "now"},
             "refreshConfig": {"isPaused": True, "interval": 0},
             "query": {"query": "", "language": "kuery"}, "filters": [], "settings": {}}
    return {
        "type": "map", "id": map_id, "coreMigrationVersion": CORE,
        "typeMigrationVersion": "8.4.0", "managed": False,
        "attributes": {"title": title, "description": f"{label} by geo, coloured by event type",
                       "layerListJSON": _js(layers), "mapStateJSON": _js(state),
                       "uiStateJSON": _js({"isLayerTOCOpen": True, "openTOCDetails": []})},
        "references": [{"type": "index-pattern", "id": view_id,
                        "name": "layer_1_source_index_pattern"}],
    }


def dashboard(dash_id: str, title: str, description: str,
              panels: list[tuple[str, str, int, int, int, int]]) -> dict:
    """panels: (saved object type, id, x, y, w, h)."""
    panels_json, references = [], []
    for number, (kind, object_id, x, y, w, h) in enumerate(panels, start=1):
        index = str(number)
        panels_json.append({"type": kind, "panelIndex": index, "embeddableConfig": {},
                            "gridData": {"x": x, "y": y, "w": w, "h": h, "i": index},
                            "panelRefName": f"panel_{index}"})
        references.append({"type": kind, "id": object_id, "name": f"{index}:panel_{index}"})
    return {
        "type": "dashboard", "id": dash_id, "coreMigrationVersion": CORE,
        "typeMigrationVersion": "8.9.0", "managed": False,
        "attributes": {
            "title": title, "description": description, "panelsJSON": _js(panels_json),
            "optionsJSON": _js({"useMargins": True, "syncColors": True, "syncCursor": True,
                                "syncTooltips": False, "hidePanelTitles": False}),
            "timeRestore": True, "timeFrom": "now-30d", "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 300000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": _js(
                {"query": {"query": "", "language": "kuery"}, "filter": []})},
        },
        "references": references,
    }


def objects() -> list[dict]:
    inc, art, feeds = "newswatch-incidents", "newswatch-articles", "newswatch-feeds"
    ev = "newswatch-events"
    return [
        data_view(art), data_view(inc), data_view(feeds), data_view(ev),
        saved_search("newswatch-latest-events", "Latest events (merged across reports)", ev,
                     ["event_type", "sub_event_type", "location", "admin1", "country",
                      "fatalities", "source_count", "report_count", "first_reported"],
                     [["date", "desc"]]),
        lens_xy("newswatch-events-over-time", "Events over time by event type", ev,
                x=_column("date_histogram", "date", label="Date"),
                y=_column("count", label="Events"),
                split=_column("terms", "event_type", label="Event type", size=6)),
        lens_xy("newswatch-events-by-event-type", "Events by event type", ev,
                x=_column("terms", "event_type", label="Event type", size=6),
                y=_column("count", label="Events"), series="bar_horizontal"),
        lens_xy("newswatch-events-top-countries", "Events by country", ev,
                x=_column("terms", "country", label="Country", size=15),
                y=_column("count", label="Events"), series="bar_horizontal"),
        lens_xy("newswatch-events-fatalities-by-country", "Fatalities by country (events)", ev,
                x=_column("terms", "country", label="Country", size=15),
                y=_column("sum", "fatalities", label="Fatalities"), series="bar_horizontal"),
        lens_xy("newswatch-events-by-source-count", "Events by number of sources", ev,
                x=_column("terms", "source_count", label="Independent sources", size=10),
                y=_column("count", label="Events")),
        incident_map("newswatch-events-map", "Events map", ev, label="Events", tips=EVENT_TIPS),
        saved_search("newswatch-latest-incidents", "Latest incidents", inc,
                     ["event_type", "sub_event_type", "location", "admin1", "country",
                      "fatalities", "fatalities_reported", "actors", "article_title",
                      "article_url"],
                     [["date", "desc"]]),
        saved_search("newswatch-latest-articles", "Latest articles", art,
                     ["source", "title", "event_types", "countries", "fatalities_total",
                      "incident_relevance", "language", "url"],
                     [["published", "desc"]]),
        saved_search("newswatch-event-reports", "Articles reporting an event", art,
                     ["source", "title", "incident_relevance", "incident_count", "event_types",
                      "countries", "url"],
                     [["published", "desc"]], query="incident_relevance >= 0.5"),
        saved_search("newswatch-feed-health", "Feed health (failing first)", feeds,
                     ["name", "url", "last_status", "last_reason", "consecutive_failures",
                      "entries_seen", "last_error"],
                     [["consecutive_failures", "desc"], ["last_polled", "desc"]]),
        lens_xy("newswatch-incidents-over-time", "Incidents over time by event type", inc,
                x=_column("date_histogram", "date", label="Date"),
                y=_column("count", label="Incidents"),
                split=_column("terms", "event_type", label="Event type", size=6)),
        lens_xy("newswatch-incidents-by-event-type", "Incidents by event type", inc,
                x=_column("terms", "event_type", label="Event type", size=6),
                y=_column("count", label="Incidents"), series="bar_horizontal"),
        lens_xy("newswatch-top-countries", "Top countries", inc,
                x=_column("terms", "country", label="Country", size=15),
                y=_column("count", label="Incidents"), series="bar_horizontal"),
        lens_xy("newswatch-top-actors", "Top actors", inc,
                x=_column("terms", "actors", label="Actor", size=15),
                y=_column("count", label="Incidents"), series="bar_horizontal"),
        lens_xy("newswatch-fatalities-by-country", "Fatalities by country", inc,
                x=_column("terms", "country", label="Country", size=15),
                y=_column("sum", "fatalities", label="Fatalities"), series="bar_horizontal"),
        lens_table("newswatch-feed-failures", "Feeds by consecutive failures", feeds,
                   rows={"feed": _column("terms", "feed_id", label="Feed", size=50),
                         "status": _column("terms", "last_status", label="Last status", size=5)},
                   metrics={"failures": _column("max", "consecutive_failures",
                                                label="Consecutive failures"),
                            "entries": _column("max", "entries_seen", label="Entries seen")}),
        incident_map("newswatch-incidents-map", "Incidents map", inc),
        dashboard("newswatch-incidents-dashboard", "Events",
                  "Events merged from every report (counts are events, not coverage): over "
                  "time, where, who, how many killed, how many sources; incidents below", [
                      ("lens", "newswatch-events-over-time", 0, 0, 32, 14),
                      ("lens", "newswatch-events-by-event-type", 32, 0, 16, 14),
                      ("map", "newswatch-events-map", 0, 14, 32, 20),
                      ("lens", "newswatch-events-top-countries", 32, 14, 16, 10),
                      ("lens", "newswatch-events-fatalities-by-country", 32, 24, 16, 10),
                      ("lens", "newswatch-events-by-source-count", 0, 34, 16, 14),
                      ("search", "newswatch-latest-events", 16, 34, 32, 14),
                      ("lens", "newswatch-top-actors", 0, 48, 16, 14),
                      ("search", "newswatch-latest-incidents", 16, 48, 32, 14),
                  ]),
        dashboard("newswatch-feed-health-dashboard", "Feed health",
                  "Which feeds fail, why, and how many entries they yield", [
                      ("lens", "newswatch-feed-failures", 0, 0, 48, 14),
                      ("search", "newswatch-feed-health", 0, 14, 48, 16),
                  ]),
    ]


def render() -> str:
    return "".join(json.dumps(obj, sort_keys=True) + "\n" for obj in objects())


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT} ({len(objects())} objects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
