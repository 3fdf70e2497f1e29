"""Events in the real Elasticsearch (ingest/event_store.py): the same events as the batch
command, each incident in one event, copies marked, concurrent runs and reprocessing leave
neither duplicate nor orphan events."""

from __future__ import annotations

import pytest

from ingest import event_store, index, reprocess, schema
from ingest.commands.events import articles_to_events
from ingest.pipeline import extract_into
from tests.support.race import race

MISSILE = ("KHARKIV — A Russian ballistic missile struck a residential neighbourhood in the "
           "Kholodnohirskyi district of Kharkiv on Monday, killing {toll} people and injuring "
           "24, regional officials said. The missile, believed to be an Iskander-M, exploded "
           "in a courtyard between two five-storey apartment blocks, blowing out windows "
           "across the neighbourhood and setting parked cars alight, the regional governor "
           "said on Telegram. Rescuers were still searching a partially collapsed stairwell "
           "on Monday afternoon, where neighbours said two residents might be trapped.")
PORT = ("ODESA — A Russian ballistic missile struck port infrastructure in Odesa on Tuesday "
        "morning, killing {toll} port employee and injuring four others, the regional governor "
        "said. A grain storage facility and several trucks were damaged, he said.")

ARTICLES = [
    {"article_id": "k1", "url": "https://one.example/k1", "source": "one.example",
     "title": "Missile kills three in Kharkiv", "published": "2025-03-10T15:30:00+00:00",
     "text": MISSILE.format(toll="three")},
    {"article_id": "k2", "url": "https://two.example/k2", "source": "two.example",
     "title": "Kharkiv: Iskander strike on a courtyard",
     "published": "2025-03-10T18:00:00+00:00",
     "text": "(Wire) " + MISSILE.format(toll="three")},  # a syndicated copy
    {"article_id": "k3", "url": "https://three.example/k3", "source": "three.example",
     "title": "Kharkiv missile toll rises to five", "published": "2025-03-11T09:00:00+00:00",
     "text": "KHARKIV — The death toll from Monday's Russian missile strike on a residential "
             "courtyard in Kharkiv's Kholodnohirskyi district rose to five on Tuesday after "
             "rescuers recovered two more bodies, regional officials said."},
    {"article_id": "o1", "url": "https://one.example/o1", "source": "one.example",
     "title": "Missile hits Odesa port", "published": "2025-03-11T12:00:00+00:00",
     "text": PORT.format(toll="one")},
    {"article_id": "o2", "url": "https://four.example/o2", "source": "four.example",
     "title": "Port worker killed in Odesa strike", "published": "2025-03-11T16:00:00+00:00",
     "text": PORT.format(toll="one").replace("A Russian", "A")},
]


def _index(client, settings, articles=ARTICLES) -> None:
    schema.setup(client, settings)
    items = []
    for article in articles:
        doc = dict(article)
        incidents, _ = extract_into(doc)
        items.append((doc, incidents))
    index.index_articles(client, settings, items, refresh="wait_for")


def _events(client, settings) -> dict[str, list[str]]:
    return {e["event_id"]: sorted(e["incident_ids"])
            for e in event_store.events_of(client, settings)}


def _incident_events(client, settings) -> dict[str, str | None]:
    alias = settings.index("incidents")
    client.indices.refresh(index=alias)
    hits = client.search(index=alias, size=1000, source_includes=["event_id"])["hits"]["hits"]
    return {h["_id"]: h["_source"].get("event_id") for h in hits}


def _assert_consistent(client, settings) -> dict[str, list[str]]:
    """Every incident in exactly one event, and its event_id says which."""
    events = _events(client, settings)
    listed = [i for ids in events.values() for i in ids]
    assert len(listed) == len(set(listed)), events
    owner = {i: eid for eid, ids in events.items() for i in ids}
    assert _incident_events(client, settings) == owner
    return events


@pytest.mark.es
def test_reconcile_builds_the_events_of_the_batch_command_and_marks_the_copy(
        es_client, es_settings):
    _index(es_client, es_settings)
    done = event_store.reconcile(es_client, es_settings)
    assert done.copies_marked == 1 and done.events_created >= 2
    events = _assert_consistent(es_client, es_settings)
    rows = [{**a, "id": a["article_id"]} for a in ARTICLES]
    expected, articles = articles_to_events(rows)
    assert events == {e["event_id"]: sorted(e["incident_ids"]) for e in expected}
    copy = es_client.get(index=es_settings.index("articles"), id="k2")["_source"]
    assert copy["duplicate_of"] == "k1" and copy["simhash"]
    assert [a["duplicate_of"] for a in articles if a["id"] == "k2"] == ["k1"]
    stored = event_store.events_of(es_client, es_settings)
    kharkiv = next(e for e in stored if "k1-0" in e["incident_ids"])
    assert kharkiv["source_count"] == kharkiv["report_count"] - 1  # the copy is not counted
    # a second run has nothing to do
    again = event_store.reconcile(es_client, es_settings)
    assert (again.incidents_assigned, again.events_created) == (0, 0)
    assert _events(es_client, es_settings) == events


