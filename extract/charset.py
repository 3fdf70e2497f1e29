"""Bytes of a web page -> text: declarations are checked against the bytes, then detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from extract.sniff import SNIFF_BYTES

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.\-]+)""")
# Encodings that look like ASCII but are not: a declaration of one of these is always obeyed.
_SEVEN_BIT = {"iso2022_jp", "iso2022_jp_2", "iso2022_kr", "utf_7", "hz"}
# As browsers do (WHATWG Encoding): these labels mean windows-1252.
_AS_CP1252 = {"latin_1", "iso8859_1", "ascii"}


def _codec(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    return "cp1252" if name in _AS_CP1252 else name


def _is_utf8(name: str | None) -> bool:
    return name in ("utf_8", "utf_8_sig")


def _decode_strict(data: bytes, name: str) -> str | None:
    try:
        return data.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(data: bytes, declared: bool) -> str | None:
    """Lossy UTF-8 read if the bytes are UTF-8 with a few damaged sequences, else None.

    Valid multi-byte sequences almost never occur by chance in a single-byte encoding, so when
    the valid ones outnumber the broken ones (or match them, if UTF-8 was declared) the text is
    UTF-8 with damage, not mislabelled.
    """
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 127) - broken
    if valid > broken or (declared and valid and valid >= broken):
        return text
    return None


def decode_html(data: bytes, declared_charset: str | None = None) -> tuple[str, str] | None:
    """Bytes -> (text, codec name), trusting the declarations only as far as the bytes agree."""
    for bom, name in ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF16_LE, "utf_16"),
                      (codecs.BOM_UTF16_BE, "utf_16")):
        if data.startswith(bom):
            text = _decode_strict(data, name)
            if text is not None:
                return text, name
    head = data[:SNIFF_BYTES * 2]
    meta = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    declared = [c for c in (_codec(declared_charset), _codec(meta.group(1).decode("ascii"))
                            if meta else None) if c]
    for name in declared:  # ASCII look-alikes: the bytes are valid UTF-8 but mean something else
        if name in _SEVEN_BIT and (text := _decode_strict(data, name)) is not None:
            return text, name
    # Valid UTF-8 with any non-ASCII byte is UTF-8 whatever a header says (a lying header).
    if (text := _decode_strict(data, "utf-8")) is not None:
        return text, "utf_8"
    for name in declared:  # a declared legacy encoding that reads the bytes cleanly
        if not _is_utf8(name) and (text := _decode_strict(data, name)) is not None:
            return text, name
    lossy = _mostly_utf8(data, declared=any(_is_utf8(name) for name in declared))
    if lossy is not None:
        return lossy, "utf_8"
    for name in _guesses(data, head):
        if (text := _decode_strict(data, name)) is not None:
            return text, name
    return None


def decode_text(data: bytes, declared_charset: str | None = None) -> tuple[str, str]:
    """decode_html that always gives text: bytes no encoding reads are read as UTF-8 with
    replacement characters (for robots.txt and other text where a few lost characters do not
    matter)."""
    return decode_html(data, declared_charset) or (data.decode("utf-8", "replace"), "utf_8")


# What browsers fall back to for a page in this language (WHATWG's locale defaults, abridged).
_LEGACY_BY_LANGUAGE: dict[str, str] = {
    **dict.fromkeys(("pl", "cs", "sk", "hu", "sl", "hr", "bs", "ro", "sq"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be", "kk"), "cp1251"),
    "el": "cp1253", "tr": "cp1254", "az": "cp1254", "he": "cp1255", "yi": "cp1255",
    **dict.fromkeys(("ar", "fa", "ur", "ps"), "cp1256"),
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
    "vi": "cp1258", "th": "cp874", "ja": "shift_jis", "ko": "euc_kr", "zh": "gb18030",
}
_MARKUP = re.compile(rb"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&#?\w+;")
_HTML_LANG = re.compile(rb"""<html[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.IGNORECASE)


def _guesses(data: bytes, head: bytes) -> list[str]:
    """Legacy encodings to try for undeclared bytes: the page language's, then detected ones.

    charset-normalizer often ties several single-byte code pages on short texts; among the tied
    ones windows-1252, the web's most common legacy encoding, wins.
    """
    guesses: list[str] = []
    lang = _HTML_LANG.search(head)
    if lang:
        guesses.append(_LEGACY_BY_LANGUAGE.get(lang.group(1).decode("ascii").lower(), "cp1252"))
    prose = _MARKUP.sub(b" ", data[:400_000])  # markup confuses the detector: give it the prose
    prose = prose if len(prose) >= 64 else data
    results = [r for r in charset_normalizer.from_bytes(prose)
               if r.encoding and not _is_utf8(_codec(r.encoding))]
    if results:
        least = min(r.chaos for r in results)
        tied = [_codec(r.encoding) or r.encoding for r in results if r.chaos <= least + 0.01]
        guesses.extend(sorted(tied, key=lambda name: name != "cp1252"))
        guesses.extend(_codec(r.encoding) or r.encoding for r in results)
    return list(dict.fromkeys(guesses))
