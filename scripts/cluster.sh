#!/usr/bin/env bash
# A local distributed stack, no Docker: PostgreSQL (Airflow's metadata DB), Redis (the Celery
# broker), Airflow's scheduler, dag-processor, api-server and N Celery workers (CeleryExecutor),
# and a three-node Elasticsearch cluster (scripts/elasticsearch.sh, once per node). Everything
# listens on 127.0.0.1 only; PostgreSQL, Redis and Elasticsearch run as a non-root user.
#
#   scripts/cluster.sh start|stop|status|env
#
# `start` is idempotent (what runs is left alone) and installs what is missing (Debian's
# postgresql and redis-server when root, the `cluster` extra into .venv). `stop` stops exactly
# what `start` started, by the PIDs it recorded. `env` prints the exports that point the
# `airflow` and `newswatch` commands at the cluster: eval "$(scripts/cluster.sh env)".
# NEWSWATCH_* settings exported before `start` (e.g. NEWSWATCH_FEEDS) reach the workers.
#
# Environment (all optional):
#   NEWSWATCH_CLUSTER_ES_PORTS     HTTP ports of the nodes (default "9210 9211 9212"; transport +100)
#   NEWSWATCH_CLUSTER_ES_HEAP      heap per node (default 256m)
#   NEWSWATCH_CLUSTER_PG_PORT      PostgreSQL port (default 15432)
#   NEWSWATCH_CLUSTER_REDIS_PORT   Redis port (default 16379)
#   NEWSWATCH_CLUSTER_API_PORT     Airflow api-server port (default 18080)
#   NEWSWATCH_CLUSTER_WORKERS      Celery workers (default 2), each with
#   NEWSWATCH_CLUSTER_CONCURRENCY  task slots per worker (default 2)
#   NEWSWATCH_CLUSTER_HEARTBEAT_TIMEOUT  seconds before a task whose worker died is failed and
#                                  retried (Airflow's task_instance_heartbeat_timeout; default 60)
#   NEWSWATCH_ES_USER              user that runs the services when started as root (newswatch-es)
#   NEWSWATCH_CACHE                cache folder (default <repo>/.cache)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NEWSWATCH_CACHE:-$REPO/.cache}"
BASE="$CACHE/cluster"
ES_PORTS=(${NEWSWATCH_CLUSTER_ES_PORTS:-9210 9211 9212})
ES_HEAP="${NEWSWATCH_CLUSTER_ES_HEAP:-256m}"
PG_PORT="${NEWSWATCH_CLUSTER_PG_PORT:-15432}"
REDIS_PORT="${NEWSWATCH_CLUSTER_REDIS_PORT:-16379}"
API_PORT="${NEWSWATCH_CLUSTER_API_PORT:-18080}"
WORKERS="${NEWSWATCH_CLUSTER_WORKERS:-2}"
CONCURRENCY="${NEWSWATCH_CLUSTER_CONCURRENCY:-2}"
HEARTBEAT_TIMEOUT="${NEWSWATCH_CLUSTER_HEARTBEAT_TIMEOUT:-60}"
SVC_USER="${NEWSWATCH_ES_USER:-newswatch-es}"
VENV="$REPO/.venv"
AIRFLOW_DIR="$BASE/airflow"
RUN="$BASE/run"              # PID files and logs of the Airflow processes (run as the caller)
ENV_FILE="$BASE/cluster.env"

