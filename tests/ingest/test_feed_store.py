"""Feed state: back-off, due times, and a restart that resumes from the real Elasticsearch."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ingest import feed_store
from ingest.feed_store import FeedState, backoff, is_due, next_state
from ingest.feeds import PollResult, poll_feed
from ingest.feedspec import FeedSpec

pytestmark = pytest.mark.timeout(120)
NOW = datetime(2024, 4, 21, 12, 0, tzinfo=UTC)


def failed(detail: str = "HTTP 500") -> PollResult:
    return PollResult("f", "failed", "http_error", detail, http_status=500)


def test_backoff_grows_and_caps():
    waits = [backoff(n) for n in range(1, 10)]
    assert waits[:4] == [timedelta(minutes=m) for m in (10, 20, 40, 80)]
    assert all(a <= b for a, b in zip(waits, waits[1:], strict=False))
    assert waits[-1] == timedelta(hours=6) and backoff(1000) == timedelta(hours=6)

    state = None
    for n in range(1, 8):
        state = next_state(state, failed(), NOW)
        assert state.consecutive_failures == n and state.last_status == "failed"
        assert state.next_poll_after == feed_store.iso(NOW + backoff(n))
    assert not is_due(state, NOW + timedelta(hours=5, minutes=59))
    assert is_due(state, NOW + timedelta(hours=6))


def test_retry_after_lengthens_the_backoff(http_server):
    from ingest.config import Settings

    url = http_server.route("/busy", status=503, headers={"Retry-After": "7200"})
    spec = FeedSpec(id="busy", name="Busy", url=url, language="en")
    result = poll_feed(spec, None, Settings.from_env({}, allow_private_hosts=("127.0.0.1",)))
    assert result.status == "failed" and result.retry_after_s == 7200
    state = next_state(None, result, NOW)
    assert state.next_poll_after == feed_store.iso(NOW + timedelta(hours=2))
    huge = replace(result, retry_after_s=10**9)
    assert next_state(None, huge, NOW).next_poll_after == feed_store.iso(NOW + timedelta(hours=6))


def test_success_resets_failures_and_keeps_validators():
    state = FeedState(etag='"old"', last_modified="x", consecutive_failures=3,
                      next_poll_after=feed_store.iso(NOW + timedelta(hours=1)))
    assert not is_due(state, NOW)
    entries = ()
    ok = PollResult("f", "ok", "ok", etag='"new"', entries=entries, title="Desk")
    after = next_state(state, ok, NOW)
    assert after.consecutive_failures == 0 and after.next_poll_after is None
    assert after.etag == '"new"' and after.last_modified == "x" and after.title == "Desk"
    assert is_due(after, NOW) and is_due(None, NOW)
    unchanged = next_state(after, PollResult("f", "not_modified", "not_modified"), NOW)
    assert unchanged.etag == '"new"' and unchanged.last_status == "not_modified"
    broken = next_state(unchanged, failed("timeout after 20 s"), NOW)
    assert broken.etag == '"new"' and broken.last_error == "timeout after 20 s"


def _feeds_index(client, settings) -> None:
    try:
        from ingest import schema
    except ImportError:
        schema = None
    if schema is not None and hasattr(schema, "setup"):
        schema.setup(client, settings)
    else:
        client.indices.create(index=settings.index("feeds"))


def test_repoll_after_restart_sends_stored_etag(http_server, es_client, es_settings):
    settings = replace(es_settings, allow_private_hosts=("127.0.0.1",), http_timeout_s=3.0)
    _feeds_index(es_client, settings)
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Local desk</title>'
            b"<item><title>A</title><link>https://e.example/a</link></item></channel></rss>")
    url = http_server.route("/feed.xml", body=body, content_type="application/rss+xml",
                            etag='"rev-7"', last_modified="Sun, 21 Apr 2024 10:00:00 GMT")
    spec = FeedSpec(id="local-desk", name="Local desk", url=url, language="en",
                    region="africa", tags=("test",))

    assert feed_store.load_states(es_client, settings, [spec.id]) == {}
    first = poll_feed(spec, None, settings)
    assert first.status == "ok"
    state = next_state(None, first, datetime.now(UTC))  # a fresh full answer: validators count
    feed_store.save_states(es_client, settings, {spec.id: (spec, state)}, refresh="wait_for")

    # "restart": nothing kept in memory, the state comes back from Elasticsearch
    loaded = feed_store.load_states(es_client, settings, [spec.id, "unknown-feed"])
    assert set(loaded) == {spec.id}
    assert loaded[spec.id].etag == '"rev-7"' and loaded[spec.id].entries_seen == 1
    second = poll_feed(spec, loaded[spec.id], settings)
    assert second.status == "not_modified"
    assert http_server.requests_to("/feed.xml")[-1].headers["If-None-Match"] == '"rev-7"'

    feed_store.save_states(es_client, settings,
                           {spec.id: (spec, next_state(loaded[spec.id], second, NOW))},
                           refresh="wait_for")
    doc = es_client.get(index=settings.index("feeds"), id=spec.id)["_source"]
    assert doc["feed_id"] == "local-desk" and doc["title"] == "Local desk"
    assert doc["last_status"] == "not_modified" and doc["region"] == "africa"
    hits = es_client.search(index=settings.index("feeds"),
                            query={"term": {"last_status": "not_modified"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["local-desk"]  # feed health is searchable



def test_validators_older_than_the_revalidation_period_are_not_sent(http_server, es_settings):
    """A server may keep its ETag while the feed changes: once in a while, fetch in full."""
    settings = replace(es_settings, allow_private_hosts=("127.0.0.1",), feed_revalidate_hours=6)
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Stuck</title>'
            b"<item><title>A</title><link>https://e.example/a</link></item></channel></rss>")
    url = http_server.route("/stuck.xml", body=body, content_type="application/rss+xml",
                            etag='"never-changes"')
    spec = FeedSpec(id="stuck", name="Stuck", url=url, language="en")
    now = datetime.now(UTC)
    recent = FeedState(etag='"never-changes"', last_full_poll=feed_store.iso(now))
    stale = FeedState(etag='"never-changes"',
                      last_full_poll=feed_store.iso(now - timedelta(hours=7)))

    assert poll_feed(spec, recent, settings).status == "not_modified"
    again = poll_feed(spec, stale, settings)
    assert again.status == "ok" and len(again.entries) == 1
    sent = [r.headers.get("If-None-Match") for r in http_server.requests_to("/stuck.xml")]
    assert sent == ['"never-changes"', None]
    assert next_state(stale, again, now).last_full_poll == feed_store.iso(now)
