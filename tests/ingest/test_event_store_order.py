"""Copy marking and events do not depend on the order articles reach reconcile
(ingest/event_store.py): merge rounds during a pass take the articles as the feeds list them,
newest first, so syndicated copies can come before their original, several at once, split
across rounds or in the original's round. After the last round the articles' `duplicate_of`
and the events are those of one batch over all of them in publication order (the `newswatch
events` command)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest import event_store, index, schema
from ingest.commands.events import articles_to_events
from ingest.pipeline import extract_into
from ingest.times import iso

MISSILE = ("KHARKIV — A Russian ballistic missile struck a residential neighbourhood in the "
           "Kholodnohirskyi district of Kharkiv on Monday, killing three people and injuring "
           "24, regional officials said. The missile, believed to be an Iskander-M, exploded "
           "in a courtyard between two five-storey apartment blocks, blowing out windows "
           "across the neighbourhood and setting parked cars alight, the regional governor "
           "said on Telegram. Rescuers were still searching a partially collapsed stairwell "
           "on Monday afternoon, where neighbours said two residents might be trapped.")
PORT = ("ODESA — A Russian ballistic missile struck port infrastructure in Odesa on Tuesday "
        "morning, killing one port employee and injuring four others, the regional governor "
        "said. A grain storage facility and several trucks were damaged, he said.")


def _article(aid: str, published: str, text: str) -> dict:
    return {"article_id": aid, "url": f"https://{aid}.example/{aid}", "source": f"{aid}.example",
            "title": f"Report {aid}", "published": published, "text": text}


ARTICLES = {a["article_id"]: a for a in [
    _article("orig", "2025-03-10T15:30:00+00:00", MISSILE),                 # the original
    _article("wire", "2025-03-10T18:00:00+00:00", "(Wire) " + MISSILE),     # its copies
    _article("afp", "2025-03-11T20:00:00+00:00", "(AFP) " + MISSILE),       # over a day later
    _article("agency", "2025-03-12T08:00:00+00:00", "(Agency) " + MISSILE),
    _article("odesa", "2025-03-11T12:00:00+00:00", PORT),                   # another event
]}

ORDERS = {  # the articles each merge round takes
    "several copies before the original": [["wire", "afp", "agency"], ["orig", "odesa"]],
    "copies split across rounds": [["afp"], ["orig"], ["wire", "agency"]],
    "copies in the original's round, one before it": [["agency"], ["wire", "orig", "afp"],
                                                      ["odesa"]],
    "each copy in a round of its own before the original": [["agency"], ["afp"], ["wire"],
                                                            ["orig", "odesa"]],
}


def _index(client, settings, ids) -> None:
    items = []
    for aid in ids:
        doc = dict(ARTICLES[aid])
        incidents, _ = extract_into(doc)
        items.append((doc, incidents))
    index.index_articles(client, settings, items, refresh="wait_for")


def _stored(client, settings) -> tuple[dict, dict]:
    """(article id -> duplicate_of, events as {incident ids: {article id: duplicate_of}})."""
    alias = settings.index("articles")
    client.indices.refresh(index=alias)
    hits = client.search(index=alias, size=100, source_includes=["duplicate_of"])["hits"]["hits"]
    marked = {h["_id"]: h["_source"].get("duplicate_of") for h in hits}
    events = {tuple(sorted(e["incident_ids"])):
              {r["article_id"]: r.get("duplicate_of") for r in e["reports"]}
              for e in event_store.events_of(client, settings)}
    return marked, events


@pytest.mark.es
@pytest.mark.parametrize("order", list(ORDERS))
def test_copies_and_events_do_not_depend_on_the_order_of_the_merge_rounds(
        es_client, es_settings, order):
    schema.setup(es_client, es_settings)
    for ids in ORDERS[order]:
        _index(es_client, es_settings, ids)
        event_store.reconcile(es_client, es_settings)
    rows = [{**a, "id": aid} for aid, a in ARTICLES.items()
            if any(aid in ids for ids in ORDERS[order])]
    batch_events, batch_articles = articles_to_events(rows)
    marked, events = _stored(es_client, es_settings)
    assert marked == {a["id"]: a["duplicate_of"] for a in batch_articles}
    assert events == {tuple(sorted(e["incident_ids"])):
                      {r["article_id"]: r.get("duplicate_of") for r in e["reports"]}
                      for e in batch_events}
    copies = [aid for aid, original in marked.items() if original]
    assert sorted(copies) == ["afp", "agency", "wire"]
    kharkiv = next(e for e in event_store.events_of(es_client, es_settings)
                   if "orig-0" in e["incident_ids"])
    assert kharkiv["source_count"] == 1, kharkiv  # no copy counts as a source of its own
    # nothing left to do, nothing listed twice
    again = event_store.reconcile(es_client, es_settings)
    assert (again.incidents_assigned, again.copies_marked) == (0, 0)
    listed = [i for ids in events for i in ids]
    assert len(listed) == len(set(listed))


@pytest.mark.es
@pytest.mark.parametrize("order", list(ORDERS))
def test_a_runs_rounds_that_only_mark_copies_end_with_the_events_of_one_merge(
        es_client, es_settings, order):
    """Merge rounds during a pass that only mark copies, sharing what they read (RunCopies),
    then one merge of the incidents after the pass: copies and events as one batch gives."""
    schema.setup(es_client, es_settings)
    run = event_store.RunCopies(iso(datetime.now(UTC)))
    rounds = ORDERS[order]
    for number, ids in enumerate(rounds, start=1):
        _index(es_client, es_settings, ids)
        event_store.reconcile(es_client, es_settings, run=run, assign=number == len(rounds))
    rows = [{**a, "id": aid} for aid, a in ARTICLES.items()
            if any(aid in ids for ids in rounds)]
    batch_events, batch_articles = articles_to_events(rows)
    marked, events = _stored(es_client, es_settings)
    assert marked == {a["id"]: a["duplicate_of"] for a in batch_articles}
    assert events == {tuple(sorted(e["incident_ids"])):
                      {r["article_id"]: r.get("duplicate_of") for r in e["reports"]}
                      for e in batch_events}
