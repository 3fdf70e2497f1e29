"""fetch_articles: robots.txt, per-host politeness, HTML only, slow hosts isolated."""

from __future__ import annotations

import threading
import time

import pytest

from ingest.config import Settings
from ingest.fetch import fetch_articles
from ingest.http import FetchReason
from ingest.robots import RobotsCache

pytestmark = pytest.mark.timeout(60)


def make_settings(**kw) -> Settings:
    values = {"allow_private_hosts": ("127.0.0.1", "localhost"), "http_timeout_s": 5.0,
              "per_host_concurrency": 2, "per_host_delay_s": 0.0}
    return Settings.from_env({}, **{**values, **kw})


def test_robots_disallow_is_honoured(http_server):
    http_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n",
                      content_type="text/plain")
    ok = http_server.route("/news/1", body=b"<html>one</html>")
    hidden = http_server.route("/private/2", body=b"<html>two</html>")
    results = fetch_articles([ok, hidden], make_settings())
    assert [r.reason for r in results] == [FetchReason.OK, FetchReason.ROBOTS_DISALLOWED]
    assert "disallows" in results[1].detail
    assert http_server.requests_to("/private/2") == []
    assert len(http_server.requests_to("/robots.txt")) == 1  # cached per host


def test_robots_for_our_user_agent_only(http_server):
    http_server.route("/robots.txt", content_type="text/plain",
                      body=b"User-agent: newswatch\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    url = http_server.route("/a", body=b"<html/>")
    (result,) = fetch_articles([url], make_settings())
    assert result.reason is FetchReason.ROBOTS_DISALLOWED


def test_robots_missing_allows_and_unreachable_disallows(http_server):
    settings = make_settings()
    url = http_server.route("/a", body=b"<html/>")
    assert RobotsCache(settings).check(url).allowed  # 404 robots.txt: allow all
    http_server.route("/robots.txt", status=503, body=b"down")
    verdict = RobotsCache(settings).check(url)
    assert not verdict.allowed and "unreachable" in verdict.detail


def test_only_html_and_order_preserved(http_server):
    urls = [http_server.route("/page", body=b"<html>p</html>"),
            http_server.route("/feed.xml", body=b"<rss/>", content_type="application/rss+xml"),
            http_server.route("/gone", status=410),
            "http://10.0.0.1/private",
            http_server.route("/xhtml", body=b"<html/>", content_type="application/xhtml+xml")]
    results = fetch_articles(urls, make_settings(allow_private_hosts=("127.0.0.1",)))
    assert [r.url for r in results] == urls
    assert [r.reason for r in results] == [
        FetchReason.OK, FetchReason.WRONG_CONTENT_TYPE, FetchReason.HTTP_ERROR,
        FetchReason.BLOCKED_ADDRESS, FetchReason.OK]


def test_per_host_concurrency_and_delay(http_server):
    active = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slowish(handler):
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.15)
        with lock:
            active["now"] -= 1
        body = b"<html>x</html>"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    urls = [http_server.route(f"/c{i}", handler=slowish) for i in range(8)]
    results = fetch_articles(urls, make_settings(per_host_concurrency=2))
    assert all(r.ok for r in results)
    assert active["max"] == 2

    paced = [http_server.route(f"/d{i}", body=b"<html/>") for i in range(4)]
    fetch_articles(paced, make_settings(per_host_concurrency=3, per_host_delay_s=0.2))
    starts = sorted(http_server.requests_to(f"/d{i}")[0].time for i in range(4))
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.15  # requests to one host start at least ~the delay apart


def test_one_slow_host_does_not_stall_the_others(http_server):
    slow = [http_server.route(f"/slow{i}", body=b"<html/>", delay_s=1.0) for i in range(2)]
    fast = [http_server.route(f"/fast{i}", body=b"<html/>").replace("127.0.0.1", "localhost")
            for i in range(6)]
    finished: list[int] = []
    results = fetch_articles(slow + fast, make_settings(per_host_concurrency=1),
                             on_result=lambda i, r: finished.append(i))
    assert all(r.ok for r in results)
    assert sorted(finished[:6]) == list(range(2, 8))  # every fast page before the slow host's


def test_iter_fetched_holds_at_most_a_window_of_pages(http_server):
    from ingest.fetch import iter_fetched

    urls = [http_server.route(f"/w{i}", body=b"<html>w</html>") for i in range(12)]
    stream = iter_fetched(urls, make_settings(per_host_concurrency=4), window=3)
    first_index, first = next(stream)
    assert first.ok
    time.sleep(0.5)  # room for the background loop to run ahead if it could
    asked = [r for r in http_server.requests if r.path.startswith("/w")]
    assert len(asked) <= 1 + 3
    rest = dict(stream)
    assert sorted([first_index, *rest]) == list(range(12))
    assert all(r.ok for r in rest.values())
