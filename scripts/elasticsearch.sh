#!/usr/bin/env bash
# Local single-node Elasticsearch for development, tests and CI — no Docker.
# Fetches Elastic's integ-test-zip (same version as ES_VERSION) from Maven Central with
# `mvn dependency:copy`, unpacks it under .cache/, and runs it as a non-root user on
# 127.0.0.1 with security off and a small heap.
#
#   scripts/elasticsearch.sh start|stop|status|fetch
#
# Environment (all optional):
#   NEWSWATCH_CACHE    cache folder (default: <repo>/.cache)
#   NEWSWATCH_ES_PORT  HTTP port (default 9200)
#   NEWSWATCH_ES_HEAP  JVM heap (default 768m)
#   NEWSWATCH_ES_USER  user that runs Elasticsearch when started as root (default newswatch-es)
#   ES_JAVA_HOME       JDK to use (default: newest JDK >= 21 under /usr/lib/jvm)
# To run one node of a multi-node cluster on loopback (scripts/cluster.sh does this):
#   NEWSWATCH_ES_CLUSTER         cluster name (default newswatch-dev)
#   NEWSWATCH_ES_NODE_NAME       node name (default newswatch-local)
#   NEWSWATCH_ES_TRANSPORT_PORT  transport port (default: HTTP port + 100)
#   NEWSWATCH_ES_SEED_HOSTS      host:transport-port of every node, comma-separated; when set the
#                                node discovers these instead of running single-node
#   NEWSWATCH_ES_MASTER_NODES    node names that bootstrap the cluster (cluster.initial_master_nodes)
#   NEWSWATCH_ES_WAIT            seconds to wait for health (default 180; 0: return once it runs)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ES_VERSION="$(tr -d '[:space:]' < "$REPO/ES_VERSION")"
PORT="${NEWSWATCH_ES_PORT:-9200}"
HEAP="${NEWSWATCH_ES_HEAP:-768m}"
ES_USER="${NEWSWATCH_ES_USER:-newswatch-es}"
CACHE="${NEWSWATCH_CACHE:-$REPO/.cache}"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
WAIT_SECONDS="${NEWSWATCH_ES_WAIT:-180}"
CLUSTER_NAME="${NEWSWATCH_ES_CLUSTER:-newswatch-dev}"
NODE_NAME="${NEWSWATCH_ES_NODE_NAME:-newswatch-local}"
TRANSPORT_PORT="${NEWSWATCH_ES_TRANSPORT_PORT:-$((PORT + 100))}"
SEED_HOSTS="${NEWSWATCH_ES_SEED_HOSTS:-}"
MASTER_NODES="${NEWSWATCH_ES_MASTER_NODES:-$NODE_NAME}"

die() { echo "elasticsearch.sh: $*" >&2; exit 1; }
say() { echo "elasticsearch.sh: $*" >&2; }

run_user() { if [ "$(id -u)" = 0 ]; then echo "$ES_USER"; else id -un; fi; }

# Run a command as the Elasticsearch user (root itself is refused by Elasticsearch).
as_es() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

ensure_user() {
    [ "$(id -u)" = 0 ] || return 0
    id "$ES_USER" >/dev/null 2>&1 && return 0
    command -v useradd >/dev/null || die "running as root and useradd is missing: create a non-root user and set NEWSWATCH_ES_USER"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER" \
        || die "could not create user $ES_USER (useradd failed); create one and set NEWSWATCH_ES_USER"
}

# The repo may live under a folder the ES user cannot enter (root's home): fall back to /var/tmp.
choose_home() {
    ES_DIR="$CACHE/es"
    mkdir -p "$ES_DIR"
    if [ "$(id -u)" = 0 ] && ! runuser -u "$ES_USER" -- test -x "$ES_DIR"; then
        local fallback="/var/tmp/newswatch-cache/es"
        say "$ES_USER cannot enter $ES_DIR; using $fallback"
        ES_DIR="$fallback"
        mkdir -p "$ES_DIR"
        chmod 755 /var/tmp/newswatch-cache "$ES_DIR"
    fi
    ES_HOME="$ES_DIR/elasticsearch-$ES_VERSION"
    RUN_DIR="$ES_DIR/run-$PORT"
    PID_FILE="$RUN_DIR/elasticsearch.pid"
}

