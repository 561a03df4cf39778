#!/usr/bin/env bash
# The whole test suite, on a machine that has never seen the project:
# installs dependencies, builds the CLI, brings up a single-node Slurm
# (Debian packages, as root) and runs vitest. Idempotent.
# The last line is `tests: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."

# CI must not skip the Slurm or SSH tests: a missing Slurm or sshd is a failure there.
if [ "${CI:-}" = "true" ]; then export RUNLOG_REQUIRE_SLURM=1 RUNLOG_REQUIRE_SSHD=1; fi

log() { echo "test.sh: $*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  # The lock is complete for every platform and npm ci is exact: no fallback, so installs are reproducible.
  npm ci --no-audit --no-fund >&2 || { log "npm ci failed"; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
fi
log "linting and checking the format (biome)"
{ npm run -s lint >&2 && npm run -s format:check >&2; } || { log "lint or format check failed (npm run format fixes the format)"; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
log "building"
npm run -s build >&2 || { log "build failed"; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }

# Slurm: start it when we can (root + apt); the Slurm tests decide whether its absence is a skip or a failure.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${RUNLOG_NO_SLURM:-}" != "1" ]; then
  log "starting single-node Slurm"
  if exports=$(bash scripts/slurm.sh start); then
    eval "$exports"
  else
    log "Slurm did not start; Slurm tests will fail or skip"
  fi
fi

# The chart tests draw our SVGs with a real renderer (librsvg); CI fails them when it is missing.
if ! command -v rsvg-convert >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing librsvg2-bin (rsvg-convert)"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends librsvg2-bin >&2 \
    || { timeout 600 apt-get -o DPkg::Lock::Timeout=120 update -qq >&2 && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends librsvg2-bin >&2; } \
    || log "could not install librsvg2-bin; the renderer test fails in CI"
fi

# OpenSSH server for the SSH executor's tests (they start their own sshd on 127.0.0.1).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  bash scripts/sshd.sh || log "openssh-server is missing; SSH tests will fail or skip"
fi

results=$(mktemp)
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" 2>/dev/null || echo "tests: 0 passed, 1 failed, 0 skipped"
rm -f "$results"
exit $status
