"""Import this module in a long-lived process whose forked children run ingest tasks, so each
task inherits what it would otherwise load itself (~1.5-2 s a task: the pipeline's imports,
trafilatura, the gazetteer and dictionaries, the language model). For Airflow's LocalExecutor:
`[scheduler] mp_start_method = forkserver` and `[scheduler] mp_forkserver_preload =
ingest.warm` (README, "Airflow"): its workers then start from a forkserver that imported
this module, and each task is forked from a worker. Pointless in a process that is not
forked from: imports do not cross `exec`.

The data is found as the tasks find it: NEWSWATCH_SEEDS and NEWSWATCH_CACHE_DIR, where set.
"""

from __future__ import annotations

from extract import incidents
from ingest import orchestration, pipeline  # noqa: F401 - imported for the forked tasks
from ingest.config import configure_extract
from ingest.workers import warm_up

configure_extract()
incidents.load()
warm_up()
