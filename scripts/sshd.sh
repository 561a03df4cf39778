#!/usr/bin/env bash
# Installs Debian's openssh-server for the SSH executor's tests when it is
# missing. Run as root; idempotent. The tests start their own sshd processes
# on 127.0.0.1 (test/support/sshd.ts); this script never starts the system
# service (policy-rc.d denies it while the package installs).
set -euo pipefail

log() { echo "runlog-sshd: $*" >&2; }

if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; then exit 0; fi
[ "$(id -u)" = 0 ] || { log "not root: cannot install openssh-server"; exit 1; }
command -v apt-get >/dev/null || { log "no apt-get: install openssh-server by hand"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
rcd=/usr/sbin/policy-rc.d
if [ ! -e $rcd ]; then printf '#!/bin/sh\nexit 101\n' >$rcd; chmod 755 $rcd; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; fi
aptlog=$(mktemp)
for try in 1 2 3; do  # retried: mirrors fail transiently
  if { timeout 600 apt-get -o DPkg::Lock::Timeout=120 update -q &&
       timeout 900 apt-get -o DPkg::Lock::Timeout=120 install -y -q --no-install-recommends openssh-server openssh-client
     } </dev/null >>"$aptlog" 2>&1; then
    rm -f "$aptlog"; exit 0
  fi
  log "apt-get failed (attempt $try of 3)"; sleep 5
done
tail -n 15 "$aptlog" >&2
log "ERROR: apt-get could not install openssh-server"
exit 1
