"""Feed parsing and polling: bytes -> normalised entries, one feed poll -> a PollResult."""

from __future__ import annotations

import asyncio
import calendar
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from html import unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import courlan
import feedparser
import httpx

from ingest.bounds import bounded_seconds, plausible_time, valid_strings
from ingest.config import Settings
from ingest.http import FEED_ACCEPT, FetchReason, fetch_url_async, make_client, run_sync
from ingest.ids import article_id, feed_entry_id
from ingest.times import iso, parse_iso

if TYPE_CHECKING:
    from ingest.feed_store import FeedState
    from ingest.feedspec import FeedSpec


class FeedReason(StrEnum):
    """Why a body did (not) yield entries."""

    OK = "ok"
    EMPTY = "empty"  # no bytes at all
    NOT_A_FEED = "not_a_feed"  # e.g. an HTML page
    MALFORMED = "malformed"  # broken XML/JSON from which nothing could be read


class DropReason(StrEnum):
    """Why a feed item gave no entry."""

    NO_LINK_OR_TEXT = "no_link_or_text"  # nothing to fetch and nothing to read
    DUPLICATE = "duplicate"  # the same article as an earlier item of the feed


# a feed-only entry's text is read up to this many characters (the extractor reads 100,000)
MAX_FEED_TEXT_CHARS = 100_000


@dataclass(frozen=True)
class FeedEntry:
    """One normalised feed item. `article_id` is the hash of `canonical_url`; an item with
    no usable link but with text of its own (summary/content) is a feed-only entry: no link,
    its article id from its guid (else source + title + text), and its text in `text`, so it
    becomes an article without any page being fetched."""

    source: str  # the feed id, or the path/URL given on the command line
    link: str | None
    canonical_url: str | None
    article_id: str
    guid: str | None
    title: str | None
    summary: str | None
    published: str | None  # ISO 8601 UTC, e.g. 2024-04-21T10:00:00Z
    updated: str | None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str | None = None
    text: str | None = None  # the item's own text, kept for feed-only entries only

    @property
    def feed_only(self) -> bool:
        """True when the article is the feed's own text: nothing is fetched for it."""
        return self.link is None

    def to_dict(self) -> dict[str, Any]:
        return {name: list(v) if isinstance(v, tuple) else v
                for name, v in self.__dict__.items()}


@dataclass(frozen=True)
class ParsedFeed:
    ok: bool
    reason: FeedReason
    detail: str = ""
    title: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    version: str | None = None  # feedparser's format name (rss20, atom10, json1, ...)
    bozo: bool = False  # the body was broken but something was read
    dropped: int = 0  # items that gave no entry (see dropped_by_reason)
    dropped_by_reason: Mapping[str, int] = field(default_factory=dict)  # DropReason -> count


@dataclass(frozen=True)
class PollResult:
    feed_id: str
    status: str  # "ok" | "not_modified" | "failed"
    reason: str  # a FetchReason or FeedReason value
    detail: str = ""
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    elapsed_s: float = 0.0
    title: str | None = None  # the feed's own title
    final_url: str | None = None
    retry_after_s: float | None = None  # a 429/503 answer's Retry-After, in seconds
    dropped_by_reason: Mapping[str, int] = field(default_factory=dict)  # items with no entry

    @property
    def failed(self) -> bool:
        return self.status == "failed"


# ---------------------------------------------------------------- links

_PROXY_HOSTS = ("feedproxy.google.com", "feeds.feedburner.com", "feeds2.feedburner.com")
_WRAPPER_HOSTS = ("www.google.com", "google.com", "l.facebook.com")
_WRAPPER_PARAMS = ("url", "u", "q", "dest", "destination", "target")


