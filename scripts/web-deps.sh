#!/usr/bin/env bash
# web-deps.sh - install the workbench's browser libraries from the npm
# registry (web/package-lock.json, no install scripts) and copy the files the
# pages load into web/vendor/. The browser never fetches anything from a CDN.
# Idempotent: does nothing when web/vendor/ is up to date with the lock file.
set -euo pipefail
cd "$(dirname "$0")/../web"

stamp=vendor/.lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f vendor/cytoscape.esm.min.js ] && [ -f vendor/countries-50m.json ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
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
# the map (web/map.js): d3-geo's projection and paths (its UMD build reads
# d3-array from the global d3), topojson-client to read world-atlas's
# Natural Earth outlines (1:50m, public domain), all loaded from /static/vendor/
for m in d3-array d3-geo topojson-client; do
  cp "node_modules/$m/dist/$m.min.js" "vendor/$m.min.js"
  cp "node_modules/$m/LICENSE" "vendor/$m.LICENSE"
done
cp node_modules/world-atlas/countries-50m.json vendor/countries-50m.json
cp node_modules/world-atlas/LICENSE vendor/world-atlas.LICENSE
printf '%s\n' "$want" >"$stamp"
