"""Feed-only entries end to end: items with text but no link become articles from the feed's
own text (extracted like a page, never fetched), over loopback HTTP into real Elasticsearch."""

from __future__ import annotations

import pytest

from ingest import pipeline
from tests.support.demo import demo_settings

pytestmark = pytest.mark.timeout(120)

REPORT = ("&lt;p&gt;Gunmen killed seven villagers and wounded four others in an attack on "
          "Kiwanja, a town in North Kivu province of the Democratic Republic of Congo, on "
          "Tuesday, local officials said.&lt;/p&gt;&lt;p&gt;The attackers, suspected members of "
          "the ADF armed group, burned several houses before fleeing into the forest, according "
          "to the army.&lt;/p&gt;")
NOTICE = "The desk will publish its weekly newsletter on Friday afternoon as usual."
PAGE = b"""<!DOCTYPE html><html lang="en"><head><title>Linked story</title></head><body>
<article><h1>Linked story</h1><p>The city council met on Monday to discuss the new budget for
road repairs and school buildings, which members said would be approved next month.</p>
<p>Residents asked for more buses on the northern routes during the winter, when the walk
to the station takes twice as long and the pavements are often covered in ice.</p>
<p>The mayor said the transport office would study the request and publish its answer before
the end of the year, together with the timetable for the new school term.</p>
<p>Several shop owners in the old town welcomed the plan to repair the main street, which has
been closed to cars twice this year because of broken water pipes.</p></article>
</body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><guid isPermaLink="false">wire-0001</guid><title>Gunmen kill seven in eastern Congo</title>
<description>{report}</description><pubDate>Tue, 18 Nov 2025 14:05:00 GMT</pubDate></item>
<item><title>Newsletter</title><description>{notice}</description>
<pubDate>Tue, 18 Nov 2025 15:00:00 GMT</pubDate></item>
<item><guid isPermaLink="false">wire-0003</guid><title>Headline only</title></item>
<item><title>Linked story</title><link>{page}</link>
<pubDate>Tue, 18 Nov 2025 16:00:00 GMT</pubDate></item>
</channel></rss>"""


def _articles(client, prefix: str) -> dict[str, dict]:
    client.indices.refresh(index=f"{prefix}-articles")
    hits = client.search(index=f"{prefix}-articles", size=100)["hits"]["hits"]
    return {hit["_source"]["title"]: hit["_source"] for hit in hits}


def test_feed_only_entries_are_indexed_from_the_feed_text_never_fetched_and_not_duplicated(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    http_server.route("/linked.html", body=PAGE)
    http_server.route("/wire.xml", content_type="application/rss+xml", body=FEED.format(
        report=REPORT, notice=NOTICE, page=http_server.url("/linked.html")).encode())
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{id: wire, name: Wire, url: '{http_server.url('/wire.xml')}', "
                     "language: en, region: africa}\n")
    settings = demo_settings(es_settings, feeds)

    first = pipeline.run_once(settings, client=client)[0]

    assert first["entries"] == 3 and first["from_feed"] == 2 and first["fetched"] == 1
    assert first["articles_indexed"] == 3
    assert first["rejected"].get("feed:no_link_or_text") == 1
    stored = _articles(client, prefix)
    report = stored["Gunmen kill seven in eastern Congo"]
    assert report["text_source"] == "feed" and report["url"] is None
    assert report["text"].startswith("Gunmen killed seven villagers")
    assert report["incident_count"] >= 1 and report["fatalities_total"] == 7
    assert stored["Newsletter"]["text_source"] == "feed"
    assert stored["Newsletter"]["incident_count"] == 0
    assert stored["Linked story"]["text_source"] == "page"
    client.indices.refresh(index=f"{prefix}-incidents")
    incidents = client.search(index=f"{prefix}-incidents",
                              query={"term": {"article_id": report["article_id"]}})
    assert incidents["hits"]["total"]["value"] == report["incident_count"]
    # only the feed and the linked page (and its host's robots.txt) were asked for
    assert {r.path for r in http_server.requests} <= {"/wire.xml", "/linked.html", "/robots.txt"}

    second = pipeline.run_once(settings, client=client)[0]

    assert second["new"] == 0 and second["articles_indexed"] == 0 and second["from_feed"] == 0
    assert len(_articles(client, prefix)) == 3
    assert len(http_server.requests_to("/linked.html")) == 1
