"""The one HTTP layer: bounded, polite, SSRF-guarded GETs that return a result and never raise."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Collection, Coroutine, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx

from ingest.config import Settings

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
KEPT_HEADERS = ("etag", "last-modified", "date", "content-encoding", "retry-after",
                "content-language")
T = TypeVar("T")


class FetchReason(StrEnum):
    """Why a fetch ended the way it did (one value per outcome, countable in Kibana)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    HTTP_ERROR = "http_error"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BLOCKED_ADDRESS = "blocked_address"
    ROBOTS_DISALLOWED = "robots_disallowed"
    ROBOTS_UNAVAILABLE = "robots_unavailable"  # robots.txt unreachable: retry later
    WRONG_CONTENT_TYPE = "wrong_content_type"
    CONNECTION_ERROR = "connection_error"
    DECODING_ERROR = "decoding_error"
    INVALID_URL = "invalid_url"


@dataclass(frozen=True)
class FetchResult:
    """What one GET produced. `ok` means a 2xx body was received, or a 304 (nothing to read)."""

    url: str
    final_url: str
    status: int | None
    ok: bool
    reason: FetchReason
    detail: str = ""
    content: bytes = b""
    content_type: str | None = None  # media type only, lower case, e.g. "text/html"
    charset: str | None = None  # as declared in the Content-Type header
    headers: Mapping[str, str] = field(default_factory=dict)  # etag, last-modified, ...
    elapsed_s: float = 0.0
    redirects: tuple[str, ...] = ()

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class _Stop(Exception):
    """Internal: ends a fetch early with a reason (never leaves this module)."""

    def __init__(self, reason: FetchReason, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.status = status


# ---------------------------------------------------------------- SSRF guard


def _allowed(host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
             allow: Collection[str]) -> bool:
    for item in allow:
        if item.lower() == host.lower():
            return True
        try:
            if ip in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            continue
    return False


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved
        or ip.is_multicast or ip.is_unspecified or not ip.is_global
    )


def check_address(host: str, ip_text: str, settings: Settings) -> str | None:
    """None when the address may be contacted, else why not."""
    try:
        ip = ipaddress.ip_address(ip_text.split("%")[0])
    except ValueError:
        return f"{host} resolved to an unparseable address {ip_text!r}"
    if _is_public(ip) or _allowed(host, ip, settings.allow_private_hosts):
        return None
    return (f"{host} resolves to non-public address {ip} "
            "(allow it with NEWSWATCH_ALLOW_PRIVATE_HOSTS)")


async def guard_host(host: str, port: int, settings: Settings) -> tuple[str, ...]:
    """Resolve `host` once and refuse it if any address is not public (unless allowed);
    returns the checked addresses, the only ones the connection may then use (pinned)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise _Stop(FetchReason.CONNECTION_ERROR, f"cannot resolve {host}: {exc}") from None
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        problem = check_address(host, address, settings)
        if problem:
            raise _Stop(FetchReason.BLOCKED_ADDRESS, problem)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise _Stop(FetchReason.CONNECTION_ERROR, f"cannot resolve {host}: no address")
    return tuple(addresses)


# host (as the connection pool names it: lower-case ASCII) -> the addresses guard_host checked
# for it in the current fetch. Read by _PinnedBackend when it opens a connection.
_PINNED: contextvars.ContextVar[dict[str, tuple[str, ...]]] = contextvars.ContextVar(
    "newswatch_pinned_addresses")


def _pool_host(url: str) -> str:
    """The host name as httpcore's connection pool sees it (IDNA-encoded, lower case)."""
    return httpx.URL(url).raw_host.decode("ascii").lower()


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to the addresses the SSRF guard checked for that host.

    The URL keeps its host name, so the Host header, TLS SNI and certificate check are the
    name's; only the name resolution is replaced by the guard's one answer. Resolving again
    at connect time would let a rebinding name server answer a public address to the check
    and 127.0.0.1 to the connection. Fails closed: a host without checked addresses is refused.
    """

    def __init__(self) -> None:
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options=None):
        addresses = _PINNED.get({}).get(host.lower())
        if not addresses:
            raise httpcore.ConnectError(f"{host} was not checked by the SSRF guard")
        error: Exception | None = None
        for address in addresses:  # in the resolver's order, as a plain connect would
            try:
                return await self._network.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error  # type: ignore[misc]

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options=None):
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on _PinnedBackend (httpx has no option
    for the network backend, so the pool it built is replaced by an equal one that has it)."""

    def __init__(self, *, verify: ssl.SSLContext, limits: httpx.Limits) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PinnedBackend(),
        )


