"""docker-compose.yml cannot run here: check it parses and agrees with the rest of the project."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ES_VERSION = (REPO / "ES_VERSION").read_text().strip()


AIRFLOW_DAEMONS = ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                   "airflow-triggerer")
SECRETS = ("ELASTIC_PASSWORD", "KIBANA_PASSWORD", "POSTGRES_PASSWORD", "AIRFLOW_JWT_SECRET")


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
    for name in AIRFLOW_DAEMONS:
        env = services[name]["environment"]
        assert json.loads(_interpolate(env["AIRFLOW_CONN_NEWSWATCH_ES"]))["host"] == "elasticsearch"
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
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))   # $${X}: the container's
    documented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M))
    assert used - documented == set()


# ---------------------------------------------------------------- production fit (issue 16)

def _interpolate(text: str, env: dict[str, str] | None = None) -> str:
    """docker compose's ${VAR}, ${VAR:-default} and ${VAR:?error} (the forms this file uses)."""
    env = {"ELASTIC_PASSWORD": "secret"} if env is None else env

    def one(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op == ":?":
            raise ValueError(f"required variable {name} is missing a value: {arg}")
        return arg if op == ":-" else ""
    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", one, text.replace("$$", "\0")) \
        .replace("\0", "$")


def _one_shots(services: dict) -> set[str]:
    return {name for service in services.values()
            for name, cond in (service.get("depends_on") or {}).items()
            if isinstance(cond, dict) and cond.get("condition") == "service_completed_successfully"}


def test_dags_are_active_when_created():
    services = _compose()["services"]
    for name in AIRFLOW_DAEMONS + ("airflow-init",):
        assert services[name]["environment"]["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == \
            "False", name


def test_services_restart_and_one_shots_do_not():
    services = _compose()["services"]
    one_shots = _one_shots(services)
    assert {"es-setup", "newswatch-setup", "airflow-init"} <= one_shots
    for name, service in services.items():
        if name in one_shots or name == "kibana-import":
            assert service["restart"] == "no", name
        else:
            assert service.get("restart") in ("always", "unless-stopped"), name


def test_long_running_services_have_health_checks_as_airflow_s_own_compose_file():
    services = _compose()["services"]
    for name, service in services.items():
        if service.get("restart") != "no":
            assert service["healthcheck"]["test"], name
    test = {name: " ".join(services[name]["healthcheck"]["test"]) for name in AIRFLOW_DAEMONS}
    assert "localhost:8974/health" in test["airflow-scheduler"]
    assert "--job-type DagProcessorJob" in test["airflow-dag-processor"]
    assert "--job-type TriggererJob" in test["airflow-triggerer"]
    assert "/api/v2/version" in test["airflow-apiserver"]
    assert services["airflow-scheduler"]["environment"][
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "True"


def test_airflow_services_share_one_logs_volume():
    compose = _compose()
    mounts = {name: [v for v in compose["services"][name]["volumes"]
                     if v.split(":")[1] == "/opt/airflow/logs"] for name in AIRFLOW_DAEMONS}
    volumes = {m[0].split(":")[0] for m in mounts.values() if len(m) == 1}
    assert len(volumes) == 1 and all(len(m) == 1 for m in mounts.values()), mounts
    assert volumes <= set(compose["volumes"])


def test_every_secret_is_required_so_a_missing_env_file_stops_compose():
    text = (REPO / "docker-compose.yml").read_text()
    for secret in SECRETS:
        uses = re.findall(r"(?<!\$)\$\{" + secret + r"([^}]*)\}", text)
        assert uses, secret
        assert all(use.startswith(":?") and secret in use for use in uses), (secret, uses)
    with pytest.raises(ValueError, match="ELASTIC_PASSWORD"):
        _interpolate(text, {"KIBANA_PASSWORD": "k", "POSTGRES_PASSWORD": "p",
                            "AIRFLOW_JWT_SECRET": "j"})


def test_every_service_has_a_memory_limit():
    for name, service in _compose()["services"].items():
        limit = service.get("mem_limit") or \
            service.get("deploy", {}).get("resources", {}).get("limits", {}).get("memory")
        assert re.fullmatch(r"\d+[kmg]", _interpolate(str(limit or ""))), (name, limit)


@pytest.mark.parametrize("password", ["plain", "p@ss:w/rd#?%&+ =;", "sp ace$dollar"])
def test_elasticsearch_connection_is_json_so_any_password_survives(password):
    from ingest.orchestration import settings_from_connection

    raw = _compose()["services"]["airflow-scheduler"]["environment"]["AIRFLOW_CONN_NEWSWATCH_ES"]
    conn = json.loads(_interpolate(raw, {"ELASTIC_PASSWORD": password}))
    fields = {"conn_type": conn["conn_type"], "host": conn["host"], "port": conn["port"],
              "login": conn["login"], "password": conn["password"],
              "extra_dejson": conn.get("extra", {})}
    settings = settings_from_connection(lambda conn_id: SimpleNamespace(**fields))
    assert settings.es_url == "http://elasticsearch:9200"
    assert (settings.es_username, settings.es_password) == ("elastic", password)


def test_the_feed_list_is_mounted_where_newswatch_reads_it():
    service = _compose()["services"]["airflow-scheduler"]
    target = service["environment"]["NEWSWATCH_FEEDS"]
    assert f"./seeds/feeds.yaml:{target}:ro" in service["volumes"]
    assert "NEWSWATCH_SEEDS" not in service["environment"]   # the image's own seeds are used


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined."""
    text = re.sub(r"\\\n", "", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def test_image_installs_the_package_not_editable_and_builds_the_gazetteer_once():
    steps = _dockerfile()
    runs = [args for op, args in steps if op == "RUN"]
    [install] = [i for i, (op, args) in enumerate(steps) if op == "RUN" and "pip install" in args]
    assert not re.search(r"(^|\s)(-e|--editable)(\s|$)", steps[install][1])
    copied = " ".join(args for op, args in steps[:install] if op == "COPY")
    for folder in ("ingest", "extract", "seeds", "pyproject.toml"):
        assert folder in copied, folder
    cache_env = [i for i, (op, args) in enumerate(steps)
                 if op == "ENV" and args.startswith("NEWSWATCH_CACHE_DIR=")]
    [build] = [i for i, (op, args) in enumerate(steps) if op == "RUN" and "gazetteer.get()" in args]
    assert cache_env and install < build and cache_env[0] < build
    assert "configure_extract()" in steps[build][1]    # NEWSWATCH_CACHE_DIR read as at run time
    assert "chmod -R a+rX" in steps[build][1]           # readable by any AIRFLOW_UID
    assert not any("NEWSWATCH_SEEDS" in args for _, args in steps)
    assert len(runs) >= 2
