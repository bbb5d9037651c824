#!/usr/bin/env bash
# Configures and builds Cryftee (daemon, modules, tests) into build/. Usage: scripts/build.sh [cmake args]
# CRYFTEE_BUILD_TREE names another build folder, e.g. the sanitizer build scripts/test.sh makes:
#   CRYFTEE_BUILD_TREE=build-asan scripts/build.sh -DCRYFTEE_SANITIZE=ON
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The compiler cache lives outside the tree so fresh clones on the same machine reuse it.
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cryftee-ccache}"
export CCACHE_BASEDIR="$root"
# Objects from another clone are reused even though their debug info names that clone's directory.
export CCACHE_NOHASHDIR=1
jobs="${CRYFTEE_BUILD_JOBS:-2}"
tree="${CRYFTEE_BUILD_TREE:-build}"
if [ ! -f "$tree/build.ninja" ]; then
  cmake -S . -B "$tree" -G Ninja \
    -DCMAKE_BUILD_TYPE="${CRYFTEE_BUILD_TYPE:-RelWithDebInfo}" \
    -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@"
fi
cmake --build "$tree" -j "$jobs"
