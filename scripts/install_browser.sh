#!/usr/bin/env bash
# Debian's Chromium for the widget's browser tests. Test tools cannot download
# their own browsers here (`playwright install` fails), so Playwright is pointed at
# /usr/bin/chromium. Runs as root; `apt-get update` only when the first try fails.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }
