#!/usr/bin/env bash
# runlog's throwaway single-node Slurm (Debian 12 / Slurm 22.05) for tests and
# demos. Run as root; no systemd needed. Adapted from /work/shared/slurm.
#
#   slurm.sh start    install packages if missing, write config, start daemons,
#                     wait until the node is idle; prints "export VAR=value"
#                     lines on stdout (logs on stderr). Idempotent: restarts
#                     dead daemons, and restarts all of them when the config
#                     changed (e.g. SLURM_ACCOUNTING flipped).
#   slurm.sh stop     cancel jobs, stop the daemons this script started
#                     (pid files in the sandbox); keeps the sandbox
#   slurm.sh status   exit 0 and print the export lines when the node answers;
#                     exit 1 with the reason on stderr otherwise
#
# Env: SLURM_SANDBOX     config/state/logs dir (default /tmp/runlog-slurm; kept
#                        short because MariaDB's unix socket lives inside it)
#      SLURM_ACCOUNTING  1 = slurmdbd + MariaDB so sacct works (default); 0 = none
#      SLURM_TIMEOUT     seconds allowed for each wait (default 60)
# Ports: slurmctld 6817, slurmd 6818, slurmdbd 6819 (clients use 127.0.0.1);
# MariaDB listens on a unix socket only.
set -euo pipefail

SB=${SLURM_SANDBOX:-/tmp/runlog-slurm}
ACCT=${SLURM_ACCOUNTING:-1}
WAIT=${SLURM_TIMEOUT:-60}
NODE=localhost
export SLURM_CONF=$SB/slurm.conf
export MYSQL_UNIX_PORT=$SB/mysql/mysqld.sock   # where slurmdbd's client library connects

DIAG=()  # log files to show when something fails

