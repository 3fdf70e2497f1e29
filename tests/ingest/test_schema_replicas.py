"""setup-es gives every index kind the configured replicas, also indices that already exist
(a deployment that grows from one node to a cluster changes configuration, not code)."""

from dataclasses import replace

from ingest import schema


def _replicas(client, prefix: str) -> dict[str, str]:
    found = client.indices.get_settings(index=f"{prefix}-*", name="index.number_of_replicas")
    return {name: body["settings"]["index"]["number_of_replicas"]
            for name, body in found.body.items()}


def test_setup_applies_configured_replicas_to_existing_indices(es_client, es_settings, es_prefix):
    first = schema.setup(es_client, es_settings)
    assert set(_replicas(es_client, es_prefix).values()) == {"0"}  # the one-node default
    assert {first[kind]["replicas_status"] for kind in schema.KINDS} == {"current"}

    grown = replace(es_settings, index_replicas=1)
    report = schema.setup(es_client, grown)
    assert _replicas(es_client, es_prefix) == {
        f"{es_prefix}-{kind}-v1": "1" for kind in schema.KINDS}
    assert {report[kind]["replicas_status"] for kind in schema.KINDS} == {"updated"}
    assert {schema.setup(es_client, grown)[kind]["replicas_status"]
            for kind in schema.KINDS} == {"current"}

    schema.setup(es_client, es_settings)  # back to one node: the single node turns green again
    assert set(_replicas(es_client, es_prefix).values()) == {"0"}


def test_new_indices_take_shards_and_replicas_from_configuration(es_client, es_settings,
                                                                 es_prefix):
    schema.setup(es_client, replace(es_settings, index_shards=2, index_replicas=1))
    found = es_client.indices.get_settings(index=f"{es_prefix}-*",
                                           name="index.number_of_*").body
    assert {name: (body["settings"]["index"]["number_of_shards"],
                   body["settings"]["index"]["number_of_replicas"])
            for name, body in found.items()} == {
        f"{es_prefix}-{kind}-v1": ("2", "1") for kind in schema.KINDS}
