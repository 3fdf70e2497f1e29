"""Quality floors on the ACLED development set, scored by the shared scorer (slow)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
EVAL = next((d / "eval" for d in _SHARED if (d / "eval" / "acled_dev.jsonl").exists()), None)

FLOORS = {"detected": 0.97, "date": 0.95, "country": 0.91, "event_type": 0.80,
          "sub_event_type": 0.60, "location": 0.77, "coord_within_25km": 0.67,
          "fatalities": 0.93, "actors": 0.60}
MAX_INCIDENTS_PER_ROW = 1.3


@pytest.mark.slow
@pytest.mark.skipif(EVAL is None, reason="../shared/eval/acled_dev.jsonl is absent")
def test_dev_set_floors(tmp_path):
    from extract.article import extract_record  # the entry point: language and relevance too

    assert EVAL is not None
    pred = tmp_path / "pred.jsonl"
    with (EVAL / "acled_dev.jsonl").open(encoding="utf-8") as src, pred.open("w") as dst:
        for line in src:
            row = json.loads(line)
            found = extract_record({k: v for k, v in row.items() if k != "gold"}).incidents
            dst.write(json.dumps({"id": row["id"],
                                  "incidents": [i.to_dict() for i in found]}) + "\n")
    out = subprocess.run(
        [sys.executable, str(EVAL / "score_incidents.py"), "--gold", str(EVAL / "acled_dev.jsonl"),
         "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    metrics = json.loads(out.stdout)
    low = {k: metrics[k] for k, floor in FLOORS.items() if metrics[k] < floor}
    assert not low, f"below the floor: {low}"
    assert metrics["incidents_per_row"] <= MAX_INCIDENTS_PER_ROW
