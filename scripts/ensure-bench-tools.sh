#!/usr/bin/env bash
# Make sure the benchmarks' tools are on the PATH: `pgbench` (bench/rush_all.py's baseline,
# PostgreSQL's own single-row INSERT rate on the same server) and `wrk` (the load generator
# of the rushes, bench/support/wrk.py).
#
# All there -> exit 0 at once. Otherwise install the Debian packages that ship the missing
# ones (postgresql-client, wrk); without root or sudo, or if that fails, exit non-zero with why.
set -euo pipefail
exec </dev/null

log() { printf 'ensure-bench-tools: %s\n' "$*" >&2; }

declare -A PACKAGE=([pgbench]=postgresql-client [wrk]=wrk)

missing=()
for tool in "${!PACKAGE[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${PACKAGE[$tool]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  sudo -n true 2>/dev/null || { log "missing: apt-get install ${missing[*]}"; exit 1; }
  SUDO=(sudo -n)
fi
log "installing the Debian packages ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
  update >/dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
  install --no-install-recommends "${missing[@]}" >/dev/null
for tool in "${!PACKAGE[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { log "${PACKAGE[$tool]} installed no $tool"; exit 1; }
done
