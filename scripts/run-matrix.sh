#!/usr/bin/env bash
# Procfile entry of the Matrix bridge (bridge/matrix, docs/channels.md). honcho stops the whole stack when
# one process ends, so without .venv-matrix (a checkout where `make setup` has not built it yet) this
# idles with one line instead of failing; the bridge itself idles when MATRIX_* is not set.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv-matrix/bin/python ]; then
  exec .venv-matrix/bin/python -m bridge.matrix
fi
echo "Matrix bridge not installed (.venv-matrix: make setup); bridge idle"
trap 'exit 0' TERM INT
while :; do
  sleep 3600 &
  wait $!
done
