"""Is this an HTML page? A cheap look at the first bytes (binary formats, JSON, feeds, gzip)."""

from __future__ import annotations

import codecs
import re
import zlib

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\x89PNG", "PNG"),
    (b"GIF8", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"RIFF", "RIFF (WebP/WAV/AVI)"),
    (b"\x00\x00\x00", "binary (MP4/ISO media)"),
    (b"ID3", "MP3"),
    (b"OggS", "Ogg"),
    (b"\x1a\x45\xdf\xa3", "WebM/Matroska"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"\xd0\xcf\x11\xe0", "OLE (old Office)"),
    (b"7z\xbc\xaf", "7z"),
    (b"Rar!", "RAR"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
)
_HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|main|section|h[1-6]|table"
    rb"|span|a|br|script|style|link|header|nav|ul|form)[\s>/]",
    re.IGNORECASE,
)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|opml)[\s>]", re.IGNORECASE)
SNIFF_BYTES = 4096


def not_html_reason(data: bytes) -> str | None:
    """Why these (decompressed) bytes are not an HTML page, or None if they look like one."""
    head = data[:SNIFF_BYTES * 16].lstrip()[:SNIFF_BYTES] if data[:1].isspace() else \
        data[:SNIFF_BYTES]
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):].decode(name, "replace").encode("utf-8", "replace")
            break
    head = head.removeprefix(codecs.BOM_UTF8)
    stripped = head.lstrip()
    for magic, name in _BINARY_MAGIC:
        if stripped.startswith(magic):
            return f"{name} content"
    if b"\x00" in head:
        return "binary content (NUL bytes)"
    if stripped[:1] in (b"{", b"["):
        return "JSON or other non-HTML text"
    if not _HTML_MARKERS.search(head):
        if _FEED_ROOT.search(head):
            return "an RSS/Atom feed, not a page"
        return "no HTML tags near the start"
    if _FEED_ROOT.search(head) and not re.search(rb"<(?:html|body)[\s>]", head, re.IGNORECASE):
        return "an RSS/Atom feed, not a page"
    return None


def looks_like_html(data: bytes | str) -> bool:
    """Cheap sniff of the first bytes: True if this could be an HTML page."""
    if isinstance(data, str):
        data = data[:SNIFF_BYTES * 16].encode("utf-8", "replace")
    if data[:3] == b"\x1f\x8b\x08":
        data = gunzip(data, SNIFF_BYTES) or b""
    return bool(data.strip()) and not_html_reason(data) is None


def gunzip(data: bytes, max_bytes: int) -> bytes | None:
    """Decompress gzip bytes up to max_bytes (+1, to notice overflow); None if corrupt."""
    try:
        out = zlib.decompressobj(31).decompress(data, max_bytes + 1)
    except zlib.error:
        return None
    return out
