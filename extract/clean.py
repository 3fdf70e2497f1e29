"""HTML page -> article text and metadata, or a rejection with its reason (wraps trafilatura)."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html

from extract.charset import decode_html
from extract.sniff import SNIFF_BYTES, gunzip, looks_like_html, not_html_reason

# trafilatura warns about every page it discards; our results carry the reason instead, and
# `newswatch` (ingest/cli.py) sets trafilatura's level under its own logging configuration.
log = logging.getLogger(__name__)


class RejectReason(StrEnum):
    """Why a page gave no article (the values are stable: they are counted and shown in Kibana)."""

    EMPTY = "empty"  # no bytes, or only whitespace
    TOO_LARGE = "too_large"  # more bytes than CleanOptions.max_bytes (after gunzip)
    NOT_HTML = "not_html"  # PDF, image, JSON, feed XML, binary...
    DECODE_ERROR = "decode_error"  # no character encoding reads the bytes
    NO_MAIN_TEXT = "no_main_text"  # HTML, but the extractor found no main text
    TOO_SHORT = "too_short"  # main text shorter than CleanOptions.min_text_chars
    NOT_ARTICLE = "not_article"  # main text is mostly link text (a section front, a link list)
    EXTRACTION_ERROR = "extraction_error"  # the extractor failed unexpectedly


@dataclass(frozen=True)
class CleanOptions:
    """Our extraction settings; the defaults are the ones measured by bench/bench_clean.py."""

    # Main text shorter than this (in characters) is rejected TOO_SHORT. 250 is trafilatura's own
    # MIN_EXTRACTED_SIZE: a wire brief is longer, a paywall teaser or an error page is not.
    min_text_chars: int = 250
    # Pages whose main text is more than this share of link text, and whose other text is
    # shorter than min_text_chars, are rejected NOT_ARTICLE (a section front, a list of links).
    max_link_text_ratio: float = 0.6
    # Bigger inputs (after gunzip) are rejected TOO_LARGE without parsing (trafilatura's limit).
    max_bytes: int = 20_000_000
    # trafilatura's precision/recall trade-off. On the dev corpus recall mode (with comments
    # excluded and our line filters) passes more pages than the balanced mode, keeps every
    # boilerplate snippet out and is faster (balanced mode retries short extractions in recall
    # mode). bench/bench_clean.py shows the figures.
    favor_precision: bool = False
    favor_recall: bool = True
    # Skip trafilatura's fallback extractors (faster, a little less text on odd layouts).
    fast: bool = False
    # htmldate's extensive search also guesses from loose text such as a footer's copyright
    # year ("© 2024" -> 2024-01-01): a wrong publication date is worse than none for resolving
    # "on Sunday", so it is off. Dates in markup and in visible bylines are found either way.
    extensive_date_search: bool = False
    # Keep the text of <table> elements (results tables, casualty tables...).
    include_tables: bool = True
    # A lossy UTF-8 read is refused (DECODE_ERROR) when more than this share of the characters
    # would be replacement characters.
    max_replacement_ratio: float = 0.05


DEFAULT_OPTIONS = CleanOptions()


@dataclass(frozen=True)
class CleanResult:
    """The article found in one page, or the reason none was found (`ok` False, `reason` set)."""

    ok: bool
    reason: RejectReason | None = None
    detail: str = ""
    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # 'YYYY-MM-DD', or a full ISO datetime when the page gives one
    sitename: str | None = None
    language: str | None = None  # primary subtag of the page's declared language, e.g. 'en'
    canonical_url: str | None = None  # the page's canonical link (absolute), else `url`
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    url: str | None = None  # the URL the page was fetched from, as given
    encoding: str | None = None  # how the bytes were decoded; None when text was given

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields: the article, or {"rejected": reason, "detail": ...}."""
        if not self.ok:
            reason = self.reason.value if self.reason else RejectReason.EXTRACTION_ERROR.value
            return {"rejected": reason, "detail": self.detail, "url": self.url,
                    "encoding": self.encoding}
        data = asdict(self)
        for key in ("ok", "reason", "detail"):
            data.pop(key)
        return data


def _reject(reason: RejectReason, detail: str, url: str | None,
            encoding: str | None = None) -> CleanResult:
    return CleanResult(ok=False, reason=reason, detail=detail, url=url, encoding=encoding)


# ---------------------------------------------------------------------------------------------
# Metadata our extractor does not give the way we want it

_LANG = re.compile(r"^[A-Za-z]{2,3}(?=$|[-_])")


def _language(tree: HtmlElement) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("http-equiv") or meta.get("name") or meta.get("property") or "").lower()
        if key in ("content-language", "language", "og:locale", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        match = _LANG.match((value or "").strip())
        if match:
            return match.group(0).lower()
    return None


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished",
                   "date", "dc.date.issued", "publish-date", "pubdate", "sailthru.date")