def _unwrap(url: str) -> str:
    """A link wrapped by a known redirector, replaced by the target carried in its query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if host in _WRAPPER_HOSTS and parts.path in ("/url", "/l.php"):
        for key, value in parse_qsl(parts.query):
            if key in _WRAPPER_PARAMS and value.startswith(("http://", "https://")):
                return value
    return url


def canonical_link(url: str) -> str:
    """The canonical form of an article URL: lower-case host, no default port, no fragment,
    no tracking parameters (utm_*, fbclid, gclid, ...), sorted query; wrapped redirector
    links unwrapped. Returns the input stripped if it cannot be normalised."""
    url = (url or "").strip()
    if not url:
        return url
    url = _unwrap(url)
    try:
        normal = courlan.normalize_url(url, strict=False)
    except Exception:  # courlan raises on exotic input; keep the link as given
        normal = url
    try:
        parts = urlsplit(normal)
        return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
    except ValueError:
        return normal


def _proxied_origin(entry: dict) -> str | None:
    """The original URL of a FeedBurner-proxied entry, when the feed says it."""
    for key in ("feedburner_origlink", "feedburner_origenclosurelink"):
        if entry.get(key):
            return str(entry[key])
    link = str(entry.get("link") or "")
    host = (urlsplit(link).hostname or "") if link.startswith("http") else ""
    if host in _PROXY_HOSTS and "/~r/" in link:
        guid = entry.get("id")
        if guid and str(guid).startswith(("http://", "https://")) and \
                urlsplit(str(guid)).hostname not in _PROXY_HOSTS:
            return str(guid)
    return None


# ---------------------------------------------------------------- dates and text

_TAGS = re.compile(r"<[^>]+>")
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_SPACES = re.compile(r"\s+")


def _iso(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        moment = plausible_time(datetime.fromtimestamp(calendar.timegm(struct), UTC))
    except (OverflowError, ValueError, OSError):
        return None
    return iso(moment) if moment else None


def _iso_text(text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        parsed = feedparser.datetimes._parse_date(text)  # feedparser's own date registry
        return _iso(parsed)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        plausible = plausible_time(moment.astimezone(UTC))
    except (OverflowError, ValueError):
        return None
    return iso(plausible) if plausible else None


def _plain(text: Any, limit: int = 2000) -> str | None:
    if not isinstance(text, str):
        return None
    cleaned = _SPACES.sub(" ", unescape(_TAGS.sub(" ", _SCRIPTS.sub(" ", text)))).strip()
    return cleaned[:limit] or None


_BREAKS = re.compile(r"<br\s*/?>|</(p|div|li|h[1-6]|blockquote|tr)\s*>", re.I)
_LINE_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def _body_text(*candidates: Any) -> str | None:
    """The longest of the item's texts (HTML or plain) as plain text with its paragraphs on
    their own lines (sentence and paragraph ends matter to extraction), or None."""
    best: str | None = None
    for html in candidates:
        if not isinstance(html, str) or not html.strip():
            continue
        text = unescape(_TAGS.sub(" ", _BREAKS.sub("\n", _SCRIPTS.sub(" ", html))))
        text = _BLANK_LINES.sub("\n\n", _LINE_SPACES.sub(" ", text)).strip()
        if text and (best is None or len(text) > len(best)):
            best = text
    return best[:MAX_FEED_TEXT_CHARS] if best else None


# ---------------------------------------------------------------- parsing


def _looks_json(data: bytes, content_type: str | None) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[") or bool(content_type and "json" in content_type)


def _json_entries(doc: dict, source: str, base_url: str | None,
                  language: str | None) -> tuple[list[dict[str, Any]], str | None]:
    raw = []
    lang = doc.get("language") if isinstance(doc.get("language"), str) else language
    base = doc.get("home_page_url") or base_url
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        names = tuple(str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name"))
        raw.append({
            "link": item.get("url") or item.get("external_url")
            or (item.get("id") if str(item.get("id", "")).startswith("http") else None),
            "guid": str(item["id"]) if item.get("id") is not None else None,
            "title": _plain(item.get("title"), 1000),
            "summary": _plain(item.get("summary") or item.get("content_text")
                              or item.get("content_html")),
            "published": _iso_text(item.get("date_published")),
            "updated": _iso_text(item.get("date_modified")),
            "authors": names,
            "tags": tuple(str(t) for t in item.get("tags") or [] if isinstance(t, str | int)),
            "language": item.get("language") if isinstance(item.get("language"), str) else lang,
            "text": _body_text(item.get("content_text"), item.get("content_html"),
                               item.get("summary")),
            "base": base,
        })
    return raw, _plain(doc.get("title"), 500)


def _parse_json(data: bytes, source: str, base_url: str | None,
                language: str | None) -> ParsedFeed | list[dict[str, Any]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return ParsedFeed(False, FeedReason.MALFORMED, f"not valid JSON: {exc}")
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        return ParsedFeed(False, FeedReason.NOT_A_FEED, "JSON without a JSON Feed version")
    raw, title = _json_entries(doc, source, base_url, language)
    return _finish(raw, source, title, "json" + str(doc["version"]).rsplit("/", 1)[-1],
                   False, "")


def _feedparser_entries(parsed: Any, language: str | None) -> list[dict[str, Any]]:
    feed_lang = parsed.feed.get("language") or language
    raw = []
    for entry in parsed.entries:
        link = _proxied_origin(entry) or entry.get("link")
        guid = entry.get("id")
        if not link and guid and str(guid).startswith(("http://", "https://")):
            link = guid
        authors = tuple(str(a.get("name")) for a in entry.get("authors", [])
                        if isinstance(a, dict) and a.get("name"))
        if not authors and entry.get("author"):
            authors = (str(entry["author"]),)
        tags = tuple(str(t.get("term")) for t in entry.get("tags", [])
                     if isinstance(t, dict) and t.get("term"))
        detail = entry.get("title_detail") or entry.get("summary_detail") or {}
        raw.append({
            "link": link,
            "guid": str(guid) if guid else None,
            "title": _plain(entry.get("title"), 1000),
            "summary": _plain(entry.get("summary")),
            "published": _iso(entry.get("published_parsed")) or _iso(entry.get("created_parsed")),
            # dict.get: feedparser's own get() maps a missing updated to published
            "updated": _iso(dict.get(entry, "updated_parsed")),
            "authors": authors,
            "tags": tags,
            "language": detail.get("language") or feed_lang,
            "text": _body_text(entry.get("summary"),
                               *(c.get("value") for c in entry.get("content") or []
                                 if isinstance(c, dict))),
            "base": None,
        })
    return raw


def _finish(raw: Iterable[dict[str, Any]], source: str, title: str | None,
            version: str | None, bozo: bool, detail: str) -> ParsedFeed:
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    dropped: Counter[str] = Counter()
    for item in raw:
        item = valid_strings(item)  # e.g. a JSON "\ud800" escape: not encodable as UTF-8
        entry = _entry(source, item)
        if entry is None:
            dropped[DropReason.NO_LINK_OR_TEXT] += 1
        elif entry.article_id in seen:
            dropped[DropReason.DUPLICATE] += 1
        else:
            seen.add(entry.article_id)
            entries.append(entry)
    return ParsedFeed(True, FeedReason.OK, detail, valid_strings(title), tuple(entries), version,
                      bozo, sum(dropped.values()), {str(k): n for k, n in dropped.items()})


def _entry(source: str, item: dict[str, Any]) -> FeedEntry | None:
    """The entry of one raw item: its http(s) link to fetch, else its own text (a feed-only
    entry), else None."""
    link, base, text = item.pop("link"), item.pop("base"), item.pop("text")
    if isinstance(link, str) and link.strip():
        link = urljoin(base, link.strip()) if base else link.strip()
        if link.startswith(("http://", "https://")):
            canonical = canonical_link(link)
            return FeedEntry(source=source, link=link, canonical_url=canonical,
                             article_id=article_id(canonical), **item)
    if not text:
        return None
    key = feed_entry_id(source, guid=item.get("guid"), title=item.get("title"), text=text)
    return FeedEntry(source=source, link=None, canonical_url=None, article_id=key, text=text,
                     **item)


def parse_feed(data: bytes, source: str, *, base_url: str | None = None,
               content_type: str | None = None, language: str | None = None) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes into normalised entries; never raises.

    `base_url` resolves relative links; `language` is the fallback entry language.
    """
    try:
        return _parse(data, source, base_url, content_type, language)
    except Exception as exc:  # a parser bug must not stop a run: report it as malformed
        return ParsedFeed(False, FeedReason.MALFORMED, f"{type(exc).__name__}: {exc}")


