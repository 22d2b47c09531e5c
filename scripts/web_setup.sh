#!/usr/bin/env bash
# Install the web widget's one browser dependency (socket.io-client, pinned in
# web/package-lock.json) and copy its bundle to web/vendor/, where the demo server
# serves it from the clinic's own origin: no CDN at run time, nothing to build.
# `npm ci` runs only when web/node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/../web"
installed=node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ package-lock.json -nt "$installed" ] || [ package.json -nt "$installed" ]; then
  command -v npm >/dev/null || { echo "npm is needed for the web widget (Node 18 or later)" >&2; exit 1; }
  npm ci --no-audit --no-fund
fi
mkdir -p vendor
for file in socket.io.min.js socket.io.min.js.map; do
  cmp -s "node_modules/socket.io-client/dist/$file" "vendor/$file" || cp "node_modules/socket.io-client/dist/$file" vendor/
done