@pytest.mark.es
def test_two_concurrent_reconciles_of_the_same_reports_give_each_event_once(
        es_client, es_settings):
    _index(es_client, es_settings)

    def run(start) -> None:
        start.wait()
        event_store.reconcile(es_client, es_settings)

    race([run, run], timeout=120)
    events = _assert_consistent(es_client, es_settings)
    rows = [{**a, "id": a["article_id"]} for a in ARTICLES]
    expected, _ = articles_to_events(rows)
    assert events == {e["event_id"]: sorted(e["incident_ids"]) for e in expected}


@pytest.mark.es
def test_a_reprocess_run_leaves_the_same_events(es_client, es_settings):
    _index(es_client, es_settings)
    event_store.reconcile(es_client, es_settings)
    before = _assert_consistent(es_client, es_settings)
    result = reprocess.reprocess(es_client, es_settings)
    assert result["incidents_merged"] == sum(len(ids) for ids in before.values())
    assert _assert_consistent(es_client, es_settings) == before


@pytest.mark.es
def test_an_article_extracted_again_without_incidents_leaves_no_orphan_event(
        es_client, es_settings):
    _index(es_client, es_settings)
    event_store.reconcile(es_client, es_settings)
    assert any("o2-0" in ids for ids in _events(es_client, es_settings).values())
    changed = {**ARTICLES[4], "text": "The port of Odesa reopened to grain ships on Thursday "
                                      "after repairs, the port authority said."}
    _index(es_client, es_settings, [changed])
    event_store.reconcile(es_client, es_settings)
    events = _assert_consistent(es_client, es_settings)
    assert not any("o2-0" in ids for ids in events.values())
    assert any("o1-0" in ids for ids in events.values())


@pytest.mark.es
def test_events_are_searched_with_the_incident_facets_and_source_count(es_client, es_settings):
    from ingest.search import SearchError, build_request, search

    _index(es_client, es_settings)
    event_store.reconcile(es_client, es_settings)
    expected = len(_events(es_client, es_settings))
    result = search(es_client, es_settings, None, target="events",
                    facets=["event_type", "source_count", "country_code"])
    assert result.total == expected
    counts = dict(result.facets["source_count"])
    assert sum(counts.values()) == expected
    assert all("reports" not in hit for hit in result.hits)
    several = search(es_client, es_settings, "Kharkiv", target="events",
                     filters={"source_count": ["2", "3"]})
    assert [h["location"] for h in several.hits] and all(
        h["source_count"] >= 2 for h in several.hits)
    with pytest.raises(SearchError, match="source_count"):
        build_request(target="incidents", facets=["source_count"])


@pytest.mark.es
def test_an_event_opened_while_another_runs_event_was_not_yet_searchable_is_folded_in(
        es_client, es_settings, monkeypatch):
    """The race of two runs at once, made deterministic: the second run's candidate search
    misses the first run's event (not yet searchable), so it opens another for the same
    real event; once written, it finds the older one and folds its own into it."""
    _index(es_client, es_settings, ARTICLES[:2])
    event_store.reconcile(es_client, es_settings)
    first = _events(es_client, es_settings)
    _index(es_client, es_settings, [ARTICLES[2]])
    real = event_store._candidates
    calls = []

    def stale_first(*args, **kwargs):
        found = real(*args, **kwargs)
        calls.append(len(found))
        return [[] for _ in found] if len(calls) == 1 else found

    monkeypatch.setattr(event_store, "_candidates", stale_first)
    done = event_store.reconcile(es_client, es_settings)
    assert len(calls) == 2 and done.events_merged == 1
    events = _assert_consistent(es_client, es_settings)
    (eid, ids), = first.items()
    assert events == {eid: sorted([*ids, "k3-0"])}


@pytest.mark.es
def test_reports_of_one_event_merged_in_separate_batches_of_one_run_give_one_event(
        es_client, es_settings):
    """A reconcile reads its incidents in batches: a later batch must find the events an
    earlier one wrote (one real event told on both sides of a batch boundary stays one)."""
    _index(es_client, es_settings)
    event_store.reconcile(es_client, es_settings, batch=1)
    assert sorted(_assert_consistent(es_client, es_settings).values()) == [
        ["k1-0", "k2-0", "k3-0"], ["o1-0", "o2-0"]]


