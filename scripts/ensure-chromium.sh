#!/usr/bin/env bash
# Makes sure a Chromium binary exists for the browser suites. Debian's package
# is the one that works here (playwright cannot download its own browsers).
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "coffer: installing Debian's chromium for the browser suites" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
else
  echo "coffer: Chromium not found at $chromium; install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
