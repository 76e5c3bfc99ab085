#!/usr/bin/env bash
# Make sure `pgbench` is on the PATH, for bench/rush_all.py's baseline (PostgreSQL's own
# single-row INSERT rate on the same server).
#
# Already there -> exit 0 at once. Otherwise install Debian's `postgresql-client` package
# (pgbench ships with it); without root or sudo, or if that fails, exit non-zero with why.
set -euo pipefail
exec </dev/null

log() { printf 'ensure-pgbench: %s\n' "$*" >&2; }

command -v pgbench >/dev/null 2>&1 && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  sudo -n true 2>/dev/null || { log "pgbench is missing (apt-get install postgresql-client)"; exit 1; }
  SUDO=(sudo -n)
fi
log "installing the postgresql-client Debian package (pgbench)"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
  update >/dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
  install --no-install-recommends postgresql-client >/dev/null
command -v pgbench >/dev/null 2>&1 || { log "postgresql-client installed no pgbench"; exit 1; }
