#!/usr/bin/env bash
# Build the one-folder application into dist/vetta with PyInstaller (from a checkout with .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q -e '.[packaging]'
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/vetta.spec
echo "built dist/vetta/vetta"
