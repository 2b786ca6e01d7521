#!/usr/bin/env bash
# Install the reading systems the render tests open books in (tests/test_render.py):
# epub.js (BSD-2-Clause, node_modules/epubjs/license) and foliate-js (MIT,
# node_modules/foliate-js/LICENSE), from the npm registry, at the versions
# package.json pins. Idempotent: does nothing when they are already installed.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f node_modules/epubjs/dist/epub.min.js ] && [ -f node_modules/foliate-js/view.js ] \
  && [ -f node_modules/jszip/dist/jszip.min.js ]; then
  exit 0
fi
npm install --no-audit --no-fund --loglevel=error --no-package-lock
