#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the main job: a forecast of the
# bundled demo basin (Big Tujunga Creek, scenarios/demo/demo.toml).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
./build/release/cli/floodtwin run scenarios/demo/demo.toml "$@"