die() { echo "cluster.sh: $*" >&2; exit 1; }
say() { echo "cluster.sh: $*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }
as_svc() { if is_root; then runuser -u "$SVC_USER" -- "$@"; else "$@"; fi; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

es_env() {  # the environment of node $1 (0-based) for scripts/elasticsearch.sh
    local i=$1 seeds="" names="" p n=0
    for p in "${ES_PORTS[@]}"; do
        n=$((n + 1)); seeds+="${seeds:+,}127.0.0.1:$((p + 100))"; names+="${names:+,}newswatch-node-$n"
    done
    echo NEWSWATCH_ES_PORT="${ES_PORTS[$i]}" NEWSWATCH_ES_HEAP="$ES_HEAP" \
        NEWSWATCH_ES_CLUSTER=newswatch-cluster NEWSWATCH_ES_NODE_NAME="newswatch-node-$((i + 1))" \
        NEWSWATCH_ES_SEED_HOSTS="$seeds" NEWSWATCH_ES_MASTER_NODES="$names"
}
es_script() { local i=$1; shift; env $(es_env "$i") "$REPO/scripts/elasticsearch.sh" "$@"; }
# started in a session of their own: a signal to the caller's process group (Ctrl-C, a killed
# test or benchmark that ran `start`) does not take the nodes down with it
es_detached() { local i=$1; shift; setsid --wait env $(es_env "$i") "$REPO/scripts/elasticsearch.sh" "$@"; }
es_url() { echo "http://127.0.0.1:${ES_PORTS[0]}"; }

# --- installing what is missing ----------------------------------------------------------
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

install_missing() {
    local need=()
    [ -n "$(pg_bin)" ] || need+=(postgresql)
    command -v redis-server >/dev/null || need+=(redis-server)
    command -v curl >/dev/null || need+=(curl)
    if [ ${#need[@]} -gt 0 ]; then
        is_root && command -v apt-get >/dev/null \
            || die "missing: ${need[*]} — install them (sudo apt-get install ${need[*]})"
        say "apt-get install ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || say "apt-get update failed; trying the install anyway"
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
    [ -x "$VENV/bin/python" ] || die "no $VENV: run scripts/install.sh first"
    if ! "$VENV/bin/python" -c 'import airflow.providers.celery, redis, psycopg2, asyncpg' 2>/dev/null; then
        say "installing the cluster extra (Celery provider, redis, psycopg2) into .venv"
        "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -c "$REPO/constraints.txt" \
            -e "$REPO[cluster]" || die "could not install the cluster extra (see above)"
    fi
}

# The service user must be able to enter its data folders: fall back to /var/tmp if not.
choose_data_dir() {
    DATA="$BASE/data"
    mkdir -p "$DATA"
    if is_root && ! runuser -u "$SVC_USER" -- test -x "$DATA"; then
        DATA="/var/tmp/newswatch-cache/cluster"
        mkdir -p "$DATA" && chmod 755 /var/tmp/newswatch-cache
    fi
    is_root && chown "$SVC_USER" "$DATA"
    PG_DATA="$DATA/postgres"
    PG_SOCK="$DATA/pg-socket"
    REDIS_DIR="$DATA/redis"
    return 0
}

secret() { tr -dc 'a-f0-9' </dev/urandom | head -c "${1:-32}"; }

# --- PostgreSQL ----------------------------------------------------------------------------
pg() { as_svc "$(pg_bin)/$1" "${@:2}"; }
pg_running() { [ -s "$PG_DATA/PG_VERSION" ] && pg pg_ctl -D "$PG_DATA" status >/dev/null 2>&1; }

start_postgres() {
    if pg_running; then say "postgres already running on port $PG_PORT"; return 0; fi
    port_busy "$PG_PORT" && die "port $PG_PORT is in use: set NEWSWATCH_CLUSTER_PG_PORT"
    mkdir -p "$PG_SOCK" && { is_root && chown "$SVC_USER" "$PG_SOCK"; chmod 700 "$PG_SOCK"; }
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
        local pwfile="$PG_SOCK/pw"
        (umask 077; echo "$PG_PASSWORD" > "$pwfile"); is_root && chown "$SVC_USER" "$pwfile"
        say "initdb $PG_DATA"
        pg initdb -D "$PG_DATA" -U airflow --pwfile="$pwfile" -E UTF8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$RUN/postgres-initdb.log" 2>&1 \
            || { rm -f "$pwfile"; die "initdb failed: see $RUN/postgres-initdb.log"; }
        rm -f "$pwfile"
    fi
    pg pg_ctl -D "$PG_DATA" -l "$DATA/postgres.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1" start >/dev/null \
        || die "postgres did not start: see $DATA/postgres.log"
    pg psql -h "$PG_SOCK" -p "$PG_PORT" -U airflow -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='airflow'" | grep -q 1 \
        || pg createdb -h "$PG_SOCK" -p "$PG_PORT" -U airflow airflow
    say "postgres up on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
    pg_running || { say "postgres not running"; return 0; }
    pg pg_ctl -D "$PG_DATA" -m fast -w stop >/dev/null && say "postgres stopped"
}

# --- Redis ---------------------------------------------------------------------------------
redis_pid_file() { echo "$REDIS_DIR/redis.pid"; }
redis_running() { local f; f="$(redis_pid_file)"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

start_redis() {
    if redis_running; then say "redis already running on port $REDIS_PORT"; return 0; fi
    port_busy "$REDIS_PORT" && die "port $REDIS_PORT is in use: set NEWSWATCH_CLUSTER_REDIS_PORT"
    mkdir -p "$REDIS_DIR" && { is_root && chown "$SVC_USER" "$REDIS_DIR"; true; }
    as_svc redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
        --daemonize yes --pidfile "$(redis_pid_file)" --logfile "$REDIS_DIR/redis.log" \
        --protected-mode yes
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || die "redis did not answer: see $REDIS_DIR/redis.log"
    say "redis up on 127.0.0.1:$REDIS_PORT (pid $(cat "$(redis_pid_file)"))"
}

stop_redis() {
    redis_running || { say "redis not running"; return 0; }
    local pid; pid="$(cat "$(redis_pid_file)")"
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    say "redis stopped (pid $pid)"
}

# --- Airflow processes (each its own session: its PID is its process group) ---------------
pid_of() { cat "$RUN/$1.pid" 2>/dev/null; }
running() {  # alive, and still the session leader we started (not a reused PID)
    local pid; pid="$(pid_of "$1")" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ]
}

launch() {  # launch NAME COMMAND...: started with setsid, its real PID recorded
    local name=$1; shift
    if running "$name"; then say "$name already running (pid $(pid_of "$name"))"; return 0; fi
    setsid "$@" >"$RUN/$name.log" 2>&1 </dev/null &
    echo $! >"$RUN/$name.pid"
    say "$name started (pid $!, log $RUN/$name.log)"
}

halt() {  # halt NAME: TERM its process group, KILL it after 30 s
    local name=$1 pid
    running "$name" || { say "$name not running"; rm -f "$RUN/$name.pid"; return 0; }
    pid="$(pid_of "$name")"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then say "$name (pid $pid) ignored TERM for 30 s; killing it"; fi
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$RUN/$name.pid"
    say "$name stopped (pid $pid)"
}

write_env() {  # the Airflow and newswatch settings every process of the cluster shares
    local secrets="$BASE/secrets"
    if [ ! -s "$secrets" ]; then
        (umask 077; printf 'PG_PASSWORD=%s\nJWT_SECRET=%s\nSECRET_KEY=%s\nFERNET_KEY=%s\n' \
            "$(secret)" "$(secret 64)" "$(secret 64)" \
            "$("$VENV/bin/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
            >"$secrets")
    fi
    # shellcheck disable=SC1090
    . "$secrets"
    local db="airflow:$PG_PASSWORD@127.0.0.1:$PG_PORT/airflow"
    (umask 077; cat >"$ENV_FILE" <<EOF
export AIRFLOW_HOME='$AIRFLOW_DIR'
export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_FOLDER='$REPO/dags'
export AIRFLOW__CORE__PARALLELISM=$((WORKERS * CONCURRENCY))
export AIRFLOW__CORE__FERNET_KEY='$FERNET_KEY'
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL='http://127.0.0.1:$API_PORT/execution/'
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN='postgresql+psycopg2://$db'
export AIRFLOW__CELERY__BROKER_URL='redis://127.0.0.1:$REDIS_PORT/0'
export AIRFLOW__CELERY__RESULT_BACKEND='db+postgresql+psycopg2://$db'
export AIRFLOW__CELERY__WORKER_CONCURRENCY=$CONCURRENCY
export AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT=21600
export AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=$HEARTBEAT_TIMEOUT
export AIRFLOW__API_AUTH__JWT_SECRET='$JWT_SECRET'
export AIRFLOW__API__SECRET_KEY='$SECRET_KEY'
export AIRFLOW_CONN_NEWSWATCH_ES='$(es_url)'
export NEWSWATCH_ES_URL='$(es_url)'
export NEWSWATCH_INDEX_REPLICAS=${NEWSWATCH_INDEX_REPLICAS:-1}
EOF
    )
    # NEWSWATCH_* settings of the caller (feed list, allow-lists, ...) reach every process
    env | grep -E '^NEWSWATCH_[A-Z0-9_]+=' | grep -vE '^NEWSWATCH_(ES_URL|INDEX_REPLICAS|CLUSTER_[A-Z_]*)=' \
        | while IFS='=' read -r key value; do printf 'export %s=%q\n' "$key" "$value"; done >>"$ENV_FILE"
}

start_airflow() {
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    mkdir -p "$AIRFLOW_DIR"
    local af="$VENV/bin/airflow"
    if ! running api-server; then
        port_busy "$API_PORT" && die "port $API_PORT is in use: set NEWSWATCH_CLUSTER_API_PORT"
        say "airflow db migrate (PostgreSQL)"
        "$af" db migrate >"$RUN/db-migrate.log" 2>&1 || die "airflow db migrate failed: see $RUN/db-migrate.log"
        "$af" pools set newswatch_http 8 "bounds concurrent feed/page fetching" >/dev/null
    fi
    launch api-server "$af" api-server --host 127.0.0.1 --port "$API_PORT"
    launch scheduler "$af" scheduler --skip-serve-logs
    launch dag-processor "$af" dag-processor
    local n
    for n in $(seq "$WORKERS"); do
        launch "worker-$n" "$af" celery worker --celery-hostname "worker$n@%h" \
            --concurrency "$CONCURRENCY" --skip-serve-logs
    done
}

wait_ready() {
    local t0=$1 deadline=$(( $1 + ${NEWSWATCH_CLUSTER_WAIT:-300} ))
    say "waiting for Elasticsearch (${#ES_PORTS[@]} nodes, green), the api-server and $WORKERS workers"
    until curl -sf --max-time 3 "$(es_url)/_cluster/health?wait_for_nodes=${#ES_PORTS[@]}&wait_for_status=green&timeout=2s" \
            | grep -q '"status":"green"'; do
        [ "$SECONDS" -lt "$deadline" ] || die "Elasticsearch is not green with ${#ES_PORTS[@]} nodes: see $(es_script 0 status 2>&1 | tail -1) and the node logs"
        sleep 2
    done
    until curl -sf --max-time 3 "http://127.0.0.1:$API_PORT/api/v2/version" >/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || die "api-server does not answer: see $RUN/api-server.log"
        running api-server || die "api-server exited: see $RUN/api-server.log"
        sleep 2
    done
    until [ "$(celery_ping | grep -c 'pong')" -ge "$WORKERS" ]; do
        [ "$SECONDS" -lt "$deadline" ] || die "fewer than $WORKERS Celery workers answer: see $RUN/worker-*.log"
        check_alive
        sleep 2
    done
    check_alive
    say "cluster ready in $((SECONDS - t0)) s: Airflow http://127.0.0.1:$API_PORT, Elasticsearch $(es_url)"
}

airflow_names() { echo api-server scheduler dag-processor; seq -f 'worker-%g' "$WORKERS"; }

check_alive() {  # a process that exited during start-up: say which, and the end of its log
    local name
    for name in $(airflow_names); do
        running "$name" && continue
        tail -15 "$RUN/$name.log" >&2
        die "$name exited during start-up: see $RUN/$name.log (scripts/cluster.sh stop stops the rest)"
    done
}

celery_ping() {
    # shellcheck disable=SC1090
    (. "$ENV_FILE"; "$VENV/bin/celery" -b "$AIRFLOW__CELERY__BROKER_URL" inspect ping --timeout 2 2>/dev/null) || true
}

# --- commands --------------------------------------------------------------------------------
start() {
    local t0=$SECONDS i
    install_missing
    mkdir -p "$RUN"
    "$REPO/scripts/elasticsearch.sh" fetch      # creates the service user and unpacks once
    choose_data_dir
    write_env
    # the nodes only become healthy together: start all three, then wait for green below
    local pids=()
    for i in "${!ES_PORTS[@]}"; do
        NEWSWATCH_ES_WAIT=0 es_detached "$i" start & pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || die "an Elasticsearch node did not start (see above)"; done
    start_postgres
    start_redis
    start_airflow
    wait_ready "$t0"
}

stop() {
    local n i
    for n in $(seq "$WORKERS" -1 1); do halt "worker-$n"; done
    halt dag-processor
    halt scheduler
    halt api-server
    choose_data_dir
    stop_redis
    stop_postgres
    for i in "${!ES_PORTS[@]}"; do es_script "$i" stop || true; done
}

status() {
    local rc=0 name i
    for name in $(airflow_names); do
        if running "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: not running"; rc=3; fi
    done
    choose_data_dir
    if redis_running; then echo "redis: running (pid $(cat "$(redis_pid_file)"), 127.0.0.1:$REDIS_PORT)"; else echo "redis: not running"; rc=3; fi
    if pg_running; then echo "postgres: running (127.0.0.1:$PG_PORT)"; else echo "postgres: not running"; rc=3; fi
    for i in "${!ES_PORTS[@]}"; do
        echo "elasticsearch node $((i + 1)): $(es_script "$i" status 2>&1 | head -1)" || true
    done
    local health
    health="$(curl -s --max-time 3 "$(es_url)/_cluster/health" 2>/dev/null || true)"
    echo "elasticsearch cluster: ${health:-no answer at $(es_url)}"
    if [ -f "$ENV_FILE" ] && running api-server; then
        echo "celery workers answering: $(celery_ping | grep -c pong)"
    fi
    return "$rc"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) [ -f "$ENV_FILE" ] || die "no $ENV_FILE yet: run scripts/cluster.sh start"; cat "$ENV_FILE" ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
