"""The one-pass pipeline end to end: demo site over loopback HTTP -> real Elasticsearch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace

import pytest

from ingest import pipeline
from ingest.demo_server import DemoServer
from ingest.ids import article_id
from tests.support.demo import DEMO_ARTICLE_COUNT, demo_settings

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>"""
ITEM = "<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate></item>"


def _count(client, alias: str) -> int:
    client.indices.refresh(index=alias)
    return client.count(index=alias)["count"]


def _incident_ordinals(client, prefix: str) -> dict[str, list[int]]:
    client.indices.refresh(index=f"{prefix}-incidents")
    hits = client.search(index=f"{prefix}-incidents", size=1000,
                         source_includes=["article_id", "ordinal"])["hits"]["hits"]
    by_article: dict[str, list[int]] = {}
    for hit in hits:
        by_article.setdefault(hit["_source"]["article_id"], []).append(hit["_source"]["ordinal"])
    return {key: sorted(value) for key, value in by_article.items()}


def _assert_consistent(client, prefix: str) -> None:
    """Every article once; its incidents are exactly ordinals 0..incident_count-1."""
    client.indices.refresh(index=f"{prefix}-articles")
    articles = client.search(index=f"{prefix}-articles", size=1000,
                             source_includes=["incident_count"])["hits"]["hits"]
    assert len(articles) == DEMO_ARTICLE_COUNT
    ordinals = _incident_ordinals(client, prefix)
    for hit in articles:
        expected = list(range(hit["_source"].get("incident_count") or 0))
        assert ordinals.get(hit["_id"], []) == expected, hit["_id"]


def test_demo_run_indexes_every_article_once_and_a_rerun_adds_nothing(es, es_settings, tmp_path):
    client, prefix = es
    with DemoServer() as server:
        settings = demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml"))
        first = pipeline.summarise(pipeline.run_once(settings, client=client))
        assert first["feeds"] == 3 and first["feeds_failed"] == 0
        assert first["articles_indexed"] == DEMO_ARTICLE_COUNT  # the story in two feeds: once
        assert _count(client, f"{prefix}-articles") == DEMO_ARTICLE_COUNT
        assert first["incidents_indexed"] >= 15
        assert _count(client, f"{prefix}-incidents") == first["incidents_indexed"]
        _assert_consistent(client, prefix)
        seed_id = article_id(f"{server.base_url}/articles/seed-article.html")
        assert len(_incident_ordinals(client, prefix)[seed_id]) >= 3
        lags = first["ingest_lag_p50_s"]
        assert lags is not None and lags > 0

        second = pipeline.summarise(pipeline.run_once(settings, client=client))
    assert second["new"] == 0 and second["articles_indexed"] == 0
    _assert_consistent(client, prefix)


