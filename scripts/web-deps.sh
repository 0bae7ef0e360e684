#!/usr/bin/env bash
# web-deps.sh - install the workbench's browser libraries from the npm
# registry (web/package-lock.json, no install scripts) and copy the files the
# pages load into web/vendor/. The browser never fetches anything from a CDN.
# Idempotent: does nothing when web/vendor/ is up to date with the lock file.
set -euo pipefail
cd "$(dirname "$0")/../web"

stamp=vendor/.lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f vendor/cytoscape.esm.min.js ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "web-deps: npm is missing (scripts/install-deps.sh installs nodejs npm)" >&2
  exit 1
fi
echo "web-deps: npm ci in web/" >&2
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
rm -rf vendor
mkdir -p vendor
cp node_modules/cytoscape/dist/cytoscape.esm.min.mjs vendor/cytoscape.esm.min.js  # .js: served as text/javascript
cp node_modules/cytoscape/LICENSE vendor/cytoscape.LICENSE
printf '%s\n' "$want" >"$stamp"
