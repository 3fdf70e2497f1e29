"""What the benchmark scripts share: a corpus server in its own process, timers, tables, JSON."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import platform
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO))


def node_env() -> dict[str, str]:
    """The one setting a bench takes from the caller's environment: which Elasticsearch node to
    use (NEWSWATCH_ES_URL). Everything else a bench sets itself, so its figures do not depend on
    the shell it runs in."""
    url = os.environ.get("NEWSWATCH_ES_URL")
    return {"NEWSWATCH_ES_URL": url} if url else {}


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident set size now (from /proc), in MB; the peak when /proc is not there."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return rss_mb()


@dataclass
class Timing:
    """Wall and CPU (this process) seconds of a block."""

    wall_s: float = 0.0
    cpu_s: float = 0.0
    extra: dict = field(default_factory=dict)


@contextlib.contextmanager
def timed() -> Iterator[Timing]:
    result = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield result
    finally:
        result.wall_s = time.perf_counter() - wall
        result.cpu_s = time.process_time() - cpu


def _serve(root: str, conn, stop) -> None:
    from ingest.demo_server import DemoServer

    with DemoServer(Path(root)) as server:
        conn.send(server.base_url)
        stop.wait()


@contextlib.contextmanager
def served(root: Path) -> Iterator[str]:
    """Serve `root` (DemoServer, {{BASE_URL}} filled) from a forked process, so the server's
    CPU and memory are not counted as ours; yields the base URL."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    proc = ctx.Process(target=_serve, args=(str(root), child, stop), daemon=True)
    proc.start()
    try:
        if not parent.poll(30):
            raise RuntimeError("the corpus server did not start within 30 s")
        yield parent.recv()
    finally:
        stop.set()
        proc.join(timeout=10)
        if proc.is_alive():
            proc.terminate()


def delete_prefix(client, prefix: str) -> None:
    """Delete every index and template under `prefix` (the benchmark's throw-away data)."""
    from ingest.schema import drop_everything

    drop_everything(client, prefix)


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "measured": datetime.now(UTC).isoformat(
                timespec="seconds"),
            "note": "2-core machine shared with other work during measurement"}


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table; floats keep the formatting they were given as strings."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i in (0, len(row) - 1) else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_results(name: str, data: dict, path: Path | None = None) -> Path:
    path = path or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": name, "machine": machine(), **data}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def profile_top(func, *args, top: int = 8, **kwargs) -> tuple[object, list[dict]]:
    """Run func under cProfile; (its result, the top entries by own time)."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    result = prof.runcall(func, *args, **kwargs)
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, fn), (_cc, calls, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{Path(file).name}:{line}({fn})", "calls": calls,
                     "own_s": round(tt, 3), "cumulative_s": round(ct, 3)})
    rows.sort(key=lambda r: r["own_s"], reverse=True)
    return result, rows[:top]


def best_of(func, repeats: int, setup=None) -> tuple[object, Timing]:
    """Run func `repeats` times (setup() untimed before each); the last result and the
    fastest run's timing: other work on a shared machine only ever adds time."""
    best: Timing | None = None
    result = None
    for _ in range(max(1, repeats)):
        if setup is not None:
            setup()
        with timed() as t:
            result = func()
        if best is None or t.wall_s < best.wall_s:
            best = t
    assert best is not None
    best.extra["repeats"] = max(1, repeats)
    return result, best
