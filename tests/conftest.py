"""Shared fixtures: a real Elasticsearch client with per-test index prefixes."""

from __future__ import annotations

import os
import uuid

import pytest

from ingest.config import Settings
from ingest.es import ElasticsearchUnavailable, connect
from ingest.schema import drop_everything


@pytest.fixture(scope="session")
def es_client():
    settings = Settings.from_env()
    try:
        return connect(settings, request_timeout=60)
    except ElasticsearchUnavailable as exc:
        pytest.fail(f"{exc}\n(tests marked 'es' need the local node; run `make test`, "
                    "which starts it)", pytrace=False)


@pytest.fixture
def es_prefix(es_client):
    """A unique index prefix; every index and alias under it is deleted after the test."""
    prefix = f"nwtest-{uuid.uuid4().hex[:10]}"
    yield prefix
    _delete_everything_under(es_client, prefix)


def _delete_everything_under(client, prefix: str) -> None:
    drop_everything(client, prefix)


@pytest.fixture
def es_settings(es_prefix, tmp_path):
    """Settings pointing at the local node with this test's unique prefix."""
    return Settings.from_env(index_prefix=es_prefix, dead_letter_dir=tmp_path / "dead-letter")


@pytest.fixture
def es(es_client, es_prefix):
    """(client, prefix) for tests that talk to the real node."""
    return es_client, es_prefix


def pytest_collection_modifyitems(config, items):
    # Tests using the node carry the 'es' marker, so `-m "not es"` runs the rest offline.
    for item in items:
        if {"es", "es_client", "es_prefix", "es_settings"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.es)
    os.environ.setdefault("NEWSWATCH_TESTING", "1")
