"""Schema as code: template builder, idempotent setup, versions behind aliases, migration."""

from __future__ import annotations

import pytest

from ingest import schema
from ingest.config import Settings
from ingest.index import index_articles


def _props(built: dict, kind: str, settings: Settings) -> dict:
    name = schema.component_names(kind, settings)[1]
    return built["component_templates"][name]["template"]["mappings"]["properties"]


@pytest.mark.parametrize("kind", schema.KINDS)
def test_templates_without_english_have_no_english_subfield(kind):
    settings = Settings(index_prefix="nw", index_replicas=0)
    built = schema.build_templates(kind, settings, english=False)
    assert "english" not in repr(built)
    mappings = built["component_templates"]["nw-" + kind + "-mappings"]["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    assert built["index_template"]["name"] == f"nw-{kind}"
    assert built["index_template"]["body"]["index_patterns"] == [f"nw-{kind}-v*"]
    assert built["index_template"]["body"]["composed_of"] == ["nw-settings", f"nw-{kind}-mappings"]
    index_settings = built["component_templates"]["nw-settings"]["template"]["settings"]
    assert index_settings["number_of_replicas"] == 0


def test_templates_with_english_add_stemmed_subfields_to_article_text_only():
    settings = Settings(index_prefix="nw")
    props = _props(schema.build_templates("articles", settings, english=True), "articles", settings)
    for name in ("title", "text", "description"):
        assert props[name]["fields"]["english"] == {"type": "text", "analyzer": "english"}
    assert props["title"]["fields"]["keyword"]["type"] == "keyword"  # kept beside it
    assert "fields" not in props["authors"]
    incidents = _props(schema.build_templates("incidents", settings, english=True), "incidents",
                       settings)
    assert "english" not in repr(incidents)


def test_builder_is_pure_and_replicas_configurable():
    settings = Settings(index_prefix="nw", index_replicas=2, index_shards=3)
    first = schema.build_templates("incidents", settings, english=True)
    schema.build_templates("incidents", settings, english=False)
    assert first == schema.build_templates("incidents", settings, english=True)
    assert first["component_templates"]["nw-settings"]["template"]["settings"] == {
        "number_of_shards": 3, "number_of_replicas": 2}
    assert schema.build_templates("articles", settings, english=False)["component_templates"][
        "nw-articles-mappings"]["template"]["mappings"]["properties"]["title"].get(
        "fields", {}).get("english") is None


def test_unknown_kind_is_refused():
    with pytest.raises(schema.SchemaError,
                       match="valid kinds: articles, incidents, feeds, events"):
        schema.build_templates("stories", Settings(), english=False)


def _state(client, prefix: str) -> dict:
    indices = client.indices.get(index=f"{prefix}*").body
    return {
        "indices": {
            name: {"aliases": data["aliases"], "mappings": data["mappings"],
                   "replicas": data["settings"]["index"]["number_of_replicas"]}
            for name, data in indices.items()
        },
        "templates": sorted(
            (t["name"], repr(t["index_template"]))
            for t in client.indices.get_index_template(name=f"{prefix}*")["index_templates"]
        ),
        "components": sorted(
            (t["name"], repr(t["component_template"]))
            for t in client.cluster.get_component_template(name=f"{prefix}*")[
                "component_templates"]
        ),
    }


def test_setup_twice_gives_the_same_state(es_client, es_settings, es_prefix):
    first = schema.setup(es_client, es_settings)
    assert first["english"] is False  # the integ-test-zip has no analysis-common
    state = _state(es_client, es_prefix)
    second = schema.setup(es_client, es_settings)
    assert _state(es_client, es_prefix) == state
    for kind in schema.KINDS:
        assert first[kind]["index_status"] == "created"
        assert first[kind]["alias_status"] == "created"
        assert second[kind]["index_status"] == "existed"
        assert second[kind]["alias_status"] == "existed"
        assert second[kind]["mapping_status"] == "current"
        assert set(second[kind]["templates"].values()) == {"unchanged"}
        index = f"{es_prefix}-{kind}-v1"
        assert schema.current_index(es_client, es_settings, kind) == index
        assert state["indices"][index]["aliases"] == {
            f"{es_prefix}-{kind}": {"is_write_index": True}}
        assert state["indices"][index]["replicas"] == "0"
        assert state["indices"][index]["mappings"]["dynamic"] == "strict"
    assert set(state["indices"]) == {f"{es_prefix}-{k}-v1" for k in schema.KINDS}


def test_setup_refuses_a_concrete_index_in_the_alias_name(es_client, es_settings, es_prefix):
    es_client.indices.create(index=f"{es_prefix}-feeds")
    with pytest.raises(schema.SchemaError, match="concrete index"):
        schema.setup(es_client, es_settings)


def test_setup_restores_a_lost_alias_to_the_newest_version(es_client, es_settings, es_prefix):
    schema.setup(es_client, es_settings)
    newer = schema.create_next_version(es_client, es_settings, "feeds")
    es_client.indices.delete_alias(index="*", name=f"{es_prefix}-feeds")
    report = schema.setup(es_client, es_settings)
    assert report["feeds"]["alias_status"] == "created"
    assert schema.current_index(es_client, es_settings, "feeds") == newer


def _articles(n: int) -> list[tuple[dict, list[dict]]]:
    return [
        ({"article_id": f"a{i}", "url": f"http://example.test/{i}", "title": f"Story {i}",
          "published": "2024-04-21T10:00:00Z"},
         [{"event_type": "Battles", "country": "Iraq", "lat": 33.3, "lon": 44.4}] * (i % 3))
        for i in range(n)
    ]


def test_migrate_keeps_every_document_and_moves_the_alias(es_client, es_settings, es_prefix):
    schema.setup(es_client, es_settings)
    report = index_articles(es_client, es_settings, _articles(30), refresh="wait_for")
    assert (report.articles_indexed, report.incidents_indexed, report.failed) == (30, 30, 0)
    migrated = schema.migrate(es_client, es_settings, "articles")
    assert migrated.old_index == f"{es_prefix}-articles-v1"
    assert migrated.new_index == f"{es_prefix}-articles-v2"
    assert migrated.source_count == migrated.target_count == 30
    assert schema.current_index(es_client, es_settings, "articles") == migrated.new_index
    aliases = es_client.indices.get_alias(name=f"{es_prefix}-articles").body
    assert list(aliases) == [migrated.new_index]
    assert es_client.count(index=f"{es_prefix}-articles")["count"] == 30
    stored = es_client.get(index=f"{es_prefix}-articles", id="a7")["_source"]
    assert stored["title"] == "Story 7" and stored["incident_count"] == 1
    # writes go to the new version through the alias
    index_articles(es_client, es_settings, _articles(31)[30:], refresh="wait_for")
    assert es_client.count(index=migrated.new_index)["count"] == 31
    assert es_client.count(index=migrated.old_index)["count"] == 30
    again = schema.migrate(es_client, es_settings, "articles")
    assert again.new_index == f"{es_prefix}-articles-v3" and again.target_count == 31


def test_swap_alias_is_one_move(es_client, es_settings, es_prefix):
    schema.setup(es_client, es_settings)
    new = schema.create_next_version(es_client, es_settings, "incidents")
    assert new == f"{es_prefix}-incidents-v2"
    assert schema.current_index(es_client, es_settings, "incidents") == f"{es_prefix}-incidents-v1"
    schema.swap_alias(es_client, es_settings, "incidents", new)
    aliases = es_client.indices.get_alias(name=f"{es_prefix}-incidents").body
    assert aliases == {new: {"aliases": {f"{es_prefix}-incidents": {"is_write_index": True}}}}
    mapping = es_client.indices.get_mapping(index=new)[new]["mappings"]
    assert mapping["properties"]["geo"]["type"] == "geo_point"


def test_current_index_without_setup_says_what_to_do(es_client, es_settings):
    with pytest.raises(schema.SchemaError, match="setup-es"):
        schema.current_index(es_client, es_settings, "articles")
