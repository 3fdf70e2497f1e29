"""Serve seeds/demo/ over real HTTP on loopback, with {{BASE_URL}} filled in, for the demo."""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import sys
import threading
from pathlib import Path

from extract.paths import packaged_seeds_dir

DEMO_DIR = packaged_seeds_dir() / "demo"
PLACEHOLDER = b"{{BASE_URL}}"
TEXT_SUFFIXES = {".xml", ".json", ".html", ".yaml", ".txt", ".rss", ".atom", ".rdf"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    base_url = ""

    def send_head(self):  # noqa: D401 - fills the placeholder in text files
        path = Path(self.translate_path(self.path))
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            return super().send_head()
        body = path.read_bytes().replace(PLACEHOLDER, self.base_url.encode())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def guess_type(self, path):
        feed_types = {".xml": "application/xml", ".atom": "application/atom+xml",
                      ".rdf": "application/rdf+xml", ".rss": "application/rss+xml"}
        if Path(path).suffix in feed_types:
            return feed_types[Path(path).suffix]
        if str(path).endswith(".json"):
            return "application/feed+json"
        return super().guess_type(path)

    def log_message(self, format, *args):  # keep the demo's output readable
        pass


class DemoServer:
    """A threaded HTTP server over a folder; `with DemoServer() as s: s.base_url`."""

    def __init__(self, root: Path = DEMO_DIR, port: int = 0) -> None:
        handler_cls: type[_Handler] = type("DemoHandler", (_Handler,), {})  # own base_url
        handler = functools.partial(handler_cls, directory=str(root))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        handler_cls.base_url = self.base_url
        self.root = root
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def render_feeds_file(self, target: Path) -> Path:
        """Write the demo feed list with the server's real address, for NEWSWATCH_FEEDS."""
        text = (self.root / "feeds.yaml").read_text(encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.replace(PLACEHOLDER.decode(), self.base_url), encoding="utf-8")
        return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--feeds-out", type=Path, help="write the rendered demo feed list here")
    args = parser.parse_args(argv)
    try:
        server = DemoServer(port=args.port)
    except OSError as exc:
        print(f"demo server: cannot listen on 127.0.0.1:{args.port} ({exc}); pick --port",
              file=sys.stderr)
        return 1
    with server:
        if args.feeds_out:
            server.render_feeds_file(args.feeds_out)
        print(f"serving {server.root} at {server.base_url}", file=sys.stderr, flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
