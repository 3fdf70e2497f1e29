"""A loopback HTTP server for tests: real sockets, routes registered per test.

    def test_x(http_server):
        http_server.route("/feed.xml", body=b"<rss>...", content_type="application/rss+xml",
                          etag='"v1"')
        url = http_server.url("/feed.xml")

A route can set status, headers, body (or a lazily generated `body_size` of filler), a delay
before the answer, a trickle (bytes per interval), gzip encoding, a redirect, and an ETag /
Last-Modified that makes matching conditional requests answer 304. Every request is recorded
(`http_server.requests`) with its path and headers. Use the `http_server` fixture, exposed by
tests/ingest/conftest.py (import `http_server` from here into any other conftest).
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

FILLER = b"<p>filler text for size tests</p>\n" * 2048  # 70 KB building block


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    body_size: int | None = None  # serve this many filler bytes, generated while sending
    delay_s: float = 0.0  # wait before sending the status line
    trickle: tuple[int, float] | None = None  # (bytes, seconds): send slowly
    gzip: bool = False  # gzip the body (Content-Encoding: gzip)
    raw_gzip: bytes | None = None  # send these bytes as a gzip-encoded body (bombs)
    redirect_to: str | None = None  # Location; status defaults to 302
    etag: str | None = None
    last_modified: str | None = None
    send_length: bool = True
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None  # full control


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    time: float


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # tests stay quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.server.owner._record(self)
        route = self.server.owner.find(self.path)
        try:
            self._answer(route)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    def _answer(self, route: Route | None) -> None:
        if route is None:
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if route.handler is not None:
            route.handler(self)
            return
        if route.delay_s:
            time.sleep(route.delay_s)
        if self._not_modified(route):
            self.send_response(304)
            if route.etag:
                self.send_header("ETag", route.etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = route.status
        if route.redirect_to is not None and status == 200:
            status = 302
        self.send_response(status)
        if route.redirect_to is not None:
            self.send_header("Location", route.redirect_to)
        if route.content_type:
            self.send_header("Content-Type", route.content_type)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            self.send_header(name, value)
        body = route.body
        if route.raw_gzip is not None:
            body = route.raw_gzip
            self.send_header("Content-Encoding", "gzip")
        elif route.gzip:
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        size = route.body_size if route.body_size is not None else len(body)
        if route.send_length:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if route.body_size is not None:
            self._send_filler(route.body_size)
        elif route.trickle:
            step, pause = route.trickle
            for start in range(0, len(body), step):
                self.wfile.write(body[start:start + step])
                self.wfile.flush()
                time.sleep(pause)
        else:
            self.wfile.write(body)

    def _send_filler(self, size: int) -> None:
        sent = 0
        while sent < size:
            piece = FILLER[: min(len(FILLER), size - sent)]
            self.wfile.write(piece)
            sent += len(piece)

    def _not_modified(self, route: Route) -> bool:
        if route.etag and self.headers.get("If-None-Match"):
            return route.etag in [t.strip() for t in self.headers["If-None-Match"].split(",")]
        if route.last_modified and self.headers.get("If-Modified-Since"):
            return self.headers["If-Modified-Since"] == route.last_modified
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    owner: LocalHTTPServer


class LocalHTTPServer:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0) with registered routes."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, **kwargs) -> str:
        """Register (or replace) the answer for `path` (query string included); returns its URL."""
        self.routes[path] = Route(**kwargs)
        return self.url(path)

    def find(self, path: str) -> Route | None:
        return self.routes.get(path) or self.routes.get(path.split("?", 1)[0])

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _record(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append(Request(handler.path, dict(handler.headers.items()),
                                         time.monotonic()))


def gzip_bomb(decompressed_size: int) -> bytes:
    """A small gzip body that expands to `decompressed_size` zero bytes."""
    obj = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = []
    for _ in range(decompressed_size // len(block)):
        parts.append(obj.compress(block))
    parts.append(obj.flush())
    return b"".join(parts)


@pytest.fixture
def http_server():
    """A started LocalHTTPServer, stopped after the test."""
    server = LocalHTTPServer().start()
    try:
        yield server
    finally:
        server.stop()
