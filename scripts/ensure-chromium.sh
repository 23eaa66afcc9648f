#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright drives it; no browser download).
set -euo pipefail
bin="${BL_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$bin" ]; then echo "chromium: $bin"; exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo "chromium installed: $bin"; exit 0
fi
echo "ERROR: Chromium not found at $bin. Install it (Debian/Ubuntu: 'sudo apt-get install chromium') or set BL_CHROMIUM." >&2
exit 1