def _parse(data: bytes, source: str, base_url: str | None, content_type: str | None,
           language: str | None) -> ParsedFeed:
    if not data or not data.strip():
        return ParsedFeed(False, FeedReason.EMPTY, "empty body")
    if _looks_json(data, content_type):
        result = _parse_json(data, source, base_url, language)
        if isinstance(result, ParsedFeed) and (result.ok or data.lstrip()[:1] in (b"{", b"[")):
            return result
    headers = {}
    if base_url:
        headers["content-location"] = base_url
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True,
                              resolve_relative_uris=True)
    version = parsed.get("version") or None
    bozo = bool(parsed.get("bozo"))
    problem = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}" if bozo else ""
    if not parsed.entries:
        if bozo and version:  # a broken feed that yields nothing is a failure, not "empty"
            return ParsedFeed(False, FeedReason.MALFORMED, problem, version=version, bozo=True)
        if not version and not bozo:
            return ParsedFeed(False, FeedReason.NOT_A_FEED,
                              "no RSS, Atom or JSON Feed found (an HTML page?)")
        if not version:
            if data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
                return ParsedFeed(False, FeedReason.NOT_A_FEED, "an HTML page, not a feed")
            return ParsedFeed(False, FeedReason.MALFORMED, problem or "nothing readable")
    title = _plain(parsed.feed.get("title"), 500)
    raw = _feedparser_entries(parsed, language)
    return _finish(raw, source, title, version, bozo, problem)


# ---------------------------------------------------------------- polling


