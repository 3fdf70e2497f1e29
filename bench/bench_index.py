"""Bulk indexing on the local node: documents/s for 3 KB articles and for incidents, index size
per 1,000 articles. Uses a unique index prefix and deletes everything it made afterwards.

    .venv/bin/python bench/bench_index.py [--articles 5000] [--incident-articles 2000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest import schema  # noqa: E402
from ingest.config import REPO_ROOT, Settings  # noqa: E402
from ingest.es import connect  # noqa: E402
from ingest.ids import article_id  # noqa: E402
from ingest.index import index_articles  # noqa: E402

EVENTS = [("Battles", "Armed clash"), ("Protests", "Peaceful protest"),
          ("Explosions/Remote violence", "Air/drone strike"), ("Riots", "Violent demonstration"),
          ("Violence against civilians", "Attack"),
          ("Strategic developments", "Looting/property destruction")]
PLACES = [("IQ", "Iraq", "Ninewa", "Mosul", 36.34, 43.13), ("SY", "Syria", "Aleppo", "Aleppo",
          36.2, 37.16), ("SD", "Sudan", "Khartoum", "Omdurman", 15.64, 32.48),
          ("UA", "Ukraine", "Kharkiv", "Kharkiv", 49.99, 36.23),
          ("NG", "Nigeria", "Borno", "Maiduguri", 11.85, 13.16)]


def _vocabulary() -> list[str]:
    """Real English words (from the seed article and the design notes) for realistic postings."""
    words: list[str] = []
    for path in [REPO_ROOT.parent / "shared" / "seeds" / "000_9efb2086bf8b23b0.txt",
                 REPO_ROOT.parent / "shared" / "DESIGN.md", REPO_ROOT / "README.md"]:
        if path.exists():
            words += [w.strip(".,;:()\"'`[]") for w in path.read_text(errors="ignore").split()]
    words = [w for w in words if w.isalpha()]
    return words or ["rockets", "fired", "base", "town", "killed", "army", "police", "said"]


def _text(rng: random.Random, vocab: list[str], size: int) -> str:
    out, length = [], 0
    while length < size:
        word = vocab[min(int(rng.paretovariate(1.1)) - 1, len(vocab) - 1)] if rng.random() < .5 \
            else rng.choice(vocab)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)[:size]


def _articles(n: int, incidents_each: int, text_bytes: int, seed: int):
    rng, vocab = random.Random(seed), _vocabulary()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(n):
        url = f"https://news{i % 40}.example/{seed}/{i}"
        published = start + timedelta(minutes=7 * i)
        doc = {"article_id": article_id(url), "url": url, "canonical_url": url,
               "feed_id": f"feed{i % 40}", "source": f"News {i % 40}",
               "domain": f"news{i % 40}.example", "title": _text(rng, vocab, 70),
               "text": _text(rng, vocab, text_bytes), "description": _text(rng, vocab, 160),
               "language": "en", "published": published.isoformat(),
               "fetched": (published + timedelta(minutes=3)).isoformat(),
               "content_hash": uuid.UUID(int=rng.getrandbits(128)).hex, "word_count": 500}
        incidents = []
        for k in range(incidents_each):
            event, sub = EVENTS[(i + k) % len(EVENTS)]
            code, country, admin1, town, lat, lon = PLACES[(i * 3 + k) % len(PLACES)]
            incidents.append({
                "event_type": event, "sub_event_type": sub, "date": published.date().isoformat(),
                "date_precision": "day", "country_code": code, "country": country,
                "admin1": admin1, "location": town, "lat": lat + rng.uniform(-.2, .2),
                "lon": lon + rng.uniform(-.2, .2), "geo_precision": 1,
                "actors": ["Military Forces", f"Rebels {k}"], "fatalities": rng.randint(0, 9),
                "injured": None, "weapons": ["rockets"], "evidence": _text(rng, vocab, 200),
                "confidence": 0.7})
        yield doc, incidents


def _timed(client, settings, items) -> tuple[float, object]:
    t0 = time.perf_counter()
    report = index_articles(client, settings, items, chunk_articles=500)
    return time.perf_counter() - t0, report


def _store_bytes(client, index: str) -> int:
    client.indices.refresh(index=index)
    client.indices.flush(index=index)
    stats = client.indices.stats(index=index, metric="store")
    return stats["_all"]["primaries"]["store"]["size_in_bytes"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000, help="3 KB articles to index")
    ap.add_argument("--incident-articles", type=int, default=2000,
                    help="small articles carrying --incidents-each incidents")
    ap.add_argument("--incidents-each", type=int, default=5)
    ap.add_argument("--text-bytes", type=int, default=3000)
    a = ap.parse_args(argv)
    prefix = f"nwbench-{uuid.uuid4().hex[:8]}"
    settings = Settings.from_env(index_prefix=prefix,
                                 dead_letter_dir=REPO_ROOT / ".cache" / "bench-dead-letter")
    client = connect(settings, request_timeout=120)
    try:
        schema.setup(client, settings)
        # warm the node's JIT and caches first (these documents count in the size figures)
        index_articles(client, settings, _articles(300, 2, a.text_bytes, seed=0))
        items = list(_articles(a.articles, 0, a.text_bytes, seed=1))
        seconds, report = _timed(client, settings, items)
        assert report.failed == 0, report.failures[:3]
        print(f"articles ({a.text_bytes} B text): {report.articles_indexed} in {seconds:.2f} s "
              f"= {report.articles_indexed / seconds:,.0f} docs/s")
        index = schema.current_index(client, settings, "articles")
        size = _store_bytes(client, index)
        count = client.count(index=index)["count"]
        print(f"articles index after refresh+flush: {size / 2**20:.1f} MiB for {count} = "
              f"{size / count * 1000 / 2**20:.2f} MiB per 1,000 articles")
        client.indices.forcemerge(index=index, max_num_segments=1)
        merged = _store_bytes(client, index)
        print(f"  after force-merge to one segment: "
              f"{merged / count * 1000 / 2**20:.2f} MiB per 1,000 articles")

        items = list(_articles(a.incident_articles, a.incidents_each, 300, seed=2))
        seconds, report = _timed(client, settings, items)
        assert report.failed == 0, report.failures[:3]
        docs = report.articles_indexed + report.incidents_indexed
        print(f"incidents: {report.incidents_indexed} (+{report.articles_indexed} small "
              f"articles) in {seconds:.2f} s = {report.incidents_indexed / seconds:,.0f} "
              f"incidents/s, {docs / seconds:,.0f} docs/s overall")
        index = schema.current_index(client, settings, "incidents")
        size, count = _store_bytes(client, index), client.count(index=index)["count"]
        print(f"incidents index: {size / count * 1000 / 2**20:.2f} MiB per 1,000 incidents")
        again, report = _timed(client, settings, items)
        print(f"re-indexing the same incident batch (stale check + overwrite): "
              f"{report.incidents_indexed / again:,.0f} incidents/s, "
              f"stale removed {report.stale_incidents_removed}")
    finally:
        quiet = client.options(ignore_status=404)
        for name in quiet.indices.get(index=f"{prefix}*").body or {}:
            quiet.indices.delete(index=name)
        for kind in schema.KINDS:
            quiet.indices.delete_index_template(name=schema.template_name(kind, settings))
            quiet.cluster.delete_component_template(
                name=schema.component_names(kind, settings)[1])
        quiet.cluster.delete_component_template(name=f"{prefix}-settings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