def _check_url(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _Stop(FetchReason.INVALID_URL, f"invalid URL {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Stop(FetchReason.INVALID_URL, f"not an http(s) URL: {url!r}")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


# ---------------------------------------------------------------- client


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~15 ms of CPU, which
    a client per feed and pass would otherwise pay every time."""
    return ssl.create_default_context(cafile=certifi.where())


def make_client(settings: Settings, *, max_connections: int = 20) -> httpx.AsyncClient:
    """An async client for fetch_url_async; share one per event loop to reuse connections.

    Connections go only to addresses the SSRF guard checked (_PinnedBackend); environment
    proxies are ignored (trust_env=False), as a proxy would hide the address reached.
    """
    total = settings.http_timeout_s
    timeout = httpx.Timeout(connect=min(10.0, total), read=min(15.0, total),
                            write=min(10.0, total), pool=total)
    limits = httpx.Limits(max_connections=max_connections,
                          max_keepalive_connections=max_connections)
    return httpx.AsyncClient(
        timeout=timeout,
        transport=_PinnedTransport(verify=_tls_context(), limits=limits),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
    )


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    media = parts[0].lower() or None
    charset = None
    for param in parts[1:]:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("'\"").lower()
    return media, charset


class _Decoder:
    """Incremental gzip/deflate decoding whose output per step is bounded (gzip bombs)."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._obj = None
        elif encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._obj = zlib.decompressobj()
            self._raw_deflate = False
        else:
            raise _Stop(FetchReason.DECODING_ERROR, f"unsupported Content-Encoding {encoding!r}")
        self.encoding = encoding

    def feed(self, data: bytes, limit: int) -> list[bytes]:
        if self._obj is None:
            return [data]
        out: list[bytes] = []
        produced = 0
        try:
            while data:
                chunk = self._obj.decompress(data, CHUNK)
                out.append(chunk)
                produced += len(chunk)
                if produced > limit:
                    break  # the caller sees the cap exceeded; no need to go on
                data = self._obj.unconsumed_tail
        except zlib.error as exc:
            if self.encoding == "deflate" and not self._raw_deflate and not out:
                # some servers send raw deflate without the zlib header
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self._raw_deflate = True
                return self.feed(data, limit)
            raise _Stop(FetchReason.DECODING_ERROR, f"bad {self.encoding} body: {exc}") from None
        return out


async def _read_body(response: httpx.Response, settings: Settings, progress: dict) -> bytes:
    cap = settings.max_body_bytes
    declared = response.headers.get("content-length")
    encoding = response.headers.get("content-encoding", "")
    if declared and declared.isdigit() and int(declared) > cap and not encoding:
        raise _Stop(FetchReason.TOO_LARGE, f"Content-Length {declared} exceeds the cap of {cap} "
                    "bytes", response.status_code)
    decoder = _Decoder(encoding)
    parts: list[bytes] = []
    size = 0
    raw = 0
    async for chunk in response.aiter_raw():  # as the network delivers: no buffering
        raw += len(chunk)
        progress["bytes"] = raw
        for piece in decoder.feed(chunk, cap - size):
            size += len(piece)
            parts.append(piece)
        if size > cap or raw > cap:
            raise _Stop(FetchReason.TOO_LARGE, f"body exceeds the cap of {cap} bytes"
                        + (" after decompression" if size > cap and encoding else ""),
                        response.status_code)
    return b"".join(parts)


def _peer_check(response: httpx.Response, host: str, settings: Settings) -> None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return
    try:
        addr = stream.get_extra_info("server_addr")
    except Exception:  # some backends do not know it; the pre-resolution check stands
        return
    if addr:
        problem = check_address(host, str(addr[0]), settings)
        if problem:
            raise _Stop(FetchReason.BLOCKED_ADDRESS, problem)


async def fetch_url_async(
    url: str,
    settings: Settings,
    *,
    headers: Mapping[str, str] | None = None,
    accept: Collection[str] | None = None,
    accept_header: str | None = None,
    client: httpx.AsyncClient | None = None,
) -> FetchResult:
    """GET `url` within the limits of `settings`; never raises.

    `settings.http_timeout_s` bounds the whole fetch (name resolution, redirects, headers,
    body), however slowly a server trickles. `accept`: media types allowed in the answer
    (e.g. HTML_TYPES); a missing Content-Type passes. `headers`: extra request headers
    (If-None-Match, If-Modified-Since, ...).
    """
    start = time.monotonic()
    own = client is None
    http = client or make_client(settings, max_connections=2)
    request_headers = dict(headers or {})
    if accept_header or "accept" not in {k.lower() for k in request_headers}:
        request_headers["Accept"] = accept_header or (HTML_ACCEPT if accept else FEED_ACCEPT)
    state: dict = {"current": url, "status": None, "phase": "resolving", "bytes": 0}
    hops: list[str] = []

    def result(reason: FetchReason, detail: str, **kw) -> FetchResult:
        ok = reason in (FetchReason.OK, FetchReason.NOT_MODIFIED)
        fetched = FetchResult(url=url, final_url=state["current"],
                              status=kw.pop("status", state["status"]), ok=ok, reason=reason,
                              detail=detail, elapsed_s=time.monotonic() - start,
                              redirects=tuple(hops), **kw)
        if ok:
            log.debug("GET %s: %s, HTTP %s, %d bytes, %.2f s%s", url, reason.value,
                      fetched.status, len(fetched.content), fetched.elapsed_s,
                      f" (via {len(hops)} redirects)" if hops else "")
        else:
            log.info("GET %s failed: %s: %s", url, reason.value, detail)
        return fetched

    pins = _PINNED.set({})  # this fetch's checked addresses, filled hop by hop
    try:
        async with asyncio.timeout(settings.http_timeout_s):
            return await _fetch(http, url, settings, request_headers, accept, state, hops,
                                result)
    except _Stop as stop:
        return result(stop.reason, stop.detail, status=stop.status or state["status"])
    except (TimeoutError, httpx.TimeoutException) as exc:
        if state["phase"] == "body":
            what = f"body not complete within {settings.http_timeout_s} s " \
                   f"({state['bytes']} bytes read)"
        else:
            what = f"{state['phase']} {state['current']}: no answer after " \
                   f"{time.monotonic() - start:.1f} s"
            if isinstance(exc, httpx.TimeoutException):
                what += f" ({type(exc).__name__})"
        return result(FetchReason.TIMEOUT, what)
    except httpx.InvalidURL as exc:
        return result(FetchReason.INVALID_URL, f"invalid URL {state['current']!r}: {exc}")
    except httpx.DecodingError as exc:
        return result(FetchReason.DECODING_ERROR, str(exc))
    except (httpx.HTTPError, OSError, ValueError) as exc:
        return result(FetchReason.CONNECTION_ERROR, f"{type(exc).__name__}: {exc}")
    finally:
        _PINNED.reset(pins)
        if own:
            await http.aclose()


async def _fetch(http: httpx.AsyncClient, url: str, settings: Settings, request_headers: dict,
                 accept: Collection[str] | None, state: dict, hops: list[str],
                 result) -> FetchResult:
    while True:
        current = state["current"]
        host, port = _check_url(current)
        state["phase"] = "resolving"
        pool_host = _pool_host(current)
        _PINNED.get()[pool_host] = await guard_host(pool_host, port, settings)
        state["phase"] = "waiting for"
        async with http.stream("GET", current, headers=request_headers) as response:
            status = state["status"] = response.status_code
            _peer_check(response, host, settings)
            if status in REDIRECT_CODES and response.headers.get("location"):
                target = urljoin(current, response.headers["location"]).split("#", 1)[0]
                if target == current or target in hops or target == url:
                    raise _Stop(FetchReason.TOO_MANY_REDIRECTS,
                                f"redirect loop: {current} -> {target}")
                hops.append(current)
                if len(hops) > settings.max_redirects:
                    raise _Stop(FetchReason.TOO_MANY_REDIRECTS,
                                f"more than {settings.max_redirects} redirects")
                state["current"] = target
                continue
            kept = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
            media, charset = _media_type(response.headers.get("content-type"))
            meta = {"headers": kept, "content_type": media, "charset": charset}
            if status == 304:
                return result(FetchReason.NOT_MODIFIED, "not modified", **meta)
            if not 200 <= status < 300:
                return result(FetchReason.HTTP_ERROR, f"HTTP {status} from {current}", **meta)
            if accept and media and media not in accept:
                return result(FetchReason.WRONG_CONTENT_TYPE,
                              f"{media} is not one of {', '.join(accept)}", **meta)
            state["phase"] = "body"
            body = await _read_body(response, settings, state)
            return result(FetchReason.OK, "", content=body, **meta)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, even inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: list = []

    def target() -> None:
        try:
            box.append((True, asyncio.run(coro)))
        except BaseException as exc:  # handed back to the caller's thread
            box.append((False, exc))

    thread = threading.Thread(target=target, name="newswatch-sync")
    thread.start()
    thread.join()
    ok, value = box[0]
    if not ok:
        raise value
    return value


def fetch_url(
    url: str,
    settings: Settings,
    *,
    headers: Mapping[str, str] | None = None,
    accept: Collection[str] | None = None,
    accept_header: str | None = None,
) -> FetchResult:
    """fetch_url_async for synchronous callers (one request; its own connection)."""
    return run_sync(fetch_url_async(url, settings, headers=headers, accept=accept,
                                    accept_header=accept_header))
