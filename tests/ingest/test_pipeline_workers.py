"""Clean + extract in worker processes (ingest.workers): the same documents as in one process,
one bulk for several feeds, and a worker that dies (a poison page, a kill, MemoryError) costs
no article: it is tried again on later passes, then given up, as a page that keeps timing out.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import replace

import pytest
from elasticsearch import Elasticsearch

from ingest import pipeline
from ingest.demo_server import DemoServer
from ingest.ids import article_id
from ingest.workers import WorkerCrashed, Workers
from tests.support.demo import DEMO_ARTICLE_COUNT, demo_settings
from tests.support.feeds import ITEM, RSS

pytestmark = pytest.mark.timeout(300)

# article fields set from the clock, and what event merging adds after the pass
VOLATILE = {"fetched", "indexed", "ingest_lag_s", "event_id", "event_ids", "duplicate_of",
            "simhash", "simhash_bands"}

PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>On day {n} gunmen attacked a checkpoint near Mosul in {{title}}, "
                  f"killing {n + 2} soldiers, officials said, item {n} of the report.</p>"
                  for n in range(5))
        + "</article></body></html>")
POISON = "poison"  # a page whose title holds this word kills the worker cleaning it


def _documents(client: Elasticsearch, prefix: str, kind: str) -> dict[str, dict]:
    client.indices.refresh(index=f"{prefix}-{kind}")
    hits = client.search(index=f"{prefix}-{kind}", size=1000)["hits"]["hits"]
    return {h["_id"]: {k: v for k, v in h["_source"].items() if k not in VOLATILE}
            for h in hits}


def test_the_pool_indexes_exactly_the_documents_of_one_process(es, es_settings, tmp_path):
    client, prefix = es
    with DemoServer() as server:
        settings = demo_settings(es_settings, server.render_feeds_file(tmp_path / "feeds.yaml"))
        pooled = replace(settings, index_prefix=f"{prefix}-pool")
        try:
            with Workers(1, seeds_dir=settings.seeds_dir, cache_dir=settings.cache_dir) as one:
                alone = pipeline.summarise(pipeline.run_once(settings, client=client,
                                                             workers=one))
            with Workers(2, seeds_dir=settings.seeds_dir, cache_dir=settings.cache_dir) as two:
                assert not two.in_process
                shared = pipeline.summarise(pipeline.run_once(pooled, client=client,
                                                              workers=two))
                assert len(two.pids()) == 2  # the work really went to two processes
            for kind in ("articles", "incidents"):
                mine, theirs = (_documents(client, prefix, kind),
                                _documents(client, f"{prefix}-pool", kind))
                differing = {aid: {k: (v, theirs.get(aid, {}).get(k))
                                   for k, v in doc.items() if theirs.get(aid, {}).get(k) != v}
                             for aid, doc in mine.items() if theirs.get(aid) != doc}
                assert mine.keys() == theirs.keys() and not differing, (kind, differing)
            assert len(_documents(client, prefix, "articles")) == DEMO_ARTICLE_COUNT
            for key in ("articles_indexed", "incidents_indexed", "rejected", "new", "cleaned"):
                assert alone[key] == shared[key], key
        finally:
            from ingest.schema import drop_everything
            drop_everything(client, f"{prefix}-pool")


class _CountsBulks(Elasticsearch):
    """The real node; bulk requests listed by the index they write to (on the class: the
    bulk helper calls a copy made by options())."""

    bulks: list[str] = []

    def bulk(self, *args, **kwargs):
        operations = kwargs.get("operations") or (args[0] if args else [])
        first = operations[0] if operations else {}
        if isinstance(first, (bytes, str)):
            import json
            first = json.loads(first)
        target = next(iter(first.values()), {}).get("_index", "") if first else ""
        type(self).bulks.append(str(target))
        return super().bulk(*args, **kwargs)


def _feeds(http_server, tmp_path, feeds: dict[str, list[str]]):
    lines = ["feeds:"]
    for feed_id, names in feeds.items():
        items = "".join(ITEM.format(title=n, link=http_server.url(f"/{n}")) for n in names)
        http_server.route(f"/{feed_id}.xml", body=RSS.format(items=items).encode(),
                          content_type="application/rss+xml")
        for name in names:
            http_server.route(f"/{name}", body=PAGE.format(title=name).encode())
        lines.append(f"  - {{id: {feed_id}, name: {feed_id}, url: "
                     f"'{http_server.url(f'/{feed_id}.xml')}', language: en, region: global}}")
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_several_feeds_share_one_bulk_one_state_save_and_one_bulk_of_claims(
        es, es_settings, tmp_path, http_server):
    client, prefix = es
    feeds = {f"desk{k}": [f"story{k}{n}" for n in range(3)] for k in range(4)}
    settings = demo_settings(es_settings, _feeds(http_server, tmp_path, feeds))
    counting = _CountsBulks(settings.es_url)
    _CountsBulks.bulks = []
    from ingest import schema
    schema.setup(client, settings)
    outcomes = pipeline.ingest_feeds(settings, pipeline.feeds_by_id(settings), client=counting)
    assert [o["articles_indexed"] for o in outcomes] == [3, 3, 3, 3]
    # 12 articles of 4 feeds: one bulk of articles (and one of their incidents), and the
    # feeds' states saved together once, not once per feed
    assert sum(t.startswith(f"{prefix}-articles") for t in counting.bulks) == 1, counting.bulks
    assert sum(t.startswith(f"{prefix}-feeds") for t in counting.bulks) == 1, counting.bulks
    # their claims taken in one bulk and released in one (ingest.claims), not two per feed
    assert sum(t.startswith(f"{prefix}-claims") for t in counting.bulks) == 2, counting.bulks


# ------------------------------------------------------------------ a worker that dies


def _deadly(fn, *args):
    """fn(*args), except on a poison page: the worker process dies as the OOM killer would
    kill it (SIGKILL), or runs out of memory."""
    entry = args[1]
    if POISON in (entry.title or ""):
        if "memory" in entry.title:
            raise MemoryError("injected")
        os.kill(os.getpid(), signal.SIGKILL)
    return fn(*args)


class _PoisonedWorkers(Workers):
    """Real worker processes; a poison page kills the one that takes it."""

    def submit(self, fn, *args):
        return super().submit(_deadly, fn, *args)


@pytest.mark.parametrize("poison", ["poison", "poison memory"])
def test_a_worker_that_dies_loses_no_article_and_its_page_is_given_up_in_the_end(
        es, es_settings, tmp_path, http_server, poison):
    client, prefix = es
    names = [f"story{n}" for n in range(8)]
    bad = f"{poison.replace(' ', '-')}-page"
    feeds_file = _feeds(http_server, tmp_path, {"desk": names[:4] + [bad] + names[4:]})
    settings = replace(demo_settings(es_settings, feeds_file), max_article_attempts=2)
    poisoned = _PoisonedWorkers(2, seeds_dir=settings.seeds_dir, cache_dir=settings.cache_dir)
    with poisoned:
        first = pipeline.run_once(settings, client=client, workers=poisoned)[0]
        assert first["articles_indexed"] == len(names)  # the pages beside it were run again
        assert first["rejected"]["worker:crashed"] == 1 and first["deferred"] == 1
        if poison == "poison":
            assert poisoned.crashes >= 1
        docs = _documents(client, prefix, "articles")
        assert set(docs) == {article_id(http_server.url(f"/{n}")) for n in names}
        # tried again on the next pass (nothing else to do), then given up
        second = pipeline.run_once(settings, client=client, workers=poisoned)[0]
        assert second["new"] == 1 and second["rejected"]["worker:crashed"] == 1
        assert second["rejected"].get("gave_up") == 1 and second["deferred"] == 0
        third = pipeline.run_once(settings, client=client, workers=poisoned)[0]
        assert third["new"] == 0 and third["articles_indexed"] == 0
    assert len(_documents(client, prefix, "articles")) == len(names)


def _kill_me():
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_job_that_kills_its_worker_alone_is_told_and_the_others_are_not():
    with Workers(2, seeds_dir=_settings().seeds_dir, cache_dir=_settings().cache_dir,
                 preload=False) as w:
        jobs = [w.submit(os.getpid) for _ in range(3)] + [w.submit(_kill_me)] + \
            [w.submit(abs, -n) for n in range(5)]
        results = []
        for job in jobs:
            try:
                results.append(job.result())
            except WorkerCrashed:
                results.append("crashed")
        assert results[3] == "crashed"
        assert results[4:] == [0, 1, 2, 3, 4]
        assert all(isinstance(r, int) for r in results[:3])
        assert w.submit(abs, -7).result() == 7  # a new pool took over


def _settings():
    from ingest.config import Settings
    return Settings()


def _processes_in_daemon(queue):
    workers = Workers(2, seeds_dir=_settings().seeds_dir, cache_dir=_settings().cache_dir)
    queue.put((workers.processes, workers.submit(abs, -3).result()))


def test_a_daemonic_process_cleans_in_itself_rather_than_failing():
    """A daemonic process (e.g. a multiprocessing pool's worker) may not have children."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_processes_in_daemon, args=(queue,), daemon=True)
    child.start()
    try:
        assert queue.get(timeout=120) == (1, 3)
    finally:
        child.join(timeout=30)


def test_a_pass_over_no_feeds_does_nothing_and_needs_no_node():
    from ingest.config import Settings
    settings = Settings(es_url="http://127.0.0.1:1")  # nothing listens there
    assert pipeline.ingest_feeds(settings, {}) == []
