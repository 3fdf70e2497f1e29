"""Two writers of one feed's state (overlapping runs, mapped tasks on two Celery workers) never
overwrite each other: saves are conditional on the version read (if_seq_no/if_primary_term)
and a writer that lost the race merges what the other saved."""

from dataclasses import replace

from ingest import feed_store, schema
from ingest.feed_store import FeedState, merge_states
from ingest.feedspec import FeedSpec
from tests.support.race import race

SPEC = FeedSpec(id="wire", name="Wire", url="https://wire.example/feed.xml", language="en")


def _stored(client, settings) -> dict:
    return client.get(index=settings.index("feeds"), id=SPEC.id)["_source"]


def _writer(client, settings, refused: tuple[str, ...], retry: str):
    def write(barrier):
        state = feed_store.load_states(client, settings, [SPEC.id]).get(SPEC.id) or FeedState()
        barrier.wait()  # both have read the same version before either writes
        mine = replace(state, rejected_ids=refused + state.rejected_ids,
                       retries={**state.retries, retry: [1, "2030-01-01T00:00:00Z"]})
        feed_store.save_states(client, settings, {SPEC.id: (SPEC, mine)})
    return write


def test_two_writers_of_an_existing_state_lose_nothing(es_client, es_settings):
    schema.setup(es_client, es_settings)
    feed_store.save_states(es_client, es_settings,
                           {SPEC.id: (SPEC, FeedState(rejected_ids=("old",), etag='"e1"'))})
    for round_ in range(3):  # a race is not always lost: repeat it
        race([_writer(es_client, es_settings, (f"a{round_}",), f"ra{round_}"),
               _writer(es_client, es_settings, (f"b{round_}",), f"rb{round_}")])
    doc = _stored(es_client, es_settings)
    assert set(doc["rejected_ids"]) == {"old", "a0", "b0", "a1", "b1", "a2", "b2"}
    assert set(doc["retries"]) == {"ra0", "rb0", "ra1", "rb1", "ra2", "rb2"}


def test_two_writers_creating_the_first_state_lose_nothing(es_client, es_settings):
    schema.setup(es_client, es_settings)
    race([_writer(es_client, es_settings, ("a",), "ra"),
           _writer(es_client, es_settings, ("b",), "rb")])
    doc = _stored(es_client, es_settings)
    assert set(doc["rejected_ids"]) == {"a", "b"} and set(doc["retries"]) == {"ra", "rb"}


def test_a_writer_saves_its_progress_again_and_again_without_conflict(es_client, es_settings):
    """States derived from one read share its version, which each save moves on."""
    schema.setup(es_client, es_settings)
    feed_store.save_states(es_client, es_settings, {SPEC.id: (SPEC, FeedState())})
    state = feed_store.load_states(es_client, es_settings, [SPEC.id])[SPEC.id]
    for n in range(3):
        progress = replace(state, rejected_ids=tuple(f"id{i}" for i in range(n + 1)))
        assert feed_store.save_states(es_client, es_settings, {SPEC.id: (SPEC, progress)}) == 1
    other = feed_store.load_states(es_client, es_settings, [SPEC.id])[SPEC.id]
    other = replace(other, rejected_ids=("x",) + other.rejected_ids)
    feed_store.save_states(es_client, es_settings, {SPEC.id: (SPEC, other)})
    # the first writer's last save is merged with the other's write, not written over it
    last = replace(state, rejected_ids=("id0", "id1", "id2", "id3"))
    feed_store.save_states(es_client, es_settings, {SPEC.id: (SPEC, last)})
    assert set(_stored(es_client, es_settings)["rejected_ids"]) == {"x", "id0", "id1", "id2", "id3"}


def test_merge_keeps_what_each_writer_learnt():
    mine = FeedState(last_polled="2026-01-01T10:00:00Z", last_status="ok", etag='"m"',
                     rejected_ids=("a", "shared"), retries={"r1": [2, "t"], "both": [1, "t1"]})
    theirs = FeedState(last_polled="2026-01-01T10:05:00Z", last_status="failed", etag='"t"',
                       rejected_ids=("shared", "b", "r1"), retries={"both": [3, "t3"]})
    merged = merge_states(mine, theirs)
    assert merged.last_status == "failed" and merged.etag == '"t"'  # the later poll
    assert merged.rejected_ids == ("a", "shared", "b", "r1")
    assert merged.retries == {"both": [3, "t3"]}  # r1 is refused for good now
    assert merged.stored is mine.stored


def test_merge_drops_validators_one_writer_dropped():
    """A writer with articles left over drops the validators so the next poll sees them all."""
    kept = FeedState(last_polled="2026-01-01T10:05:00Z", etag='"e"', last_modified="Mon")
    dropped = FeedState(last_polled="2026-01-01T10:00:00Z")
    for merged in (merge_states(kept, dropped), merge_states(dropped, kept)):
        assert (merged.etag, merged.last_modified) == (None, None)
