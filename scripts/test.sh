#!/usr/bin/env bash
# Sets everything up, builds, and runs the whole test suite (unit, integration, fuzz, browser) with ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --with-browser
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "${CRYFTEE_TEST_JOBS:-2}" "$@"
