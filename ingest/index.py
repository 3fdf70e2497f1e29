"""Bulk indexing of articles and their incidents: deterministic ids, retries, dead letters."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch, helpers

from ingest import dead_letters
from ingest.article import Article
from ingest.config import Settings
from ingest.es import START_HINT, NewswatchError, es_errors, unavailable
from ingest.ids import article_id as make_article_id
from ingest.ids import incident_id as make_incident_id
from ingest.schema import INCIDENT_FIELDS, SchemaError, fit_document
from ingest.times import iso

log = logging.getLogger(__name__)

# Statuses worth another try (whole request or single item), with exponential back-off.
RETRY_STATUS = (429, 502, 503, 504)

# Article fields derived here from the incidents (anything the caller set is overwritten).
FACETS = {
    "event_types": "event_type",
    "sub_event_types": "sub_event_type",
    "countries": "country",
    "country_codes": "country_code",
    "admin1s": "admin1",
    "locations": "location",
}

# Article fields copied onto each of its incidents (flat documents, for Kibana).
_FROM_ARTICLE = ("source", "feed_id", "language", "published", "extractor_version")

DEFAULT_ARTICLE_FIELDS = (
    "article_id", "url", "canonical_url", "feed_id", "source", "domain", "title", "text",
    "description", "authors", "language", "tags", "published", "updated", "fetched",
    "indexed", "ingest_lag_s", "content_hash", "word_count", "extractor_version", "text_source",
)


@dataclass(frozen=True)
class IndexReport:
    articles_indexed: int = 0
    incidents_indexed: int = 0
    stale_incidents_removed: int = 0
    failed: int = 0
    dead_letter_path: Path | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)
    # ingest_lag_s of the articles written (those with a publication time)
    ingest_lags_s: list[float] = field(default_factory=list)
    # ids of articles Elasticsearch refused for what they are (a mapping error): the same
    # document would fail again, so the caller may give them up; their incidents are removed
    refused_articles: list[str] = field(default_factory=list)
    # ids of articles not written for a reason that may pass (an incident or the article
    # failed: a write block, 429, 5xx...): the caller must try them again
    unwritten_articles: list[str] = field(default_factory=list)
    # dead letters that could not be written (full or unwritable folder; logged)
    dead_letters_unsaved: int = 0
    # per article, for a caller that indexes several feeds' articles in one call
    lags_by_article: dict[str, float] = field(default_factory=dict)
    stale_removed_ids: list[str] = field(default_factory=list)  # incident ids (article-N)


# what es_errors says to do when the node goes away here
_RETRY = ("nothing after this point was indexed: run again once it answers ("
          f"{START_HINT})")


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _unique(values: Iterable[Any]) -> list:
    seen: dict = {}
    for value in values:
        if value not in (None, "") and value not in seen:
            seen[value] = True
    return list(seen)


def _total(values: Iterable[Any]) -> int | None:
    known = [int(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return sum(known) if known else None


def _geo(incident: Mapping[str, Any]) -> dict | None:
    lat, lon = incident.get("lat"), incident.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return {"lat": float(lat), "lon": float(lon)}
    return None


def build_documents(
    doc: Article | Mapping[str, Any],
    incidents: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    keep_indexed: bool = False,
) -> tuple[dict, list[dict]]:
    """The article document (with derived facets) and its incident documents (pure). `doc` is
    a new Article or a stored article's source (re-extraction, dead-letter replay)."""
    if isinstance(doc, Article):
        doc = doc.to_document()
    article: dict[str, Any] = {key: _iso(value) for key, value in doc.items()}
    aid = article.get("article_id") or make_article_id(
        article.get("canonical_url") or article.get("url") or ""
    )
    article["article_id"] = aid
    if not (keep_indexed and article.get("indexed")):
        article["indexed"] = iso(now)
        published = _parse_time(doc.get("published"))
        article["ingest_lag_s"] = (now - published).total_seconds() if published else None
    indexed = article["indexed"]

    incident_docs: list[dict] = []
    for ordinal, incident in enumerate(incidents):
        body: dict[str, Any] = {
            key: _iso(value)
            for key, value in incident.items()
            if key in INCIDENT_FIELDS and key != "geo"
        }
        body.update(
            incident_id=make_incident_id(aid, ordinal),
            article_id=aid,
            ordinal=ordinal,
            geo=_geo(incident),
            article_url=article.get("url"),
            article_title=article.get("title"),
            indexed=indexed,
        )
        for key in _FROM_ARTICLE:
            if body.get(key) is None:
                body[key] = article.get(key)
        incident_docs.append(body)

    for facet, key in FACETS.items():
        article[facet] = _unique(i.get(key) for i in incidents)
    article["actors"] = _unique(a for i in incidents for a in (i.get("actors") or []))
    article["fatalities_total"] = _total(i.get("fatalities") for i in incidents)
    article["injured_total"] = _total(i.get("injured") for i in incidents)
    article["incident_count"] = len(incident_docs)
    article["geo"] = next((d["geo"] for d in incident_docs if d["geo"]), None)
    # whatever came from the network, Elasticsearch must accept it (valid UTF-8, keyword sizes)
    return (fit_document("articles", article),
            [fit_document("incidents", body) for body in incident_docs])


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _require(client: Elasticsearch, names: Iterable[str]) -> None:
    for name in names:
        with es_errors("checking the indices", _RETRY):
            exists = client.indices.exists(index=name)
        if not exists:
            raise SchemaError(f"{name} does not exist; run `newswatch setup-es` first")


