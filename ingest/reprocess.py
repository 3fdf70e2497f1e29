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
from ingest import event_store, index, pipeline, schema
from ingest.config import Settings
from ingest.times import iso


def start(client: Elasticsearch, settings: Settings) -> dict:
    """Create the next incidents version (not yet live); returns its name and the start time."""
    schema.setup(client, settings)
    client.indices.refresh(index=settings.index("articles"))  # every article stored so far
    return {"index": schema.create_next_version(client, settings, "incidents"),
            "started": iso(datetime.now(UTC))}


def _reextracted(client: Elasticsearch, settings: Settings, query: dict | None = None, *,
                 source: str | None = None) -> Iterator[tuple[dict, list[dict]]]:
    for article in index.iter_articles(client, settings, fields=None, query=query,
                                       index=source):
        article["extractor_version"] = EXTRACTOR_VERSION
        yield article, pipeline.incidents_of(article)


def reextract(client: Elasticsearch, settings: Settings, new_index: str) -> dict:
    """Every stored article's incidents, extracted again into new_index; counts."""
    report = index.index_incidents_into(client, settings, new_index,
                                        _reextracted(client, settings))
    return _counts(report)


def _counts(report: index.IndexReport) -> dict:
    return {"articles": report.articles_indexed, "incidents": report.incidents_indexed,
            "failed": report.failed}


def finish(client: Elasticsearch, settings: Settings, new_index: str, started: str) -> dict:
    """Swap the alias to new_index, then catch up articles indexed during the re-extraction."""
    old = schema.current_index(client, settings, "incidents")
    schema.swap_alias(client, settings, "incidents", new_index)
    since = {"range": {"indexed": {"gte": started}}}
    report = index.index_articles(client, settings, _reextracted(client, settings, since),
                                  keep_indexed=True)
    # re-extracted incidents carry no event_id yet: they leave their old events and join again
    events = event_store.reconcile(client, settings)
    return {"previous": old, "live": new_index, "caught_up": report.articles_indexed,
            "incidents_merged": events.incidents_assigned}


def reprocess(client: Elasticsearch, settings: Settings) -> dict:
    """start + reextract + finish in one call (the CLI and tests; the DAG runs them as tasks)."""
    begun = start(client, settings)
    counts = reextract(client, settings, begun["index"])
    return {**counts, **finish(client, settings, begun["index"], begun["started"])}


# The batched form, which the reprocess DAG maps over: start_version, then reextract_batch
# once per list of article_batches, then finish.

def start_version(client: Elasticsearch, settings: Settings, version: int | None = None) -> dict:
    """start() when version is None; else the existing, not live incidents version `version`
    is filled again (resuming a failed run: ids make writing twice harmless)."""
    if version is None:
        return start(client, settings)
    name = f"{settings.index('incidents')}-v{version}"
    if not client.indices.exists(index=name):
        raise schema.SchemaError(f"{name} does not exist; leave `version` empty to create the "
                                 "next incidents version")
    if name == schema.current_index(client, settings, "incidents"):
        raise schema.SchemaError(f"{name} is the live incidents index; leave `version` empty "
                                 "to re-extract into a new version")
    client.indices.refresh(index=settings.index("articles"))
    return {"index": name, "started": iso(datetime.now(UTC))}


def article_batches(client: Elasticsearch, settings: Settings, batch_size: int, *,
                    source: str | None = None) -> list[list[str]]:
    """The ids of every stored article (in `source`, default the articles alias), in lists of
    batch_size: one mapped task each, so a failure re-runs one batch, not everything."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}")
    ids = [article["article_id"]
           for article in index.iter_articles(client, settings, fields=["url"], index=source)]
    return [ids[i:i + batch_size] for i in range(0, len(ids), batch_size)]


def reextract_batch(client: Elasticsearch, settings: Settings, new_index: str,
                    ids: list[str], *, source: str | None = None) -> dict:
    """These articles' incidents extracted again into new_index; counts."""
    query = {"ids": {"values": list(ids)}}
    report = index.index_incidents_into(client, settings, new_index,
                                        _reextracted(client, settings, query, source=source))
    return _counts(report)
