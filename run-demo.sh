#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the main job (the demo forecast).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
./build/release/cli/floodtwin demo "$@"
