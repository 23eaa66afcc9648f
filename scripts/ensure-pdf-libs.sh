#!/usr/bin/env bash
# Make sure the libraries and fonts WeasyPrint needs for the printable plan (staff/plan_pdf.py) are installed:
# Pango (text layout, with HarfBuzz and FreeType through pangoft2) and the DejaVu fonts it embeds.
set -euo pipefail
# (outputs read whole first: with pipefail, `grep -q` closing a pipe early would fail the check)
have_libs() {
  local libs fonts
  libs=$(ldconfig -p) && fonts=$(fc-list 2>/dev/null) || return 1
  [[ $libs == *libpangoft2-1.0.so.0* && $fonts == *"DejaVu Sans"* ]]
}
if have_libs; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core >/dev/null
  echo "PDF libraries installed (pango, fonts-dejavu-core)"; exit 0
fi
echo "ERROR: Pango or the DejaVu fonts are missing. Install Debian's packages libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core." >&2
exit 1
