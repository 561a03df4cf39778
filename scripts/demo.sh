#!/usr/bin/env bash
# The README's main job: installs what it needs (idempotent), builds the CLI
# when the sources changed, then runs the demo on a fresh local ledger with a
# local bare remote and the local executor. No accounts, no network.
# Pass --keep to keep the demo's temp directory.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "demo.sh: $*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  # The lock is complete for every platform and npm ci is exact: no fallback, so installs are reproducible.
  npm ci --no-audit --no-fund >&2
fi
bundle=dist/bundle/runlog.mjs
if [ ! -f "$bundle" ] || [ -n "$(find src libexec templates package.json -newer "$bundle" -print -quit)" ]; then
  log "building"
  npm run -s build >&2
fi
exec node scripts/demo.mjs "$@"
