"""Full-text and faceted search over articles, incidents and events (CLI, web page, DAGs)."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from elasticsearch import ApiError, Elasticsearch

from ingest.config import Settings
from ingest.es import NewswatchError, es_errors

log = logging.getLogger(__name__)

TARGETS = ("articles", "incidents", "events")
SORTS = ("relevance", "date")
INTERVALS = ("hour", "day", "week", "month", "quarter", "year")
# A query is words a person typed: longer ones are refused before they reach the node (20,000
# words over 7 fields expand to 140,000 clauses, which held a node for minutes).
MAX_QUERY_CHARS = 4096
MAX_QUERY_TERMS = 256
# Highlight at most the node's per-index limit (-1 = index.highlight.max_analyzed_offset,
# 1M characters by default) instead of failing the whole page on one longer article.
HIGHLIGHT_MAX_ANALYZED_OFFSET = -1


class SearchError(NewswatchError):
    """A search request that cannot be run as asked (unknown filter, facet, target...)."""


@dataclass(frozen=True)
class Field:
    """A user-facing filter/facet name and the keyword field it means in each index."""

    articles: str | None
    incidents: str | None


# One table for filters and facets: adding a name = one entry here.
FIELDS: dict[str, Field] = {
    "event_type": Field("event_types", "event_type"),
    "sub_event_type": Field("sub_event_types", "sub_event_type"),
    "country": Field("countries", "country"),
    "country_code": Field("country_codes", "country_code"),
    "admin1": Field("admin1s", "admin1"),
    "location": Field("locations", "location"),
    "actor": Field("actors", "actors"),
    "source": Field("source", "source"),
    "language": Field("language", "language"),
    "feed_id": Field("feed_id", "feed_id"),
    "article_id": Field("article_id", "article_id"),
    "domain": Field("domain", None),
    "author": Field("authors", None),
    "tag": Field("tags", None),
    "weapon": Field(None, "weapons"),
    "date_precision": Field(None, "date_precision"),
    "geo_precision": Field(None, "geo_precision"),
    "fatalities_reported": Field(None, "fatalities_reported"),
    "injured_reported": Field(None, "injured_reported"),
}

# Events (newswatch-events) have the incidents' names, over their own fields, plus source_count.
EVENT_FIELDS: dict[str, str] = {
    "event_type": "event_type", "sub_event_type": "sub_event_type", "country": "country",
    "country_code": "country_code", "admin1": "admin1", "location": "location",
    "actor": "actors", "source": "sources", "article_id": "article_ids",
    "geo_precision": "geo_precision", "source_count": "source_count",
    "report_count": "report_count",
}

# Scores faceted and filtered by named ranges: name -> (field per target, {bucket: [from, to)}).
RANGES: dict[str, tuple[Field, dict[str, tuple[float | None, float | None]]]] = {
    "incident_relevance": (Field("incident_relevance", None),
                           {"relevant": (0.5, None), "not_relevant": (None, 0.5)}),
}

# Per target: full-text fields (with boosts), time field, id field, fatalities field,
# highlighted fields.
QUERY_FIELDS = {
    "articles": ["title^3", "title.english^3", "description^2", "description.english^2",
                 "text", "text.english", "source.text"],
    "incidents": ["article_title^3", "location.text^2", "evidence", "source.text"],
    "events": ["location.text^2", "evidence", "actors", "sources", "country", "admin1"],
}
TIME_FIELD = {"articles": "published", "incidents": "date", "events": "date"}
ID_FIELD = {"articles": "article_id", "incidents": "incident_id", "events": "event_id"}
FATALITIES_FIELD = {"articles": "fatalities_total", "incidents": "fatalities",
                    "events": "fatalities"}
HIGHLIGHT_FIELDS = {
    "articles": ("title", "description", "text"),
    "incidents": ("evidence", "article_title", "location.text"),
    "events": ("evidence", "location.text"),
}
DEFAULT_EXCLUDES = {"articles": ("text",), "incidents": (), "events": ("reports", "words")}


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[dict] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    histogram: list[tuple[str, int]] = field(default_factory=list)
    fatalities_sum: int | None = None
    next_search_after: list | None = None


def valid_names(target: str) -> list[str]:
    """The filter and facet names that work on a target."""
    if target == "events":
        return sorted(EVENT_FIELDS)
    fields = {**FIELDS, **{name: f for name, (f, _b) in RANGES.items()}}
    return sorted(name for name, f in fields.items() if getattr(f, target) is not None)


def _range(name: str, target: str, what: str, bucket: str | None = None) -> dict:
    """The range filter (bucket given) or range aggregation of a RANGES name."""
    spec, buckets = RANGES[name]
    es_field = getattr(spec, target, None)
    if es_field is None or (bucket is not None and bucket not in buckets):
        raise SearchError(f"unknown {what} {name}={bucket} for {target}; valid: "
                          + ", ".join(f"{name}={b}" for b in buckets))
    if bucket is not None:
        low, high = buckets[bucket]
        return {"range": {es_field: {k: v for k, v in (("gte", low), ("lt", high))
                                     if v is not None}}}
    return {"range": {"field": es_field, "ranges": [
        {"key": b, **({"from": lo} if lo is not None else {}), **({"to": hi} if hi is not None
                                                                  else {})}
        for b, (lo, hi) in buckets.items()]}}


def _field(name: str, target: str, what: str) -> str:
    spec = FIELDS.get(name)
    resolved = EVENT_FIELDS.get(name) if target == "events" else \
        getattr(spec, target) if spec else None
    if resolved is None:
        raise SearchError(
            f"unknown {what} {name!r} for {target}; valid {what}s: {', '.join(valid_names(target))}"
        )
    return resolved


def _user_query(text: str) -> str:
    """Users type AND/OR between words; simple_query_string spells them + and |."""
    return re.sub(r"(?<=\s)OR(?=\s)", "|", re.sub(r"(?<=\s)AND(?=\s)", "+", text))


_DATE_MATH = re.compile(r"now([+-]\d+[yMwdhHms])*(/[yMwdhHms])?")
# the part of Elasticsearch's strict_date_optional_time that people type
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?"
                       r"(Z|[+-]\d{2}:\d{2})?)?")


def time_bound(value: str | date | datetime, what: str = "date") -> str:
    """A range bound Elasticsearch accepts: a date, an ISO 8601 time or date math (now-7d);
    SearchError naming `what` and the forms expected otherwise."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value).strip()
    if _DATE_MATH.fullmatch(text):
        return text
    if _ISO_TIME.fullmatch(text):
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))  # a real day and time
            return text
        except ValueError:
            pass
    raise SearchError(f"{what} {text!r}: expected YYYY-MM-DD, an ISO 8601 time "
                      "(2024-04-21T10:00:00Z) or now-<N><unit> (now-7d)")


