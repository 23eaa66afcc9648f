#!/usr/bin/env bash
# Make sure Debian's nginx (package nginx-light) is installed for the public entry (proxy/run.py).
# The distribution's own nginx service is not started or enabled: the project runs nginx itself, in the
# foreground, with its files under build/proxy/ (a system nginx would listen on port 80 of all interfaces).
set -euo pipefail
bin="${PROXY_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
if [ -x "$bin" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  policy=/usr/sbin/policy-rc.d; created=""
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created=1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  [ -n "$created" ] && rm -f "$policy"
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
  echo "nginx installed: $(command -v nginx || echo /usr/sbin/nginx)"; exit 0
fi
echo "ERROR: nginx not found. Install Debian's package nginx-light ('sudo apt-get install nginx-light') or set PROXY_NGINX." >&2
exit 1
