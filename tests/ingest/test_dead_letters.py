"""Dead letters on the real node: kept whole or not at all, never fatal to the run, and
listed, replayed after a mapping fix, and purged by `newswatch dead-letters`."""

from __future__ import annotations

import json
import logging
import resource
import signal
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from ingest import dead_letters, schema
from ingest.cli import main
from ingest.ids import article_id
from ingest.index import index_articles

NOW = datetime(2024, 4, 22, 12, 0, tzinfo=UTC)


def _article(url: str, **extra) -> dict:
    return {"article_id": article_id(url), "url": url, "title": "Rockets hit a base",
            "text": "Rockets were fired at the base.", "published": "2024-04-21T10:00:00Z",
            **extra}


@pytest.fixture
def ready(es_client, es_settings):
    schema.setup(es_client, es_settings)
    return es_client, es_settings


def _all_lines(directory) -> list[dict]:
    """Every line of every dead-letter file, each required to be complete UTF-8 JSON."""
    lines = []
    for path in sorted(directory.glob("*.jsonl")):
        for raw in path.read_bytes().splitlines():
            lines.append(json.loads(raw.decode("utf-8")))
    return lines


def test_an_unwritable_folder_costs_the_dead_letters_only(ready, tmp_path, caplog):
    client, settings = ready
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the dead-letter folder should be")
    settings = settings.__class__.from_env({}, index_prefix=settings.index_prefix,
                                           dead_letter_dir=blocked)
    good, refused = _article("http://a.test/good"), _article("http://a.test/bad", surprise=1)
    with caplog.at_level(logging.ERROR, logger="ingest.index"):
        report = index_articles(client, settings, [(good, []), (refused, [])], now=NOW)
    assert report.articles_indexed == 1 and report.failed == 1
    assert report.dead_letters_unsaved == 1 and report.dead_letter_path is None
    assert any("could not keep 1 dead letters" in r.getMessage() and str(blocked) in r.getMessage()
               for r in caplog.records)


@contextmanager
def _file_size_limit(size: int):
    """Writes past `size` bytes fail with EFBIG, as on a full disk (the process lives on)."""
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


def test_a_full_disk_leaves_no_truncated_line_and_the_run_goes_on(ready):
    client, settings = ready
    small = _article("http://a.test/small", surprise="x")
    index_articles(client, settings, [(small, [])], now=NOW)  # one complete letter first
    big = _article("http://a.test/big", surprise="y", text="Rockets fell. " * 20_000)
    good = _article("http://a.test/fine")
    with _file_size_limit(64 * 1024):
        report = index_articles(client, settings, [(good, []), (big, [])], now=NOW)
    assert report.articles_indexed == 1 and report.dead_letters_unsaved == 1
    lines = _all_lines(settings.dead_letter_dir)  # raises on a truncated line
    assert [line["id"] for line in lines] == [small["article_id"]]


def test_a_lone_surrogate_is_kept_as_valid_utf8_and_read_back_the_same():
    line = dead_letters.encode_line({"id": "x", "document": {"title": "bad \ud800 title é"}})
    text = line.decode("utf-8")  # valid UTF-8
    assert json.loads(text)["document"]["title"] == "bad \ud800 title é"
    circular: dict = {}
    circular["self"] = circular
    assert json.loads(dead_letters.encode_line({"id": "y", "document": circular}))["id"] == "y"


def test_a_refused_document_with_a_lone_surrogate_is_kept(ready):
    client, settings = ready
    bad = _article("http://a.test/surrogate", title="Rockets \ud800 hit", surprise=True)
    report = index_articles(client, settings, [(bad, [])], now=NOW)
    assert report.failed == 1 and report.dead_letters_unsaved == 0
    [line] = _all_lines(settings.dead_letter_dir)
    assert line["id"] == bad["article_id"]


