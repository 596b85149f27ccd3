#!/usr/bin/env bash
# Set up (as scripts/setup.sh) and run the whole test suite: unit tests and Gherkin features.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests of workreg serve's page drive Debian's chromium with Playwright (which cannot
# download browsers here); the user's set-up does not need either.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "test: installing chromium (for the browser tests of the page)" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
# Mermaid (the syntax check of the Mermaid exports) and bpmn-js (the docs' pictures of the BPMN export)
# come from the npm registry, into .venv/npm; the user's set-up needs neither.
if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "test: installing npm (for Mermaid's parser in the export tests)" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
fi
if [ ! -f .venv/npm/node_modules/mermaid/dist/mermaid.min.js ]; then
  npm install --prefix .venv/npm --no-audit --no-fund --silent mermaid@12 bpmn-js@18 >/dev/null
fi
export WORKREG_REQUIRE_BROWSER=1
# The benchmark's peers (regopy, cedarpy) too, so the test that their encodings agree runs; and
# MkDocs with the Material theme, for the documentation site.
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,postgres,serve,bench,browser,docs]'
# The documentation site builds strictly (broken links, missing pages and anchors fail), into a
# scratch folder so that nothing is left in the clone.
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet --site-dir "$site"
.venv/bin/python -m pytest "$@"
