"""Re-extract incidents from stored article text into a new incidents index, then swap it in.

For when the extractor improves: no page is fetched again. The live alias keeps serving the
old incidents until the swap, which is one atomic alias update. Articles the live pipeline
indexes while the re-extraction runs land in the old version, so `finish` re-extracts those
(indexed since `started`) once more into the new version after the swap.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from extract.incidents import EXTRACTOR_VERSION
from ingest import index, pipeline, schema
from ingest.config import Settings


def start(client: Elasticsearch, settings: Settings) -> dict:
    """Create the next incidents version (not yet live); returns its name and the start time."""
    schema.setup(client, settings)
    client.indices.refresh(index=settings.index("articles"))  # every article stored so far
    return {"index": schema.create_next_version(client, settings, "incidents"),
            "started": datetime.now(UTC).isoformat()}


def _reextracted(client: Elasticsearch, settings: Settings,
                 query: dict | None = None) -> Iterator[tuple[dict, list[dict]]]:
    for article in index.iter_articles(client, settings, fields=None, query=query):
        article["extractor_version"] = EXTRACTOR_VERSION
        yield article, pipeline.incidents_of(article)


def reextract(client: Elasticsearch, settings: Settings, new_index: str) -> dict:
    """Every stored article's incidents, extracted again into new_index; counts."""
    report = index.index_incidents_into(client, settings, new_index,
                                        _reextracted(client, settings))
    return {"articles": report.articles_indexed, "incidents": report.incidents_indexed,
            "failed": report.failed}


def finish(client: Elasticsearch, settings: Settings, new_index: str, started: str) -> dict:
    """Swap the alias to new_index, then catch up articles indexed during the re-extraction."""
    old = schema.current_index(client, settings, "incidents")
    schema.swap_alias(client, settings, "incidents", new_index)
    since = {"range": {"indexed": {"gte": started}}}
    report = index.index_articles(client, settings, _reextracted(client, settings, since),
                                  keep_indexed=True)
    return {"previous": old, "live": new_index, "caught_up": report.articles_indexed}


def reprocess(client: Elasticsearch, settings: Settings) -> dict:
    """start + reextract + finish in one call (the CLI and tests; the DAG runs them as tasks)."""
    begun = start(client, settings)
    counts = reextract(client, settings, begun["index"])
    return {**counts, **finish(client, settings, begun["index"], begun["started"])}
