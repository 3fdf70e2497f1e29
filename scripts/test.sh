#!/usr/bin/env bash
# The test command (`make test`): install what is missing, start the local Elasticsearch,
# run pytest, stop Elasticsearch again (also on failure) and return pytest's status.
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
exit "$status"
