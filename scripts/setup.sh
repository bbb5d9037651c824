#!/usr/bin/env bash
# Installs everything Cryftee needs to build, run and test, idempotently, from Debian's and npm's
# registries only. Usage: scripts/setup.sh [--with-browser]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

with_browser=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    *) echo "setup.sh: unknown argument '$arg' (accepted: --with-browser)" >&2; exit 2 ;;
  esac
done

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

apt_packages=(
  cmake ninja-build ccache pkg-config g++
  libboost1.81-dev libssl-dev libcurl4-openssl-dev
  libicu-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libgtest-dev
  clang-16 lld-16 libclang-rt-16-dev libclang-rt-16-dev-wasm32
  # llvm-symbolizer for readable sanitizer reports (the CRYFTEE_SANITIZE build in build-asan/)
  llvm-16
  wasi-libc libc++-16-dev-wasm32 libc++abi-16-dev-wasm32
  # libnode's runtime libraries (libnode itself is unpacked locally, see below)
  libuv1 libicu72 libc-ares2 libnghttp2-14 libbrotli1
  openssl curl nodejs
  # TPM 2.0: tpm2-tss for the TPM sealer (with its swtpm TCTI), a software TPM and tools for the tests
  libtss2-dev libtss2-tcti-swtpm0 libtss2-tcti-pcap0 swtpm swtpm-tools tpm2-tools
  # gcore, for the test that searches a core of the running daemon for secrets
  gdb
  # the AvalancheGo signer's gRPC server (src/grpc/) and the compilers that generate its stubs
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  # metrics, systemd readiness, and the .deb with its checks (cmake/package.cmake, tests/package/)
  prometheus-cpp-dev libsystemd-dev prometheus dpkg-dev fakeroot lintian systemd help2man file
)
[ "$with_browser" -eq 1 ] && apt_packages+=(chromium fonts-dejavu-core)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# V8 comes from Debian's libnode. Installing libnode-dev conflicts with the machine's own nodejs, so the
# two packages are unpacked into a project-local prefix instead.
libnode_prefix="$root/.deps/libnode"
if [ ! -e "$libnode_prefix/usr/lib/x86_64-linux-gnu/libnode.so.108" ]; then
  echo "setup: unpacking libnode108 + libnode-dev into $libnode_prefix"
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download libnode108 libnode-dev)
  mkdir -p "$libnode_prefix"
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$libnode_prefix"; done
  rm -rf "$debs"
fi

# blst sources, the independent BLS implementation and the browser driver, pinned by package-lock.json.
stamp="node_modules/.cryftee-lock"
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
echo "setup: done"
