"""Run a few callables at the same moment, each in its own thread (races in the tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

Racer = Callable[[threading.Barrier], None]


def race(racers: Sequence[Racer], timeout: float = 60) -> None:
    """Start every racer in its own thread and wait for them all; each gets the shared barrier
    (wait on it where the race should begin). Re-raises as one assertion what any of them
    raised, so a failure inside a thread fails the test."""
    barrier = threading.Barrier(len(racers))
    errors: list[BaseException] = []

    def run(racer: Racer) -> None:
        try:
            racer(barrier)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads), "a racer is still running"