@pytest.mark.es
def test_a_stored_event_and_this_runs_articles_are_read_once(es_client, es_settings,
                                                            monkeypatch):
    """A follow-up joins the event stored by the run before: the event is written as its
    candidate search read it (no real-time read of it again) and the articles as marking
    copies read them (no second read of the articles)."""
    _index(es_client, es_settings, ARTICLES[:1])
    event_store.reconcile(es_client, es_settings)
    _index(es_client, es_settings, [ARTICLES[2], ARTICLES[3]])  # k3 follows k1 up; o1 is new
    reads: list[str] = []
    inner = type(es_client).mget

    def counted(self, *args, **kwargs):
        reads.append(str(kwargs.get("index")))
        return inner(self, *args, **kwargs)

    monkeypatch.setattr(type(es_client), "mget", counted)
    done = event_store.reconcile(es_client, es_settings)
    assert (done.incidents_assigned, done.events_updated, done.events_created) == (2, 1, 1)
    events = _assert_consistent(es_client, es_settings)
    assert sorted(events.values()) == [["k1-0", "k3-0"], ["o1-0"]]
    assert not [i for i in reads if i in (es_settings.index("events"),
                                          es_settings.index("articles"))], reads


@pytest.mark.es
def test_an_incident_another_run_claimed_after_it_was_read_stays_in_that_runs_event(
        es_client, es_settings):
    """Two runs read the same unassigned incident; the first puts it into an event. The
    second, acting on what it read, must neither take the incident out of that event nor
    leave it pointing at an event that no longer lists it (it only loses its claim)."""
    _index(es_client, es_settings, ARTICLES[:1])
    alias = es_settings.index("incidents")
    stale = es_client.search(index=alias, seq_no_primary_term=True,
                             source_includes=list(event_store._INCIDENT_FIELDS))["hits"]["hits"]
    assert [h["_id"] for h in stale] == ["k1-0"]
    event_store.reconcile(es_client, es_settings)          # the first run
    first = _assert_consistent(es_client, es_settings)
    left = event_store._assign_batch(es_client, es_settings, stale,   # the second, late
                                     event_store.ReconcileReport(), event_store.DEFAULT_RULES,
                                     set(), set())
    assert left == {"k1-0"}
    assert _assert_consistent(es_client, es_settings) == first