def _conditional_headers(state: FeedState | None, settings: Settings,
                         now: datetime | None = None) -> dict[str, str]:
    """ETag / Last-Modified of the last full answer, unless that answer is older than the
    revalidation period: then the feed is fetched in full once, whatever its validators say."""
    headers: dict[str, str] = {}
    if state is None:
        return headers
    full = parse_iso(state.last_full_poll)
    period = timedelta(hours=settings.feed_revalidate_hours)
    if full is None or (now or datetime.now(UTC)) - full >= period:
        return headers
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def poll_feed(spec: FeedSpec, state: FeedState | None, settings: Settings) -> PollResult:
    """Download and parse one feed with a conditional GET; never raises."""
    return run_sync(poll_feed_async(spec, state, settings))


async def poll_feed_async(spec: FeedSpec, state: FeedState | None, settings: Settings, *,
                          client: httpx.AsyncClient | None = None) -> PollResult:
    """poll_feed inside an event loop; parsing runs in a worker thread."""
    start = time.monotonic()
    try:
        fetched = await fetch_url_async(spec.url, settings,
                                        headers=_conditional_headers(state, settings),
                                        accept_header=FEED_ACCEPT, client=client)
        kept = (state.etag, state.last_modified) if state else (None, None)
        common: dict[str, Any] = {"http_status": fetched.status,
                                  "final_url": fetched.final_url}
        if fetched.reason is FetchReason.NOT_MODIFIED:
            return PollResult(spec.id, "not_modified", fetched.reason.value, fetched.detail,
                              etag=fetched.etag or kept[0],
                              last_modified=fetched.last_modified or kept[1],
                              elapsed_s=time.monotonic() - start, **common)
        if not fetched.ok:
            return PollResult(spec.id, "failed", fetched.reason.value, fetched.detail,
                              etag=kept[0], last_modified=kept[1],
                              retry_after_s=retry_after_seconds(fetched.headers.get("retry-after")),
                              elapsed_s=time.monotonic() - start, **common)
        parsed = await asyncio.to_thread(
            parse_feed, fetched.content, spec.id, base_url=fetched.final_url,
            content_type=_content_type_header(fetched.content_type, fetched.charset),
            language=spec.language)
        if not parsed.ok:
            return PollResult(spec.id, "failed", parsed.reason.value, parsed.detail,
                              etag=kept[0], last_modified=kept[1],
                              elapsed_s=time.monotonic() - start, **common)
        return PollResult(spec.id, "ok", parsed.reason.value, parsed.detail,
                          etag=fetched.etag or kept[0],
                          last_modified=fetched.last_modified or kept[1],
                          entries=parsed.entries, title=parsed.title,
                          dropped_by_reason=parsed.dropped_by_reason,
                          elapsed_s=time.monotonic() - start, **common)
    except Exception as exc:  # fetch and parse do not raise; this guards against bugs only
        return PollResult(spec.id, "failed", FetchReason.CONNECTION_ERROR.value,
                          f"{type(exc).__name__}: {exc}", elapsed_s=time.monotonic() - start)


MAX_RETRY_AFTER_S = 24 * 3600.0  # a longer Retry-After is read as this (feed_store caps lower)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), at most
    MAX_RETRY_AFTER_S."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return bounded_seconds(float(value), MAX_RETRY_AFTER_S)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return bounded_seconds((moment - datetime.now(UTC)).total_seconds(), MAX_RETRY_AFTER_S)


def _content_type_header(media: str | None, charset: str | None) -> str | None:
    if not media:
        return None
    return f"{media}; charset={charset}" if charset else media


def poll_feeds(specs: Iterable[FeedSpec], states: Mapping[str, FeedState], settings: Settings,
               *, workers: int = 16,
               on_result: Callable[[PollResult], None] | None = None) -> list[PollResult]:
    """Poll many feeds concurrently (at most `workers` at once, one client); order kept."""
    return run_sync(poll_feeds_async(list(specs), states, settings, workers=workers,
                                     on_result=on_result))


async def poll_feeds_async(specs: Sequence[FeedSpec], states: Mapping[str, FeedState],
                           settings: Settings, *, workers: int = 16,
                           on_result: Callable[[PollResult], None] | None = None
                           ) -> list[PollResult]:
    slots = asyncio.Semaphore(max(1, workers))
    async with make_client(settings, max_connections=max(1, workers)) as client:
        async def one(spec: FeedSpec) -> PollResult:
            async with slots:
                result = await poll_feed_async(spec, states.get(spec.id), settings,
                                               client=client)
            if on_result is not None:
                try:
                    on_result(result)
                except Exception:  # a progress display error never stops polling
                    pass
            return result

        return list(await asyncio.gather(*(one(spec) for spec in specs)))
