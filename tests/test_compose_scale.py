"""docker-compose.scale.yml cannot run here: check it parses, merges onto docker-compose.yml and
agrees with ES_VERSION, the executor settings and scripts/cluster.sh."""

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ES_VERSION = (REPO / "ES_VERSION").read_text().strip()
NODES = ("elasticsearch", "es02", "es03")
AIRFLOW = ("airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
           "airflow-triggerer", "airflow-worker")


def _load(name: str) -> dict:
    return yaml.safe_load((REPO / name).read_text())


def _merged() -> dict[str, dict]:
    """Services as `docker compose -f docker-compose.yml -f docker-compose.scale.yml` sees
    them: mappings merged key by key, `extends` resolved against the base file."""
    base, scale = _load("docker-compose.yml")["services"], _load("docker-compose.scale.yml")
    services = {name: dict(body) for name, body in base.items()}
    for name, body in scale["services"].items():
        body = dict(body)
        extends = body.pop("extends", None)
        if extends:
            assert extends["file"] == "docker-compose.yml"
            services[name] = dict(base[extends["service"]])
        target = services.setdefault(name, {})
        for key, value in body.items():
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                target[key] = {**target[key], **value}
            else:
                target[key] = value
    return services


def test_every_elastic_image_is_es_version():
    images = [s["image"] for s in _load("docker-compose.scale.yml")["services"].values()
              if "docker.elastic.co" in s.get("image", "")]
    assert len(images) == 4  # three nodes and the certificate maker
    assert {image.rsplit(":", 1)[1] for image in images} == {ES_VERSION}


def test_three_nodes_discover_each_other_and_bootstrap_together():
    services = _merged()
    names = set()
    for node in NODES:
        env = services[node]["environment"]
        names.add(env["node.name"])
        assert env["discovery.type"] == "multi-node"  # the base file's single-node is replaced
        assert set(env["discovery.seed_hosts"].split(",")) == set(NODES)
        assert set(env["cluster.initial_master_nodes"].split(",")) == set(NODES)
        assert env["xpack.security.transport.ssl.enabled"] == "true"
        assert f"certs/{node}/" in env["xpack.security.transport.ssl.certificate"]
        assert any(str(v).startswith("esdata") for v in services[node]["volumes"])
    assert names == set(NODES)
    data = [next(v for v in services[n]["volumes"] if v.startswith("esdata")) for n in NODES]
    assert len(set(data)) == 3  # one data path each


def test_every_airflow_process_uses_celery_with_redis_and_postgres():
    services = _merged()
    assert services["redis"]["image"].startswith("redis:")
    for name in AIRFLOW:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql"), name
        # the metadata DB of the base file is the one the result backend uses
        assert "@postgres:5432/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["NEWSWATCH_INDEX_REPLICAS"].endswith("1}"), name
    for name in AIRFLOW[1:]:
        needs = services[name]["depends_on"]
        assert needs["redis"]["condition"] == "service_healthy", name


def test_workers_are_many_and_run_celery():
    worker = _merged()["airflow-worker"]
    assert worker["command"] == "celery worker"
    assert worker["deploy"]["replicas"].startswith("${AIRFLOW_WORKERS:-")
    assert worker["image"] == _load("docker-compose.yml")["services"]["airflow-scheduler"][
        "image"]
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"])


def test_local_cluster_script_matches_the_compose_topology():
    """scripts/cluster.sh is the same shape without Docker: Celery, Redis, three nodes."""
    script = (REPO / "scripts" / "cluster.sh").read_text()
    assert "AIRFLOW__CORE__EXECUTOR=CeleryExecutor" in script
    assert 'ES_PORTS=(${NEWSWATCH_CLUSTER_ES_PORTS:-9210 9211 9212})' in script
    assert "NEWSWATCH_INDEX_REPLICAS=${NEWSWATCH_INDEX_REPLICAS:-1}" in script
