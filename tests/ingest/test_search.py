"""Search over a small known corpus on the real node: every filter, facet, range and page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from ingest import schema
from ingest.config import Settings
from ingest.index import index_articles
from ingest.search import FIELDS, SearchError, build_request, search, valid_names
from tests.conftest import _delete_everything_under

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _inc(event_type, sub, country, code, admin1, location, lat, lon, actors, fatalities,
         date, weapons=(), precision=1, date_precision="day"):
    return {"event_type": event_type, "sub_event_type": sub, "country": country,
            "country_code": code, "admin1": admin1, "location": location, "lat": lat, "lon": lon,
            "actors": list(actors), "fatalities": fatalities, "date": date,
            "weapons": list(weapons), "geo_precision": precision,
            "date_precision": date_precision, "fatalities_reported": fatalities is not None,
            "injured_reported": False,
            "evidence": f"{event_type} reported in {location}.", "confidence": 0.7}


RUMAYLAN = _inc("Explosions/Remote violence", "Shelling/artillery/missile attack", "Syria", "SY",
                "Al-Hasakah", "Rumaylan", 36.6, 41.9, ["Kataib Hezbollah"], 0, "2024-04-21",
                ["rockets"])
ZUMMAR = _inc("Battles", "Armed clash", "Iraq", "IQ", "Ninewa", "Zummar", 36.64, 42.52,
              ["Kataib Hezbollah", "US forces"], 3, "2024-04-21")
PARIS = _inc("Protests", "Peaceful protest", "France", "FR", "Ile-de-France", "Paris", 48.85, 2.35,
             ["Protesters (France)"], None, "2024-05-01")
BAGHDAD = _inc("Battles", "Armed clash", "Iraq", "IQ", "Baghdad", "Baghdad", 33.31, 44.36,
               ["Iraqi army"], 5, "2024-05-09", ["rifles"], precision=2, date_precision="week")

CORPUS = [
    ({"article_id": "a1", "url": "http://alpha.test/1", "source": "Alpha News",
      "domain": "alpha.test", "feed_id": "alpha", "language": "en", "authors": ["Ann Lee"],
      "tags": ["war"], "published": "2024-04-21T12:00:00Z",
      "title": "Rockets fired from Zummar at a base in Rumaylan",
      "text": "At least five rockets were launched from Zummar towards a coalition base.",
      "description": "A rocket attack and a clash", "incident_relevance": 0.97},
     [RUMAYLAN, ZUMMAR]),
    ({"article_id": "a2", "url": "http://beta.test/2", "source": "Beta Times",
      "domain": "beta.test", "feed_id": "beta", "language": "fr", "authors": ["Jean Roy"],
      "tags": ["politics"], "published": "2024-05-02T08:00:00Z",
      "title": "Manifestation a Paris", "text": "Des milliers de personnes ont manifesté.",
      "description": "Protest", "incident_relevance": 0.5}, [PARIS]),
    ({"article_id": "a3", "url": "http://alpha.test/3", "source": "Alpha News",
      "domain": "alpha.test", "feed_id": "alpha", "language": "en", "authors": ["Ann Lee"],
      "tags": ["war"], "published": "2024-05-10T09:30:00Z",
      "title": "Clashes in Baghdad leave five dead",
      "text": "Five people were killed when the army clashed with gunmen in Baghdad.",
      "description": "Baghdad clash", "incident_relevance": 0.9}, [BAGHDAD]),
    ({"article_id": "a4", "url": "http://gamma.test/4", "source": "Gamma Daily",
      "domain": "gamma.test", "feed_id": "gamma", "language": "en", "authors": [],
      "tags": [], "title": "Markets calm after a quiet week",
      "text": "Stocks were flat; no rockets anywhere.", "description": "Markets",
      "incident_relevance": 0.04}, []),
]


@pytest.fixture(scope="module")
def corpus(es_client):
    prefix = f"nwtest-{uuid.uuid4().hex[:10]}"
    settings = Settings.from_env(index_prefix=prefix)
    schema.setup(es_client, settings)
    report = index_articles(es_client, settings, CORPUS, now=NOW, refresh="wait_for")
    assert (report.articles_indexed, report.incidents_indexed, report.failed) == (4, 4, 0)
    yield es_client, settings
    _delete_everything_under(es_client, prefix)


def _ids(result) -> set[str]:
    return {hit["id"] for hit in result.hits}


# (target, filter, value, ids expected)
FILTER_CASES = [
    ("articles", "event_type", "Battles", {"a1", "a3"}),
    ("articles", "sub_event_type", "Peaceful protest", {"a2"}),
    ("articles", "country", "Iraq", {"a1", "a3"}),
    ("articles", "country_code", ["SY", "FR"], {"a1", "a2"}),
    ("articles", "admin1", "Ninewa", {"a1"}),
    ("articles", "location", "Baghdad", {"a3"}),
    ("articles", "actor", "Kataib Hezbollah", {"a1"}),
    ("articles", "source", "Alpha News", {"a1", "a3"}),
    ("articles", "language", "fr", {"a2"}),
    ("articles", "feed_id", "gamma", {"a4"}),
    ("articles", "article_id", "a2", {"a2"}),
    ("articles", "domain", "beta.test", {"a2"}),
    ("articles", "author", "Ann Lee", {"a1", "a3"}),
    ("articles", "tag", "politics", {"a2"}),
    ("articles", "incident_relevance", "relevant", {"a1", "a2", "a3"}),
    ("incidents", "event_type", "Battles", {"a1-1", "a3-0"}),
    ("incidents", "sub_event_type", "Shelling/artillery/missile attack", {"a1-0"}),
    ("incidents", "country", "Iraq", {"a1-1", "a3-0"}),
    ("incidents", "country_code", "FR", {"a2-0"}),
    ("incidents", "admin1", "Al-Hasakah", {"a1-0"}),
    ("incidents", "location", "Zummar", {"a1-1"}),
    ("incidents", "actor", "Kataib Hezbollah", {"a1-0", "a1-1"}),
    ("incidents", "source", "Beta Times", {"a2-0"}),
    ("incidents", "language", "en", {"a1-0", "a1-1", "a3-0"}),
    ("incidents", "feed_id", "alpha", {"a1-0", "a1-1", "a3-0"}),
    ("incidents", "article_id", "a1", {"a1-0", "a1-1"}),
    ("incidents", "weapon", "rifles", {"a3-0"}),
    ("incidents", "date_precision", "week", {"a3-0"}),
    ("incidents", "geo_precision", "2", {"a3-0"}),
    ("incidents", "fatalities_reported", "false", {"a2-0"}),
    ("incidents", "injured_reported", "false", {"a1-0", "a1-1", "a2-0", "a3-0"}),
]


def test_every_filter_name_has_a_case():
    covered = {(target, name) for target, name, _, _ in FILTER_CASES}
    wanted = {(t, n) for t in ("articles", "incidents") for n in valid_names(t)}
    assert covered == wanted


@pytest.mark.parametrize(("target", "name", "value", "expected"), FILTER_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in FILTER_CASES])
def test_filter(corpus, target, name, value, expected):
    client, settings = corpus
    result = search(client, settings, target=target, filters={name: value}, size=20)
    assert (result.total, _ids(result)) == (len(expected), expected)


def test_filters_combine_with_and(corpus):
    client, settings = corpus
    result = search(client, settings, target="incidents",
                    filters={"country": "Iraq", "actor": ["Kataib Hezbollah", "Iraqi army"],
                             "weapon": "rifles"})
    assert _ids(result) == {"a3-0"}


def test_facets_count_values(corpus):
    client, settings = corpus
    articles = search(client, settings, facets=["event_type", "source", "country_code", "actor"])
    assert articles.total == 4
    assert dict(articles.facets["event_type"]) == {
        "Battles": 2, "Explosions/Remote violence": 1, "Protests": 1}
    assert articles.facets["source"][0] == ("Alpha News", 2)
    assert dict(articles.facets["source"]) == {"Alpha News": 2, "Beta Times": 1, "Gamma Daily": 1}
    assert dict(articles.facets["country_code"]) == {"IQ": 2, "SY": 1, "FR": 1}
    assert articles.fatalities_sum == 8
    incidents = search(client, settings, target="incidents",
                       facets=["country", "weapon", "geo_precision", "location"])
    assert dict(incidents.facets["country"]) == {"Iraq": 2, "Syria": 1, "France": 1}
    assert dict(incidents.facets["weapon"]) == {"rockets": 1, "rifles": 1}
    assert dict(incidents.facets["geo_precision"]) == {"1": 3, "2": 1}
    assert len(incidents.facets["location"]) == 4
    assert incidents.fatalities_sum == 8


def test_incident_relevance_is_a_facet_of_named_ranges(corpus):
    client, settings = corpus
    result = search(client, settings, facets=["incident_relevance"])
    assert dict(result.facets["incident_relevance"]) == {"relevant": 3, "not_relevant": 1}
    low = search(client, settings, filters={"incident_relevance": "not_relevant"})
    assert _ids(low) == {"a4"}
    with pytest.raises(SearchError, match="incident_relevance=relevant"):
        build_request("x", filters={"incident_relevance": "maybe"})
    with pytest.raises(SearchError, match="unknown facet incident_relevance"):
        build_request("x", target="incidents", facets=["incident_relevance"])


def test_facets_follow_the_filters(corpus):
    client, settings = corpus
    result = search(client, settings, target="incidents", filters={"country_code": "IQ"},
                    facets=["sub_event_type", "admin1"])
    assert result.facets == {"sub_event_type": [("Armed clash", 2)],
                             "admin1": [("Baghdad", 1), ("Ninewa", 1)]}


def test_histogram_by_time_field(corpus):
    client, settings = corpus
    articles = search(client, settings, histogram="month")
    assert [(d[:7], n) for d, n in articles.histogram] == [("2024-04", 1), ("2024-05", 2)]
    incidents = search(client, settings, target="incidents")
    assert [(d[:10], n) for d, n in incidents.histogram] == [
        ("2024-04-21", 2), ("2024-05-01", 1), ("2024-05-09", 1)]


def test_full_text_with_title_boost_and_highlights(corpus):
    client, settings = corpus
    result = search(client, settings, "rockets")
    assert [hit["id"] for hit in result.hits] == ["a1", "a4"]  # title match ranks first
    assert "<em>Rockets</em>" in result.hits[0]["highlights"]["title"][0]
    assert "text" not in result.hits[0]  # bodies left out of hits by default
    assert result.hits[0]["score"] > result.hits[1]["score"]
    with_text = search(client, settings, "baghdad", source_excludes=())
    assert _ids(with_text) == {"a3"} and "army clashed" in with_text.hits[0]["text"]
    incidents = search(client, settings, "Rumaylan", target="incidents")
    assert _ids(incidents) == {"a1-0", "a1-1"}  # evidence of one, article title of both
    phrase = search(client, settings, '"quiet week"')
    assert _ids(phrase) == {"a4"}


@pytest.mark.parametrize("query", [
    '"(( AND OR ~ ^ \\ / [', "title:(rockets", "a && || ! ( ) { } [ ] ^ \" ~ * ? : \\ /",
    "*", "-", "rock~2^", "\"unclosed", "AND", "<script>", "ümlaut ‘quotes’", "   ",
])
def test_lucene_syntax_never_breaks_the_query(corpus, query):
    client, settings = corpus
    for target in ("articles", "incidents"):
        result = search(client, settings, query, target=target, facets=["event_type"])
        assert result.total >= 0


def test_date_and_fatalities_ranges(corpus):
    client, settings = corpus
    may = search(client, settings, date_from="2024-05-01", date_to="2024-05-31")
    assert _ids(may) == {"a2", "a3"}
    since = search(client, settings, target="incidents", date_from="2024-05-02")
    assert _ids(since) == {"a3-0"}
    killed = search(client, settings, target="incidents", fatalities_min=1)
    assert _ids(killed) == {"a1-1", "a3-0"}
    few = search(client, settings, target="incidents", fatalities_max=3)
    assert _ids(few) == {"a1-0", "a1-1"}  # unknown (None) is neither in nor out of a range
    articles = search(client, settings, fatalities_min=4)
    assert _ids(articles) == {"a3"}


def test_geo_distance_and_bounding_box(corpus):
    client, settings = corpus
    near = search(client, settings, target="incidents", near=(36.6, 42.0, 100))
    assert _ids(near) == {"a1-0", "a1-1"}
    box = search(client, settings, target="incidents", bbox=(40.0, 30.0, 50.0, 35.0))
    assert _ids(box) == {"a3-0"}
    europe = search(client, settings, bbox=(-10.0, 35.0, 30.0, 60.0))
    assert _ids(europe) == {"a2"}  # articles carry the geo of their first incident


def test_sort_by_date_and_search_after_pages_through_everything(corpus):
    client, settings = corpus
    first = search(client, settings, sort="date", size=2)
    assert [h["id"] for h in first.hits] == ["a3", "a2"]
    second = search(client, settings, sort="date", size=2, search_after=first.next_search_after)
    assert [h["id"] for h in second.hits] == ["a1", "a4"]  # no published date: last
    third = search(client, settings, sort="date", size=2, search_after=second.next_search_after)
    assert third.hits == [] and third.next_search_after is None
    seen, after = [], None
    while True:
        page = search(client, settings, "rockets OR baghdad OR paris", size=1, search_after=after)
        seen += [h["id"] for h in page.hits]
        if not page.next_search_after:
            break
        after = page.next_search_after
    assert sorted(seen) == ["a1", "a2", "a3", "a4"] and len(seen) == len(set(seen))
    assert _ids(search(client, settings, "rockets AND zummar")) == {"a1"}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"filters": {"colour": "red"}}, "valid filters: actor, admin1"),
    ({"facets": ["weapon"]}, "unknown facet 'weapon' for articles"),
    ({"target": "stories"}, "valid targets: articles, incidents, events"),
    ({"sort": "random"}, "valid sorts"),
    ({"histogram": "fortnight"}, "valid: hour"),
    ({"size": -1}, "out of range"),
])
def test_bad_requests_list_the_valid_choices(kwargs, message):
    with pytest.raises(SearchError, match=message):
        build_request("x", **kwargs)


def test_all_filter_fields_exist_in_the_mapping_as_keywords_numbers_or_booleans():
    settings = Settings(index_prefix="nw")
    for target in ("articles", "incidents"):
        built = schema.build_templates(target, settings, english=False)
        props = built["component_templates"][f"nw-{target}-mappings"]["template"]["mappings"][
            "properties"]
        for name, spec in FIELDS.items():
            es_field = getattr(spec, target)
            if es_field:
                assert props[es_field]["type"] in {"keyword", "integer", "boolean"}, (target, name)
