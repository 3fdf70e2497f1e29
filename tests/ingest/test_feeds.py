"""Feed parsing and polling: normalised entries, duplicates, encodings, broken feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ingest.config import Settings
from ingest.feed_store import FeedState
from ingest.feeds import FeedReason, canonical_link, parse_feed, poll_feed
from ingest.feedspec import FeedSpec
from ingest.ids import article_id, feed_entry_id
from ingest.times import iso

pytestmark = pytest.mark.timeout(60)

RSS = """<?xml version="1.0" encoding="{enc}"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel><title>Test desk</title><link>https://news.example.org/</link>
<language>fr</language>
{items}
</channel></rss>"""

ITEM = """<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>
<description>{summary}</description><pubDate>{date}</pubDate>{extra}</item>"""


def rss(items: list[dict], enc: str = "utf-8") -> str:
    rendered = []
    for i, item in enumerate(items):
        rendered.append(ITEM.format(**{"title": f"t{i}", "guid": f"g{i}", "summary": "s",
                                       "date": "Sun, 21 Apr 2024 12:30:00 +0200", "extra": "",
                                       **item}))
    return RSS.format(enc=enc, items="\n".join(rendered))


def test_entry_normalised():
    data = rss([{"title": "Rockets hit &lt;b&gt;base&lt;/b&gt;", "link":
                 "https://News.Example.org:443/world/a1?utm_source=rss&amp;id=7#top",
                 "summary": "&lt;p&gt;Five rockets&lt;/p&gt;", "guid": "urn:desk:g0"}]).encode()
    parsed = parse_feed(data, "desk", base_url="https://news.example.org/feed")
    assert parsed.ok and parsed.reason is FeedReason.OK and parsed.title == "Test desk"
    (entry,) = parsed.entries
    assert entry.source == "desk"
    assert entry.canonical_url == "https://news.example.org/world/a1?id=7"
    assert entry.article_id == article_id(entry.canonical_url)
    assert entry.title == "Rockets hit base" and entry.summary == "Five rockets"
    assert entry.published == "2024-04-21T10:30:00Z"  # +0200 -> UTC
    assert entry.language == "fr" and entry.guid == "urn:desk:g0"
    assert entry.updated is None  # not feedparser's fallback to the published time


def test_same_article_under_two_urls_yields_one_entry():
    data = rss([
        {"link": "https://news.example.org/a/story-1?utm_source=rss&amp;utm_medium=feed"},
        {"link": "https://news.example.org/a/story-1?fbclid=IwAR0abc&amp;gclid=xyz"},
        {"link": "https://news.example.org/a/story-1#comments"},
        {"link": "https://news.example.org/a/story-2"},
    ]).encode()
    parsed = parse_feed(data, "desk")
    assert [e.canonical_url for e in parsed.entries] == [
        "https://news.example.org/a/story-1", "https://news.example.org/a/story-2"]
    assert parsed.dropped == 2


def test_feedburner_proxy_links_resolve_to_the_original():
    extra = "<feedburner:origLink>https://news.example.org/a/orig?utm_campaign=x</feedburner:origLink>"
    data = rss([{"link": "http://feedproxy.google.com/~r/Desk/~3/AbC123/orig", "extra": extra}])
    (entry,) = parse_feed(data.encode(), "desk").entries
    assert entry.canonical_url == "https://news.example.org/a/orig"
    assert entry.link == "https://news.example.org/a/orig?utm_campaign=x"


@pytest.mark.parametrize("url,expected", [
    ("HTTPS://WWW.Example.COM/Path?b=2&a=1&utm_content=z", "https://www.example.com/Path?a=1&b=2"),
    ("http://example.com", "http://example.com/"),
    ("https://www.google.com/url?q=https://site.example/x%3Fa%3D1&sa=D",
     "https://site.example/x?a=1"),
    ("  ", ""),
])
def test_canonical_link(url, expected):
    assert canonical_link(url) == expected


def test_json_feed():
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "language": "en",
           "home_page_url": "https://j.example/",
           "items": [{"id": "1", "url": "/posts/1", "title": "One",
                      "date_published": "2024-04-21T10:00:00+03:00",
                      "authors": [{"name": "A"}], "content_html": "<p>x</p><script>y</script>"},
                     {"id": "3", "title": "a title is not text"}]}
    parsed = parse_feed(json.dumps(doc).encode(), "j")
    assert parsed.ok and parsed.version == "json1.1" and parsed.dropped == 1
    assert parsed.dropped_by_reason == {"no_link_or_text": 1}
    (entry,) = parsed.entries
    assert entry.link == "https://j.example/posts/1" and entry.published == "2024-04-21T07:00:00Z"
    assert entry.authors == ("A",) and entry.summary == "x" and entry.language == "en"


@pytest.mark.parametrize("body,reason", [
    (b"", FeedReason.EMPTY),
    (b"   \n", FeedReason.EMPTY),
    (b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>hi</p></body></html>",
     FeedReason.NOT_A_FEED),
    (b"<rss><channel><title>cut", FeedReason.MALFORMED),
    (b'{"not": "a feed"}', FeedReason.NOT_A_FEED),
    (b'{"version": "https://jsonfeed.org/version/1", "items": [', FeedReason.MALFORMED),
])
def test_broken_bodies_give_a_reason(body, reason):
    parsed = parse_feed(body, "x")
    assert not parsed.ok and parsed.reason is reason and parsed.entries == ()


def test_bozo_feed_still_yields_its_entries():
    data = rss([{"link": "https://e.example/1"}, {"link": "https://e.example/2"}]).encode()
    broken = data.replace(b"</channel></rss>", b"<item><title>cut &bogus; </item>")
    parsed = parse_feed(broken, "x")
    assert parsed.ok and parsed.bozo and len(parsed.entries) == 2


def test_lying_charset_and_invalid_utf8_still_parse():
    title = "Éboulement à Bukavu : « dégâts »"
    latin = rss([{"link": "https://e.example/1", "title": title}], enc="utf-8").encode("cp1252")
    parsed = parse_feed(latin, "x", content_type="application/rss+xml; charset=utf-8")
    assert parsed.ok and parsed.entries[0].link == "https://e.example/1"
    assert parsed.entries[0].title == title  # feedparser falls back to windows-1252
    invalid = rss([{"link": "https://e.example/2", "title": "ok \xff\xfe bad"}]).encode(
        "utf-8").replace("ÿþ".encode(), b"\xff\xfe")
    parsed = parse_feed(invalid, "x")
    assert parsed.ok and parsed.entries[0].link == "https://e.example/2"


# ---------------------------------------------------------------- polling over HTTP


@pytest.fixture
def settings():
    return Settings.from_env({}, allow_private_hosts=("127.0.0.1",), http_timeout_s=2.0)


def spec_for(url: str, feed_id: str = "local") -> FeedSpec:
    return FeedSpec(id=feed_id, name="Local", url=url, language="en")


def test_poll_ok_then_304_with_stored_validators(http_server, settings):
    body = rss([{"link": "https://e.example/1"}]).encode()
    url = http_server.route("/feed.xml", body=body, content_type="application/rss+xml",
                            etag='"v1"', last_modified="Mon, 22 Apr 2024 08:00:00 GMT")
    first = poll_feed(spec_for(url), None, settings)
    assert first.status == "ok" and first.http_status == 200 and len(first.entries) == 1
    assert first.etag == '"v1"' and first.last_modified == "Mon, 22 Apr 2024 08:00:00 GMT"
    state = FeedState(etag=first.etag, last_modified=first.last_modified,
                      last_full_poll=iso(datetime.now(UTC)))
    second = poll_feed(spec_for(url), state, settings)
    assert second.status == "not_modified" and second.entries == () and second.etag == '"v1"'
    sent = http_server.requests_to("/feed.xml")[1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 22 Apr 2024 08:00:00 GMT"


@pytest.mark.parametrize("route,reason", [
    ({"status": 500, "body": b"oops"}, "http_error"),
    ({"status": 404, "body": b"gone"}, "http_error"),
    ({"body": b"<rss>", "delay_s": 4}, "timeout"),
    ({"body": b"<!doctype html><html><body>Subscribe!</body></html>"}, "not_a_feed"),
    ({"body": b""}, "empty"),
])
def test_poll_failures_are_results(http_server, settings, route, reason):
    url = http_server.route("/bad", **route)
    state = FeedState(etag='"kept"')
    result = poll_feed(spec_for(url), state, settings)
    assert result.status == "failed" and result.reason == reason and result.detail
    assert result.etag == '"kept"'  # validators survive a failure


def test_poll_refuses_private_feed_urls_by_default(http_server):
    url = http_server.route("/feed.xml", body=b"<rss/>")
    result = poll_feed(spec_for(url), None, Settings.from_env({}))
    assert result.status == "failed" and result.reason == "blocked_address"
    assert http_server.requests_to("/feed.xml") == []


def test_poll_feed_with_lying_charset_header(http_server, settings):
    title = "Éboulement à Bukavu : « dégâts »"
    body = rss([{"link": "https://e.example/1", "title": title}], enc="utf-8").encode("cp1252")
    url = http_server.route("/liar.xml", body=body,
                            content_type="application/rss+xml; charset=utf-8")
    result = poll_feed(spec_for(url), None, settings)
    assert result.status == "ok" and result.entries[0].title == title


ATOM_NO_LINKS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><id>urn:wire:1</id><title>Clash in Goma</title>
<content type="html">&lt;p&gt;Fighting broke out.&lt;/p&gt;&lt;p&gt;Five died.&lt;/p&gt;</content>
<summary>Fighting in Goma</summary></entry>
<entry><title>Untitled note</title><summary>Only a summary here.</summary></entry>
<entry><id>urn:wire:3</id><title>Nothing to read</title></entry>
<entry><link href="mailto:desk@example.org"/><title>Mail link, no text</title></entry>
</feed>"""


