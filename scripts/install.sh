#!/usr/bin/env bash
# Install everything newswatch needs on a fresh machine: system packages (when root and
# missing), the pinned Python environment in .venv/, and the Elasticsearch distribution.
# Safe to run again: it only does what is missing.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
say() { echo "install: $*" >&2; }

# --- system packages -------------------------------------------------------------------
need_apt=()
command -v mvn >/dev/null || need_apt+=(maven)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v curl >/dev/null || need_apt+=(curl)
if [ "${NEWSWATCH_SKIP_BROWSER:-0}" != 1 ]; then
    [ -x /usr/bin/chromium ] || need_apt+=(chromium)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "apt-get install ${need_apt[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || say "apt-get update failed; trying the install anyway"
        apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    else
        say "missing system packages: ${need_apt[*]} — install them (e.g. sudo apt-get install ${need_apt[*]})"
        exit 1
    fi
fi

# --- Python environment ------------------------------------------------------------------
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { say "$PYTHON is $("$PYTHON" -V 2>&1); newswatch needs Python 3.11+ (set PYTHON=...)"; exit 1; }
stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    [ -x .venv/bin/python ] || { say "creating .venv with $("$PYTHON" -V 2>&1)"; "$PYTHON" -m venv .venv; }
    .venv/bin/python -m pip install -q -U pip "uv==0.13.9"
    say "installing newswatch with pinned dependencies (constraints.txt)"
    .venv/bin/uv pip install -q --python .venv/bin/python -c constraints.txt -e '.[airflow,dev,bench]'
    rm -f .venv/.installed-* && touch "$stamp"
fi

# --- Elasticsearch distribution (fetched once into .cache/) --------------------------
scripts/elasticsearch.sh fetch
say "ready: $(.venv/bin/python -V), $(.venv/bin/newswatch --help >/dev/null && echo newswatch OK)"
