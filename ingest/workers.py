"""Where the CPU stages (clean + extract) run: worker processes, one per core, or this process.

Threads take turns under one GIL, so `newswatch run` cleans and extracts in a process pool;
each worker loads the gazetteer once, when it starts. A worker that dies (a poison page, the
kernel's OOM killer, a kill) breaks the whole pool, so every job then in flight fails: each
is run again alone in a one-process quarantine pool, and only a job that kills that one too
comes back as WorkerCrashed, which the pipeline treats like a timeout (tried again on a later
pass, given up after max_article_attempts). A MemoryError inside a job is reported the same
way. One class for both modes, so the pipeline has one code path.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ingest.config import Settings
from ingest.es import NewswatchError

log = logging.getLogger(__name__)

# a fresh interpreter per worker: safe whatever threads the parent runs (fork is not)
START_METHOD = "spawn"
# how often a worker checks that the process that started it is still there
ORPHAN_CHECK_S = 1.0


class WorkerCrashed(NewswatchError):
    """A job killed its worker process (or ran out of memory) even when run alone."""


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's cpuset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def process_count(settings: Settings) -> int:
    """settings.processes, 0 meaning one per usable core."""
    return settings.processes or usable_cores()


def _start_worker(seeds_dir: str, cache_dir: str, preload: bool) -> None:
    """Initializer of each worker: find the data as the parent does, load the gazetteer and
    the dictionaries once (unless not `preload`), quiet the libraries that warn about every
    page, and watch for the parent's death."""
    from extract import incidents, paths
    from ingest.log_levels import quiet_chatty_loggers

    paths.configure(seeds_dir=Path(seeds_dir), cache_dir=Path(cache_dir))
    quiet_chatty_loggers()
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), name="newswatch-orphan-watch",
                     daemon=True).start()
    if preload:
        incidents.load()
        warm_up()


# a page that goes through every part of clean and extract, so the tables those load on first
# use (language model, public suffixes, trafilatura's) are loaded before the first real page
_WARM_UP_PAGE = ("<html><head><title>Car bomb in Mosul</title></head><body><article>"
                 + "".join(f"<p>Two people were killed and {n} wounded when a car bomb exploded "
                           f"near a market in Mosul, Iraq, on Monday, police said.</p>"
                           for n in range(3, 8))
                 + "</article></body></html>")


def warm_up() -> None:
    """Clean and extract one small page, so what loads on first use is loaded now."""
    from extract.article import extract_record
    from extract.clean import clean_html

    cleaned = clean_html(_WARM_UP_PAGE, "https://example.org/warm-up")
    extract_record({"text": cleaned.text or "", "title": "Car bomb in Mosul",
                    "published": "2025-01-06T10:00:00Z", "url": "https://example.org/warm-up"})


def _exit_with(parent: int) -> None:
    """End this worker once its parent is gone (killed: nobody will shut the pool down)."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os._exit(0)


def _guarded(fn: Callable[..., Any], args: tuple) -> Any:
    """fn(*args), a MemoryError told as WorkerCrashed (it may pass: tried again later)."""
    try:
        return fn(*args)
    except MemoryError as exc:
        raise WorkerCrashed(f"out of memory in {getattr(fn, '__name__', fn)}: {exc}") from None


class Job:
    """One submitted call; result() gives its value, WorkerCrashed, or the job's own error."""

    def __init__(self, workers: Workers, fn: Callable[..., Any], args: tuple, future: Future,
                 pool: ProcessPoolExecutor | None = None) -> None:
        self.workers, self.fn, self.args, self.future, self.pool = workers, fn, args, future, pool

    def done(self) -> bool:
        return self.future.done()

    def result(self) -> Any:
        try:
            return self.future.result()
        except BrokenProcessPool:  # some job of the pool killed its worker: which one?
            if self.pool is not None:
                self.workers.renew(self.pool)
            return self.workers.run_alone(self.fn, self.args)


