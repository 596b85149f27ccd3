#!/usr/bin/env bash
# Set up workreg on a fresh machine: the Debian graphviz package where `dot` is missing, Debian's
# postgresql where no PostgreSQL server is installed (the case tests start a throwaway cluster of
# their own; nothing is left running), then a virtual environment in .venv with workreg, its test
# tools, psycopg (for case databases on PostgreSQL) and the 'serve' extra (workreg serve: Starlette,
# uvicorn, python-multipart) installed (editable).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dot >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "setup: installing graphviz (for SVG/PNG diagrams)" >&2
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq graphviz >/dev/null
  else
    echo "setup: graphviz's 'dot' is missing; install it (e.g. 'brew install graphviz') for SVG/PNG output" >&2
  fi
fi

have_postgres() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}
if ! have_postgres; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "setup: installing postgresql (the case tests run a throwaway server)" >&2
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  else
    echo "setup: PostgreSQL is missing; the case tests on PostgreSQL will be skipped (e.g. 'brew install postgresql')" >&2
  fi
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,postgres,serve]'
echo "setup: ready; run .venv/bin/workreg --help (or: source .venv/bin/activate)" >&2
