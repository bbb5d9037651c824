#!/usr/bin/env bash
# Sets everything up, builds, and runs the whole test suite with ctest: unit, integration, fuzz and browser
# tests in build/, then runs the unit and integration suites again in build-asan/, built with
# AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer (CMake option CRYFTEE_SANITIZE); any
# sanitizer report fails the run. CRYFTEE_SANITIZERS=0 skips that second stage (a quick local run).
# Extra arguments go to both ctest runs (e.g. -R integration.staking).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --with-browser
"$root/scripts/build.sh"
(cd "$root/build" && ctest --output-on-failure -j "${CRYFTEE_TEST_JOBS:-2}" "$@")

if [ "${CRYFTEE_SANITIZERS:-1}" = 0 ]; then exit 0; fi
CRYFTEE_BUILD_TREE=build-asan "$root/scripts/build.sh" -DCRYFTEE_SANITIZE=ON
reports="$root/build-asan/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports"
status=0
(cd "$root/build-asan" && ctest --output-on-failure -j "${CRYFTEE_TEST_JOBS:-2}" "$@") || status=$?
if [ -n "$(ls -A "$reports")" ]; then
  echo "test.sh: the sanitizers reported errors:" >&2
  for report in "$reports"/*; do
    echo "==== $report" >&2
    cat "$report" >&2
  done
  status=1
fi
exit "$status"