log() { echo "runlog-slurm: $*" >&2; }
die() {
  local f
  for f in "${DIAG[@]}"; do [ -s "$f" ] && { log "--- last lines of $f"; tail -n 15 "$f" >&2; }; done
  log "ERROR: $*"; exit 1
}
# running NAME PID: PID is a live process called NAME. A zombie counts as gone: in
# containers whose PID 1 does not reap, exited daemons stay zombies.
running() { [ "$(cat "/proc/$2/comm" 2>/dev/null)" = "$1" ] && ! grep -q '^State:.*Z' "/proc/$2/status"; }
alive() { local p; p=$(cat "$2" 2>/dev/null) && running "$1" "$p"; }  # alive NAME PIDFILE
# wait_for SECONDS WHAT CMD...: retry CMD every 0.2 s until it succeeds
wait_for() {
  local end=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "timed out after $WAIT s waiting for $what"
    sleep 0.2
  done
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_packages() {
  local want=(munge slurmctld slurmd slurm-client) missing=() p
  [ "$ACCT" = 1 ] && want+=(slurmdbd mariadb-server)
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (log: $SB/log/apt.log)"
  DIAG=("$SB/log/apt.log")
  export DEBIAN_FRONTEND=noninteractive
  local rcd=/usr/sbin/policy-rc.d  # keep package scripts from starting system services
  if [ ! -e $rcd ]; then printf '#!/bin/sh\nexit 101\n' >$rcd; chmod 755 $rcd; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; fi
  local try
  for try in 1 2 3; do  # retried: mirrors fail transiently
    { timeout 600 apt-get -o DPkg::Lock::Timeout=120 update -q &&
      timeout 900 apt-get -o DPkg::Lock::Timeout=120 install -y -q --no-install-recommends "${missing[@]}"
    } </dev/null >>"$SB/log/apt.log" 2>&1 && return 0
    log "apt-get failed (attempt $try of 3)"; sleep 5
  done
  die "apt-get failed"
}

write_config() {
  # NodeName=... CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105
  local hw; hw=$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')
  [ -n "$hw" ] || die "slurmd -C printed nothing"
  local conf=$SB/slurm.conf.new
  cat >"$conf" <<EOF
ClusterName=local
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$SB/state
SlurmdSpoolDir=$SB/spool
SlurmctldPidFile=$SB/run/slurmctld.pid
SlurmdPidFile=$SB/run/slurmd.pid
SlurmctldLogFile=$SB/log/slurmctld.log
SlurmdLogFile=$SB/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
# no cgroups, no systemd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=30
KillWait=5
MinJobAge=300
InactiveLimit=0
MailProg=/bin/true
JobCompType=jobcomp/none
EOF
  if [ "$ACCT" = 1 ]; then
    cat >>"$conf" <<EOF
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
EOF
    cat >"$SB/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc=slurm_acct_db
PidFile=$SB/run/slurmdbd.pid
LogFile=$SB/log/slurmdbd.log
EOF
    chmod 600 "$SB/slurmdbd.conf"
  else
    printf 'JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n' >>"$conf"
  fi
  # one countable, file-less GRES so GRES requests and the scarce-hardware policy
  # can be exercised without GPUs
  printf 'GresTypes=token\n' >>"$conf"
  printf 'NodeName=%s Name=token Count=2\n' "$NODE" >"$SB/gres.conf"
  printf 'NodeName=%s NodeAddr=127.0.0.1 %s Gres=token:2 State=UNKNOWN\n' "$NODE" "$hw" >>"$conf"
  printf 'PartitionName=debug Nodes=%s Default=YES MaxTime=INFINITE State=UP\n' "$NODE" >>"$conf"
  if [ -e "$SB/slurm.conf" ] && cmp -s "$conf" "$SB/slurm.conf"; then rm -f "$conf"; return 0; fi
  # daemons read the config only at start: a changed one means a restart
  if alive slurmctld "$SB/run/slurmctld.pid" || alive slurmd "$SB/run/slurmd.pid"; then
    log "configuration changed; restarting the daemons"
    stop
  fi
  mv "$conf" "$SB/slurm.conf"
}

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi  # already usable
  DIAG=("$SB/log/munged.stderr" /var/log/munge/munged.log)
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  install -d -o munge -g munge -m 755 /run/munge
  runuser -u munge -- munged </dev/null >/dev/null 2>"$SB/log/munged.stderr" || die "munged failed to start"
  wait_for "$WAIT" munged sh -c 'munge -n </dev/null | unmunge'
  cp /run/munge/munged.pid "$SB/run/munged.pid"
}

