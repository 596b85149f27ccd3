#!/usr/bin/env bash
# Set up (as scripts/setup.sh) and run the whole test suite: unit tests and Gherkin features.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The benchmark's peers (regopy, cedarpy) too, so the test that their encodings agree runs.
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,postgres,bench]'
exec .venv/bin/python -m pytest "$@"
