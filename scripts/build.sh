#!/usr/bin/env bash
# Configures and builds Cryftee (daemon, modules, tests) into build/. Usage: scripts/build.sh [cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The compiler cache lives outside the tree so fresh clones on the same machine reuse it.
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cryftee-ccache}"
export CCACHE_BASEDIR="$root"
# Objects from another clone are reused even though their debug info names that clone's directory.
export CCACHE_NOHASHDIR=1
jobs="${CRYFTEE_BUILD_JOBS:-2}"
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja \
    -DCMAKE_BUILD_TYPE="${CRYFTEE_BUILD_TYPE:-RelWithDebInfo}" \
    -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@"
fi
cmake --build build -j "$jobs"
