"""ingest.http against a loopback server: every way a real server misbehaves gives a reason."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from extract.charset import decode_text
from ingest.config import Settings
from ingest.http import HTML_TYPES, FetchReason, fetch_url
from tests.support.httpserver import gzip_bomb

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def settings():
    return Settings.from_env({}, allow_private_hosts=("127.0.0.1",), http_timeout_s=3.0,
                             max_body_bytes=2 * 1024 * 1024, max_redirects=4)


def test_ok_body_and_validators(http_server, settings):
    url = http_server.route("/a", body=b"<html>hi</html>", etag='"v1"',
                            last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    result = fetch_url(url, settings)
    assert result.ok and result.reason is FetchReason.OK and result.status == 200
    assert result.content == b"<html>hi</html>"
    assert (result.content_type, result.charset) == ("text/html", "utf-8")
    assert result.etag == '"v1"' and result.last_modified.startswith("Wed")
    sent = http_server.requests_to("/a")[0].headers
    assert sent["User-Agent"] == settings.user_agent


def test_304_when_etag_matches(http_server, settings):
    url = http_server.route("/feed", body=b"<rss/>", etag='"abc"')
    result = fetch_url(url, settings, headers={"If-None-Match": '"abc"'})
    assert result.reason is FetchReason.NOT_MODIFIED and result.status == 304
    assert result.ok and result.content == b""
    assert fetch_url(url, settings, headers={"If-None-Match": '"old"'}).reason is FetchReason.OK


@pytest.mark.parametrize("status", [500, 404, 403])
def test_http_errors(http_server, settings, status):
    url = http_server.route("/err", status=status, body=b"boom")
    result = fetch_url(url, settings)
    assert not result.ok and result.reason is FetchReason.HTTP_ERROR
    assert result.status == status and str(status) in result.detail


def test_unanswered_request_times_out(http_server, settings):
    url = http_server.route("/slow", body=b"late", delay_s=5)
    fast = Settings.from_env({}, allow_private_hosts=("127.0.0.1",), http_timeout_s=0.5)
    result = fetch_url(url, fast)
    assert result.reason is FetchReason.TIMEOUT and not result.ok
    assert result.elapsed_s < 4


def test_trickling_body_hits_total_timeout(http_server, settings):
    # 1 byte every 0.1 s: no single read ever times out, only the total deadline can stop it
    url = http_server.route("/trickle", body=b"x" * 200, trickle=(1, 0.1))
    fast = Settings.from_env({}, allow_private_hosts=("127.0.0.1",), http_timeout_s=1.0)
    result = fetch_url(url, fast)
    assert result.reason is FetchReason.TIMEOUT, result
    assert "body not complete" in result.detail
    assert result.elapsed_s < 10


def test_50_mb_body_stops_at_cap_without_buffering_it(http_server, settings):
    url = http_server.route("/huge", body_size=50 * 1024 * 1024, send_length=False)
    tracemalloc.start()
    try:
        result = fetch_url(url, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.reason is FetchReason.TOO_LARGE and not result.ok
    assert result.content == b""
    assert peak < 4 * settings.max_body_bytes  # ~the cap, never the 50 MB


def test_declared_length_over_cap_is_refused_before_reading(http_server, settings):
    url = http_server.route("/declared", body_size=50 * 1024 * 1024)
    result = fetch_url(url, settings)
    assert result.reason is FetchReason.TOO_LARGE and "Content-Length" in result.detail


def test_gzip_is_decoded(http_server, settings):
    url = http_server.route("/gz", body=b"<html>" + b"a" * 10000 + b"</html>", gzip=True)
    result = fetch_url(url, settings)
    assert result.ok and result.content.startswith(b"<html>aaa") and len(result.content) == 10013


def test_gzip_bomb_is_stopped_at_the_decompressed_cap(http_server, settings):
    bomb = gzip_bomb(200 * 1024 * 1024)  # ~200 KB on the wire, 200 MB once inflated
    assert len(bomb) < settings.max_body_bytes
    url = http_server.route("/bomb", raw_gzip=bomb)
    tracemalloc.start()
    try:
        result = fetch_url(url, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.reason is FetchReason.TOO_LARGE and "after decompression" in result.detail
    assert peak < 4 * settings.max_body_bytes


def test_redirects_followed_and_loops_detected(http_server, settings):
    http_server.route("/r1", redirect_to="/r2")
    http_server.route("/r2", redirect_to="/final", status=301)
    http_server.route("/final", body=b"<html>done</html>")
    result = fetch_url(http_server.url("/r1"), settings)
    assert result.ok and result.final_url == http_server.url("/final")
    assert result.redirects == (http_server.url("/r1"), http_server.url("/r2"))

    http_server.route("/loop-a", redirect_to="/loop-b")
    http_server.route("/loop-b", redirect_to="/loop-a")
    loop = fetch_url(http_server.url("/loop-a"), settings)
    assert loop.reason is FetchReason.TOO_MANY_REDIRECTS and "loop" in loop.detail

    for i in range(10):
        http_server.route(f"/chain{i}", redirect_to=f"/chain{i + 1}")
    chain = fetch_url(http_server.url("/chain0"), settings)
    assert chain.reason is FetchReason.TOO_MANY_REDIRECTS and "more than 4" in chain.detail


def test_wrong_content_type_refused_for_html_fetches(http_server, settings):
    url = http_server.route("/pdf", body=b"%PDF-1.4", content_type="application/pdf")
    result = fetch_url(url, settings, accept=HTML_TYPES)
    assert result.reason is FetchReason.WRONG_CONTENT_TYPE and "application/pdf" in result.detail
    xhtml = http_server.route("/x", body=b"<html/>", content_type="application/xhtml+xml")
    assert fetch_url(xhtml, settings, accept=HTML_TYPES).ok


def test_private_addresses_refused_unless_allowed(http_server):
    url = http_server.route("/secret", body=b"internal")
    strict = Settings.from_env({}, http_timeout_s=2.0)
    for target in (url, url.replace("127.0.0.1", "localhost"), "http://10.0.0.1/admin",
                   "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/"):
        result = fetch_url(target, strict)
        assert result.reason is FetchReason.BLOCKED_ADDRESS, (target, result)
        assert "NEWSWATCH_ALLOW_PRIVATE_HOSTS" in result.detail
    assert http_server.requests_to("/secret") == []  # never contacted
    allowed = Settings.from_env({}, allow_private_hosts=("127.0.0.0/8",), http_timeout_s=2.0)
    assert fetch_url(url, allowed).ok


def test_redirect_to_a_private_address_is_refused(http_server, settings):
    url = http_server.route("/to-private", redirect_to="http://10.0.0.1/internal")
    result = fetch_url(url, settings)
    assert result.reason is FetchReason.BLOCKED_ADDRESS and "10.0.0.1" in result.detail


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "http://", "http://a:b/"])
def test_invalid_urls(settings, url):
    result = fetch_url(url, settings)
    assert result.reason is FetchReason.INVALID_URL and not result.ok


def test_connection_refused_is_a_result(settings):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    result = fetch_url(f"http://127.0.0.1:{port}/", settings)
    assert result.reason is FetchReason.CONNECTION_ERROR and not result.ok


def test_lying_charset_header_and_invalid_utf8(http_server, settings):
    text = "Attaque à Goma : « l'armée » riposte"
    url = http_server.route("/latin1", body=text.encode("cp1252"),
                            content_type="text/html; charset=utf-8")
    result = fetch_url(url, settings)
    assert result.ok and result.charset == "utf-8"
    decoded, used = decode_text(result.content, result.charset)
    assert decoded == text and used == "cp1252"
    # UTF-8 bytes sent under a latin-1 header: the bytes win
    assert decode_text(text.encode("utf-8"), "iso-8859-1") == (text, "utf_8")
    # a meta charset is used when the header says nothing
    page = f'<html><head><meta charset="windows-1251"></head>{"Киев"}</html>'
    assert "Киев" in decode_text(page.encode("cp1251"), None)[0]


def test_concurrent_use_of_one_client(http_server, settings):
    import asyncio

    from ingest.http import fetch_url_async, make_client

    for i in range(20):
        http_server.route(f"/p{i}", body=f"page {i}".encode())

    async def all_pages() -> list[bytes]:
        async with make_client(settings, max_connections=8) as client:
            results = await asyncio.gather(*(
                fetch_url_async(http_server.url(f"/p{i}"), settings, client=client)
                for i in range(20)))
        return [r.content for r in results]

    assert asyncio.run(all_pages()) == [f"page {i}".encode() for i in range(20)]


def test_trickled_headers_hit_the_total_timeout(http_server):
    def slow_headers(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(100):  # a header line every 0.1 s: reads never time out on their own
            handler.wfile.write(f"X-Slow-{i}: y\r\n".encode())
            handler.wfile.flush()
            time.sleep(0.1)

    url = http_server.route("/slow-headers", handler=slow_headers)
    fast = Settings.from_env({}, allow_private_hosts=("127.0.0.1",), http_timeout_s=1.0)
    result = fetch_url(url, fast)
    assert result.reason is FetchReason.TIMEOUT and "no answer" in result.detail
    assert result.elapsed_s < 5


def test_sync_fetch_inside_a_running_event_loop(http_server, settings):
    import asyncio

    url = http_server.route("/in-loop", body=b"<html/>")

    async def caller():
        return fetch_url(url, settings)  # e.g. a notebook: the sync API still works

    assert asyncio.run(caller()).ok