def test_broken_feed_and_slow_page_are_recorded_and_the_rest_indexes(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    with DemoServer() as demo:
        good_page = demo.base_url + "/articles/goma-shelling.html"
        http_server.route("/broken.xml", status=500, body=b"oops")
        http_server.route("/slow.html", body=b"<html><body>late</body></html>", delay_s=5)
        items = ITEM.format(title="Goma", link=good_page, date="Tue, 18 Nov 2025 14:05:00 GMT")
        items += ITEM.format(title="Slow", link=http_server.url("/slow.html"),
                             date="Tue, 18 Nov 2025 15:00:00 GMT")
        http_server.route("/mixed.xml", body=RSS.format(items=items).encode(),
                          content_type="application/rss+xml", etag='"mixed-1"')
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            "feeds:\n"
            f"  - {{id: broken, name: Broken, url: '{http_server.url('/broken.xml')}', "
            "language: en, region: global}\n"
            f"  - {{id: mixed, name: Mixed, url: '{http_server.url('/mixed.xml')}', "
            "language: en, region: global}\n")
        settings = replace(demo_settings(es_settings, feeds), http_timeout_s=1.5)
        outcomes = {o["feed_id"]: o for o in pipeline.run_once(settings, client=client)}

        assert outcomes["broken"]["status"] == "failed"
        assert outcomes["broken"]["reason"]
        mixed = outcomes["mixed"]
        assert mixed["articles_indexed"] == 1
        assert mixed["rejected"] == {"fetch:timeout": 1}
        assert mixed["deferred"] == 1
        client.indices.refresh(index=f"{prefix}-feeds")
        broken_state = client.get(index=f"{prefix}-feeds", id="broken")["_source"]
        assert broken_state["consecutive_failures"] == 1 and broken_state["last_error"]
        # the slow page's feed keeps no ETag, so the next pass sees the whole feed again
        assert client.get(index=f"{prefix}-feeds", id="mixed")["_source"].get("etag") is None

        http_server.route("/slow.html", body=page_html(demo.base_url), delay_s=0)
        again = {o["feed_id"]: o for o in pipeline.run_once(settings, client=client,
                                                           feed_ids=["mixed"])}
    assert again["mixed"]["articles_indexed"] == 1 and again["mixed"]["new"] == 1
    assert _count(client, f"{prefix}-articles") == 2


def page_html(base_url: str) -> bytes:
    from ingest.config import REPO_ROOT

    path = REPO_ROOT / "seeds" / "demo" / "articles" / "kharkiv-missile-attack.html"
    return path.read_bytes().replace(b"{{BASE_URL}}", base_url.encode())


