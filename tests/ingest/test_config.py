"""Settings.from_env refuses every value out of range or of the wrong type, naming it."""

from __future__ import annotations

import pytest

from ingest.cli import main
from ingest.config import Settings

BAD = [
    ("NEWSWATCH_HTTP_TIMEOUT", "-5"),
    ("NEWSWATCH_HTTP_TIMEOUT", "0"),
    ("NEWSWATCH_HTTP_TIMEOUT", "nan"),
    ("NEWSWATCH_HTTP_TIMEOUT", "inf"),
    ("NEWSWATCH_HTTP_TIMEOUT", "ten"),
    ("NEWSWATCH_MAX_BODY_BYTES", "-1"),
    ("NEWSWATCH_MAX_BODY_BYTES", "1e6"),
    ("NEWSWATCH_MAX_REDIRECTS", "-1"),
    ("NEWSWATCH_PER_HOST_CONCURRENCY", "0"),
    ("NEWSWATCH_PER_HOST_DELAY", "-0.5"),
    ("NEWSWATCH_FEED_WORKERS", "0"),
    ("NEWSWATCH_FEED_REVALIDATE_HOURS", "nan"),
    ("NEWSWATCH_MAX_ARTICLES_PER_FEED", "-3"),
    ("NEWSWATCH_INDEX_SHARDS", "0"),
    ("NEWSWATCH_INDEX_REPLICAS", "-1"),
    ("NEWSWATCH_ALLOW_PRIVATE_HOSTS", "127.0.0.1,not a host!"),
    ("NEWSWATCH_ALLOW_PRIVATE_HOSTS", "10.0.0.0/33"),
    ("NEWSWATCH_INDEX_PREFIX", "News"),
    ("NEWSWATCH_INDEX_PREFIX", "_news"),
    ("NEWSWATCH_INDEX_PREFIX", "-news"),
    ("NEWSWATCH_INDEX_PREFIX", "news watch"),
    ("NEWSWATCH_INDEX_PREFIX", "news*"),
    ("NEWSWATCH_INDEX_PREFIX", "a:b"),
    ("NEWSWATCH_ES_URL", "127.0.0.1:9200"),
    ("NEWSWATCH_USER_AGENT", "bot\r\nX-Injected: 1"),
]


@pytest.mark.parametrize(("variable", "value"), BAD)
def test_bad_value_is_refused_naming_the_variable(variable, value):
    with pytest.raises(ValueError) as caught:
        Settings.from_env({variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}=") and "expected" in message, message
    assert "\n" not in message


@pytest.mark.parametrize(("name", "value"), [("http_timeout_s", float("nan")),
                                             ("index_shards", 0), ("max_body_bytes", -1),
                                             ("feed_workers", True)])
def test_bad_override_is_refused_too(name, value):
    with pytest.raises(ValueError):
        Settings.from_env({}, **{name: value})


def test_good_values_pass():
    settings = Settings.from_env({
        "NEWSWATCH_HTTP_TIMEOUT": "2.5", "NEWSWATCH_MAX_BODY_BYTES": "2048",
        "NEWSWATCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1, 10.0.0.0/8, ::1, localhost, es-node.internal",
        "NEWSWATCH_INDEX_PREFIX": "nw-test.2", "NEWSWATCH_INDEX_REPLICAS": "0",
        "NEWSWATCH_ES_URL": "https://es.example.org:9243", "NEWSWATCH_PER_HOST_DELAY": "0",
    })
    assert settings.http_timeout_s == 2.5 and settings.max_body_bytes == 2048
    assert settings.allow_private_hosts[-1] == "es-node.internal"


@pytest.mark.parametrize("command", [["run"], ["poll", "--no-es"], ["feeds", "check"],
                                     ["search", "x"], ["setup-es"], ["feed", "nosuch.xml"],
                                     ["dead-letters", "list"]])
def test_every_command_stops_with_one_line_and_exit_2(command, monkeypatch, capsys):
    monkeypatch.setenv("NEWSWATCH_INDEX_SHARDS", "0")
    try:
        status = main(command)
    except SystemExit as exc:  # what the console script turns into the exit status
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert "NEWSWATCH_INDEX_SHARDS=0: expected a whole number of shards >= 1" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