def check_point(lat: float, lon: float, km: float, what: str = "near") -> None:
    """SearchError unless lat/lon are a place on Earth and km a positive distance."""
    if not all(math.isfinite(v) for v in (lat, lon, km)):
        raise SearchError(f"{what}: expected finite numbers LAT,LON,KM")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise SearchError(f"{what}: expected latitude -90..90 and longitude "
                          "-180..180")
    if not 0 < km <= 20_100:
        raise SearchError(f"{what}: expected a radius in km more than 0 and at most 20100")


def check_bbox(west: float, south: float, east: float, north: float,
               what: str = "bbox") -> None:
    """SearchError unless the box is WEST,SOUTH,EAST,NORTH in degrees with south <= north."""
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise SearchError(f"{what}: expected finite numbers WEST,SOUTH,EAST,NORTH")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise SearchError(f"{what}: expected WEST,SOUTH,EAST,NORTH "
                          "with longitudes -180..180, latitudes -90..90 and SOUTH <= NORTH")


def check_search_after(values: Any, sort: str = "relevance", what: str = "search_after") -> list:
    """The `next_search_after` of a previous page, as a list the sort accepts."""
    length = 2 if sort == "date" else 3
    if not (isinstance(values, list) and len(values) == length and all(
            v is None or isinstance(v, str | int | float) and not isinstance(v, bool)
            for v in values)):
        raise SearchError(f"{what}: expected the JSON list of {length} values printed as "
                          f"next_search_after by the previous page (sort {sort})")
    return values


