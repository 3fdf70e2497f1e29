"""Fixtures for ingest tests: the loopback HTTP server."""

from tests.support.httpserver import http_server  # noqa: F401 - a fixture, used by name
