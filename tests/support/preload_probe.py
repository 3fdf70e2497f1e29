"""Run in a process that Airflow's executor started: what it inherited from its forkserver."""

from __future__ import annotations

import sys


def inherited() -> dict[str, bool]:
    """Whether the pipeline's imports and the loaded gazetteer came with the process (checked
    without importing anything of newswatch here)."""
    gazetteer = sys.modules.get("extract.gazetteer")
    return {"warm": "ingest.warm" in sys.modules,
            "pipeline": "ingest.pipeline" in sys.modules,
            "trafilatura": "trafilatura" in sys.modules,
            "gazetteer": gazetteer is not None and getattr(gazetteer, "_GAZ", None) is not None}