def check_query(text: str) -> None:
    """SearchError when a query is longer than a person would type (see MAX_QUERY_*)."""
    words = len(text.split())
    if words > MAX_QUERY_TERMS:
        raise SearchError(f"the query has {words} words; at most {MAX_QUERY_TERMS} words are "
                          "searched - shorten it")
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"the query has {len(text)} characters; at most {MAX_QUERY_CHARS} "
                          "are searched - shorten it")


def build_request(
    query: str | None = None,
    *,
    target: str = "articles",
    filters: Mapping[str, str | Sequence[str]] | None = None,
    facets: Sequence[str] = (),
    sort: str = "relevance",
    size: int = 10,
    search_after: Sequence[Any] | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    fatalities_min: int | None = None,
    fatalities_max: int | None = None,
    near: tuple[float, float, float] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    histogram: str | None = "day",
    facet_size: int = 10,
    source_excludes: Sequence[str] | None = None,
) -> dict:
    """The search request body (pure): validates names, never lets query syntax break it."""
    if target not in TARGETS:
        raise SearchError(f"unknown target {target!r}; valid targets: {', '.join(TARGETS)}")
    if sort not in SORTS:
        raise SearchError(f"unknown sort {sort!r}; valid sorts: {', '.join(SORTS)}")
    if histogram is not None and histogram not in INTERVALS:
        raise SearchError(f"unknown interval {histogram!r}; valid: {', '.join(INTERVALS)}")
    if not 0 <= size <= 10_000:
        raise SearchError(f"size {size} is out of range 0..10000")
    time_field = TIME_FIELD[target]
    filter_clauses: list[dict] = []
    for name, value in (filters or {}).items():
        if name in RANGES:
            filter_clauses.append(_range(name, target, "filter", str(value)))
            continue
        es_field = _field(name, target, "filter")
        values = [value] if isinstance(value, str | int | float) else list(value)
        filter_clauses.append({"terms": {es_field: [str(v) for v in values]}})
    if date_from is not None or date_to is not None:
        bounds: dict[str, str] = {}
        if date_from is not None:
            bounds["gte"] = time_bound(date_from, "date_from")
        if date_to is not None:
            bounds["lte"] = time_bound(date_to, "date_to")
        filter_clauses.append({"range": {time_field: bounds}})
    if fatalities_min is not None or fatalities_max is not None:
        bounds_n: dict[str, int] = {}
        if fatalities_min is not None:
            bounds_n["gte"] = int(fatalities_min)
        if fatalities_max is not None:
            bounds_n["lte"] = int(fatalities_max)
        filter_clauses.append({"range": {FATALITIES_FIELD[target]: bounds_n}})
    if near is not None:
        lat, lon, km = near
        check_point(float(lat), float(lon), float(km))
        filter_clauses.append({"geo_distance": {"distance": f"{float(km)}km",
                                                "geo": {"lat": float(lat), "lon": float(lon)}}})
    if bbox is not None:
        west, south, east, north = bbox
        check_bbox(float(west), float(south), float(east), float(north))
        filter_clauses.append({"geo_bounding_box": {"geo": {
            "top_left": {"lat": float(north), "lon": float(west)},
            "bottom_right": {"lat": float(south), "lon": float(east)},
        }}})

    text = (query or "").strip()
    check_query(text)
    must: list[dict] = []
    if text:
        must.append({"simple_query_string": {
            "query": _user_query(text), "fields": QUERY_FIELDS[target], "default_operator": "and",
            "lenient": True,
        }})
    body: dict[str, Any] = {
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filter_clauses}},
        "size": size,
        "track_total_hits": True,
    }
    tiebreak = {ID_FIELD[target]: {"order": "asc"}}
    by_date = {time_field: {"order": "desc", "missing": "_last", "unmapped_type": "date"}}
    body["sort"] = [by_date, tiebreak] if sort == "date" else ["_score", by_date, tiebreak]
    if search_after:
        body["search_after"] = check_search_after(list(search_after), sort)
    excludes = DEFAULT_EXCLUDES[target] if source_excludes is None else tuple(source_excludes)
    if excludes:
        body["_source"] = {"excludes": list(excludes)}
    if text:
        body["track_scores"] = True
        body["highlight"] = {
            "fields": {name: {} for name in HIGHLIGHT_FIELDS[target]},
            "fragment_size": 160, "number_of_fragments": 2, "require_field_match": False,
            "max_analyzed_offset": HIGHLIGHT_MAX_ANALYZED_OFFSET,
        }
    aggs: dict[str, dict] = {}
    for name in facets:
        aggs[f"facet:{name}"] = _range(name, target, "facet") if name in RANGES else \
            {"terms": {"field": _field(name, target, "facet"), "size": facet_size}}
    if histogram:
        aggs["histogram"] = {"date_histogram": {"field": time_field,
                                                "calendar_interval": histogram,
                                                "min_doc_count": 1}}
    aggs["fatalities_sum"] = {"sum": {"field": FATALITIES_FIELD[target]}}
    aggs["fatalities_known"] = {"value_count": {"field": FATALITIES_FIELD[target]}}
    body["aggs"] = aggs
    return body