@pytest.mark.es
def test_a_copy_of_a_stored_article_is_marked_with_one_request_per_page(
        es_client, es_settings, monkeypatch):
    _index(es_client, es_settings, [ARTICLES[0]])
    event_store.reconcile(es_client, es_settings)
    _index(es_client, es_settings, ARTICLES[1:])  # k2 copies k1, stored by the run before
    calls: dict[str, int] = {}
    for name in ("update", "search", "msearch", "bulk"):
        inner = getattr(es_client, name)

        def counted(*args, _inner=inner, _name=name, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _inner(*args, **kwargs)

        monkeypatch.setattr(es_client, name, counted)
    report = event_store.ReconcileReport()
    event_store.mark_copies(es_client, es_settings, report)
    copy = es_client.get(index=es_settings.index("articles"), id="k2")["_source"]
    assert copy["duplicate_of"] == "k1" and copy["simhash"]
    assert (report.articles_fingerprinted, report.copies_marked) == (4, 1)
    # one page of four articles: no request per article
    assert calls.get("update", 0) == 0 and calls["msearch"] == 1 and calls["bulk"] == 1
    assert calls["search"] <= 3  # the page, the empty page after it, the events holding them


def _prepared(article: dict) -> dict:
    """The article as the pipeline's worker hands it to the index: with its fingerprint."""
    from ingest.prepare import fingerprint

    fp = fingerprint(article["text"])
    return {**article, "simhash_bands": list(fp.bands) if fp else []}


@pytest.mark.es
def test_copies_are_marked_from_the_workers_fingerprints_without_hashing_again(
        es_client, es_settings, monkeypatch):
    _index(es_client, es_settings, [_prepared(a) for a in ARTICLES])

    def hashed_again(text):
        raise AssertionError("reconcile hashed a text its worker had fingerprinted")

    monkeypatch.setattr(event_store, "fingerprint", hashed_again)
    done = event_store.reconcile(es_client, es_settings)
    assert (done.articles_fingerprinted, done.copies_marked) == (5, 1)
    copy = es_client.get(index=es_settings.index("articles"), id="k2")["_source"]
    assert copy["duplicate_of"] == "k1"
    assert copy["simhash"] == event_store.from_bands(copy["simhash_bands"]).simhash


@pytest.mark.es
def test_a_copy_on_a_later_page_of_one_run_is_found_without_a_refresh(
        es_client, es_settings, monkeypatch):
    _index(es_client, es_settings)
    monkeypatch.setattr(event_store, "BATCH", 1)  # k1 and its copy k2 on two pages
    refreshes: list[object] = []
    bulk, refresh = es_client.bulk, es_client.indices.refresh

    def counted_bulk(*args, **kwargs):
        refreshes.extend(["bulk"] if kwargs.get("refresh") else [])
        return bulk(*args, **kwargs)

    def counted_refresh(*args, **kwargs):
        refreshes.append("refresh")
        return refresh(*args, **kwargs)

    monkeypatch.setattr(es_client, "bulk", counted_bulk)
    monkeypatch.setattr(es_client.indices, "refresh", counted_refresh)
    report = event_store.ReconcileReport()
    event_store.mark_copies(es_client, es_settings, report)
    assert (report.articles_fingerprinted, report.copies_marked) == (5, 1)
    assert refreshes == []
    copy = es_client.get(index=es_settings.index("articles"), id="k2")["_source"]
    assert copy["duplicate_of"] == "k1"


@pytest.mark.es
def test_a_copy_is_found_among_many_stored_articles_that_share_one_band_with_it(
        es_client, es_settings, monkeypatch):
    """Unrelated stored articles of the same week that share a band by chance (1 in 32 does
    with 8-bit bands) come before the original in publication order; the original shares
    every band and is read first."""
    from extract.fingerprint import MAX_DISTANCE, bands_of, distance, fingerprint

    original = ARTICLES[0]
    fp = fingerprint(original["text"])
    decoys = []
    for n in range(40):  # more than any page of candidates
        value = fp.value ^ (0xFFFFFFFFFFFFFF00 & ((n + 1) * 0x0101010101010100))
        decoys.append({"article_id": f"d{n}", "url": f"https://d.example/{n}",
                       "source": "d.example", "title": f"Decoy {n}",
                       "published": f"2025-03-0{5 + n % 4}T0{n % 10}:00:00+00:00",
                       "text": PORT.format(toll=f"{n}"), "simhash": f"{value:016x}",
                       "simhash_bands": list(bands_of(value))})
    stored = {**original, "simhash": fp.simhash, "simhash_bands": list(fp.bands)}
    schema.setup(es_client, es_settings)
    index.index_articles(es_client, es_settings, [(d, []) for d in [*decoys, stored]],
                         refresh="wait_for")
    _index(es_client, es_settings, [ARTICLES[1]])  # k2, the copy, unchecked
    read: list[str] = []
    texts = event_store._texts

    def recorded(client, alias, ids):
        read.extend(ids)
        return texts(client, alias, ids)

    monkeypatch.setattr(event_store, "_texts", recorded)
    report = event_store.ReconcileReport()
    event_store.mark_copies(es_client, es_settings, report)
    assert (report.articles_fingerprinted, report.copies_marked) == (1, 1)
    copy = es_client.get(index=es_settings.index("articles"), id="k2")["_source"]
    assert copy["duplicate_of"] == "k1"
    # the stored texts read are those of fingerprints close enough to be a copy's
    close = {d["article_id"] for d in decoys
             if distance(d["simhash"], fp.simhash) <= MAX_DISTANCE}
    assert "k1" in read and set(read) <= close | {"k1"}, read


@pytest.mark.es
def test_a_copy_merged_before_its_original_is_marked_when_the_original_comes(
        es_client, es_settings):
    """A feed lists its newest items first, so a pass can index (and a merge round take) the
    syndicated copy before the article it copies: when the original comes, the copy is marked
    and no longer counts as a source of its own."""
    _index(es_client, es_settings, [ARTICLES[1]])          # k2, the copy, alone
    event_store.reconcile(es_client, es_settings)
    articles = es_settings.index("articles")
    assert es_client.get(index=articles, id="k2")["_source"]["duplicate_of"] is None
    _index(es_client, es_settings, [ARTICLES[0]])          # k1, the original, after it
    done = event_store.reconcile(es_client, es_settings)
    assert es_client.get(index=articles, id="k2")["_source"]["duplicate_of"] == "k1"
    assert done.copies_marked == 1
    events = event_store.events_of(es_client, es_settings)
    assert len(events) == 1 and events[0]["source_count"] == 1, events
    _assert_consistent(es_client, es_settings)
