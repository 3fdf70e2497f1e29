"""A real round trip through the local node: mapping, bulk, terms aggregation, geo filter."""

from elasticsearch import helpers


def test_bulk_terms_aggregation_and_geo_filter(es):
    client, prefix = es
    index = f"{prefix}-roundtrip"
    client.indices.create(
        index=index,
        mappings={"properties": {"country": {"type": "keyword"}, "geo": {"type": "geo_point"}}},
    )
    docs = [
        {"_id": "baghdad", "country": "IQ", "geo": {"lat": 33.31, "lon": 44.36}},
        {"_id": "mosul", "country": "IQ", "geo": {"lat": 36.34, "lon": 43.13}},
        {"_id": "damascus", "country": "SY", "geo": {"lat": 33.51, "lon": 36.29}},
    ]
    ok, errors = helpers.bulk(client, ({"_index": index, **d} for d in docs), refresh="wait_for")
    assert (ok, errors) == (3, [])

    result = client.search(
        index=index,
        size=10,
        query={"geo_distance": {"distance": "100km", "geo": {"lat": 33.3, "lon": 44.4}}},
        aggs={"by_country": {"terms": {"field": "country"}}},
    )
    assert [hit["_id"] for hit in result["hits"]["hits"]] == ["baghdad"]
    everything = client.search(index=index, size=0, aggs={"c": {"terms": {"field": "country"}}})
    buckets = {b["key"]: b["doc_count"] for b in everything["aggregations"]["c"]["buckets"]}
    assert buckets == {"IQ": 2, "SY": 1}


def test_reindexing_same_ids_does_not_duplicate(es):
    client, prefix = es
    index = f"{prefix}-ids"
    actions = [{"_index": index, "_id": "a", "n": 1}, {"_index": index, "_id": "b", "n": 2}]
    helpers.bulk(client, actions, refresh="wait_for")
    helpers.bulk(client, actions, refresh="wait_for")
    assert client.count(index=index)["count"] == 2