def _stale_incident_ids(
    client: Elasticsearch, articles_index: str, incidents_index: str, counts: Mapping[str, int]
) -> set[str]:
    """Ids of incidents stored from an earlier extraction beyond each article's new count.

    Two sources: the stored article's incident_count (real-time get, sees writes not yet
    refreshed) and a search on article_id + ordinal (sees incidents whose article failed)."""
    stale: set[str] = set()
    quiet = client.options(ignore_status=404)
    got = quiet.mget(index=articles_index, ids=list(counts), source_includes=["incident_count"])
    for doc in got.body.get("docs", []):
        if doc.get("found"):
            before = doc.get("_source", {}).get("incident_count") or 0
            new = counts[doc["_id"]]
            stale.update(make_incident_id(doc["_id"], k) for k in range(new, before))
    should = [
        {"bool": {"filter": [{"term": {"article_id": aid}}, {"range": {"ordinal": {"gte": n}}}]}}
        for aid, n in counts.items()
    ]
    found = quiet.search(
        index=incidents_index, query={"bool": {"should": should, "minimum_should_match": 1}},
        source=False, size=10_000,
    )
    stale.update(hit["_id"] for hit in found.body.get("hits", {}).get("hits", []))
    return stale


def _reason(error: Any) -> str:
    if isinstance(error, dict):
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        cause = error.get("caused_by")
        if isinstance(cause, dict):
            text += f" (caused by {cause.get('type')}: {cause.get('reason')})"
        return text
    return str(error)


class _DeadLetters:
    """Failed documents, one JSON line each (index, id, error, document), in a new file per
    flush that is written whole or not at all (ingest/dead_letters.py).

    A file rather than a dead-letter index: a document refused by Elasticsearch must not depend
    on Elasticsearch to be kept, and `newswatch dead-letters replay` re-indexes it after a
    mapping fix. A folder that cannot be written (full, read-only) costs the dead letters only:
    the loss is logged and counted (`unsaved`); the run's other work stands."""

    def __init__(self, directory: Path, now: datetime):
        self.directory = Path(directory)
        self.now = now
        self.lines: list[bytes] = []
        self.unsaved = 0

    def add(self, index: str, doc_id: str, op: str, status: Any, error: Any, document: Any):
        self.lines.append(dead_letters.encode_line({
            "time": iso(self.now), "index": index, "id": doc_id, "op": op,
            "status": status, "error": error, "reason": _reason(error), "document": document,
        }))

    def flush(self) -> Path | None:
        if not self.lines:
            return None
        try:
            return dead_letters.write_file(self.directory, self.lines, self.now)
        except OSError as exc:
            self.unsaved += len(self.lines)
            log.error("could not keep %d dead letters in %s (%s): those documents are kept "
                      "nowhere. Free space or fix the folder (NEWSWATCH_DEAD_LETTER_DIR)",
                      len(self.lines), self.directory, exc.strerror or exc)
            return None
        finally:
            self.lines.clear()


