"""docker-compose.yml cannot run here: check it parses and agrees with the rest of the project."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ES_VERSION = (REPO / "ES_VERSION").read_text().strip()


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def test_elastic_images_use_the_one_pinned_version():
    services = _compose()["services"]
    elastic_images = [s["image"] for s in services.values()
                      if "docker.elastic.co" in s.get("image", "")]
    assert len(elastic_images) >= 3
    for image in elastic_images:
        assert image.endswith(f":{ES_VERSION}"), image


def test_python_client_major_matches_server_major():
    assert _pins()["elasticsearch"].split(".")[0] == ES_VERSION.split(".")[0]


def test_airflow_image_matches_pinned_airflow():
    dockerfile = (REPO / "Dockerfile").read_text()
    version = re.search(r"ARG AIRFLOW_VERSION=(\S+)", dockerfile).group(1)
    assert version == _pins()["apache-airflow"]
    assert version.startswith("3.")


def test_full_stack_services_are_present():
    services = _compose()["services"]
    for name in ("elasticsearch", "es-setup", "kibana", "kibana-import", "postgres", "airflow-init",
                 "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                 "airflow-triggerer", "newswatch-setup"):
        assert name in services, name
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"):
        env = services[name]["environment"]
        assert env["AIRFLOW_CONN_NEWSWATCH_ES"].startswith("http://elastic:")
        assert "./dags:/opt/airflow/dags:ro" in services[name]["volumes"]
    assert services["newswatch-setup"]["entrypoint"] == ["newswatch", "setup-es"]
    assert services["elasticsearch"]["environment"]["xpack.security.enabled"] == "true"


def test_kibana_import_points_at_the_saved_objects_file():
    command = _compose()["services"]["kibana-import"]["command"]
    assert "kbn-xsrf: true" in command
    assert "/seeds/kibana/newswatch.ndjson" in command
    assert "./seeds/kibana:/seeds/kibana:ro" in _compose()["services"]["kibana-import"]["volumes"]


def test_every_variable_compose_reads_is_documented_in_env_example():
    text = (REPO / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    documented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M))
    assert used - documented == set()