def _root_cause(exc: ApiError) -> str:
    """The first root cause's type and reason (the top level only names the phase that
    failed, e.g. search_phase_execution_exception)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    causes = (body.get("error") or {}).get("root_cause") or [] \
        if isinstance(body.get("error"), dict) else []
    if causes and isinstance(causes[0], dict):
        return f"{causes[0].get('type')}: {str(causes[0].get('reason'))[:300]}"
    return str(exc.message)


def search(
    client: Elasticsearch,
    settings: Settings,
    query: str | None = None,
    *,
    target: Literal["articles", "incidents", "events"] = "articles",
    **options: Any,
) -> SearchResult:
    """Run a search; options as build_request (filters, facets, sort, size, search_after,
    date_from/date_to, fatalities_min/max, near=(lat, lon, km), bbox=(west, south, east, north),
    histogram interval or None, facet_size, source_excludes)."""
    facets = list(options.get("facets", ()))
    body = build_request(query, target=target, **options)
    index = settings.index(target)
    # one try: a search that timed out would time out again, four times as long in all
    once = client.options(max_retries=0, retry_on_timeout=False)
    log.debug("search %s: %s", index, json.dumps(body, default=str))
    try:
        with es_errors("searching"):
            response = once.search(index=index, **body).body
    except ApiError as exc:
        log.info("search %s refused: HTTP %s", index, exc.status_code)
        if exc.status_code == 404:
            raise SearchError(f"{index} does not exist; run `newswatch setup-es`") from exc
        raise SearchError(f"Elasticsearch refused the search: {_root_cause(exc)}") from exc
    log.info("search %s: %s matches in %s ms", index, response["hits"]["total"]["value"],
             response.get("took"))

    hits: list[dict] = []
    for hit in response["hits"]["hits"]:
        item = {"id": hit["_id"], "score": hit.get("_score"), **hit.get("_source", {})}
        item["highlights"] = hit.get("highlight", {})
        item["sort"] = hit.get("sort")
        hits.append(item)
    aggs = response.get("aggregations", {})
    facet_counts = {
        name: [(str(b.get("key_as_string", b["key"])), b["doc_count"])
               for b in aggs.get(f"facet:{name}", {}).get("buckets", [])]
        for name in facets
    }
    histogram = [(b["key_as_string"], b["doc_count"])
                 for b in aggs.get("histogram", {}).get("buckets", [])]
    known = aggs.get("fatalities_known", {}).get("value", 0)
    fatalities = int(aggs["fatalities_sum"]["value"]) if known else None
    size = body["size"]
    next_after = hits[-1]["sort"] if size and len(hits) == size else None
    return SearchResult(
        total=response["hits"]["total"]["value"],
        hits=hits,
        facets=facet_counts,
        histogram=histogram,
        fatalities_sum=fatalities,
        next_search_after=next_after,
    )