find_java() {
    if [ -n "${ES_JAVA_HOME:-}" ]; then
        [ -x "$ES_JAVA_HOME/bin/java" ] || die "ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java"
        return 0
    fi
    local best="" best_major=0 jdk major
    for jdk in /usr/lib/jvm/*/; do
        jdk="${jdk%/}"
        [ -x "$jdk/bin/java" ] && [ ! -L "$jdk" ] || continue
        major="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 \
                 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)"
        [ -n "$major" ] && [ "$major" -gt "$best_major" ] && { best="$jdk"; best_major="$major"; }
    done
    [ "$best_major" -ge 21 ] \
        || die "no JDK 21+ under /usr/lib/jvm (Elasticsearch $ES_VERSION needs Java 21+): install one (e.g. apt-get install openjdk-21-jre-headless) or set ES_JAVA_HOME"
    export ES_JAVA_HOME="$best"
}

fetch() {
    ensure_user  # choose_home asks whether this user can enter the cache folder
    choose_home
    [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
    local zip="$ES_DIR/elasticsearch-$ES_VERSION.zip"
    if [ ! -s "$zip" ]; then
        command -v mvn >/dev/null || die "Maven (mvn) is missing: install it (apt-get install maven) to fetch $ARTIFACT"
        say "fetching $ARTIFACT from Maven Central ..."
        mvn -q -B dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$ES_DIR" \
            || die "mvn could not fetch $ARTIFACT: check network access to Maven Central"
    fi
    command -v unzip >/dev/null || die "unzip is missing: apt-get install unzip"
    say "unpacking $(du -h "$zip" | cut -f1) zip into $ES_HOME"
    rm -rf "$ES_HOME.tmp" && mkdir -p "$ES_HOME.tmp"
    unzip -q "$zip" -d "$ES_HOME.tmp"
    mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME" && rmdir "$ES_HOME.tmp"
    chmod -R a+rX "$ES_HOME"
}

url() { echo "http://127.0.0.1:$PORT"; }

pid_alive() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

health() { curl -s --max-time 2 "$(url)/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start() {
    command -v curl >/dev/null || die "curl is missing: apt-get install curl"
    ensure_user
    choose_home
    if pid_alive; then say "already running (pid $(cat "$PID_FILE")) at $(url)"; return 0; fi
    port_busy && die "port $PORT is already in use by another process: stop it or set NEWSWATCH_ES_PORT"
    find_java
    fetch
    mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs" "$RUN_DIR/tmp"
    # Elasticsearch writes its keystore into the config folder: give it a private copy.
    [ -d "$RUN_DIR/config" ] || cp -r "$ES_HOME/config" "$RUN_DIR/config"
    [ "$(id -u)" = 0 ] && chown -R "$ES_USER" "$RUN_DIR"
    rm -f "$PID_FILE"
    local discovery=(-E discovery.type=single-node)
    [ -n "$SEED_HOSTS" ] && discovery=(-E discovery.seed_hosts="$SEED_HOSTS"
                                       -E cluster.initial_master_nodes="$MASTER_NODES")
    say "starting Elasticsearch $ES_VERSION as $(run_user) with $ES_JAVA_HOME on $(url) (heap $HEAP)"
    local t0=$SECONDS
    as_es env ES_JAVA_HOME="$ES_JAVA_HOME" ES_TMPDIR="$RUN_DIR/tmp" ES_PATH_CONF="$RUN_DIR/config" \
        ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
        "$ES_HOME/bin/elasticsearch" -d -p "$PID_FILE" \
        -E cluster.name="$CLUSTER_NAME" -E node.name="$NODE_NAME" \
        "${discovery[@]}" -E network.host=127.0.0.1 -E http.port="$PORT" \
        -E transport.port="$TRANSPORT_PORT" \
        -E xpack.security.enabled=false -E xpack.ml.enabled=false \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        -E path.data="$RUN_DIR/data" -E path.logs="$RUN_DIR/logs" \
        > "$RUN_DIR/logs/startup.out" 2>&1 \
        || { tail -30 "$RUN_DIR/logs/startup.out" >&2; die "Elasticsearch failed to start (see $RUN_DIR/logs)"; }
    if [ "$WAIT_SECONDS" = 0 ]; then say "started (pid $(cat "$PID_FILE")); not waiting for health"; return 0; fi
    while [ $((SECONDS - t0)) -lt "$WAIT_SECONDS" ]; do
        if health | grep -qE '"status":"(yellow|green)"'; then
            say "ready in $((SECONDS - t0)) s (pid $(cat "$PID_FILE"))"
            return 0
        fi
        if [ -f "$PID_FILE" ] && ! pid_alive; then break; fi
        sleep 1
    done
    tail -40 "$RUN_DIR/logs/$CLUSTER_NAME.log" >&2 2>/dev/null || tail -40 "$RUN_DIR/logs/startup.out" >&2
    die "Elasticsearch did not become healthy within ${WAIT_SECONDS}s (logs: $RUN_DIR/logs)"
}

stop() {
    choose_home
    if ! pid_alive; then say "not running"; rm -f "$PID_FILE"; return 0; fi
    local pid; pid="$(cat "$PID_FILE")"
    kill "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || { say "stopped (pid $pid)"; rm -f "$PID_FILE"; return 0; }; sleep 1; done
    say "pid $pid did not stop in 60 s; killing it"
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
}

status() {
    choose_home
    if pid_alive; then
        echo "running: pid $(cat "$PID_FILE"), $(url), version $ES_VERSION"
        health; echo
    else
        echo "not running ($(url))"; return 3
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    fetch) fetch ;;
    *) echo "usage: $0 start|stop|status|fetch" >&2; exit 2 ;;
esac
