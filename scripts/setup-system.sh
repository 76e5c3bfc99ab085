#!/usr/bin/env bash
# Install the Debian packages the project (and its test suite) needs.
#
# Idempotent and quiet: when every package is already installed it does nothing
# (no apt-get update, no apt-get install) and returns immediately.
#
#   chromium             headless browser for the Playwright tests (/usr/bin/chromium)
#   poppler-utils        pdftoppm, renders generated PDFs (badges, invoices) in tests
#   libharfbuzz-subset0  font subsetting used by WeasyPrint
#   fonts-dejavu-core    a predictable font for PDF rendering
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint text layout
#
# PostgreSQL itself is handled by scripts/ensure-postgres.sh.
set -euo pipefail
exec </dev/null

PACKAGES=(
  chromium
  poppler-utils
  libharfbuzz-subset0
  fonts-dejavu-core
  libpango-1.0-0
  libpangoft2-1.0-0
)

log() { printf 'setup-system: %s\n' "$*" >&2; }

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  log "WARNING: not a Debian/apt system; install these yourself: ${PACKAGES[*]}"
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

# Root, or passwordless sudo; otherwise warn and carry on (tests needing them will skip/fail).
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    log "WARNING: missing Debian packages: ${missing[*]}"
    log "WARNING: not root and no passwordless sudo; install them with:"
    log "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    exit 0
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
logfile="$(mktemp -t setup-system.XXXXXX.log)"
trap 'rm -f "$logfile"' EXIT

run_quiet() {
  if ! "$@" >>"$logfile" 2>&1; then
    log "ERROR: command failed: $*"
    tail -n 40 "$logfile" >&2
    exit 1
  fi
}

log "installing: ${missing[*]}"
# Always refresh the lists before installing: stale lists 404 on security updates.
run_quiet "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update

# Make sure every name exists in this release before asking apt to install it.
installable=()
for pkg in "${missing[@]}"; do
  candidate="$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ && !c {print $2; c=1}')"
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    log "WARNING: package '$pkg' is not available from the configured apt sources; skipping"
  else
    installable+=("$pkg")
  fi
done

if [ "${#installable[@]}" -gt 0 ]; then
  run_quiet "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install --no-install-recommends "${installable[@]}"
  log "installed: ${installable[*]}"
fi