def _run(args, capsys) -> tuple[int, str, str]:
    try:
        status = main(args)
    except SystemExit as exc:
        status = exc.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_list_fix_the_mapping_replay_and_purge(ready, monkeypatch, capsys):
    client, settings = ready
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", settings.index_prefix)
    monkeypatch.setenv("NEWSWATCH_DEAD_LETTER_DIR", str(settings.dead_letter_dir))
    monkeypatch.setenv("COLUMNS", "200")
    fixable = [_article(f"http://a.test/new-field-{n}", section="world") for n in range(3)]
    hopeless = _article("http://a.test/words", word_count="many words")
    report = index_articles(client, settings, [(doc, []) for doc in [*fixable, hopeless]],
                            now=datetime.now(UTC))
    assert report.failed == 4
    # the same document refused on a second pass is stored twice, replayed once
    index_articles(client, settings, [(fixable[0], [])], now=datetime.now(UTC))
    legacy = settings.dead_letter_dir / "bulk-20240101.jsonl"
    legacy.write_bytes(b'{"time": "2024-01-01T00:00:00+00:00", "index": "x", "id": "tr')

    status, out, _ = _run(["dead-letters", "list", "--json"], capsys)
    listed = json.loads(out)
    articles = settings.index("articles")
    assert status == 0 and listed["total"] == 5
    assert listed["by_index"] == {articles: 5}
    assert listed["by_error"] == {"strict_dynamic_mapping_exception": 4,
                                  "document_parsing_exception": 1}
    assert [u["line"] for u in listed["unreadable"]] == [1]
    status, out, _ = _run(["dead-letters", "list"], capsys)
    assert status == 0 and "strict_dynamic_mapping_exception" in out and articles in out

    # the operator adds the missing field to the mapping, then replays
    client.indices.put_mapping(index=articles, properties={"section": {"type": "keyword"}})
    status, out, _ = _run(["dead-letters", "replay", "--json"], capsys)
    replayed = json.loads(out)
    assert status == 1  # one document still refused: not everything is done
    assert (replayed["sent"], replayed["succeeded"], replayed["removed_lines"]) == (4, 3, 4)
    assert any("word_count" in reason for reason in replayed["failed"])
    client.indices.refresh(index=articles)
    for doc in fixable:
        assert client.get(index=articles, id=doc["article_id"])["_source"]["section"] == "world"
    remaining = [letter.record["id"] for letter in dead_letters.read_letters(
        settings.dead_letter_dir) if letter.record]
    assert remaining == [hopeless["article_id"]]

    status, _, err = _run(["dead-letters", "purge"], capsys)
    assert status == 2 and "--yes" in err and "--older-than" in err
    status, out, _ = _run(["dead-letters", "purge", "--older-than", "1d"], capsys)
    assert status == 0 and len(dead_letters.read_letters(settings.dead_letter_dir)) == 2
    status, out, _ = _run(["dead-letters", "purge", "--yes"], capsys)
    assert status == 0 and dead_letters.read_letters(settings.dead_letter_dir) == []
    status, out, _ = _run(["dead-letters", "list", "--json"], capsys)
    assert json.loads(out)["total"] == 0


def test_purge_older_than_keeps_recent_letters(tmp_path):
    now = datetime.now(UTC)
    lines = [dead_letters.encode_line({"time": (now - timedelta(days=age)).isoformat(),
                                       "index": "i", "id": str(age), "op": "index"})
             for age in (40, 10, 1)]
    dead_letters.write_file(tmp_path, lines, now)
    old = dead_letters.older_than(dead_letters.read_letters(tmp_path),
                                  dead_letters.parse_age("7d"), now)
    assert sorted(letter.record["id"] for letter in old) == ["10", "40"]
    assert dead_letters.remove_letters(old) == 2
    assert [letter.record["id"] for letter in dead_letters.read_letters(tmp_path)] == ["1"]
    with pytest.raises(ValueError, match="unit"):
        dead_letters.parse_age("a week")


def test_an_article_held_back_by_a_refused_incident_is_replayed_whole(ready, monkeypatch,
                                                                       capsys):
    client, settings = ready
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", settings.index_prefix)
    monkeypatch.setenv("NEWSWATCH_DEAD_LETTER_DIR", str(settings.dead_letter_dir))
    article = _article("http://a.test/two-incidents")
    good = {"event_type": "Battles", "sub_event_type": "Armed clash", "date": "2024-04-21",
            "evidence": "Clashes were reported."}
    odd = {**good, "fatalities": "many"}   # refused: not a number
    articles, incidents = settings.index("articles"), settings.index("incidents")
    report = index_articles(client, settings, [(article, [good, odd])], now=NOW)
    assert report.refused_articles == [article["article_id"]]
    client.indices.refresh(index=[articles, incidents])
    assert client.count(index=incidents)["count"] == 0    # no incident without its article

    # the operator's fix: malformed counts are kept (and not indexed) rather than refused
    client.indices.put_mapping(index=incidents, properties={
        "fatalities": {"type": "integer", "ignore_malformed": True}})
    status, out, _ = _run(["dead-letters", "replay", "--json"], capsys)
    assert status == 0, out
    client.indices.refresh(index=[articles, incidents])
    assert client.exists(index=articles, id=article["article_id"])
    assert client.count(index=incidents)["count"] == 2
