#!/usr/bin/env bash
# Set up (as scripts/setup.sh) and run the whole test suite: unit tests and Gherkin features.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
