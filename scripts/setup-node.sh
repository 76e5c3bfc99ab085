#!/usr/bin/env bash
# Install the test suite's npm tools (axe-core, for the accessibility checks of the browser
# tests) into a git-ignored node_modules, exactly as package-lock.json pins them.
#
# Idempotent and quiet: when node_modules already matches package-lock.json it does nothing.
# Without npm it warns and carries on (the accessibility tests then skip, or fail in CI).
set -euo pipefail
exec </dev/null
cd "$(dirname "$0")/.."

log() { printf 'setup-node: %s\n' "$*" >&2; }

if ! command -v npm >/dev/null 2>&1; then
  log "WARNING: npm is missing; install Node.js (Debian: nodejs npm) for the axe-core checks"
  exit 0
fi

# node_modules remembers which package-lock.json it was installed from.
STAMP=node_modules/.installed-lock
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/axe-core/axe.min.js ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
log "npm ci (axe-core for the accessibility tests)"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
printf '%s\n' "$want" > "$STAMP"
