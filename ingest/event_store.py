"""Events in Elasticsearch: mark syndicated copies, then merge unassigned incidents into events.

`reconcile` is one idempotent step, run after each pipeline pass, as its own DAG task and
after re-extraction. Its source of truth is the incident's `event_id`: an incident without
one is unassigned (new, or re-extracted: indexing replaces the whole incident document).
For each batch of unassigned incidents, in publication order:

1. their old places in events are cleared (a re-extracted incident leaves the event it was
   in; an event left with no report is deleted, so nothing is orphaned);
2. candidate events are found by country, event-type family, date window and place (geo
   distance or admin1), one multi-search per batch; the pure merger (extract/merge.py)
   picks the best or opens a new event, whose id is a hash of its first incident;
3. each incident is claimed with optimistic concurrency (if_seq_no/if_primary_term): of two
   concurrent runs only one assigns it;
4. events are written with optimistic concurrency too (create for a new id, if_seq_no for
   an existing one); on a conflict the stored event is read again and the claimed reports
   folded into it. Two runs that open the same event therefore write one document.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError

from extract.fingerprint import (
    MAX_DISTANCE,
    CopyFinder,
    Fingerprint,
    RunCopies,
    distance,
    fingerprint,
    from_bands,
    is_copy,
)
from extract.merge import (
    DEFAULT_RULES,
    MergeRules,
    best_event,
    box_around,
    day_of,
    fold,
    joinable_types,
    rare_words,
    report_key,
    report_of,
    summarise,
    sure_place,
    without,
)
from ingest.config import Settings
from ingest.es import es_errors
from ingest.times import iso

log = logging.getLogger(__name__)

MERGER_VERSION = "1"
BATCH = 200  # unassigned incidents handled per round (one multi-search, two bulks)
# events fetched per incident, nearest and same-admin1 first; whole, as stored: filtering
# their source cost the node more than sending all of it, and a candidate the batch writes
# need not be read again
CANDIDATES = 10
COPY_WINDOW_DAYS = 7  # a syndicated copy appears within days of its original
COPY_CANDIDATES = 8  # stored articles read per article, those sharing the most bands first
MAX_WRITE_TRIES = 5
_FACTS = ("source", "published")  # of an article, what merging reads (with duplicate_of)
# another run's event written this long before our start may still have been unsearchable
CONVERGE_MARGIN = timedelta(seconds=120)
MAX_IDS_IN_QUERY = 10_000  # past this, the cheap "anything new from others?" check is skipped
_INCIDENT_FIELDS = ("incident_id", "article_id", "event_type", "sub_event_type", "date",
                    "date_precision", "country_code", "country", "admin1", "location", "geo",
                    "geo_precision", "actors", "fatalities", "fatalities_reported", "injured",
                    "confidence", "evidence", "source", "published", "language")


@dataclass
class ReconcileReport:
    """What one reconcile did; plain data (XCom, logs)."""

    articles_fingerprinted: int = 0
    copies_marked: int = 0
    incidents_assigned: int = 0
    events_created: int = 0
    events_updated: int = 0
    events_deleted: int = 0
    conflicts: int = 0  # claims or writes another run made first (retried or skipped)
    events_merged: int = 0  # opened here while another run's event was not yet searchable
    skipped: list[str] = field(default_factory=list)  # incident ids left for the next run

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items()}


def reconcile(client: Elasticsearch, settings: Settings, *, since: str | datetime | None = None,
              rules: MergeRules = DEFAULT_RULES, batch: int = BATCH,
              run: RunCopies | None = None, assign: bool = True) -> ReconcileReport:
    """Mark copies among articles without a fingerprint, then (unless not `assign`) put every
    unassigned incident (indexed at or after `since`, when given) into an event. `run`: the
    articles earlier rounds of the same run checked, so that copies among them are marked as
    one round over all of them would mark them. Safe to repeat and to run twice at once;
    returns what it did."""
    report = ReconcileReport()
    started = datetime.now(UTC)
    with es_errors("merging events", then="what was merged stays; run the reconcile again "
                   "once the node answers"):
        # what was just indexed (a pass, a swapped-in version) must be searchable
        client.indices.refresh(index=",".join(settings.index(k) for k in
                                              ("articles", "incidents", "events")))
        facts: dict[str, dict] = {}  # what mark_copies read and wrote of this run's articles
        reopened = mark_copies(client, settings, report, since=since, facts=facts, run=run)
        if not assign:
            log.info("reconcile (copies only): %s", report.as_dict())
            return report
        _assign_all(client, settings, report, since=since, rules=rules, batch=batch,
                    started=started, facts=facts, reopened=reopened)
        if report.incidents_assigned or report.events_deleted:  # searchable when it returns
            client.indices.refresh(index=",".join(settings.index(k) for k in
                                                  ("incidents", "events")))
    log.info("reconcile: %s", report.as_dict())
    return report


# ---------------------------------------------------------------- syndicated copies


def mark_copies(client: Elasticsearch, settings: Settings, report: ReconcileReport, *,
                since: str | datetime | None = None,
                facts: dict[str, dict] | None = None, run: RunCopies | None = None
                ) -> set[str]:
    """Give each article without a `simhash` its fingerprint and, when its text is an earlier
    article's, `duplicate_of` (the original of the earliest article it copies). The
    fingerprint comes from the `simhash_bands` the pipeline's workers stored (hashed here only
    for an article without them); writing `simhash` marks the article checked. Per page of
    articles: one multi-search for the stored originals of those whose original is not among
    this run's articles (looked up in memory, in publication order, within the copy window),
    one bulk of updates, no refresh. `facts` gets, per article with incidents, what merging
    reads of it (its source, publication time and original), so it is not read again.

    Stored articles published after one of these and copying it were checked before it came
    (a merge round takes articles as feeds list them, newest first): they are marked again as
    a run over all of them in publication order would mark them, and their incidents put back
    to be merged again after their original's. Returns those incidents' ids.

    With `run` (the same run's earlier rounds), every article's original is worked out again
    over all the run's articles in publication order; those of earlier rounds whose original
    changed are marked again the same way."""
    alias = settings.index("articles")
    query: dict[str, Any] = {"bool": {"must_not": [{"exists": {"field": "simhash"}}],
                                      "filter": _since("indexed", since)}}
    done: set[str] = set()
    recent = CopyFinder()  # this run's articles, those of the last COPY_WINDOW_DAYS
    remembered: deque[tuple[date | None, str]] = deque()
    reopened: set[str] = set()
    while True:
        hits = client.search(index=alias, query=_excluding(query, done), size=BATCH,
                             sort=[{"published": {"order": "asc", "missing": "_last"}},
                                   {"article_id": "asc"}],
                             source_includes=[*_FACTS, "text", "incident_count",
                                              "simhash_bands"])["hits"]["hits"]
        if not hits:
            return reopened
        done.update(h["_id"] for h in hits)
        prints = [_fingerprint_of(h.get("_source") or {}) for h in hits]
        originals: dict[str, str | None] = {}
        for hit, fp in zip(hits, prints, strict=True):
            src = hit.get("_source") or {}
            published = day_of(src.get("published"))
            while remembered and remembered[0][0] and published and \
                    (published - remembered[0][0]).days > COPY_WINDOW_DAYS:
                recent.forget(remembered.popleft()[1])
            if fp and run is None:
                _, originals[hit["_id"]] = recent.original_of(hit["_id"], src.get("text"), fp)
                remembered.append((published, hit["_id"]))
        if run is not None:  # the run's articles first: stored ones only for the others
            for hit, fp in zip(hits, prints, strict=True):
                if fp:
                    src = hit.get("_source") or {}
                    run.add(hit["_id"], _order(hit["_id"], src), day_of(src.get("published")),
                            fp, src.get("text"))
            originals = run.originals()
        found, late = _originals(client, alias, [
            (h, fp) for h, fp in zip(hits, prints, strict=True)
            if fp and not originals.get(h["_id"])], before=run.started if run else None)
        changed: dict[str, str | None] = {}
        if run is None:
            for aid, original in originals.items():  # whose original copies a stored one
                originals[aid] = found.get(original) or late.get(original) or original
            originals.update(found)
            for aid, original in found.items():
                recent.adopt(aid, original)
        else:
            for aid, original in found.items():
                run.set_context(aid, original)
            every = run.originals()
            originals = {h["_id"]: every.get(h["_id"]) for h in hits}
            changed = run.changed(every, {h["_id"] for h in hits})
        # a stored copy later than one of these takes that one's original
        late = {copy_id: originals.get(original) or original
                for copy_id, original in late.items()}
        operations: list[dict] = []
        for hit, fp in zip(hits, prints, strict=True):
            operations.append({"update": {"_index": alias, "_id": hit["_id"],
                                          "retry_on_conflict": 3}})
            operations.append({"doc": {"simhash": fp.simhash if fp else "",
                                       "simhash_bands": list(fp.bands) if fp else [],
                                       "duplicate_of": originals.get(hit["_id"])}})
        answer = client.bulk(operations=operations)
        for item, hit in zip(answer["items"], hits, strict=True):
            status = item["update"].get("status", 500)
            if 200 <= status < 300:
                report.articles_fingerprinted += 1
                report.copies_marked += originals.get(hit["_id"]) is not None
                src = hit.get("_source") or {}
                if facts is not None and src.get("incident_count") != 0:
                    facts[hit["_id"]] = {**{k: src.get(k) for k in _FACTS},
                                         "duplicate_of": originals.get(hit["_id"])}
            elif status != 404:  # gone meanwhile (404) is nothing to mark
                log.warning("reconcile: article %s not fingerprinted: %s", hit["_id"],
                            item["update"].get("error"))
        # an article without a fingerprint was (re)indexed: its old reports may be stale
        _detach(client, settings, (), [h["_id"] for h in hits], report)
        reopened |= _mark_late_copies(client, settings, {**late, **changed}, report)


def _mark_late_copies(client: Elasticsearch, settings: Settings, late: Mapping[str, str],
                      report: ReconcileReport) -> set[str]:
    """Mark again copies stored before their original (or before an earlier copy of it), and
    the stored copies that named them as their original; put their incidents back, unassigned
    and out of their events, to be merged again after their original's. Returns those
    incidents' ids (refreshed: the merge searches for them next)."""
    if not late:
        return set()
    alias = settings.index("articles")
    late = dict(late)
    followers = client.search(index=alias, size=1000, source_includes=["duplicate_of"],
                              query={"bool": {"filter": [{"terms": {
                                  "duplicate_of": sorted(late)}}],
                                  "must_not": [{"ids": {"values": sorted(late)}}]}}
                              )["hits"]["hits"]
    for hit in followers:
        named = hit["_source"]["duplicate_of"]
        late[hit["_id"]] = late[named] or named
    late = {k: v for k, v in late.items() if v != k}
    answer = client.bulk(operations=[op for copy_id, original in late.items() for op in (
        {"update": {"_index": alias, "_id": copy_id, "retry_on_conflict": 3}},
        {"doc": {"duplicate_of": original}})])
    marked = {copy_id for item, copy_id in zip(answer["items"], late, strict=True)
              if 200 <= item["update"].get("status", 500) < 300}
    report.copies_marked += len(marked)
    incidents = settings.index("incidents")
    hits = client.search(index=incidents, size=10_000, seq_no_primary_term=True, source=False,
                         query={"bool": {"filter": [{"terms": {"article_id": sorted(marked)}},
                                                    {"exists": {"field": "event_id"}}]}}
                         )["hits"]["hits"]
    if not hits:
        return set()
    answer = client.bulk(refresh=True, operations=[op for hit in hits for op in (
        {"update": {"_index": hit["_index"], "_id": hit["_id"], "if_seq_no": hit["_seq_no"],
                    "if_primary_term": hit["_primary_term"]}},
        {"doc": {"event_id": None}})])  # null: no longer `exists`, unassigned
    reopened = {item["update"]["_id"] for item in answer["items"]
                if 200 <= item["update"].get("status", 500) < 300}
    report.conflicts += sum(item["update"].get("status") == 409 for item in answer["items"])
    _detach(client, settings, reopened, (), report)
    return reopened


def _fingerprint_of(article: Mapping[str, Any]) -> Fingerprint | None:
    """The article's fingerprint: from the bands its worker stored ([]: its text is too short
    to have one), else (none stored: another way in, an older document) from its text."""
    bands = article.get("simhash_bands")
    if bands is not None and not bands:
        return None
    return from_bands(bands) or fingerprint(article.get("text"))


def _originals(client: Elasticsearch, alias: str, pending: Sequence[tuple[dict, Fingerprint]],
               *, before: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """article id -> the earliest stored article it is a copy of, for a page of articles
    (one multi-search); articles with no stored original are left out. And stored copies of
    them published later but checked before them, unmarked: copy id -> its original. Stored
    articles rank by how many bands they share (a copy shares most, an unrelated text one by
    chance), so a busy week of stored articles does not crowd the copy out of the few read.
    Their texts are read (one multi-get) only for those whose fingerprint is close enough.
    `before`: only articles indexed before then (a run's own are compared in memory)."""
    if not pending:
        return {}, {}
    searches: list[dict] = []
    for hit, fp in pending:
        filters: list[dict] = [{"exists": {"field": "simhash"}}]
        if before:
            filters.append({"range": {"indexed": {"lt": before}}})
        published = day_of((hit.get("_source") or {}).get("published"))
        if published:
            filters.append({"range": {"published": {
                "gte": (published - timedelta(days=COPY_WINDOW_DAYS)).isoformat(),
                "lte": (published + timedelta(days=COPY_WINDOW_DAYS + 1)).isoformat()}}})
        searches.append({"index": alias})
        searches.append({"size": COPY_CANDIDATES, "track_total_hits": False,
                         "query": {"bool": {
                             "filter": filters,
                             "should": [{"constant_score": {"filter": {
                                 "term": {"simhash_bands": band}}}} for band in fp.bands],
                             "minimum_should_match": 1,
                             "must_not": [{"ids": {"values": [hit["_id"]]}}]}},
                         "sort": ["_score", {"published": {"order": "asc", "missing": "_last"}},
                                  {"article_id": "asc"}],
                         "_source": {"includes": ["simhash", "duplicate_of", "published"]}})
    answer = client.msearch(searches=searches)
    close: list[tuple[dict, Fingerprint, list[dict], list[dict]]] = []
    for (hit, fp), resp in zip(pending, answer["responses"], strict=True):
        if "error" in resp:
            raise ApiError(message=str(resp["error"]), meta=answer.meta, body=resp)
        mine = _order(hit["_id"], hit.get("_source"))
        near, later = [], []    # (published later: a copy of this one, if anything)
        for other in resp["hits"]["hits"]:
            src = other.get("_source") or {}
            if not src.get("simhash") or distance(fp.simhash, src["simhash"]) > MAX_DISTANCE:
                continue
            (later if _order(other["_id"], src) > mine else near).append(other)
        if near or later:
            close.append((hit, fp, near, later))
    texts = _texts(client, alias, {other["_id"] for _, _, near, later in close
                                   for other in near + later})
    # when the stored copies that name an original were published: it may be later than one
    # of these articles
    named = {o["_source"]["duplicate_of"] for _, _, _, later in close for o in later
             if o["_source"].get("duplicate_of")}
    named_at = {aid: _order(aid, src) for aid, src in _sources(client, alias, named).items()}
    found: dict[str, str] = {}
    late: dict[str, str] = {}
    for hit, fp, near, later in close:
        text = (hit.get("_source") or {}).get("text") or ""

        def copies(others: list[dict], text: str = text, fp: Fingerprint = fp) -> list[dict]:
            return [other for other in others if is_copy(
                text, fp.simhash, texts.get(other["_id"], ""), other["_source"]["simhash"])]

        copied = copies(near)
        if copied:  # the earliest of them, or the original it copies
            first = min(copied, key=lambda h: _order(h["_id"], h["_source"]))
            found[hit["_id"]] = first["_source"].get("duplicate_of") or first["_id"]
        mine = _order(hit["_id"], hit.get("_source"))
        for other in copies(later):  # unmarked, or marked a copy of one later than this
            original = other["_source"].get("duplicate_of")
            if original is None or named_at.get(original, mine) > mine:
                late.setdefault(other["_id"], found.get(hit["_id"]) or hit["_id"])
    return found, late


def _order(article_id: str, source: Mapping[str, Any] | None) -> tuple[str, str]:
    """An article's place in publication order, as reconcile reads articles (unknown dates
    last, then by id)."""
    return str((source or {}).get("published") or "\uffff"), article_id


def _sources(client: Elasticsearch, alias: str, ids: Iterable[str]) -> dict[str, dict]:
    """article id -> its publication time (one real-time multi-get)."""
    ids = sorted(ids)
    if not ids:
        return {}
    got = client.options(ignore_status=404).mget(index=alias, ids=ids,
                                                 source_includes=["published"])
    return {d["_id"]: d.get("_source") or {} for d in got.body.get("docs", []) if d.get("found")}


def _texts(client: Elasticsearch, alias: str, ids: Iterable[str]) -> dict[str, str]:
    """article id -> its text (one real-time multi-get)."""
    ids = sorted(ids)
    if not ids:
        return {}
    got = client.options(ignore_status=404).mget(index=alias, ids=ids, source_includes=["text"])
    return {d["_id"]: (d.get("_source") or {}).get("text") or ""
            for d in got.body.get("docs", []) if d.get("found")}


# ---------------------------------------------------------------- incidents -> events


def _assign_all(client: Elasticsearch, settings: Settings, report: ReconcileReport, *,
                since: str | datetime | None, rules: MergeRules, batch: int,
                started: datetime, facts: Mapping[str, dict] | None = None,
                reopened: Iterable[str] = ()) -> None:
    incidents = settings.index("incidents")
    window = _since("indexed", since)
    if window and reopened:  # put back by mark_copies, whenever they were indexed
        window = [{"bool": {"should": [*window, {"ids": {"values": sorted(reopened)}}],
                            "minimum_should_match": 1}}]
    query = {"bool": {"must_not": [{"exists": {"field": "event_id"}}], "filter": window}}
    skipped: set[str] = set()
    seen: set[str] = set()  # stored events that were candidates (judged here)
    opened: set[str] = set()  # events this run created
    after: list | None = None  # a cursor on the arrival order (incidents not refreshed)
    while True:
        hits = client.search(index=incidents, query=query, size=batch,
                             seq_no_primary_term=True, search_after=after,
                             sort=[{"published": {"order": "asc", "missing": "_last"}},
                                   {"incident_id": "asc"}],
                             source_includes=list(_INCIDENT_FIELDS))["hits"]["hits"]
        if not hits:
            break
        after = hits[-1]["sort"]
        written = report.events_created + report.events_updated
        skipped.update(_assign_batch(client, settings, hits, report, rules, seen, opened,
                                     facts))
        if len(hits) == batch and report.events_created + report.events_updated > written:
            # the next batch's candidate search must find the events this one wrote, or
            # one real event told in two batches becomes two events
            client.indices.refresh(index=settings.index("events"))
    _converge(client, settings, opened, seen, report, rules,
              written_after=(started - CONVERGE_MARGIN).isoformat())
    report.skipped = sorted(skipped)


def _assign_batch(client: Elasticsearch, settings: Settings, hits: list[dict],
                  report: ReconcileReport, rules: MergeRules, seen: set[str],
                  opened: set[str], facts: Mapping[str, dict] | None = None) -> set[str]:
    """Assign one batch; returns the incident ids to leave for another run. Adds the stored
    events it judged to `seen` and the events it created to `opened`. `facts`: articles
    already read (the others are read here)."""
    ids = {h["_source"]["article_id"] for h in hits}
    articles = {aid: facts[aid] for aid in ids if facts and aid in facts}
    articles.update(_article_facts(client, settings, ids - articles.keys()))
    reports = []
    for hit in hits:
        src = hit["_source"]
        fact = articles.get(src["article_id"], {})
        geo = src.get("geo") or {}
        reports.append((hit, report_of(
            {**src, "lat": geo.get("lat"), "lon": geo.get("lon")},
            incident_id=hit["_id"], article_id=src["article_id"],
            source=fact.get("source") or src.get("source"),
            published=src.get("published") or fact.get("published"),
            duplicate_of=fact.get("duplicate_of"))))
    _detach(client, settings, [r["incident_id"] for _, r in reports],
            [r["article_id"] for _, r in reports], report)
    # decide, in arrival order, against candidates from the index and events of this batch
    candidates = _candidates(client, settings, [r for _, r in reports], rules)
    local: dict[str, dict] = {}  # event id -> event as decided here
    stored: dict[str, dict] = {}  # event id -> event as read (with its seq_no/primary_term)
    opened_here: list[str] = []  # events this batch opened, in order (a few of `local`)
    decided: list[tuple[dict, dict, str]] = []
    for (hit, rep), found in sorted(zip(reports, candidates, strict=True),
                                    key=lambda pair: report_key(pair[0][1])):
        for ev in found:
            stored.setdefault(ev["event_id"], ev)
            local.setdefault(ev["event_id"], ev)
        pool = {e["event_id"]: local[e["event_id"]] for e in found}
        # and the events this batch opened that the search would have found
        anywhere, original = not sure_place(rep), rep.get("duplicate_of")
        pool.update({k: local[k] for k in opened_here if k not in stored and (
            anywhere or local[k].get("country_code") == rep.get("country_code")
            or original in (local[k].get("article_ids") or ()))})
        chosen, _ = best_event(rep, pool.values(), rules)
        event = fold(chosen, rep)
        local[event["event_id"]] = event
        if chosen is None:
            opened_here.append(event["event_id"])
        decided.append((hit, rep, event["event_id"]))
    claimed = _claim(client, settings, decided, report)
    by_event: dict[str, list[dict]] = {}
    for _, rep, eid in decided:
        if rep["incident_id"] in claimed:
            by_event.setdefault(eid, []).append(rep)
    seen.update(stored)
    opened.update(eid for eid in by_event if eid not in stored)
    # a stored event as its search read it (seq_no and all): if another run wrote it since,
    # the write conflicts and the event is read again
    _write_events(client, settings, {eid: (stored.get(eid), reps)
                                     for eid, reps in by_event.items()}, report)
    return {h["_id"] for h, _, _ in decided if h["_id"] not in claimed}


def _converge(client: Elasticsearch, settings: Settings, opened: set[str], seen: set[str],
              report: ReconcileReport, rules: MergeRules, *, written_after: str) -> None:
    """Two runs at once can each open an event for one real event when neither sees the
    other's yet. Once everything is written, each event this run opened is matched against
    stored events it never judged; a match folds the younger event into the older one, so
    whichever run looks last merges them and both agree on which survives."""
    if not opened:
        return
    alias = settings.index("events")
    client.indices.refresh(index=alias)
    # only an event another run wrote about the time we searched can have been missed
    judged = sorted(opened | seen)
    if len(judged) <= MAX_IDS_IN_QUERY and not client.count(index=alias, query={"bool": {
            "filter": [{"range": {"indexed": {"gte": written_after}}}],
            "must_not": [{"ids": {"values": judged}}]}})["count"]:
        return
    mine = _whole(client, settings, sorted(opened))
    seeds = [(eid, min(ev["reports"], key=report_key)) for eid, ev in mine.items()
             if ev.get("reports")]
    found = _candidates(client, settings, [seed for _, seed in seeds], rules)
    for (eid, seed), candidates in zip(seeds, found, strict=True):
        others = [e for e in candidates if e["event_id"] not in opened | seen
                  and str(e.get("indexed") or "") >= written_after]
        target, _ = best_event(seed, others, rules)
        if target is None:
            continue
        young, old = sorted([mine[eid], target], reverse=True,
                            key=lambda e: (e.get("first_reported") or "", e["event_id"]))
        _move(client, settings, young["event_id"], old["event_id"], report)


def _move(client: Elasticsearch, settings: Settings, young_id: str, old_id: str,
          report: ReconcileReport) -> None:
    """Every report of event `young_id` into event `old_id`; `young_id` is deleted."""
    alias = settings.index("events")
    for _ in range(MAX_WRITE_TRIES):
        young = _whole(client, settings, [young_id]).get(young_id)
        if young is None:
            return
        reports = young.get("reports") or []
        got = client.options(ignore_status=404).mget(
            index=settings.index("incidents"), ids=[r["incident_id"] for r in reports],
            source_includes=["event_id"])
        operations: list[dict] = []
        for doc in got.body.get("docs", []):
            if doc.get("found") and (doc.get("_source") or {}).get("event_id") == young_id:
                operations.append({"update": {"_index": doc["_index"], "_id": doc["_id"],
                                              "if_seq_no": doc["_seq_no"],
                                              "if_primary_term": doc["_primary_term"]}})
                operations.append({"doc": {"event_id": old_id}})
        if operations:
            client.bulk(operations=operations)
        _write_events(client, settings, {old_id: (
            _whole(client, settings, [old_id]).get(old_id), reports)}, report)
        try:
            client.delete(index=alias, id=young_id, if_seq_no=young["_seq_no"],
                          if_primary_term=young["_primary_term"])
        except ConflictError:  # it took another report meanwhile: move that one too
            report.conflicts += 1
            continue
        except NotFoundError:
            return
        report.events_deleted += 1
        report.events_merged += 1
        return


def _whole(client: Elasticsearch, settings: Settings, ids: Sequence[str]) -> dict[str, dict]:
    """Stored events in full with their _seq_no/_primary_term (real-time, one request)."""
    if not ids:
        return {}
    got = client.options(ignore_status=404).mget(index=settings.index("events"), ids=list(ids))
    return {d["_id"]: {**d["_source"], "_seq_no": d["_seq_no"],
                       "_primary_term": d["_primary_term"]}
            for d in got.body.get("docs", []) if d.get("found")}


def _article_facts(client: Elasticsearch, settings: Settings, ids: Iterable[str]
                   ) -> dict[str, dict]:
    ids = sorted(ids)
    if not ids:
        return {}
    got = client.options(ignore_status=404).mget(
        index=settings.index("articles"), ids=ids,
        source_includes=[*_FACTS, "duplicate_of"])
    return {d["_id"]: d.get("_source") or {} for d in got.body.get("docs", []) if d.get("found")}


def _detach(client: Elasticsearch, settings: Settings, incident_ids: Iterable[str],
            article_ids: Iterable[str], report: ReconcileReport) -> None:
    """Take these incidents (about to be assigned again) out of the events that hold them,
    and with them every report of these articles whose incident is gone or unassigned
    (re-extracted with fewer incidents, or none): no event keeps a report that is no more."""
    ids, articles = set(incident_ids), sorted(set(article_ids))
    if not ids and not articles:
        return
    alias = settings.index("events")
    hits = client.search(index=alias, size=1000, seq_no_primary_term=True,
                         query={"bool": {"should": [{"terms": {"incident_ids": sorted(ids)}},
                                                    {"terms": {"article_ids": articles}}],
                                         "minimum_should_match": 1}})["hits"]["hits"]
    if not hits:
        return
    of_these = set(articles)

    def concerned(event: Mapping[str, Any]) -> set[str]:
        return {r["incident_id"] for r in event.get("reports") or []
                if r["incident_id"] in ids or r["article_id"] in of_these}

    # where each incident points now: one another run claimed since it was read unassigned
    # stays in the event it was claimed into
    assigned = _assigned(client, settings, set().union(*(concerned(h["_source"]) for h in hits)))
    before = (report.events_updated, report.events_deleted)
    for hit in hits:
        for _ in range(MAX_WRITE_TRIES):
            event = hit["_source"]
            leaving = {i for i in concerned(event) if assigned.get(i) != event["event_id"]}
            if not leaving:
                break
            rest = without(event, leaving)
            try:
                if rest is None:
                    client.delete(index=alias, id=hit["_id"], if_seq_no=hit["_seq_no"],
                                  if_primary_term=hit["_primary_term"])
                    report.events_deleted += 1
                else:
                    client.index(index=alias, id=hit["_id"], document=_stamped(rest),
                                 if_seq_no=hit["_seq_no"], if_primary_term=hit["_primary_term"])
                    report.events_updated += 1
                break
            except ConflictError:   # written meanwhile: read it and its incidents again
                report.conflicts += 1
                hit = _get(client, alias, hit["_id"])
                if hit is None:
                    break
                assigned.update(_assigned(client, settings, concerned(hit["_source"])))
            except NotFoundError:
                break
    if (report.events_updated, report.events_deleted) != before:
        client.indices.refresh(index=alias)  # candidates are searched next


def _assigned(client: Elasticsearch, settings: Settings, ids: Iterable[str]
              ) -> dict[str, str | None]:
    """incident id -> its event_id (None when unassigned); ids that no longer exist are left
    out."""
    ids = sorted(ids)
    if not ids:
        return {}
    got = client.options(ignore_status=404).mget(index=settings.index("incidents"), ids=ids,
                                                 source_includes=["event_id"])
    return {d["_id"]: (d.get("_source") or {}).get("event_id")
            for d in got.body.get("docs", []) if d.get("found")}


def _candidates(client: Elasticsearch, settings: Settings, reports: Sequence[dict],
                rules: MergeRules) -> list[list[dict]]:
    """Candidate events per report (one multi-search), each with _seq_no/_primary_term."""
    if not reports:
        return []
    searches: list[dict] = []
    for rep in reports:
        searches.append({"index": settings.index("events")})
        searches.append({"size": CANDIDATES, "seq_no_primary_term": True,
                         "track_total_hits": False,
                         "query": _with_original(rep, candidate_query(rep, rules))})
    answer = client.msearch(searches=searches)
    out: list[list[dict]] = []
    for resp in answer["responses"]:
        if "error" in resp:
            raise ApiError(message=str(resp["error"]), meta=answer.meta, body=resp)
        out.append([{**h["_source"], "_seq_no": h["_seq_no"],
                     "_primary_term": h["_primary_term"]} for h in resp["hits"]["hits"]])
    return out


def candidate_query(rep: Mapping[str, Any], rules: MergeRules = DEFAULT_RULES) -> dict:
    """Events that could hold this report (every one the score could accept): an event type
    it may join, a date within the widest window and, for a report whose own sentences name
    its town or district, an event of its country near it (in the box around the circle of
    `max_conflict_km`: the score rules out the corners), in its admin1 or placed only by
    region. Nearer and same-admin1 events rank first, and within that the nearer in date (a
    busy province holds more events in the window than are fetched). A report placed only by
    region, or at a place its sentences never name, may be in the wrong country: its
    candidates rank by country and by the names its sentences share with the events'."""
    filters: list[dict] = [{"terms": {"event_type": joinable_types(rep.get("event_type"))}}]
    day = day_of(rep.get("date"))
    by_date: list[dict] = []  # ranks within the place's tiers
    if day:
        span = rules.month_window if rep.get("date_precision") in ("month", "year") else \
            max(rules.week_window, rules.follow_up_days)
        filters.append({"range": {"date": {"gte": (day - timedelta(days=span)).isoformat(),
                                           "lte": (day + timedelta(days=span)).isoformat()}}})
        by_date.append({"distance_feature": {"field": "date", "origin": day.isoformat(),
                                             "pivot": f"{rules.day_window}d", "boost": 1}})
    coarse = {"range": {"geo_precision": {"gte": 3}}}
    located = isinstance(rep.get("lat"), int | float) and isinstance(rep.get("lon"), int | float)
    ranking: list[dict] = []
    if located:  # the box around the circle: a fraction of a circle's search cost
        north, west, south, east = box_around(rep["lat"], rep["lon"], rules.max_conflict_km)
        ranking.append({"constant_score": {"boost": 3, "filter": {"geo_bounding_box": {
            "geo": {"top": north, "left": west, "bottom": south, "right": east}}}}})
    if rep.get("admin1"):
        ranking.append({"constant_score": {"boost": 2, "filter": {
            "term": {"admin1": rep["admin1"]}}}})
    query: dict[str, Any] = {"filter": filters}
    if sure_place(rep):
        if rep.get("country_code"):
            filters.append({"term": {"country_code": rep["country_code"]}})
        if located:  # one scored clause both ranks and narrows (evaluated once)
            query["must"] = [{"bool": {"should": [
                *ranking, coarse, {"bool": {"must_not": {"exists": {"field": "geo"}}}}],
                "minimum_should_match": 1}}]
            ranking = []
    else:
        if rep.get("country_code"):
            ranking.append({"constant_score": {"boost": 1, "filter": {
                "term": {"country_code": rep["country_code"]}}}})
        names = rare_words(rep.get("evidence"))
        if names:
            ranking.append({"match": {"evidence": {"query": " ".join(names), "boost": 0.5}}})
    if ranking or by_date:
        query["should"] = [*ranking, *by_date]
    return {"bool": query}


def _with_original(rep: Mapping[str, Any], query: dict) -> dict:
    """A syndicated copy's candidates include the events of its original, wherever
    extraction dated or placed either (see merge.copy_score)."""
    if not rep.get("duplicate_of"):
        return query
    return {"bool": {"should": [query, {"constant_score": {"boost": 10, "filter": {
        "term": {"article_ids": rep["duplicate_of"]}}}}], "minimum_should_match": 1}}


def _claim(client: Elasticsearch, settings: Settings, decided: Sequence[tuple[dict, dict, str]],
           report: ReconcileReport) -> set[str]:
    """Set each incident's event_id unless another run changed it since it was read."""
    if not decided:
        return set()
    operations: list[dict] = []
    for hit, _, eid in decided:
        operations.append({"update": {"_index": hit["_index"], "_id": hit["_id"],
                                      "if_seq_no": hit["_seq_no"],
                                      "if_primary_term": hit["_primary_term"]}})
        operations.append({"doc": {"event_id": eid}})
    answer = client.bulk(operations=operations)
    claimed: set[str] = set()
    for item in answer["items"]:
        info = item["update"]
        if 200 <= info.get("status", 500) < 300:
            claimed.add(info["_id"])
        elif info.get("status") == 409:
            report.conflicts += 1
        else:
            log.warning("reconcile: incident %s not claimed: %s", info["_id"], info.get("error"))
    report.incidents_assigned += len(claimed)
    return claimed


def _folded(event_id: str, current: Mapping[str, Any] | None,
            reports: Sequence[dict]) -> dict:
    """The stored event (or none) with these reports folded in, summarised once: a report
    of an incident it holds replaces the one it had."""
    by_incident = {r["incident_id"]: r for r in (current or {}).get("reports") or []}
    by_incident.update((r["incident_id"], r) for r in sorted(reports, key=report_key))
    return summarise(list(by_incident.values()), event_id=event_id)


def _write_events(client: Elasticsearch, settings: Settings,
                  plans: Mapping[str, tuple[Mapping[str, Any] | None, Sequence[dict]]],
                  report: ReconcileReport) -> None:
    """Write every event of a batch in one bulk request (create for a new id, if_seq_no for
    a stored one); the few that conflict are written again one by one."""
    if not plans:
        return
    alias = settings.index("events")
    operations: list[dict] = []
    for eid, (current, reps) in plans.items():
        doc = _stamped(_folded(eid, current, reps))
        if current is None:
            operations.append({"create": {"_index": alias, "_id": eid}})
        else:
            operations.append({"index": {"_index": alias, "_id": eid,
                                         "if_seq_no": current["_seq_no"],
                                         "if_primary_term": current["_primary_term"]}})
        operations.append(doc)
    answer = client.bulk(operations=operations, require_alias=True)
    for item in answer["items"]:
        op, info = next(iter(item.items()))
        status = info.get("status", 500)
        if 200 <= status < 300:
            if op == "create":
                report.events_created += 1
            else:
                report.events_updated += 1
        elif status == 409:
            report.conflicts += 1
            hit = _get(client, alias, info["_id"])
            current = ({**hit["_source"], "_seq_no": hit["_seq_no"],
                        "_primary_term": hit["_primary_term"]} if hit else None)
            _write_event(client, settings, info["_id"], current, plans[info["_id"]][1], report)
        else:
            log.warning("reconcile: event %s not written (%s); its reports are assigned and "
                        "folded in when it is next written", info["_id"], info.get("error"))


def _write_event(client: Elasticsearch, settings: Settings, event_id: str,
                 stored: Mapping[str, Any] | None, reports: Sequence[dict],
                 report: ReconcileReport) -> None:
    """Fold the claimed reports into the stored event (or a new one) and write it; on a
    conflict read it again and fold again."""
    alias = settings.index("events")
    current = dict(stored) if stored else None
    for _ in range(MAX_WRITE_TRIES):
        event = _folded(event_id, current, reports)
        try:
            if current is None:
                client.create(index=alias, id=event_id, document=_stamped(event))
                report.events_created += 1
            else:
                client.index(index=alias, id=event_id, document=_stamped(event),
                             if_seq_no=current["_seq_no"],
                             if_primary_term=current["_primary_term"])
                report.events_updated += 1
            return
        except ConflictError:
            report.conflicts += 1
            hit = _get(client, alias, event_id)
            current = ({**hit["_source"], "_seq_no": hit["_seq_no"],
                        "_primary_term": hit["_primary_term"]} if hit else None)
    log.warning("reconcile: event %s still changing after %d tries; its reports are assigned "
                "and folded in on the next run", event_id, MAX_WRITE_TRIES)


def _get(client: Elasticsearch, index: str, doc_id: str) -> dict | None:
    try:
        return client.get(index=index, id=doc_id).body
    except NotFoundError:
        return None


def _stamped(event: Mapping[str, Any]) -> dict:
    doc = {k: v for k, v in event.items() if not k.startswith("_")}
    doc["merger_version"] = MERGER_VERSION
    doc["indexed"] = iso(datetime.now(UTC))
    return doc


def _since(field_name: str, since: str | datetime | None) -> list[dict]:
    if since is None:
        return []
    value = since.isoformat() if isinstance(since, datetime) else str(since)
    return [{"range": {field_name: {"gte": value}}}]


def _excluding(query: dict, ids: set[str]) -> dict:
    if not ids:
        return query
    inner = dict(query["bool"])
    inner["must_not"] = [*inner.get("must_not", []), {"ids": {"values": sorted(ids)}}]
    return {"bool": inner}


def events_of(client: Elasticsearch, settings: Settings) -> list[dict]:
    """Every stored event (for tests and small exports), by first report."""
    client.indices.refresh(index=settings.index("events"))
    hits = client.search(index=settings.index("events"), size=10_000,
                         sort=[{"first_reported": {"order": "asc", "missing": "_last"}},
                               {"event_id": "asc"}])["hits"]["hits"]
    return [h["_source"] for h in hits]