class Workers:
    """Runs jobs in `processes` worker processes, or in this process when processes is 1 (or
    when this process may not have children: a daemonic process such as a multiprocessing
    worker). Use as a context manager or close() it; jobs must be picklable module-level
    functions with picklable arguments."""

    def __init__(self, processes: int, *, seeds_dir: Path, cache_dir: Path,
                 preload: bool = True) -> None:
        if processes > 1 and multiprocessing.current_process().daemon:
            log.warning("this is a daemonic process, which may not start workers: cleaning "
                        "and extracting in this process (NEWSWATCH_PROCESSES=1)")
            processes = 1
        self.processes = processes
        # preload=False: the gazetteer loads on a worker's first extraction instead
        self._init_args = (str(seeds_dir), str(cache_dir), preload)
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._alone: ProcessPoolExecutor | None = None
        self._alone_lock = threading.Lock()
        self.crashes = 0  # pools broken by a worker's death

    @classmethod
    def for_settings(cls, settings: Settings, processes: int | None = None) -> Workers:
        return cls(process_count(settings) if processes is None else processes,
                   seeds_dir=settings.seeds_dir, cache_dir=settings.cache_dir)

    @property
    def in_process(self) -> bool:
        return self.processes <= 1

    def _new_pool(self, size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=size,
                                   mp_context=multiprocessing.get_context(START_METHOD),
                                   initializer=_start_worker, initargs=self._init_args)

    def start(self) -> Workers:
        """Start the workers now and wait until each has loaded its data (otherwise the first
        jobs wait for it)."""
        if not self.in_process:
            pool = self._current_pool()
            wait([pool.submit(os.getpid) for _ in range(self.processes * 2)])
        return self

    def _current_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = self._new_pool(self.processes)
            return self._pool

    def submit(self, fn: Callable[..., Any], *args: Any) -> Job:
        """Start fn(*args); in-process it has run when this returns."""
        if self.in_process:
            future: Future = Future()
            try:
                future.set_result(_guarded(fn, args))
            except Exception as exc:
                future.set_exception(exc)
            return Job(self, fn, args, future)
        pool = self._current_pool()
        try:
            return Job(self, fn, args, pool.submit(_guarded, fn, args), pool)
        except BrokenProcessPool:
            self.renew(pool)
            pool = self._current_pool()
            return Job(self, fn, args, pool.submit(_guarded, fn, args), pool)

    def renew(self, broken: ProcessPoolExecutor) -> None:
        """Replace the pool if it is still the broken one (several jobs notice at once)."""
        with self._lock:
            if self._pool is broken:
                self.crashes += 1
                log.warning("a clean/extract worker process died; starting a new pool, the "
                            "jobs that were in flight are run again one at a time")
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    def run_alone(self, fn: Callable[..., Any], args: tuple) -> Any:
        """A job whose pool broke, run again with no other job beside it: if it breaks this
        pool too, it is the one that kills workers (WorkerCrashed)."""
        with self._alone_lock:
            if self._alone is None:
                self._alone = self._new_pool(1)
            alone = self._alone
            try:
                return alone.submit(_guarded, fn, args).result()
            except BrokenProcessPool:
                self._alone = None
                alone.shutdown(wait=False, cancel_futures=True)
                raise WorkerCrashed(f"{getattr(fn, '__name__', fn)} killed its worker "
                                    "process twice (run alone the second time)") from None

    def first_done(self, jobs: Iterable[Job]) -> None:
        """Block until at least one of the jobs is done."""
        wait([job.future for job in jobs], return_when=FIRST_COMPLETED)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for benchmarks that count their CPU time)."""
        pools = [p for p in (self._pool, self._alone) if p is not None]
        return [pid for pool in pools
                for pid in (getattr(pool, "_processes", None) or {})]

    def close(self) -> None:
        with self._lock:
            pools, self._pool = [self._pool, self._alone], None
            self._alone = None
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: dict[tuple, Workers] = {}
_shared_lock = threading.Lock()


def shared_workers(settings: Settings) -> Workers:
    """The process-wide workers for these settings, kept between passes (a loop of run_once
    calls loads the gazetteer once per worker, not once per pass) and closed at exit."""
    key = (process_count(settings), str(settings.seeds_dir), str(settings.cache_dir))
    with _shared_lock:
        workers = _shared.get(key)
        if workers is None:
            for old in _shared.values():  # other settings: those workers are not needed now
                old.close()
            _shared.clear()
            workers = _shared[key] = Workers.for_settings(settings)
        return workers


@atexit.register
def _close_shared() -> None:
    for workers in _shared.values():
        workers.close()
    _shared.clear()
