#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest), GUI tests under Xvfb.
# Usage: scripts/test.sh [ctest args], e.g. scripts/test.sh -L core   or   scripts/test.sh -R prep
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/build.sh"
source "$ROOT/scripts/xvfb.sh"
start_xvfb_if_needed
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-xcb}"
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 900 -j"${TEST_JOBS:-2}" "$@"
