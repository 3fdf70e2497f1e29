"""DNS rebinding: the fetch connects to exactly the address it checked (resolve once, pin it).

A resolver controlled in-process answers a public address first and 127.0.0.1 afterwards, as a
rebinding name server would; the loopback server must never receive the request."""

from __future__ import annotations

import socket
import ssl
import subprocess

import pytest

import ingest.http
from ingest.config import Settings
from ingest.http import FetchReason, fetch_url
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.timeout(60)

GLOBAL = "93.184.216.34"  # a global unicast address (example.org's old one); never reached here


class Resolver:
    """getaddrinfo for made-up names: the answers for `name` in order, the last one repeated;
    every other name goes to the real resolver."""

    def __init__(self, name: str, answers: list[str]) -> None:
        self.name, self.answers, self.asked = name, answers, 0
        self.real = socket.getaddrinfo

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        if isinstance(host, bytes):
            host = host.decode("ascii")
        if host != self.name:
            return self.real(host, port, family, type, proto, flags)
        address = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]


def test_a_name_that_rebinds_to_loopback_never_gets_the_request(http_server, monkeypatch):
    http_server.route("/secret", body=b"internal")
    resolver = Resolver("rebind.test", [GLOBAL, "127.0.0.1"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    settings = Settings.from_env({}, http_timeout_s=1.5)
    result = fetch_url(f"http://rebind.test:{http_server.port}/secret", settings)
    assert not result.ok
    assert http_server.requests_to("/secret") == []  # the GET never reached loopback
    assert resolver.asked == 1  # resolved once; the connection used that answer


def test_a_pinned_fetch_sends_the_host_name_and_follows_checked_redirects(http_server,
                                                                         monkeypatch):
    http_server.route("/start", redirect_to=f"http://other.test:{http_server.port}/page")
    http_server.route("/page", body=b"<html>ok</html>")
    monkeypatch.setattr(socket, "getaddrinfo", Resolver("named.test", ["127.0.0.1"]))
    allowed = Settings.from_env({}, http_timeout_s=3.0, allow_private_hosts=("named.test",))
    result = fetch_url(f"http://named.test:{http_server.port}/start", allowed)
    # other.test is not allowed: the second hop is checked on its own and refused
    assert result.reason is FetchReason.BLOCKED_ADDRESS or \
        result.reason is FetchReason.CONNECTION_ERROR, result
    assert http_server.requests_to("/page") == []
    [first] = http_server.requests_to("/start")
    assert first.headers["Host"] == f"named.test:{http_server.port}"

    http_server.route("/start", redirect_to="/page")
    result = fetch_url(f"http://named.test:{http_server.port}/start", allowed)
    assert result.ok and result.content == b"<html>ok</html>", result


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS LocalHTTPServer with a self-signed certificate for pinned.test only."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=pinned.test", "-addext", "subjectAltName=DNS:pinned.test",
                        "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl cannot make a test certificate: {exc}")
    server = LocalHTTPServer()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
    server.start()
    try:
        yield server, cert
    finally:
        server.stop()


def test_tls_to_a_pinned_address_verifies_the_host_name(tls_server, monkeypatch):
    server, cert = tls_server
    server.route("/tls", body=b"<html>secure</html>")
    monkeypatch.setattr(socket, "getaddrinfo", Resolver("pinned.test", ["127.0.0.1"]))
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(ingest.http, "_tls_context", lambda: trusting)
    settings = Settings.from_env({}, http_timeout_s=3.0,
                                 allow_private_hosts=("pinned.test", "127.0.0.1"))
    result = fetch_url(f"https://pinned.test:{server.port}/tls", settings)
    assert result.ok and result.content == b"<html>secure</html>", result
    # the certificate names pinned.test, not the address: reaching it by IP must fail
    by_address = fetch_url(f"https://127.0.0.1:{server.port}/tls", settings)
    assert not by_address.ok and by_address.reason is FetchReason.CONNECTION_ERROR