def _published_datetimes(tree: HtmlElement) -> list[str]:
    """Full ISO datetimes the page declares for its publication, most explicit first."""
    found: list[str] = []
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _PUBLISHED_META:
            found.append(meta.get("content") or "")
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        found.extend(_JSONLD_DATE.findall(script.text or ""))
    # <time> elements: a marked one, else the first outside comments and asides (the byline's).
    times = [t for t in tree.iterfind(".//time[@datetime]") if not _in_comments_or_aside(t)]
    found.extend(t.get("datetime") or "" for t in times
                 if (t.get("itemprop") or "").lower() == "datepublished" or "pubdate" in t.attrib)
    found.extend(t.get("datetime") or "" for t in times[:1])
    return [value.strip() for value in found if _ISO_DATETIME.match(value.strip())]


def _in_comments_or_aside(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag == "aside":
            return True
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if "comment" in marks or "related" in marks:
            return True
    return False


def _full_date(day: str | None, tree: HtmlElement) -> str | None:
    """The extractor's publication day, made a full ISO datetime if the page states the time."""
    if not day:
        return None
    for value in _published_datetimes(tree):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            continue
        if moment.date().isoformat() == day:
            return moment.isoformat()
    return day


def _absolute_http(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _canonical_url(tree: HtmlElement, found: str | None, url: str | None) -> str | None:
    """The page's canonical link (or og:url) made absolute against `url`; else `url`."""
    candidates = [link.get("href") for link in tree.iterfind(".//link[@href]")
                  if "canonical" in (link.get("rel") or "").lower().split()]
    candidates += [meta.get("content") for meta in tree.iterfind(".//meta[@content]")
                   if (meta.get("property") or meta.get("name") or "").lower() == "og:url"]
    candidates.append(found)
    for candidate in candidates:
        absolute = _absolute_http(candidate, url)
        if absolute:
            return absolute
    return url


_SPACE = re.compile(r"\s+")


def _anchor_texts(tree: HtmlElement) -> set[str]:
    """The whitespace-normalised text of every link on the page."""
    anchors = {_SPACE.sub(" ", a.text_content()).strip() for a in tree.iterfind(".//a")}
    anchors.discard("")
    return anchors


def _link_text_share(text: str, anchors: set[str]) -> tuple[float, int]:
    """(share of the text's characters on lines that are a link's text, characters of the rest)."""
    lines = [_SPACE.sub(" ", line).strip().removeprefix("- ") for line in text.splitlines()]
    lines = [line for line in lines if line]
    total = sum(len(line) for line in lines)
    linked = sum(len(line) for line in lines if line in anchors)
    return (linked / total if total else 0.0), total - linked


# Line filters run over the extracted text: each says whether a line is boilerplate.
_LABEL = re.compile(r"^(?:\w[\w'’.&-]*\s+){0,3}\w[\w'’.&-]*\s*:\s*(?P<rest>.+)$")
_TRAILING_LABEL = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)?")  # one or two words, letters only


def _is_labelled_link(line: str, anchors: set[str]) -> bool:
    """'Read more: <a link's text>', 'Our Standards: <link>': a teaser or badge, not prose."""
    match = _LABEL.match(line)
    return match is not None and match.group("rest").strip() in anchors


LINE_FILTERS = (_is_labelled_link,)


def _drop_boilerplate(text: str, anchors: set[str]) -> str:
    """Remove lines the filters call boilerplate, then leftover short labels at the end."""
    lines = [line for line in text.split("\n")
             if not any(drop(_SPACE.sub(" ", line).strip(), anchors) for drop in LINE_FILTERS)]
    # A short unpunctuated line closing the text ('Tags', 'Temas', 'Share') heads a
    # list the extractor already dropped.
    while len(lines) > 1 and (not lines[-1].strip()
                              or _TRAILING_LABEL.fullmatch(lines[-1].strip())):
        lines.pop()
    return "\n".join(lines)


def _without_headline(text: str, title: str | None) -> str:
    """The text without a first line that repeats the title (the title is its own field)."""
    first, _, rest = text.lstrip().partition("\n")
    if title and rest.strip() and _SPACE.sub(" ", first).strip() == _SPACE.sub(" ", title):
        return rest
    return text


def _split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    return [name.strip() for name in value.split(";") if name.strip()]


def _unique(values: list[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for value in values or []:
        value = (value or "").strip()
        if value and value.lower() not in {k.lower() for k in seen}:
            seen[value] = None
    return list(seen)


# ---------------------------------------------------------------------------------------------
# The entry point


def clean_html(
    html: str | bytes,
    url: str | None = None,
    *,
    declared_charset: str | None = None,
    options: CleanOptions | None = None,
) -> CleanResult:
    """Main text and metadata of one page; never raises, a rejection says why instead.

    `declared_charset` is the charset of the HTTP Content-Type header, if any: it is followed
    only where the bytes agree with it (a valid UTF-8 body is read as UTF-8 whatever it says).
    """
    options = options or DEFAULT_OPTIONS
    try:
        result = _clean(html, url, declared_charset, options)
    except Exception as exc:  # noqa: BLE001 - outside input must never stop a run
        log.warning("cleaning %s failed: %s: %s", url or "a page", type(exc).__name__, exc)
        return _reject(RejectReason.EXTRACTION_ERROR, f"{type(exc).__name__}: {exc}"[:300], url)
    if result.ok:
        log.debug("cleaned %s: %d characters, date %s", url or "a page", len(result.text),
                  result.date)
    else:
        log.debug("rejected %s: %s (%s)", url or "a page", result.reason, result.detail)
    return result


def _clean(html: str | bytes, url: str | None, declared_charset: str | None,
           options: CleanOptions) -> CleanResult:
    encoding: str | None = None
    if isinstance(html, (bytes, bytearray, memoryview)):
        data = bytes(html)
        if data[:3] == b"\x1f\x8b\x08":
            unzipped = gunzip(data, options.max_bytes)
            if unzipped is None:
                return _reject(RejectReason.NOT_HTML, "corrupt gzip data", url)
            data = unzipped
        if not data.strip():
            return _reject(RejectReason.EMPTY, "no content", url)
        if len(data) > options.max_bytes:
            return _reject(RejectReason.TOO_LARGE,
                           f"more than {options.max_bytes} bytes", url)
        why = not_html_reason(data)
        if why:
            return _reject(RejectReason.NOT_HTML, why, url)
        decoded = decode_html(data, declared_charset)
        if decoded is None:
            text = data.decode("utf-8", "replace")
            ratio = text.count("\ufffd") / max(len(text), 1)
            if ratio > options.max_replacement_ratio:
                return _reject(RejectReason.DECODE_ERROR,
                               f"no encoding reads the bytes ({ratio:.0%} unreadable as UTF-8)",
                               url)
            decoded = (text, "utf_8")
        page, encoding = decoded
    elif isinstance(html, str):
        page = html
        if not page.strip():
            return _reject(RejectReason.EMPTY, "no content", url)
        if len(page) > options.max_bytes:
            return _reject(RejectReason.TOO_LARGE, f"more than {options.max_bytes} characters",
                           url)
        why = not_html_reason(page[:SNIFF_BYTES * 16].encode("utf-8", "replace"))
        if why:
            return _reject(RejectReason.NOT_HTML, why, url)
    else:
        return _reject(RejectReason.NOT_HTML, f"not text or bytes: {type(html).__name__}", url)

    tree = load_html(page)
    if tree is None:
        return _reject(RejectReason.NOT_HTML, "the HTML parser found no document", url, encoding)
    document = bare_extraction(
        tree,
        url=url,
        fast=options.fast,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        include_comments=False,
        include_tables=options.include_tables,
        include_images=False,
        include_links=False,
        with_metadata=True,
        date_extraction_params=set_date_params(options.extensive_date_search),
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        return _reject(RejectReason.NO_MAIN_TEXT, "no main text found", url, encoding)
    anchors = _anchor_texts(tree)
    title = (document.title or "").strip() or None
    text = _tidy(_without_headline(_drop_boilerplate(document.text or "", anchors), title))
    if len(text) < options.min_text_chars:
        return _reject(RejectReason.TOO_SHORT,
                       f"main text has {len(text)} characters, fewer than "
                       f"{options.min_text_chars}", url, encoding)
    share, prose = _link_text_share(text, anchors)
    if share > options.max_link_text_ratio and prose < options.min_text_chars:
        return _reject(RejectReason.NOT_ARTICLE,
                       f"{share:.0%} of the main text is link text and the rest has only "
                       f"{prose} characters", url, encoding)
    return CleanResult(
        ok=True,
        text=text,
        title=title,
        authors=_split_authors(document.author),
        date=_full_date(document.date, tree),
        sitename=(document.sitename or "").strip() or document.hostname or None,
        language=_language(tree),
        canonical_url=_canonical_url(tree, document.url, url),
        description=(document.description or "").strip() or None,
        tags=_unique([tag for value in document.tags or [] for tag in value.split(",")]),
        url=url,
        encoding=encoding,
    )


def _tidy(text: str) -> str:
    """Trim each line and collapse runs of blank lines."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


__all__ = ["CleanOptions", "CleanResult", "DEFAULT_OPTIONS", "RejectReason", "clean_html",
           "decode_html", "looks_like_html"]
