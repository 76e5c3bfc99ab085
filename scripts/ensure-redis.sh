#!/usr/bin/env bash
# Make sure a Redis server answers on 127.0.0.1:6379, for the tests that prove the rate
# limits are shared by several app instances (tests/security) — production sets REDIS_URL.
#
# Already up -> exit 0 at once. Otherwise install the `redis-server` Debian package if
# needed, start a throwaway server on loopback (no persistence) and wait up to 10 s.
# On failure: with CI=true exit non-zero; otherwise warn and exit 0 (those tests skip).
set -euo pipefail
exec </dev/null

log() { printf 'ensure-redis: %s\n' "$*" >&2; }

fail() {
  if [ "${CI:-}" = "true" ]; then
    log "ERROR: $* (Redis is required in CI)"
    exit 1
  fi
  log "WARNING: $*; the tests that need Redis will skip."
  exit 0
}

is_ready() {
  command -v redis-cli >/dev/null 2>&1 &&
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]
}

is_ready && exit 0

if ! command -v redis-server >/dev/null 2>&1; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo -n true 2>/dev/null || fail "redis-server is not installed (apt-get install redis-server)"
    SUDO=(sudo -n)
  fi
  log "installing the redis-server Debian package"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
    update >/dev/null || fail "apt-get update failed"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
    install --no-install-recommends redis-server >/dev/null || fail "installing redis-server failed"
fi

log "starting redis-server on 127.0.0.1:6379"
redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no \
  --dir "${TMPDIR:-/tmp}" >/dev/null || fail "redis-server did not start"
for _ in $(seq 1 50); do
  is_ready && exit 0
  sleep 0.2
done
fail "redis-server did not answer on 127.0.0.1:6379"
