"""The Elasticsearch client, built from Settings, with an error that says how to start a node."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from elasticsearch import Elasticsearch, TransportError

from ingest.config import Settings


class NewswatchError(Exception):
    """Base class of newswatch's own errors (one small hierarchy)."""


class ElasticsearchUnavailable(NewswatchError):
    """The node did not answer (refused, timed out, TLS failure): retrying later may work."""


START_HINT = ("start it with `scripts/elasticsearch.sh start` or check NEWSWATCH_ES_URL")


@contextmanager
def es_errors(doing: str, then: str = START_HINT) -> Iterator[None]:
    """The one translation of the client's transport failures into ElasticsearchUnavailable,
    as a context manager or a decorator: `with es_errors("searching"): ...`. The message says
    what was being done and, in `then`, what to do. Answers with an HTTP status (ApiError)
    pass through: they are the caller's to interpret."""
    try:
        yield
    except TransportError as exc:
        raise unavailable(doing, exc, then) from exc


def unavailable(doing: str, exc: Exception, then: str = START_HINT) -> ElasticsearchUnavailable:
    """The error es_errors raises, for a caller that reads some answers with a status as an
    outage too (a bulk request answered 429 or 5xx after its retries)."""
    return ElasticsearchUnavailable(
        f"Elasticsearch did not answer while {doing} ({type(exc).__name__}: {exc}); {then}")


def make_client(settings: Settings, *, request_timeout: float = 30.0) -> Elasticsearch:
    kwargs: dict = {"request_timeout": request_timeout, "retry_on_timeout": True, "max_retries": 3}
    if settings.es_api_key:
        kwargs["api_key"] = settings.es_api_key
    elif settings.es_username:
        kwargs["basic_auth"] = (settings.es_username, settings.es_password or "")
    if settings.es_ca_certs:
        kwargs["ca_certs"] = settings.es_ca_certs
    return Elasticsearch(settings.es_url, **kwargs)


def connect(settings: Settings, *, request_timeout: float = 30.0) -> Elasticsearch:
    """A client that has answered a ping, or ElasticsearchUnavailable saying what to do."""
    client = make_client(settings, request_timeout=request_timeout)
    try:
        # GET / lives in the rest-root module, which the integ-test-zip lacks: ask the nodes.
        nodes = client.nodes.info(node_id="_local", metric="_none", filter_path="nodes.*.version")
        version = next(iter(nodes["nodes"].values()))["version"]
    except Exception as exc:  # any transport/auth failure means: not usable
        raise ElasticsearchUnavailable(
            f"no Elasticsearch answers at {settings.es_url} ({type(exc).__name__}: {exc}). "
            "Start the local node with `scripts/elasticsearch.sh start` (or `make es-start`), "
            "or set NEWSWATCH_ES_URL."
        ) from exc
    if int(str(version).split(".")[0]) != 9:
        raise ElasticsearchUnavailable(
            f"Elasticsearch at {settings.es_url} is {version}; newswatch needs 9.x"
        )
    return client
