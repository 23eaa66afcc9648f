#!/usr/bin/env bash
# Print the path of a Python interpreter of the wanted minor version (3.10 or 3.11), or fail clearly.
# Order: $PYTHON310/$PYTHON311, pythonX.Y on PATH (if it really runs), pyenv installs.
set -euo pipefail
want="${1:?usage: find-python.sh 3.10|3.11}"
var="PYTHON${want/./}"
candidates=()
[ -n "${!var:-}" ] && candidates+=("${!var}")
candidates+=("python${want}")
if command -v pyenv >/dev/null 2>&1; then
  root="$(pyenv root)"
  for p in "$root"/versions/"${want}".*/bin/python; do [ -x "$p" ] && candidates+=("$p"); done
fi
[ "$want" = "3.11" ] && candidates+=("python3")
for c in "${candidates[@]}"; do
  if out=$("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) && [ "$out" = "$want" ]; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
echo "ERROR: Python ${want} not found. Install it (e.g. 'pyenv install ${want}') or set ${var}=/path/to/python${want}." >&2
exit 1
