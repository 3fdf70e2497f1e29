"""robots.txt by RFC 9309: longest match, wildcards, Crawl-delay, and what a failure means."""

from __future__ import annotations

import pytest

from ingest.config import Settings
from ingest.fetch import fetch_articles
from ingest.http import FetchReason
from ingest.robots import RobotsCache

pytestmark = pytest.mark.timeout(60)


def make_settings(**kw) -> Settings:
    values = {"allow_private_hosts": ("127.0.0.1",), "http_timeout_s": 3.0,
              "per_host_concurrency": 1, "per_host_delay_s": 0.0}
    return Settings.from_env({}, **{**values, **kw})


def _robots(http_server, text: str) -> RobotsCache:
    http_server.route("/robots.txt", body=text.encode(), content_type="text/plain")
    return RobotsCache(make_settings())


def test_the_longest_matching_rule_wins(http_server):
    robots = _robots(http_server, "User-agent: *\nDisallow: /news\nAllow: /news/world/\n")
    assert robots.check(http_server.url("/news/world/x")).allowed
    assert not robots.check(http_server.url("/news/sport/x")).allowed


def test_wildcard_in_the_middle_matches_any_characters(http_server):
    robots = _robots(http_server, "User-agent: *\nDisallow: /*?print=\n")
    assert not robots.check(http_server.url("/story/1?print=1")).allowed
    assert robots.check(http_server.url("/story/1?page=2")).allowed


def test_dollar_anchors_the_end_of_the_path(http_server):
    robots = _robots(http_server, "User-agent: *\nDisallow: /*.pdf$\n")
    assert not robots.check(http_server.url("/files/report.pdf")).allowed
    assert robots.check(http_server.url("/files/report.pdf.html")).allowed


def test_crawl_delay_is_taken_and_bounded_by_the_configured_maximum(http_server):
    http_server.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 30\n",
                      content_type="text/plain")
    url = http_server.url("/a")
    assert RobotsCache(make_settings(max_crawl_delay_s=0.3)).check(url).crawl_delay_s == 0.3
    assert RobotsCache(make_settings(max_crawl_delay_s=60)).check(url).crawl_delay_s == 30


def test_crawl_delay_spaces_the_requests_to_that_host(http_server):
    http_server.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 0.4\n",
                      content_type="text/plain")
    urls = [http_server.route(f"/p{i}", body=b"<html>p</html>") for i in range(3)]
    results = fetch_articles(urls, make_settings(per_host_concurrency=3))
    assert all(r.ok for r in results)
    starts = sorted(r.time for r in http_server.requests if r.path.startswith("/p"))
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.35  # a lower bound the code itself waits out


@pytest.mark.parametrize("answer", [{"status": 503, "body": b"down"},
                                    {"status": 200, "body": b"User-agent: *\n", "delay_s": 5}])
def test_an_unreachable_robots_txt_defers_instead_of_refusing(http_server, answer):
    http_server.route("/robots.txt", content_type="text/plain", **answer)
    url = http_server.route("/a", body=b"<html/>")
    (result,) = fetch_articles([url], make_settings(http_timeout_s=1.0))
    assert result.reason is FetchReason.ROBOTS_UNAVAILABLE
    assert http_server.requests_to("/a") == []


def test_a_missing_robots_txt_allows_everything(http_server):
    http_server.route("/robots.txt", status=404, body=b"no")
    url = http_server.route("/a", body=b"<html/>")
    (result,) = fetch_articles([url], make_settings())
    assert result.ok
