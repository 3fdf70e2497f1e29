#!/usr/bin/env bash
# The test command (`make test`): install what is missing, start the local Elasticsearch,
# run pytest, stop Elasticsearch again (also on failure) and return pytest's status; then the
# fault tests on the local cluster (see below).
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
scripts/install.sh || exit 1

started_here=0
if ! scripts/elasticsearch.sh status >/dev/null 2>&1; then
    scripts/elasticsearch.sh start || exit 1
    started_here=1
fi
cleanup() { [ "$started_here" = 1 ] && scripts/elasticsearch.sh stop; }
trap cleanup EXIT

export NEWSWATCH_ES_URL="${NEWSWATCH_ES_URL:-http://127.0.0.1:${NEWSWATCH_ES_PORT:-9200}}"
mkdir -p test-artifacts
.venv/bin/python -m pytest "$@"
status=$?
[ "$status" = 5 ] && { echo "test.sh: pytest collected no tests" >&2; }

# After the whole suite (no arguments), the fault tests on the local cluster (tests/cluster,
# about 10 minutes): they start scripts/cluster.sh with test settings and stop it again.
# NEWSWATCH_SKIP_CLUSTER_TESTS=1 leaves them out.
if [ "$status" = 0 ] && [ $# = 0 ] && [ "${NEWSWATCH_SKIP_CLUSTER_TESTS:-0}" != 1 ]; then
    NEWSWATCH_CLUSTER_TESTS=1 .venv/bin/python -m pytest -m cluster tests/cluster
    status=$?
fi
exit "$status"
