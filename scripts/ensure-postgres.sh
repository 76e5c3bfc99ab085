#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 (trust auth, user postgres,
# database "test"), for the PostgreSQL runs of the test suite.
#
# Already up -> exit 0 at once. Otherwise start the local cluster (installing the
# `postgresql` Debian package first if needed) and wait up to 30 s.
# On failure: with CI=true exit non-zero; otherwise warn and exit 0 (the PostgreSQL
# tests are expected to skip).
set -euo pipefail
exec </dev/null

# Overridable for testing this script against a throwaway cluster.
PGHOST_CHECK=127.0.0.1
PGPORT_CHECK="${ENSURE_PG_PORT:-5432}"
PG_CLUSTER="${ENSURE_PG_CLUSTER:-main}"
WAIT_SECONDS=30

log() { printf 'ensure-postgres: %s\n' "$*" >&2; }

fail() {
  if [ "${CI:-}" = "true" ]; then
    log "ERROR: $*"
    log "ERROR: PostgreSQL is required in CI (CI=true); giving up."
    exit 1
  fi
  log "WARNING: $*"
  log "WARNING: continuing without PostgreSQL; PostgreSQL tests will not run."
  exit 0
}

is_ready() {
  command -v pg_isready >/dev/null 2>&1 &&
    pg_isready -q -h "$PGHOST_CHECK" -p "$PGPORT_CHECK" -t 2 >/dev/null 2>&1
}

is_ready && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    SUDO=(__no_privilege__)
  fi
fi

have_privilege() { [ "${SUDO[0]:-}" != "__no_privilege__" ]; }

installed_now=0

# Install the server if it is absent.
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls -A /etc/postgresql 2>/dev/null)" ]; then
  have_privilege || fail "PostgreSQL is not installed and we are neither root nor have passwordless sudo (apt-get install postgresql)."
  log "installing the postgresql Debian package"
  logfile="$(mktemp -t ensure-postgres.XXXXXX.log)"
  if ! { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 update &&
         "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
           install --no-install-recommends postgresql; } >"$logfile" 2>&1; then
    tail -n 40 "$logfile" >&2
    rm -f "$logfile"
    fail "could not install postgresql from apt."
  fi
  rm -f "$logfile"
  installed_now=1
fi

# Start the cluster "main" of every installed version (normally exactly one).
versions=()
for dir in /etc/postgresql/*/; do
  [ -d "$dir$PG_CLUSTER" ] && versions+=("$(basename "$dir")")
done
[ "${#versions[@]}" -gt 0 ] || fail "no PostgreSQL cluster '$PG_CLUSTER' found under /etc/postgresql."

# A cluster we just created gets the same trust auth as the CI machines (local use only).
if [ "$installed_now" = 1 ]; then
  for v in "${versions[@]}"; do
    printf '%s\n' \
      '# Written by scripts/ensure-postgres.sh: trust on loopback, for local tests only.' \
      'local all all trust' \
      'host  all all 127.0.0.1/32 trust' \
      'host  all all ::1/128 trust' |
      "${SUDO[@]}" tee "/etc/postgresql/$v/$PG_CLUSTER/pg_hba.conf" >/dev/null
  done
fi

have_privilege || fail "PostgreSQL is not running on $PGHOST_CHECK:$PGPORT_CHECK and we cannot start it (not root, no passwordless sudo)."

for v in "${versions[@]}"; do
  log "starting PostgreSQL $v/$PG_CLUSTER"
  "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$v" "$PG_CLUSTER" start >/dev/null 2>&1 ||
    log "pg_ctlcluster $v $PG_CLUSTER start returned non-zero (may already be starting)"
done

for _ in $(seq 1 "$WAIT_SECONDS"); do
  if is_ready; then
    log "PostgreSQL is accepting connections on $PGHOST_CHECK:$PGPORT_CHECK"
    break
  fi
  sleep 1
done
if [ "$installed_now" = 1 ]; then
  # postinst may have started the cluster before pg_hba.conf was rewritten.
  for v in "${versions[@]}"; do
    "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$v" "$PG_CLUSTER" reload >/dev/null 2>&1 || true
  done
fi
is_ready || fail "PostgreSQL did not accept connections on $PGHOST_CHECK:$PGPORT_CHECK within ${WAIT_SECONDS}s (see /var/log/postgresql/)."

# The test suite connects as postgres (trust auth) to database "test"; create it if missing.
if command -v psql >/dev/null 2>&1; then
  if ! psql -h "$PGHOST_CHECK" -p "$PGPORT_CHECK" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null | grep -q 1; then
    psql -h "$PGHOST_CHECK" -p "$PGPORT_CHECK" -U postgres -d postgres -qc 'CREATE DATABASE test' >/dev/null 2>&1 ||
      log "WARNING: could not create database 'test' (check pg_hba.conf trust auth for 127.0.0.1)"
  fi
fi
exit 0
