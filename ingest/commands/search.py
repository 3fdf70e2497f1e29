"""`newswatch search`: full-text and faceted search, printed as tables or JSON."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Literal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.commands import USAGE_ERROR, error_status, load_settings, table_console
from ingest.es import NewswatchError, connect
from ingest.search import (
    SearchError,
    SearchResult,
    check_bbox,
    check_point,
    check_query,
    check_search_after,
    search,
    time_bound,
)


def _coords(text: str, count: int, what: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise argparse.ArgumentTypeError(f"{text!r}: expected {count} comma-separated numbers "
                                         f"{what}")
    try:
        if count == 3:
            check_point(values[0], values[1], values[2], what=repr(text))
        else:
            check_bbox(values[0], values[1], values[2], values[3], what=repr(text))
    except SearchError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return values


def _time(text: str) -> str:
    try:
        return time_bound(text, "")
    except SearchError as exc:
        raise argparse.ArgumentTypeError(str(exc).strip()) from None


def _size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = -1
    if not 0 <= size <= 10_000:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number 0..10000")
    return size


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default=None, help="search words (simple syntax)")
    parser.add_argument("--incidents", action="store_true", help="search incidents, not articles")
    parser.add_argument("--events", action="store_true",
                        help="search events merged across reports (facets as incidents, plus "
                             "source_count)")
    parser.add_argument("--facet", action="append", default=[], metavar="F",
                        help="count values of F (event_type, country, actor, source, ...)")
    parser.add_argument("--filter", action="append", default=[], metavar="F=V",
                        help="keep only F=V (repeat F for any-of)")
    parser.add_argument("--since", type=_time,
                        help="from this date (YYYY-MM-DD, ISO time or now-7d)")
    parser.add_argument("--until", type=_time, help="up to this date (same forms)")
    parser.add_argument("--near", type=lambda t: _coords(t, 3, "LAT,LON,KM"),
                        metavar="LAT,LON,KM")
    parser.add_argument("--bbox", type=lambda t: _coords(t, 4, "WEST,SOUTH,EAST,NORTH"),
                        metavar="WEST,SOUTH,EAST,NORTH")
    parser.add_argument("--fatalities-min", type=int)
    parser.add_argument("--fatalities-max", type=int)
    parser.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    parser.add_argument("--size", type=_size, default=10, help="hits per page (0..10000)")
    parser.add_argument("--after", help="next page: the JSON `next_search_after` of a --json run")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _filters(pairs: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise SearchError(f"--filter {pair!r}: expected NAME=VALUE")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def run(args: argparse.Namespace) -> int:
    settings = load_settings("search")
    target: Literal["articles", "incidents", "events"] = \
        "events" if args.events else "incidents" if args.incidents else "articles"
    try:
        after = check_search_after(_json(args.after), args.sort, "--after") \
            if args.after else None
        check_query((args.query or "").strip())
    except SearchError as exc:
        print(f"newswatch search: {exc}", file=sys.stderr)
        return USAGE_ERROR
    try:
        result = search(
            connect(settings), settings, args.query, target=target,
            filters=_filters(args.filter), facets=args.facet, sort=args.sort, size=args.size,
            search_after=after, date_from=args.since, date_to=args.until,
            fatalities_min=args.fatalities_min, fatalities_max=args.fatalities_max,
            near=args.near, bbox=args.bbox,
        )
    except NewswatchError as exc:
        print(f"newswatch search: {exc}", file=sys.stderr)
        return error_status(exc)
    if args.json:
        print(json.dumps(_as_json(result), ensure_ascii=False, default=str))
    else:
        _print_tables(result, target, table_console())
    return 0


def _as_json(result: SearchResult) -> dict:
    return {
        "total": result.total,
        "hits": result.hits,
        "facets": {name: [list(pair) for pair in pairs] for name, pairs in result.facets.items()},
        "histogram": [list(pair) for pair in result.histogram],
        "fatalities_sum": result.fatalities_sum,
        "next_search_after": result.next_search_after,
    }


def _marked(fragment: str) -> str:
    """A highlight fragment with <em> turned into rich bold, everything else escaped."""
    parts = re.split(r"(<em>.*?</em>)", fragment)
    return "".join(
        f"[bold yellow]{escape(p[4:-5])}[/]" if p.startswith("<em>") else escape(p) for p in parts
    )


def _print_tables(result: SearchResult, target: str, console: Console) -> None:
    table = Table(title=f"{result.total} {target}", show_lines=True)
    if target == "articles":
        columns = ("published", "source", "title", "event types", "matched")
    else:
        columns = ("date", "event type", "place", "fatalities", "matched")
    for column in columns:
        table.add_column(column)
    for hit in result.hits:
        fragments = [f for frags in hit.get("highlights", {}).values() for f in frags]
        matched = " … ".join(_marked(f) for f in fragments[:2])
        if target == "articles":
            table.add_row(escape(str(hit.get("published") or "")[:16]),
                          escape(str(hit.get("source") or "")),
                          escape(str(hit.get("title") or hit.get("url") or hit["id"])),
                          escape(", ".join(hit.get("event_types") or [])), matched)
        else:
            place = ", ".join(str(p) for p in (hit.get("location"), hit.get("admin1"),
                                               hit.get("country")) if p)
            fatalities = hit.get("fatalities")
            table.add_row(escape(str(hit.get("date") or "")),
                          escape(str(hit.get("event_type") or "")), escape(place),
                          "" if fatalities is None else str(fatalities),
                          matched or escape(str(hit.get("evidence") or "")[:160]
                                            if target == "incidents" else
                                            f"{hit.get('source_count')} sources, "
                                            f"{hit.get('report_count')} reports"))
    console.print(table)
    for name, pairs in result.facets.items():
        facet = Table(title=f"by {name}")
        facet.add_column(name)
        facet.add_column("count", justify="right")
        for value, count in pairs:
            facet.add_row(escape(value), str(count))
        console.print(facet)
    if result.fatalities_sum is not None:
        console.print(f"fatalities (sum over matches): {result.fatalities_sum}")
    if result.next_search_after:
        console.print(f"next page: --after '{json.dumps(result.next_search_after)}'")
