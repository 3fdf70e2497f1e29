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

from ingest.commands import load_settings, table_console
from ingest.es import NewswatchError, connect
from ingest.search import SearchResult, search


def _coords(text: str, count: int, what: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise argparse.ArgumentTypeError(f"{what}: expected {count} comma-separated numbers")
    return values


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default=None, help="search words (simple syntax)")
    parser.add_argument("--incidents", action="store_true", help="search incidents, not articles")
    parser.add_argument("--facet", action="append", default=[], metavar="F",
                        help="count values of F (event_type, country, actor, source, ...)")
    parser.add_argument("--filter", action="append", default=[], metavar="F=V",
                        help="keep only F=V (repeat F for any-of)")
    parser.add_argument("--since", help="from this date (YYYY-MM-DD or ISO time)")
    parser.add_argument("--until", help="up to this date")
    parser.add_argument("--near", type=lambda t: _coords(t, 3, "--near"), metavar="LAT,LON,KM")
    parser.add_argument("--bbox", type=lambda t: _coords(t, 4, "--bbox"),
                        metavar="WEST,SOUTH,EAST,NORTH")
    parser.add_argument("--fatalities-min", type=int)
    parser.add_argument("--fatalities-max", type=int)
    parser.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--after", help="next page: the JSON `next_search_after` of a --json run")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _filters(pairs: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise NewswatchError(f"--filter {pair!r}: expected NAME=VALUE")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def run(args: argparse.Namespace) -> int:
    settings = load_settings("search")
    target: Literal["articles", "incidents"] = "incidents" if args.incidents else "articles"
    try:
        after = json.loads(args.after) if args.after else None
    except json.JSONDecodeError:
        print("newswatch search: --after must be the JSON list printed as next_search_after",
              file=sys.stderr)
        return 2
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
        return 1
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
                          matched or escape(str(hit.get("evidence") or "")[:160]))
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
