#!/usr/bin/env bash
# Type-check workreg with mypy (configured in pyproject.toml; tests/test_types.py runs this script): strict for
# the modules its overrides list (the API, cases, policy/, cli/, ...; docs/architecture.md names them), mypy's
# defaults elsewhere.  The source root is engine/ (the package is engine/workreg/), so mypy reads it as a path,
# with no installation needed.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
MYPYPATH="$PWD/engine" exec "$python" -m mypy --config-file pyproject.toml --cache-dir "${MYPY_CACHE_DIR:-.venv/mypy-cache}" \
  -p workreg "$@"
