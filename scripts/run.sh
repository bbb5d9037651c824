#!/usr/bin/env bash
# Sets everything up, builds, and runs Cryftee in the foreground with the bundled signed modules:
# API on the Unix socket run/cryftee.sock, kiosk on http://127.0.0.1:8323/. Extra arguments are passed
# to cryftee (see `build/cryftee --help`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$root"
mkdir -p run && chmod 0750 run
echo "cryftee: try  curl --unix-socket $root/run/cryftee.sock http://localhost/v1/staking/status"
exec build/cryftee \
  --module-dir build/modules \
  --trust-config build/dev/trust.toml \
  --ui-dir ui \
  --uds-path run/cryftee.sock \
  --http-addr 127.0.0.1:8323 \
  "$@"