start_mariadb() {
  local d=$SB/mysql
  DIAG=("$SB/log/mariadb-install.log" "$d/mariadbd.log")
  [ ${#MYSQL_UNIX_PORT} -lt 100 ] || die "SLURM_SANDBOX path too long for a unix socket: $MYSQL_UNIX_PORT"
  install -d -o mysql -g mysql "$d"
  if [ ! -d "$d/data/mysql" ]; then
    mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" --skip-test-db \
      --auth-root-authentication-method=socket --innodb-log-file-size=8M \
      >"$SB/log/mariadb-install.log" 2>&1 || die "mariadb-install-db failed"
  fi
  if ! alive mariadbd "$d/mariadbd.pid"; then
    setsid mariadbd --no-defaults --user=mysql --datadir="$d/data" --socket="$MYSQL_UNIX_PORT" \
      --pid-file="$d/mariadbd.pid" --log-error="$d/mariadbd.log" --skip-networking \
      --innodb-buffer-pool-size=8M --innodb-log-file-size=8M --innodb-log-buffer-size=1M \
      --aria-pagecache-buffer-size=2M --key-buffer-size=1M --max-connections=30 \
      --innodb-lock-wait-timeout=900 --innodb-use-native-aio=0 </dev/null >/dev/null 2>&1 &
  fi
  wait_for "$WAIT" mariadbd mariadb-admin --no-defaults --connect-timeout=5 --socket="$MYSQL_UNIX_PORT" ping
  cp "$d/mariadbd.pid" "$SB/run/mariadbd.pid"
}

start_daemon() {  # start_daemon NAME PORT [ARGS]: start a self-daemonizing Slurm daemon unless running
  local name=$1 port=$2; shift 2
  DIAG=("$SB/log/$name.stderr" "$SB/log/$name.log")
  alive "$name" "$SB/run/$name.pid" && return 0
  port_free "$port" || die "port $port is already in use (another Slurm running?)"
  "$name" "$@" </dev/null >/dev/null 2>"$SB/log/$name.stderr" || die "$name failed to start"
}

node_up() { sinfo -h -n "$NODE" -o %T | grep -Eq '^(idle|mixed|allocated|completing)$'; }
cluster_registered() { sacctmgr -n -P show cluster local format=controlport | grep -qx 6817; }

start() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  mkdir -p "$SB"/{state,spool,log,run}
  printf '#!/bin/sh\n' >"$SB/spool/exec-test" && chmod 755 "$SB/spool/exec-test"
  "$SB/spool/exec-test" || die "$SB is on a noexec filesystem (job scripts run from there); set SLURM_SANDBOX"
  local t0=$SECONDS
  install_packages
  local t1=$SECONDS
  write_config
  start_munge
  if [ "$ACCT" = 1 ]; then
    start_mariadb
    start_daemon slurmdbd 6819
    wait_for "$WAIT" slurmdbd sacctmgr -n show cluster
  fi
  start_daemon slurmctld 6817
  start_daemon slurmd 6818 -N "$NODE"
  DIAG=("$SB/log/slurmctld.log" "$SB/log/slurmd.log")
  wait_for "$WAIT" "node $NODE to be idle (sinfo -R shows why not)" node_up
  if [ "$ACCT" = 1 ]; then
    DIAG=("$SB/log/slurmctld.log" "$SB/log/slurmdbd.log")
    wait_for "$WAIT" "slurmctld to register with slurmdbd" cluster_registered
  fi
  log "ready (install $((t1 - t0))s, daemons $((SECONDS - t1))s); logs in $SB/log"
  echo "export SLURM_CONF=$SLURM_CONF"
  echo "export SLURM_SANDBOX=$SB"
}

stop() {
  local name f pid jobs
  if alive slurmctld "$SB/run/slurmctld.pid" && alive slurmd "$SB/run/slurmd.pid"; then
    # cancel jobs first: their processes (slurmstepd) would outlive slurmd
    jobs=$(squeue -h -o %A 2>/dev/null || true)
    # shellcheck disable=SC2086  # one argument per job id
    [ -z "$jobs" ] || scancel $jobs || true
    for _ in $(seq 1 60); do
      [ -z "$(squeue -h -t running,completing -o %A 2>/dev/null)" ] && break; sleep 0.5
    done
  fi
  for name in slurmd slurmctld slurmdbd mariadbd munged; do
    f=$SB/run/$name.pid
    [ -e "$f" ] || continue
    if alive "$name" "$f"; then
      pid=$(cat "$f")
      kill "$pid"
      for _ in $(seq 1 $((WAIT * 5))); do running "$name" "$pid" || break; sleep 0.2; done
      if running "$name" "$pid"; then log "$name ($pid) ignored SIGTERM for ${WAIT}s; sending SIGKILL"; kill -9 "$pid"; fi
      log "stopped $name ($pid)"
    fi
    rm -f "$f"
  done
}

status() {
  local name missing=()
  for name in slurmctld slurmd; do alive "$name" "$SB/run/$name.pid" || missing+=("$name"); done
  if grep -q '^AccountingStorageType=accounting_storage/slurmdbd' "$SB/slurm.conf" 2>/dev/null; then
    for name in slurmdbd mariadbd; do alive "$name" "$SB/run/$name.pid" || missing+=("$name"); done
  fi
  [ ${#missing[@]} -eq 0 ] || { log "not running: ${missing[*]}"; exit 1; }
  node_up || { log "node $NODE is not idle: $(sinfo -h -n "$NODE" -o '%T %E' 2>&1 | head -n 1)"; exit 1; }
  echo "export SLURM_CONF=$SLURM_CONF"
  echo "export SLURM_SANDBOX=$SB"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
