#!/usr/bin/env bash
# The demo (`make demo`): install, start the local Elasticsearch, serve the bundled demo feeds
# and pages on loopback, run the ingest DAG once through Airflow (`airflow dags test`), then
# show a faceted search of the incidents found. Elasticsearch stays up afterwards so you can
# search (`.venv/bin/newswatch search ...`); `make es-stop` stops it.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
say() { echo "demo: $*" >&2; }
start=$(date +%s)

scripts/install.sh
scripts/elasticsearch.sh status >/dev/null 2>&1 || scripts/elasticsearch.sh start

DEMO_DIR="$REPO/.cache/demo"
mkdir -p "$DEMO_DIR"
port="${NEWSWATCH_DEMO_PORT:-8765}"
say "serving seeds/demo on http://127.0.0.1:$port"
setsid .venv/bin/python -m ingest.demo_server --port "$port" --feeds-out "$DEMO_DIR/feeds.yaml" \
    >"$DEMO_DIR/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$DEMO_DIR/feeds.yaml" ] && break; sleep 0.2; done
[ -s "$DEMO_DIR/feeds.yaml" ] || { say "demo server did not start: $(cat "$DEMO_DIR/server.log")"; exit 1; }

es_url="${NEWSWATCH_ES_URL:-http://127.0.0.1:${NEWSWATCH_ES_PORT:-9200}}"
export NEWSWATCH_ES_URL="$es_url"
export NEWSWATCH_FEEDS="$DEMO_DIR/feeds.yaml"
export NEWSWATCH_ALLOW_PRIVATE_HOSTS="127.0.0.1"   # the demo site is on loopback
export NEWSWATCH_PER_HOST_DELAY="${NEWSWATCH_PER_HOST_DELAY:-0.05}"
export AIRFLOW_HOME="$REPO/.cache/airflow"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_FOLDER="$REPO/dags"
export AIRFLOW__CORE__PARALLELISM=4
export AIRFLOW_CONN_NEWSWATCH_ES="$es_url"
export NEWSWATCH_TASK_RETRIES=0

say "preparing Airflow (SQLite in $AIRFLOW_HOME)"
.venv/bin/airflow db migrate >"$DEMO_DIR/airflow-db.log" 2>&1 \
    || { say "airflow db migrate failed; see $DEMO_DIR/airflow-db.log"; exit 1; }
.venv/bin/airflow pools set newswatch_http 8 "bounds concurrent feed/page fetching" >/dev/null
say "running the newswatch_ingest DAG once (airflow dags test); log: $DEMO_DIR/dag-test.log"
if ! .venv/bin/airflow dags test newswatch_ingest >"$DEMO_DIR/dag-test.log" 2>&1; then
    say "the DAG run failed; the end of its log:"; tail -30 "$DEMO_DIR/dag-test.log" >&2; exit 1
fi
grep -o "Marking run <DagRun newswatch_ingest[^>]*>[^,]*" "$DEMO_DIR/dag-test.log" | tail -1 >&2 || true

.venv/bin/newswatch search --incidents --facet event_type --facet country --facet actor --size 10 --sort date
echo
.venv/bin/newswatch search "rocket" --incidents --filter country_code=SY --size 5
say "done in $(( $(date +%s) - start )) s. Try: .venv/bin/newswatch search \"airstrike\" --incidents --facet country"
