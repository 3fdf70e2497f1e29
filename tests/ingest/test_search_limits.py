"""Search under hostile input: a 1M-character article, huge queries, a node that never
answers, and option values the user mistyped — each gives a result or names the problem."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest import schema
from ingest.cli import main
from ingest.config import Settings
from ingest.es import ElasticsearchUnavailable, make_client
from ingest.index import index_articles
from ingest.search import MAX_QUERY_TERMS, SearchError, build_request, search

pytestmark = pytest.mark.timeout(120)


def test_a_article_over_a_million_characters_does_not_break_the_search(es_client, es_settings):
    schema.setup(es_client, es_settings)
    big = ("Rockets struck the depot near Rumaylan. " + "Filler sentence about nothing. " * 40_000)
    assert len(big) > 1_200_000
    small = {"article_id": "small", "url": "http://a.test/s", "title": "Rockets near Rumaylan",
             "text": "Rockets struck near Rumaylan."}
    large = {"article_id": "large", "url": "http://a.test/l", "title": "A very long report",
             "text": big}
    report = index_articles(es_client, es_settings, [(small, []), (large, [])],
                            refresh="wait_for")
    assert report.articles_indexed == 2 and report.failed == 0
    result = search(es_client, es_settings, "rockets rumaylan")
    assert {hit["id"] for hit in result.hits} == {"small", "large"}
    assert any(hit["highlights"] for hit in result.hits)


def test_a_query_of_thousands_of_terms_is_refused_saying_why():
    with pytest.raises(SearchError, match=f"at most {MAX_QUERY_TERMS} words"):
        build_request(" ".join(f"w{i}" for i in range(20_000)))
    with pytest.raises(SearchError, match="characters"):
        build_request("x" * 100_000)
    build_request(" ".join(f"w{i}" for i in range(MAX_QUERY_TERMS)))  # the limit itself passes


class _Hanging(BaseHTTPRequestHandler):
    """Takes every request and answers nothing for 3 s, as a node stuck on a huge query."""

    seen: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.seen.append(self.path)
        time.sleep(3.0)

    do_GET = do_POST

    def log_message(self, *args):
        pass


def test_a_search_that_times_out_is_not_retried(es_settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hanging)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hanging = Settings.from_env({}, es_url=f"http://127.0.0.1:{server.server_port}",
                                    index_prefix=es_settings.index_prefix)
        client = make_client(hanging, request_timeout=0.5)  # retries on timeout, as the CLI's
        with pytest.raises(ElasticsearchUnavailable):
            search(client, hanging, "rockets")
    finally:
        server.shutdown()
        server.server_close()
    assert _Hanging.seen == [f"/{es_settings.index('articles')}/_search"]  # sent once


@pytest.mark.parametrize(("args", "option"), [
    (["--after", "123"], "--after"),
    (["--after", "{\"a\": 1}"], "--after"),
    (["--since", "last tuesday"], "--since"),
    (["--until", "2024-13-45"], "--until"),
    (["--near", "91,0,10"], "--near"),
    (["--near", "10,200,10"], "--near"),
    (["--near", "10,20,-5"], "--near"),
    (["--near", "nan,20,5"], "--near"),
    (["--bbox", "0,10,5,-10"], "--bbox"),
    (["--bbox", "0,0,500,10"], "--bbox"),
    (["--after", "[1, 2]"], "--after"),  # a relevance page needs score, date and id
    (["--size", "-1"], "--size"),
])
def test_bad_option_values_name_the_option_and_the_form(args, option, es_settings, monkeypatch,
                                                       capsys):
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", es_settings.index_prefix)
    try:
        status = main(["search", "x", *args])
    except SystemExit as exc:  # argparse's way to refuse an option value
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert option in err and "expected" in err and "Traceback" not in err, err
    assert "Error(" not in err and "Exception" not in err, err


def test_good_option_values_still_search(es_client, es_settings, monkeypatch, capsys):
    schema.setup(es_client, es_settings)
    monkeypatch.setenv("NEWSWATCH_INDEX_PREFIX", es_settings.index_prefix)
    assert main(["search", "--json", "--since", "2024-01-01", "--until", "now",
                 "--near", "36.6,41.9,10", "--bbox", "40,30,45,40",
                 "--after", json.dumps([1.0, 1714000000000, "a"])]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0


def test_a_refused_search_says_the_root_cause(es_client, es_settings):
    schema.setup(es_client, es_settings)
    with pytest.raises(SearchError, match="failed to parse date field"):
        search(es_client, es_settings, "x", search_after=[1.0, "not a date", "a"])
