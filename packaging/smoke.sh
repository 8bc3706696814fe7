#!/usr/bin/env bash
# Start the built bundle (dist/vetta/vetta) offscreen, on a fresh data folder, and drive it end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
VETTA=${VETTA_BUNDLE:-dist/vetta/vetta}
WORK=$(mktemp -d /tmp/vetta-bundle.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export VETTA_DATA_DIR="$WORK/data" QT_QPA_PLATFORM=offscreen
export PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring
run() { echo "+ vetta $*"; "$VETTA" "$@"; }

run --version
run demo
run db check
run vendors list --search scalewise
echo "bundle smoke test passed"
