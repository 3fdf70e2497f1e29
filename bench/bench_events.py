"""Event merging against a large events index on the local node: milliseconds per incident.

Bulk-loads `--events` synthetic events (default 100,000; 2 years, 40 countries, 400 places,
6 event types) under a throwaway prefix, then indexes `--incidents` unassigned incidents (half
new reports of stored events, half new events), each with its article (80 words; one in ten a
syndicated copy of an earlier one; fingerprinted, as the pipeline's workers index it), and
times one `event_store.reconcile` over them: copies marked, candidates by multi-search,
scoring, claims and event writes; wall ms per incident per step, and the CPU of this
process and of the node. Everything made is deleted afterwards.

    .venv/bin/python bench/bench_events.py [--events 100000] [--incidents 1000]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from elasticsearch import helpers  # noqa: E402

from extract.fingerprint import fingerprint  # noqa: E402
from extract.merge import best_event, report_of, summarise  # noqa: E402
from ingest import event_store, schema  # noqa: E402
from ingest.config import Settings  # noqa: E402
from ingest.es import connect  # noqa: E402

TYPES = [("Battles", "Armed clash"), ("Protests", "Peaceful protest"),
         ("Explosions/Remote violence", "Air/drone strike"), ("Riots", "Violent demonstration"),
         ("Violence against civilians", "Attack"),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack")]
WORDS = ("gunmen militants village market police convoy checkpoint drones shelling rockets "
         "protesters traders students farmers soldiers camp district road bridge mosque church "
         "school hospital clinic port airport base bombing raid ambush clash march").split()


def _places(rng: random.Random) -> list[tuple[str, str, str, float, float]]:
    places = []
    for c in range(40):
        clat, clon = rng.uniform(-30, 50), rng.uniform(-20, 120)
        for p in range(10):
            places.append((f"C{c:02d}", f"C{c:02d}-R{p % 4}", f"Town {c}-{p}",
                           clat + rng.uniform(-3, 3), clon + rng.uniform(-3, 3)))
    return places


def _incident(rng: random.Random, place, day: date, kind) -> dict:
    country, admin1, town, lat, lon = place
    words = rng.sample(WORDS, 8)
    return {"event_type": kind[0], "sub_event_type": kind[1], "date": day.isoformat(),
            "date_precision": "day", "country_code": country, "country": country,
            "admin1": admin1, "location": town, "lat": lat, "lon": lon, "geo_precision": 1,
            "actors": [], "fatalities": rng.randint(0, 20), "injured": 0, "confidence": 0.9,
            "evidence": f"In {town}, " + " ".join(words) + "."}


def _events(rng: random.Random, places, count: int, start: date):
    for n in range(count):
        place, kind = rng.choice(places), rng.choice(TYPES)
        day = start + timedelta(days=rng.randrange(730))
        rep = report_of(_incident(rng, place, day, kind), incident_id=f"seed-{n}-0",
                        article_id=f"seed-{n}", source=f"outlet{n % 50}",
                        published=f"{day.isoformat()}T12:00:00Z")
        yield summarise([rep])


def _articles(rng: random.Random, incidents: list[dict]):
    """One article per incident; one in ten repeats an earlier text, published six hours
    after it (a copy appears within the copy window of its original)."""
    texts: list[tuple[str, str]] = []
    for n, inc in enumerate(incidents):
        published = inc["published"]
        if n % 10 == 9 and texts:
            text, original = rng.choice(texts)
            published = (datetime.fromisoformat(original.replace("Z", "+00:00"))
                         + timedelta(hours=6)).isoformat()
        else:
            text = f"{inc['evidence']} Report {n}: " + " ".join(rng.choices(WORDS, k=80)) + "."
            texts.append((text, published))
        fp = fingerprint(text)  # taken by the pipeline's worker that extracted the article
        yield {"article_id": inc["article_id"], "text": text, "published": published,
               "source": f"outlet{n % 50}", "simhash_bands": list(fp.bands) if fp else []}


def _time_phases() -> dict[str, float]:
    """Wall seconds spent in each step of reconcile (filled as it runs)."""
    spent: dict[str, float] = {}
    for name in ("mark_copies", "_article_facts", "_detach", "_candidates", "_claim", "_whole",
                 "_write_events", "_converge"):
        inner, label = getattr(event_store, name), name.strip("_")

        def timed(*args, _inner=inner, _name=label, **kwargs):
            start = time.perf_counter()
            try:
                return _inner(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - start

        setattr(event_store, name, timed)
    return spent


def _node_cpu_ms(client) -> float:
    """CPU milliseconds the Elasticsearch processes have used so far (every node). A node
    refreshes the figure at most once a second (`monitor.process.refresh_interval`): wait
    that out so the figure is the one of now."""
    time.sleep(1.1)
    stats = client.nodes.stats(metric="process")["nodes"].values()
    return float(sum(node["process"]["cpu"]["total_in_millis"] for node in stats))


_NODE_WORK = {"query": ("search", "query_time_in_millis"),
              "fetch": ("search", "fetch_time_in_millis"),
              "index": ("indexing", "index_time_in_millis"),
              "get": ("get", "time_in_millis"),
              "refresh": ("refresh", "total_time_in_millis"),
              "merge": ("merges", "total_time_in_millis")}


def _node_work(client, settings) -> dict[str, dict[str, float]]:
    """Per index kind, the node's milliseconds so far of search query and fetch, indexing,
    real-time gets, refreshes and segment merges (thread time, not CPU: where the node's work
    goes, not how much CPU it took)."""
    out: dict[str, dict[str, float]] = {}
    for kind in ("articles", "incidents", "events"):
        stats = client.indices.stats(index=settings.index(kind))["_all"]["total"]
        out[kind] = {name: float(stats[group][key]) for name, (group, key) in _NODE_WORK.items()}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="also print the reconcile's N costliest functions (cumulative)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    prefix = f"nwbench-events-{uuid.uuid4().hex[:8]}"
    settings = Settings.from_env(index_prefix=prefix)
    client = connect(settings, request_timeout=120)
    places, start = _places(rng), date(2024, 1, 1)
    try:
        schema.setup(client, settings)
        t0 = time.perf_counter()
        stored = list(_events(rng, places, args.events, start))
        helpers.bulk(client, ({"_index": settings.index("events"), "_id": e["event_id"],
                               "_source": {**e, "merger_version": "bench"}} for e in stored),
                     chunk_size=2000)
        client.indices.refresh(index=settings.index("events"))
        # a live index merges its segments over time: measure that state, not a fresh load
        client.options(request_timeout=600).indices.forcemerge(
            index=settings.index("events"), max_num_segments=1)
        load_s = time.perf_counter() - t0
        incidents = []
        for n in range(args.incidents):
            if n % 2:  # another report of a stored event
                base = rng.choice(stored)["reports"][0]
                place = (base["country_code"], base["admin1"], base["location"], base["lat"],
                         base["lon"])
                kind = (base["event_type"], base["sub_event_type"])
                day = date.fromisoformat(base["date"])
            else:
                place, kind = rng.choice(places), rng.choice(TYPES)
                day = start + timedelta(days=rng.randrange(730))
            inc = _incident(rng, place, day, kind)
            inc["geo"] = {"lat": inc.pop("lat"), "lon": inc.pop("lon")}
            incidents.append({**inc, "incident_id": f"bench-{n}-0", "article_id": f"bench-{n}",
                              "published": f"{day.isoformat()}T18:00:00Z"})
        helpers.bulk(client, ({"_index": settings.index("incidents"), "_id": i["incident_id"],
                               "_source": i} for i in incidents), refresh="wait_for")
        helpers.bulk(client, ({"_index": settings.index("articles"), "_id": a["article_id"],
                               "_source": a} for a in _articles(rng, incidents)),
                     refresh="wait_for")
        pool = stored[:20]
        # the 100,000 stored events held here are the benchmark's, not the reconcile's: let
        # no garbage collection walk them while it is timed
        del stored
        gc.collect()
        phases = _time_phases()
        profile = cProfile.Profile() if args.profile else None
        es_cpu1 = _node_cpu_ms(client)
        work1 = _node_work(client, settings)
        t1, cpu1 = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        done = event_store.reconcile(client, settings)
        if profile:
            profile.disable()
        merge_s, merge_cpu = time.perf_counter() - t1, time.process_time() - cpu1
        es_cpu = _node_cpu_ms(client) - es_cpu1
        work = {kind: {name: ms - work1[kind][name] for name, ms in spent.items()}
                for kind, spent in _node_work(client, settings).items()}
        # the pure part alone: scoring one report against 20 candidates
        reps = [report_of({**i, "lat": i["geo"]["lat"], "lon": i["geo"]["lon"]},
                          incident_id=i["incident_id"], article_id=i["article_id"])
                for i in incidents]
        t2 = time.perf_counter()
        for rep in reps:
            best_event(rep, pool)
        score_s = time.perf_counter() - t2
        n = max(1, done.incidents_assigned)
        print(f"events index: {args.events} events loaded and merged in {load_s:.1f} s")
        print(f"reconcile: {done.incidents_assigned} incidents, {done.events_created} events "
              f"created, {done.events_updated} updated, {done.copies_marked} copies marked, "
              f"{done.conflicts} conflicts, {merge_s:.2f} s "
              f"= {1000 * merge_s / n:.2f} ms per incident "
              f"({1000 * merge_cpu / n:.2f} ms of it CPU in this process; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"CPU per incident: {1000 * merge_cpu / n:.2f} ms in this process, "
              f"{es_cpu / n:.2f} ms in Elasticsearch (the node's, other clients' work "
              "included: less sensitive to load than the wall time)")
        print("per phase, ms per incident: " + ", ".join(
            f"{name} {1000 * seconds / n:.2f}" for name, seconds in phases.items()))
        print("node work per incident, ms (thread time by index): " + "; ".join(
            f"{kind} " + ", ".join(f"{name} {ms / n:.2f}" for name, ms in spent.items() if ms)
            for kind, spent in work.items()))
        print(f"pure scoring against 20 candidates: {1000 * score_s / len(reps):.3f} ms "
              "per incident")
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    finally:
        schema.drop_everything(client, prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