@pytest.mark.slow
def test_a_run_killed_after_its_first_bulk_then_rerun_ends_with_exactly_the_expected_docs(
        es, es_settings, tmp_path):
    client, prefix = es
    with DemoServer() as server:
        settings = demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml"))
        env = {**os.environ, "NEWSWATCH_ES_URL": settings.es_url,
               "NEWSWATCH_INDEX_PREFIX": prefix, "NEWSWATCH_FEEDS": str(settings.feeds_file),
               "NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1", "NEWSWATCH_FEED_WORKERS": "1",
               "NEWSWATCH_PER_HOST_DELAY": "0.2", "NEWSWATCH_PER_HOST_CONCURRENCY": "1",
               "NEWSWATCH_DEAD_LETTER_DIR": str(tmp_path / "dead"),
               "NEWSWATCH_INDEX_BATCH": "5"}  # several bulks in the pass, not one
        runner = subprocess.Popen([sys.executable, "-m", "ingest.cli", "run", "--json"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and runner.poll() is None:
                if client.indices.exists_alias(name=f"{prefix}-articles") and \
                        _count(client, f"{prefix}-articles") > 0:
                    break
                time.sleep(0.05)
            assert runner.poll() is None, "the run ended before it could be killed"
            runner.send_signal(signal.SIGKILL)
        finally:
            runner.wait(timeout=30)
        partial = _count(client, f"{prefix}-articles")
        assert 0 < partial < DEMO_ARTICLE_COUNT
        pipeline.run_once(settings, client=client)
    _assert_consistent(client, prefix)


def test_pages_refused_for_good_are_not_fetched_again(es, es_settings, tmp_path, http_server):
    client, prefix = es
    http_server.route("/gone.html", status=404, body=b"not here")
    http_server.route("/video.mp4", body=b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")
    http_server.route("/short.html", body=b"<html><body><p>Subscribe now.</p></body></html>")
    items = "".join(ITEM.format(title=name, link=http_server.url(f"/{name}"),
                                date="Tue, 18 Nov 2025 14:05:00 GMT")
                    for name in ("gone.html", "video.mp4", "short.html"))
    http_server.route("/desk.xml", body=RSS.format(items=items).encode(),
                      content_type="application/rss+xml")  # no ETag: every poll is a full answer
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{id: desk, name: Desk, url: '{http_server.url('/desk.xml')}', "
                     "language: en, region: global}\n")
    settings = demo_settings(es_settings, feeds)

    first = pipeline.run_once(settings, client=client)[0]
    assert sum(first["rejected"].values()) == 3 and first["deferred"] == 0
    second = pipeline.run_once(settings, client=client)[0]

    assert second["new"] == 0 and second["rejected"] == {}
    for page in ("/gone.html", "/video.mp4", "/short.html"):
        assert len(http_server.requests_to(page)) == 1, page
    client.indices.refresh(index=f"{prefix}-feeds")
    state = client.get(index=f"{prefix}-feeds", id="desk")["_source"]
    assert len(state["rejected_ids"]) == 3


FRENCH_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Attaque dans le nord du Burkina Faso</title></head><body><article>
<h1>Attaque dans le nord du Burkina Faso</h1>
<p>Au moins douze civils ont été tués dimanche dans une attaque de jihadistes contre le village
de Djibo, au Burkina Faso, selon des sources locales jointes par téléphone.</p>
<p>Les assaillants ont incendié des maisons et des boutiques avant de se replier vers la
frontière. Une frappe de drone a visé Gao lundi, tuant trois personnes, selon l'armée.</p>
<p>Les autorités n'ont pas commenté ces informations dans l'immédiat.</p>
</article></body></html>""".encode()


def test_french_articles_are_indexed_with_their_incidents_in_french(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    http_server.route("/fr.html", body=FRENCH_PAGE)
    items = ITEM.format(title="Attaque", link=http_server.url("/fr.html"),
                        date="Mon, 17 Nov 2025 10:00:00 GMT")
    http_server.route("/fr.xml", body=RSS.format(items=items).encode(),
                      content_type="application/rss+xml")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{id: fr, name: Fr, url: '{http_server.url('/fr.xml')}', "
                     "language: fr, region: africa}\n")
    outcome = pipeline.run_once(demo_settings(es_settings, feeds), client=client)[0]
    assert outcome["articles_indexed"] == 1 and outcome["incidents_indexed"] >= 1
    assert "extract:skipped_language_fr" not in outcome["rejected"]
    client.indices.refresh(index=f"{prefix}-articles")
    stored = client.search(index=f"{prefix}-articles", query={"match": {"text": "Djibo"}})
    assert stored["hits"]["total"]["value"] == 1
    client.indices.refresh(index=f"{prefix}-incidents")
    found = client.search(index=f"{prefix}-incidents", query={"term": {"language": "fr"}})
    hits = [h["_source"] for h in found["hits"]["hits"]]
    assert hits and all(h["country_code"] == "BF" or h["location"] == "Gao" for h in hits)
    assert any("civils" in h["evidence"] for h in hits)    # in the article's own language


def test_language_is_told_from_the_text_and_a_language_without_data_is_not_extracted():
    german = {"language": "en", "text": "Bewaffnete haben am Dienstag in Goma fünf Menschen "
              "getötet und mehrere Häuser in Brand gesetzt, teilte die Polizei mit."}
    incidents, skipped = pipeline.extract_into(german)
    assert incidents == [] and skipped == "language_de" and german["language"] == "de"
    sport = {"language": "en", "title": "Wild beat Sabres 4-1 as Parise scores twice",
             "url": "https://news.example/sport/nhl/wild",
             "text": "The Wild beat the Sabres 4-1 on Tuesday as Parise scored twice and the "
                     "coach praised his players after the match, the third win of the season."}
    incidents, skipped = pipeline.extract_into(sport)
    assert incidents == [] and skipped == "not_relevant"
    assert 0 <= sport["incident_relevance"] < 0.5


def test_dropped_candidates_are_counted_by_reason():
    article = {"title": "Gunmen kill seven in Borno", "published": "2024-05-08",
               "text": "Gunmen killed seven villagers in an attack on Kutemba village in Borno "
                       "state on Tuesday, police said.\n\nIn March 2019, gunmen killed 30 "
                       "people in a raid on the nearby town of Gubio."}
    counts: Counter[str] = Counter()
    incidents, skipped = pipeline.extract_into(article, counts)
    assert len(incidents) == 1 and skipped is None
    assert counts == {"extract:dropped_background": 1}


RAID_PAGE = b"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Gunmen kill seven in Borno village</title></head><body><article>
<h1>Gunmen kill seven in Borno village</h1>
<p>Gunmen killed seven villagers and burned houses in an attack on Kutemba village in Borno
state on Tuesday, police and local officials said.</p>
<p>Boko Haram fighters arrived on motorcycles at dawn and opened fire on residents, the police
spokesman said. Several people were missing after the attack, residents said.</p>
<p>The army said troops had been sent to the area to pursue the attackers.</p>
</article></body></html>"""
MATCH_PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Wild beat Sabres 4-1 as Parise scores twice</title></head><body><article>
<h1>Wild beat Sabres 4-1 as Parise scores twice</h1>
<p>The Wild beat the Sabres 4-1 on Tuesday night as Zach Parise scored twice and the
goalkeeper made 30 saves in front of the home fans at the stadium.</p>
<p>Parise's shot in the second period was a dagger, the coach said after the match. The
players have won three straight games this season and attack well on the power play.</p>
<p>The team plays Chicago on Thursday in the second game of a four-game homestand.</p>
</article></body></html>"""


def test_language_comes_from_the_text_and_irrelevant_articles_are_counted(
        es, es_settings, tmp_path, http_server):
    """The feed and the page say French, the text is English: it is extracted. A match report
    full of "beat", "shot" and "attack" is indexed with its low relevance and no incidents."""
    client, prefix = es
    http_server.route("/world/raid.html", body=RAID_PAGE)
    http_server.route("/sport/nhl/wild.html", body=MATCH_PAGE)
    items = ITEM.format(title="Gunmen kill seven in Borno village",
                        link=http_server.url("/world/raid.html"),
                        date="Wed, 08 May 2024 10:00:00 GMT")
    items += ITEM.format(title="Wild beat Sabres 4-1 as Parise scores twice",
                         link=http_server.url("/sport/nhl/wild.html"),
                         date="Wed, 08 May 2024 06:00:00 GMT")
    http_server.route("/mixed.xml", body=RSS.format(items=items).encode(),
                      content_type="application/rss+xml")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{id: mixed, name: Mixed, url: "
                     f"'{http_server.url('/mixed.xml')}', language: fr, region: africa}}\n")
    outcome = pipeline.run_once(demo_settings(es_settings, feeds), client=client)[0]
    assert outcome["articles_indexed"] == 2 and outcome["incidents_indexed"] >= 1
    assert outcome["rejected"] == {"extract:not_relevant": 1}
    client.indices.refresh(index=f"{prefix}-articles")
    stored = {hit["_source"]["title"]: hit["_source"] for hit in client.search(
        index=f"{prefix}-articles", query={"match_all": {}})["hits"]["hits"]}
    raid = stored["Gunmen kill seven in Borno village"]
    match = stored["Wild beat Sabres 4-1 as Parise scores twice"]
    assert raid["language"] == "en" and raid["incident_relevance"] >= 0.5
    assert raid["incident_count"] >= 1 and "NG" in raid["country_codes"]
    assert match["incident_relevance"] < 0.5 and match["incident_count"] == 0


def test_a_text_over_the_cap_is_cut_and_logged(caplog):
    para = "Officials met on Tuesday to discuss the budget and agreed to meet again. " * 30
    article = {"article_id": "long", "title": "Budget talks", "language": "en",
               "text": "\n\n".join([para] * 60)}
    with caplog.at_level("INFO", logger="ingest.pipeline"):
        pipeline.extract_into(article)
    (line,) = [r.getMessage() for r in caplog.records if "extraction read" in r.getMessage()]
    assert line.startswith("article long: extraction read its first 9") and "more cut" in line
