#!/usr/bin/env bash
# Type-check workreg with mypy (configured in pyproject.toml): strict for the modules its overrides list
# (the API, cases, most of policy/, cli/, ...; docs/architecture.md names them), mypy's defaults elsewhere.
# The source lives in engine/ and installs as `workreg`; mypy cannot follow that mapping (nor the editable
# install's import hook), so it reads the package through a link named `workreg`.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/workreg-typecheck.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
ln -s "$PWD/engine" "$scratch/workreg"
MYPYPATH="$scratch" exec "$python" -m mypy --config-file pyproject.toml --cache-dir "${MYPY_CACHE_DIR:-.venv/mypy-cache}" \
  -p workreg "$@"