def index_articles(
    client: Elasticsearch,
    settings: Settings,
    items: Iterable[tuple[Article | Mapping[str, Any], Sequence[Mapping[str, Any]]]],
    *,
    now: datetime | None = None,
    targets: Mapping[str, str] | None = None,
    keep_indexed: bool = False,
    refresh: bool | str = False,
    chunk_articles: int = 200,
    max_retries: int = 3,
    initial_backoff: float = 1.0,
    max_backoff: float = 30.0,
) -> IndexReport:
    """Index (article, incidents) pairs; re-runs replace, stale incidents go, failures are kept.

    targets: {"articles": index, "incidents": index} to write into concrete indices (e.g. a new
    version before its alias swap) instead of the aliases. keep_indexed: keep an `indexed` and
    `ingest_lag_s` already present on the document (re-extraction of stored articles).
    Raises ElasticsearchUnavailable when the node fails (rather than dead-lettering everything).
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    targets = dict(targets or {})
    articles_index = targets.get("articles") or settings.index("articles")
    incidents_index = targets.get("incidents") or settings.index("incidents")
    use_aliases = not targets
    _require(client, {articles_index, incidents_index})
    dead = _DeadLetters(settings.dead_letter_dir, now)
    lags: dict[str, float] = {}
    refused: list[str] = []  # articles refused for what they are (dead-lettered)
    unwritten: list[str] = []  # articles not written for a reason that may pass
    dead_path: Path | None = None

    writer = _Writer(client, dead, require_alias=use_aliases, refresh=refresh,
                     max_retries=max_retries, initial_backoff=initial_backoff,
                     max_backoff=max_backoff)
    for chunk in _batched(items, max(1, chunk_articles)):
        built = [build_documents(doc, incs, now=now, keep_indexed=keep_indexed)
                 for doc, incs in chunk]
        new_counts = {article["article_id"]: len(incs) for article, incs in built}
        with es_errors("looking up stale incidents", _RETRY):
            stale = _stale_incident_ids(client, articles_index, incidents_index, new_counts)
        # 1. incidents first (and stale ones removed): the article document is the commit
        # marker, written only once all its incidents are, so a failure or a kill between
        # two bulk requests never leaves an article with part of its incidents
        failed = writer.write(
            [("incidents", incidents_index, inc["incident_id"], inc)
             for _, incs in built for inc in incs],
            deletes=[("stale", incidents_index, sid) for sid in sorted(stale)])
        incomplete = {inc["article_id"] for _, incs in built for inc in incs
                      if inc["incident_id"] in failed}
        refused_incidents = {inc["article_id"] for _, incs in built for inc in incs
                             if _refused_for_good(failed.get(inc["incident_id"]))}
        _withhold(dead, built, refused_incidents, failed, articles_index, incidents_index)
        # 2. the articles whose incidents are all written
        ready = [article for article, _ in built if article["article_id"] not in incomplete]
        failed_articles = writer.write(
            [("articles", articles_index, a["article_id"], a) for a in ready])
        for article in ready:
            if article["article_id"] not in failed_articles and \
                    article.get("ingest_lag_s") is not None:
                lags[article["article_id"]] = round(article["ingest_lag_s"], 1)
        for aid in incomplete:  # an incident refused for what it is: so is its article
            (refused if aid in refused_incidents else unwritten).append(aid)
        for aid, status in failed_articles.items():
            (refused if _refused_for_good(status) else unwritten).append(aid)
        # 3. no incident of an article that was not written stays behind
        orphans = [inc["incident_id"] for article, incs in built for inc in incs
                   if article["article_id"] in incomplete | set(failed_articles)
                   and inc["incident_id"] not in failed]
        writer.write([], deletes=[("orphans", incidents_index, oid) for oid in orphans],
                     keep_failures=False)
        dead_path = dead.flush() or dead_path

    if writer.failures:
        log.warning("%d documents failed to index; kept in %s", len(writer.failures),
                    dead_path or "no dead-letter file (see the error above)")
    return IndexReport(
        articles_indexed=writer.counts["articles"],
        incidents_indexed=writer.counts["incidents"] - writer.counts["orphans"],
        stale_incidents_removed=writer.counts["stale"],
        failed=len(writer.failures),
        dead_letter_path=dead_path,
        failures=writer.failures,
        ingest_lags_s=list(lags.values()),
        lags_by_article=lags,
        stale_removed_ids=writer.stale_removed,
        refused_articles=refused,
        unwritten_articles=unwritten,
        dead_letters_unsaved=dead.unsaved,
    )


def _withhold(dead: _DeadLetters, built: Sequence[tuple[dict, list[dict]]],
              refused_incidents: set[str], failed: Mapping[str, Any],
              articles_index: str, incidents_index: str) -> None:
    """An article held back because one of its incidents was refused goes to the dead letters
    whole (the article and its other incidents, which are removed from the index), so that
    `newswatch dead-letters replay` after a mapping fix restores all of it, not the incident
    alone."""
    why = {"type": "withheld", "reason": "an incident of this article was refused"}
    for article, incs in built:
        if article["article_id"] not in refused_incidents:
            continue
        dead.add(articles_index, article["article_id"], "index", None, why, article)
        for inc in incs:
            if inc["incident_id"] not in failed:
                dead.add(incidents_index, inc["incident_id"], "index", None, why, inc)


def _refused_for_good(status: Any) -> bool:
    """A document Elasticsearch refuses for what it is (mapping, parsing: 400) fails the same
    way on every try; a block (403), a conflict, 429 or 5xx may pass."""
    return status == 400


class _Writer:
    """Bulk requests of one index_articles call: counts what was written by kind, keeps
    every failure (and its document, in the dead letters)."""

    def __init__(self, client: Elasticsearch, dead: _DeadLetters, **bulk_options: Any) -> None:
        self.client = client
        self.dead = dead
        self.options = bulk_options
        self.counts: Counter[str] = Counter()
        self.failures: list[tuple[str, str]] = []
        self.stale_removed: list[str] = []

    def write(self, docs: Sequence[tuple[str, str, str, dict]], *,
              deletes: Sequence[tuple[str, str, str]] = (),
              keep_failures: bool = True) -> dict[str, Any]:
        """Index docs ((kind, index, id, source)) and delete ids ((kind, index, id));
        returns {id: status} of what failed."""
        sent: dict[tuple[str, str], tuple[str, str, dict | None]] = {}
        actions: list[dict] = []
        for kind, target, doc_id, source in docs:
            sent[("index", doc_id)] = (kind, target, source)
            actions.append({"_op_type": "index", "_index": target, "_id": doc_id,
                            "_source": source})
        for kind, target, doc_id in deletes:
            sent[("delete", doc_id)] = (kind, target, None)
            actions.append({"_op_type": "delete", "_index": target, "_id": doc_id})
        failed: dict[str, Any] = {}
        if not actions:
            return failed
        for ok, op, info in _bulk(self.client, actions, **self.options):
            doc_id = info.get("_id", "")
            kind, index, document = sent.get((op, doc_id), ("unknown", info.get("_index"), None))
            if ok:
                self.counts[kind] += 1
                if kind == "stale":
                    self.stale_removed.append(doc_id)
                continue
            if op == "delete" and info.get("status") == 404:
                continue  # already gone: nothing to remove
            failed[doc_id] = info.get("status")
            if not keep_failures:
                continue
            error = info.get("error", f"status {info.get('status')}")
            self.failures.append((doc_id, _reason(error)))
            self.dead.add(index or "", doc_id, op, info.get("status"), error, document)
        return failed


def _bulk(client: Elasticsearch, actions: list[dict], *, require_alias: bool,
          refresh: bool | str, max_retries: int, initial_backoff: float,
          max_backoff: float) -> Iterator[tuple[bool, str, dict]]:
    extra: dict[str, Any] = {}
    if require_alias:
        extra["require_alias"] = True
    if refresh:
        extra["refresh"] = refresh
    try:
        with es_errors("indexing", _RETRY):
            for ok, item in helpers.streaming_bulk(
                client, actions, chunk_size=500, max_chunk_bytes=20 * 1024 * 1024,
                raise_on_error=False, raise_on_exception=True, max_retries=max_retries,
                initial_backoff=initial_backoff, max_backoff=max_backoff,
                retry_on_status=RETRY_STATUS, **extra,
            ):
                op, info = next(iter(item.items()))
                yield ok, op, info
    except ApiError as exc:
        if exc.status_code in RETRY_STATUS or exc.status_code >= 500:
            raise unavailable("indexing", exc, _RETRY) from exc
        raise NewswatchError(f"Elasticsearch refused a bulk request: {exc}") from exc


def index_incidents_into(
    client: Elasticsearch,
    settings: Settings,
    index_name: str,
    items: Iterable[tuple[Article | Mapping[str, Any], Sequence[Mapping[str, Any]]]],
    *,
    articles_index: str | None = None,
    now: datetime | None = None,
    **options: Any,
) -> IndexReport:
    """Re-extraction: write incidents into a concrete (new version) incidents index.

    The articles (with facets recomputed from the new incidents, original `indexed` kept)
    go to articles_index when given (e.g. a new articles version swapped at the same time),
    else to the live articles alias. Swap the aliases afterwards with schema.swap_alias."""
    targets = {"incidents": index_name,
               "articles": articles_index or settings.index("articles")}
    return index_articles(client, settings, items, now=now, targets=targets,
                          keep_indexed=True, **options)


def stored_articles(
    client: Elasticsearch, settings: Settings, ids: Sequence[str], *, chunk: int = 1000
) -> dict[str, dict]:
    """For the ids already indexed: id -> {updated, published, incident_count,
    extractor_version} as stored (real-time gets: writes not yet refreshed are seen)."""
    alias = settings.index("articles")
    stored: dict[str, dict] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), chunk):
        part = unique[start:start + chunk]
        try:
            with es_errors("reading stored articles", _RETRY):
                got = client.mget(index=alias, ids=part, source_includes=list(_STORED_FIELDS))
        except ApiError as exc:
            if exc.status_code == 404:
                raise SchemaError(f"{alias} does not exist; run `newswatch setup-es`") from exc
            raise
        for doc in got.body.get("docs", []):
            if doc.get("found"):
                stored[doc["_id"]] = doc.get("_source") or {}
    return stored


_STORED_FIELDS = ("updated", "published", "incident_count", "extractor_version")


def known_articles(
    client: Elasticsearch, settings: Settings, ids: Sequence[str], *, chunk: int = 1000
) -> dict[str, str | None]:
    """For the ids already indexed: id -> stored `updated` (or `published`, or None)."""
    return {aid: source.get("updated") or source.get("published")
            for aid, source in stored_articles(client, settings, ids, chunk=chunk).items()}


def incomplete_articles(client: Elasticsearch, settings: Settings,
                        stored: Mapping[str, Mapping[str, Any]], *, chunk: int = 1000
                        ) -> set[str]:
    """Ids of stored articles that lack some of their incidents: fewer incidents of the
    article's extractor version than its incident_count (left so by an older version, a write
    that failed or a kill). Their incident ids are known (article id + ordinal), so this is
    real-time gets, no search."""
    wanted: dict[str, tuple[str, str | None]] = {}  # incident id -> (article id, version)
    for aid, source in stored.items():
        count = source.get("incident_count")
        if isinstance(count, int) and count > 0:
            for ordinal in range(count):
                wanted[make_incident_id(aid, ordinal)] = (aid, source.get("extractor_version"))
    if not wanted:
        return set()
    alias = settings.index("incidents")
    missing: set[str] = set()
    ids = list(wanted)
    quiet = client.options(ignore_status=404)
    for start in range(0, len(ids), chunk):
        with es_errors("reading stored incidents", _RETRY):
            got = quiet.mget(index=alias, ids=ids[start:start + chunk],
                             source_includes=["extractor_version"])
        for doc in got.body.get("docs", []):
            aid, version = wanted[doc["_id"]]
            found = doc.get("found") and (
                version is None or (doc.get("_source") or {}).get("extractor_version") == version)
            if not found:
                missing.add(aid)
    return missing


def iter_articles(
    client: Elasticsearch,
    settings: Settings,
    *,
    fields: Sequence[str] | None = DEFAULT_ARTICLE_FIELDS,
    query: Mapping[str, Any] | None = None,
    index: str | None = None,
    batch: int = 500,
) -> Iterator[dict]:
    """Every stored article (scroll), as its source with `article_id`; fields=None: all."""
    with es_errors("reading stored articles", _RETRY):
        for hit in helpers.scan(
            client,
            index=index or settings.index("articles"),
            query={"query": dict(query or {"match_all": {}})},
            _source=list(fields) if fields is not None else True,
            size=batch,
        ):
            yield {**hit.get("_source", {}), "article_id": hit["_id"]}