def test_items_without_a_link_but_with_text_are_feed_only_entries():
    parsed = parse_feed(ATOM_NO_LINKS.encode(), "wire")
    first, second = parsed.entries
    assert first.feed_only and first.link is None and first.canonical_url is None
    # the longest of the item's texts, its paragraphs kept apart for extraction
    assert first.text == "Fighting broke out.\n\nFive died."
    assert first.article_id == feed_entry_id("wire", guid="urn:wire:1", title=None, text="")
    assert second.text == "Only a summary here." and second.guid is None
    assert second.article_id == feed_entry_id("wire", guid=None, title="Untitled note",
                                              text="Only a summary here.")
    assert parsed.dropped_by_reason == {"no_link_or_text": 2} and parsed.dropped == 2
    assert first.to_dict()["text"] == first.text  # `newswatch feed` prints the text


def test_feed_only_ids_are_stable_and_scoped_to_their_feed():
    once = parse_feed(ATOM_NO_LINKS.encode(), "wire").entries
    again = parse_feed(ATOM_NO_LINKS.encode(), "wire").entries
    elsewhere = parse_feed(ATOM_NO_LINKS.encode(), "other").entries
    assert [e.article_id for e in once] == [e.article_id for e in again]
    assert not {e.article_id for e in once} & {e.article_id for e in elsewhere}
    assert len({e.article_id for e in once}) == 2


def test_entries_with_a_link_carry_no_text():
    (entry,) = parse_feed(rss([{"link": "https://news.example.org/a"}]).encode(), "d").entries
    assert not entry.feed_only and entry.text is None
