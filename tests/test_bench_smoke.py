"""Tiny runs of the benchmark scripts so they keep working (no timing is asserted)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import bench_freshness  # noqa: E402
import bench_scaling  # noqa: E402
import bench_sizing  # noqa: E402
import bench_stages  # noqa: E402
import bench_text_length  # noqa: E402
import corpus  # noqa: E402
import harness  # noqa: E402


def test_corpus_is_deterministic_varied_and_served(tmp_path):
    first = corpus.make_article(3, seed=5)
    assert first == corpus.make_article(3, seed=5)
    assert first.html != corpus.make_article(3, seed=6).html
    pages = [corpus.make_article(n) for n in range(60)]
    assert all(300 <= p.words <= 2100 for p in pages)
    assert {p.incidents for p in pages} == {0, 1, 2, 3}
    assert all("Related stories" in p.html and "<nav>" in p.html for p in pages)

    made = corpus.generate(tmp_path / "c", 12, per_feed=5)
    assert len(made.pages) == 12 and len(made.feeds) == 3 + bool(made.shared_pages)
    with harness.served(made.root) as base:
        page = httpx.get(f"{base}/{made.pages[0]}")
        feed = httpx.get(f"{base}/{made.feeds[0]}")
    assert page.status_code == 200 and base.encode() in page.content
    assert b"{{BASE_URL}}" not in feed.content and feed.content.count(b"<item>") == 5


def test_generated_incidents_are_found_by_the_extractor():
    from extract.clean import clean_html
    from extract.incidents import extract_incidents

    written = found = 0
    for n in range(15):
        art = corpus.make_article(n)
        cleaned = clean_html(art.html.replace("{{BASE_URL}}", "http://127.0.0.1:1"),
                             f"http://127.0.0.1:1/{art.path}")
        assert cleaned.ok
        written += art.incidents
        found += len(extract_incidents(cleaned.text, title=cleaned.title,
                                       published=art.published.isoformat()))
    assert written and found >= 0.8 * written


def test_bench_text_length_smoke(tmp_path):
    out = tmp_path / "length.json"
    assert bench_text_length.main(["--sizes", "0.02,0.04", "--json", str(out)]) == 0
    sizes = json.loads(out.read_text())["sizes"]
    assert [r["mb"] for r in sizes] == [0.02, 0.04]
    assert all(r["cpu_s"] > 0 and r["incidents"] > 0 and r["chars"] >= r["mb"] * 900_000
               for r in sizes)


@pytest.mark.es
def test_bench_stages_smoke(tmp_path):
    out = tmp_path / "stages.json"
    assert bench_stages.main(["--pages", "4", "--repeat", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    stages = {row["stage"]: row for row in result["stages"]}
    articles = result["corpus"]["generated_pages"] + result["corpus"]["shared_pages"]
    assert stages["feed parse"]["items"] == articles
    for row in ("end to end, 1 process", "end to end, 2 processes (pool)"):
        assert stages[row]["items"] == stages["bulk index"]["items"]
    assert result["ratios"]["end_to_end_cpu_over_stages_cpu"] > 0
    assert "newspaper4k_over_end_to_end" in result["ratios"]
    # a few incidents: merged once, after the last bulk, in the run's own thread or beside it
    phases = result["end_to_end_phases"]
    for label, thread in (("1 process", "MainThread"), ("2 processes (pool)", "newswatch-merge")):
        ph = phases[label]
        assert (ph["merge_rounds"], ph["merge_rounds_before_last_bulk"]) == (1, 0), ph
        assert ph["merge_threads"] == [thread], ph
        assert 0 < ph["last_bulk_done_s"] <= ph["pass_s"] and ph["after_pass_s"] > 0, ph
    assert result["load"]["import_and_load_s"] > 0


@pytest.mark.es
def test_bench_scaling_smoke(tmp_path):
    out = tmp_path / "scaling.json"
    assert bench_scaling.main(["--articles", "10,20", "--feeds", "4", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert [r["size"] for r in result["articles"]] == [10, 20]
    assert result["feeds"][0]["ok"] == 4 and result["feeds"][0]["entries"] == 80
    assert "time_ratio" in result["articles"][1]


@pytest.mark.es
def test_bench_freshness_smoke(tmp_path):
    out = tmp_path / "fresh.json"
    code = bench_freshness.main(["--minutes", "0.05", "--interval", "1", "--feeds", "2",
                                 "--json", str(out)])
    result = json.loads(out.read_text())
    assert code == 0 and result["published"] == 3
    assert result["searchable"] == 3 and result["published_to_searchable"]["max_s"] >= 0


@pytest.mark.es
def test_bench_sizing_smoke(tmp_path):
    out = tmp_path / "sizing.json"
    assert bench_sizing.main(["--quick", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    run = result["modes"]["run"]
    assert result["corpus"] == {**result["corpus"], "articles": 40, "feeds": 4}
    assert run["articles"] == 40 and run["feeds"] == 4 and run["feeds_failed"] == 0
    assert run["cpu_ms_per_article"] > 0 and run["index_kb_per_1000_articles"] > 0


def test_bench_sizing_counts_task_processes_and_reaped_children():
    """A child titled as Airflow titles a task process is counted for its task instance
    while it runs, and under its parent's `+children` once it has exited and been reaped."""
    import os
    import subprocess
    import uuid

    ti_id = str(uuid.uuid4())
    burn = ("import setproctitle, sys, time\n"
            f"setproctitle.setproctitle('airflow worker -- {ti_id}')\n"
            "while time.process_time() < 0.5: pass\n"
            "sys.stdin.read()\n")  # stays alive, its CPU spent, until told to end
    me = {"bench": os.getpid()}
    before = bench_sizing.cpu_by_component(me)
    sampler = bench_sizing.TaskProcessSampler(lambda: me, interval=0.05)
    sampler.start()
    child = subprocess.Popen([sys.executable, "-c", burn], stdin=subprocess.PIPE)
    try:
        for _ in range(1200):  # bounded: at most a minute
            seen = sampler.by_task([{"id": ti_id, "task_id": "ingest_feed"}])
            if seen and seen["ingest_feed"]["task"] >= 0.4:
                break
            assert child.poll() is None, "the burning child exited early"
            sampler.halt.wait(0.05)
    finally:
        sampler.halt.set()
        child.communicate(b"", timeout=30)
    assert seen == {"ingest_feed": {"task": seen["ingest_feed"]["task"], "supervisor": 0.0,
                                    "instances": 1}}
    after = bench_sizing.cpu_by_component(me)
    assert after["bench+children"] - before["bench+children"] >= 0.4
