"""Peak memory of one feed pass against the number of entries (issue 15 item 8).

A forked loopback server lists N pages of a few MB each in one RSS feed; a fresh child
process runs `pipeline.ingest_feed` over it against the local Elasticsearch node (a throw-away
`nwbench-` prefix) and reports its peak RSS. With pages streamed (each cleaned as it arrives,
its bytes dropped, articles indexed in batches) the peak must not grow with N.

    .venv/bin/python bench/bench_feed_memory.py --pages 150 300 --page-mb 4
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ARTICLE = ("<p>Officials in the district of {n} said on Tuesday that repairs to the bridge "
           "and the water works would start next month, after the council approved the "
           "budget for roads, schools and clinics in a vote that lasted most of the day.</p>")


def _page(n: int, padding: bytes) -> bytes:
    body = "".join(ARTICLE.format(n=f"{n}-{k}") for k in range(8))
    head = f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
    # the padding is a comment: big on the wire and in memory, cheap to clean
    return head.encode() + body.encode() + b"<!-- " + padding + b" --></article></body></html>"


def _serve(port_box, pages: int, page_bytes: int) -> None:
    padding = b"x" * page_bytes

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            if self.path == "/feed.xml":
                items = "".join(f"<item><title>Story {n}</title><link>{base}/p/{n}.html</link>"
                                "<pubDate>Tue, 18 Nov 2025 14:05:00 GMT</pubDate></item>"
                                for n in range(pages))
                body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench'
                        f"</title>{items}</channel></rss>").encode()
                kind = "application/rss+xml"
            elif self.path.startswith("/p/"):
                body = _page(int(self.path[3:].split(".")[0]), padding)
                kind = "text/html; charset=utf-8"
            else:
                body, kind = b"", "text/plain"
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    port_box.put(server.server_address[1])
    server.serve_forever()


def child(feed_url: str) -> dict:
    """One feed pass in this process; its peak RSS (MB) before and after."""
    import resource

    from ingest import pipeline, schema
    from ingest.config import Settings
    from ingest.es import connect
    from ingest.feedspec import FeedSpec

    settings = Settings.from_env(index_prefix=f"nwbench-{uuid.uuid4().hex[:8]}",
                                 allow_private_hosts=("127.0.0.1",), per_host_delay_s=0.0,
                                 per_host_concurrency=4, http_timeout_s=120.0,
                                 dead_letter_dir=Path("/tmp") / "nwbench-dead")
    client = connect(settings)
    schema.setup(client, settings)
    spec = FeedSpec(id="bench", name="Bench", url=feed_url, language="en")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.monotonic()
    try:
        outcome = pipeline.ingest_feed(settings, "bench", client=client, spec=spec)
    finally:
        schema.drop_everything(client, settings.index_prefix)
    return {"rss_before_mb": round(before), "peak_rss_mb":
            round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "articles_indexed": outcome["articles_indexed"],
            "seconds": round(time.monotonic() - start, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--page-mb", type=float, default=4.0)
    parser.add_argument("--child", metavar="FEED_URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    rows = []
    for pages in args.pages:
        box: multiprocessing.Queue = multiprocessing.Queue()
        server = multiprocessing.Process(target=_serve, daemon=True,
                                         args=(box, pages, int(args.page_mb * 2**20)))
        server.start()
        try:
            port = box.get(timeout=30)
            done = subprocess.run([sys.executable, __file__, "--child",
                                   f"http://127.0.0.1:{port}/feed.xml"], cwd=REPO,
                                  capture_output=True, text=True, check=True)
        finally:
            server.terminate()
        row = {"pages": pages, "page_mb": args.page_mb,
               **json.loads(done.stdout.strip().splitlines()[-1])}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
