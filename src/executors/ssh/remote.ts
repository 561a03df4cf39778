/**
 * The shell scripts runlog runs on a worker. Each is fixed text, run by the
 * worker's `sh` with its parameters as positional arguments that
 * core/shell-quote quoted on our side: nothing from a run log, a config or
 * a command line is ever spliced into a script.
 *
 * An attempt's directory on the worker, `<workdir>/<run id>/attempt-<n>`:
 *   key             the attempt's idempotency key (written when it is claimed)
 *   src/            the launched tree (git archive of the launch commit, patch applied)
 *   config/         the config snapshot, when the run has one
 *   run.sh          cd into the tree, export the job's variables, exec the command
 *   pid             the job's process-group leader (the wrapper below)
 *   pid_start       its start time in clock ticks after boot (tells it from a reused pid)
 *   boot_id         the kernel's boot id at launch
 *   started         epoch seconds on the worker's clock
 *   exit_code       written atomically (temp file + mv) when the command ends
 *   ended           epoch seconds
 *   stop_requested  written by runlog stop before it signals
 *   output.log      stdout and stderr of the command, appended
 *
 * Linux workers are assumed for /proc and the boot id; every read of them
 * tolerates their absence. dash is the reference shell (its `kill` takes no
 * `--`, so group signals are written `kill -TERM -"$pid"`).
 */

/** `~` in a workdir is the login's home; a relative workdir lives under it. */
const RESOLVE_WORKDIR = [
  'w=$1',
  'case $w in "~") w=$HOME ;; "~/"*) w=$HOME/${w#"~/"} ;; esac',
  'case $w in /*) ;; *) w=$HOME/$w ;; esac',
].join('\n');

/** `ticks "$(line of /proc/<pid>/stat)"`: field 22, start time; the name in parentheses may hold spaces. */
const TICKS = `ticks() { set -f; set -- \${1##*) }; set +f; [ $# -ge 20 ] && shift 19 && printf '%s\\n' "$1"; }`;

/**
 * The job's wrapper, leader of its own session and process group (setsid).
 * It records who it is, runs run.sh in the foreground and writes the exit
 * code. A TERM for the group reaches the command too; the trap only keeps
 * the wrapper alive long enough to record how the command ended.
 * Args: attempt dir.
 */
export const WRAPPER = `
d=$1
cd "$d" || exit 126
RUNLOG_ATTEMPT_DIR=$d; export RUNLOG_ATTEMPT_DIR
${TICKS}
read -r s 2>/dev/null < /proc/$$/stat && ticks "$s" > pid_start
read -r b 2>/dev/null < /proc/sys/kernel/random/boot_id && printf '%s\\n' "$b" > boot_id
date +%s > started
echo $$ > pid.tmp && mv -f pid.tmp pid
trap 'runlog_stop=1' TERM INT HUP
sh ./run.sh
rc=$?
date +%s > ended
echo $rc > exit_code.tmp && mv -f exit_code.tmp exit_code
`;

/**
 * Claims the attempt directory, unpacks the tree from stdin, starts the
 * wrapper detached (setsid, every stream redirected, so the ssh session can
 * end) and reports what the wrapper recorded. Launching again with the same
 * key adopts the job that is there; another key is refused.
 * Args: workdir, run id, attempt, key, wrapper text, script (path in src/, or '').
 * Output: `key=value` lines; `error=...` and exit 3 when refused.
 */
export const LAUNCH = `
set -u
umask 077
${RESOLVE_WORKDIR}
run=$2; n=$3; key=$4; wrapper=$5; script=$6
d=$w/$run/attempt-$n
drain() { cat > /dev/null 2>&1; }
refuse() { drain; printf 'error=%s\\n' "$1"; exit 3; }
report() {
  printf 'dir=%s\\n' "$d"
  for f in pid pid_start boot_id started; do
    v=; read -r v 2>/dev/null < "$d/$f"; printf '%s=%s\\n' "$f" "$v"
  done
}
waitpid() { i=0; while [ ! -f "$d/pid" ] && [ $i -lt $1 ]; do sleep 0.1; i=$((i + 1)); done; }
mkdir -p "$w/$run" 2>/dev/null || refuse "cannot create $w/$run"
if mkdir "$d" 2>/dev/null; then
  printf '%s\\n' "$key" > "$d/key.tmp" && mv -f "$d/key.tmp" "$d/key" || refuse "cannot write in $d"
else
  k=; read -r k 2>/dev/null < "$d/key"
  [ "$k" = "$key" ] || refuse "$d already holds attempt \${k:-(unknown)}, not $key"
fi
if [ -f "$d/pid" ] || [ -d "$d/start.lock" ]; then
  drain; waitpid 50; echo state=adopted; report; exit 0
fi
command -v setsid > /dev/null 2>&1 || refuse "setsid is not installed on the worker"
mkdir -p "$d/src" && tar -x -f - -C "$d" || refuse "unpacking the tree into $d failed"
[ -f "$d/run.sh" ] || refuse "the handoff has no run.sh"
if [ -n "$script" ] && [ ! -f "$d/src/$script" ]; then refuse "script $script is not in the handed-off tree"; fi
mkdir "$d/start.lock" 2>/dev/null || { waitpid 50; echo state=adopted; report; exit 0; }
setsid sh -c "$wrapper" runlog-job "$d" < /dev/null >> "$d/output.log" 2>&1 &
waitpid 100
[ -f "$d/pid" ] || { printf 'error=%s\\n' "the job did not start within 10 s; see $d/output.log"; exit 3; }
echo state=launched; report
`;

/**
 * One call reports every run of a host: the worker's clock and boot id,
 * then per run the recorded files and the leader's liveness (no process is
 * started for these), then the logs' sizes from one `stat` and the log
 * bytes after the offset we already hold; a run's second section repeats
 * its `@run` index. A chunk is copied to a temp file first so its header
 * states exactly the bytes that follow. A log that is not a regular file (a
 * FIFO, a symlink) is reported, never opened.
 * Args: max bytes per run, then (attempt dir, log offset) per run.
 */
export const POLL = `
max=$1; shift
b=; read -r b 2>/dev/null < /proc/sys/kernel/random/boot_id
printf 'now=%s\\nboot_id=%s\\n' "$(date +%s)" "$b"
fields() { set -f; set -- \${1##*) }; set +f; cur_state=$1; cur_start=; [ $# -ge 20 ] && shift 19 && cur_start=$1; }
group_alive() {
  g=$1
  for f in /proc/[0-9]*/stat; do
    read -r s 2>/dev/null < "$f" || continue
    set -f; set -- \${s##*) }; set +f
    [ "$3" = "$g" ] || continue
    [ "$1" = Z ] || [ "$1" = X ] || return 0
  done
  return 1
}
nl='
'
ok=
i=0
while [ $# -ge 2 ]; do
  d=$1; off=$2; shift 2
  printf '@run %s\\n' "$i"
  if [ ! -d "$d" ]; then echo missing=1; i=$((i + 1)); continue; fi
  for f in key pid pid_start boot_id started exit_code ended; do
    v=; read -r v 2>/dev/null < "$d/$f" && printf '%s=%s\\n' "$f" "$v"
  done
  [ -f "$d/stop_requested" ] && echo stop=1
  pid=; read -r pid 2>/dev/null < "$d/pid"
  case $pid in ''|*[!0-9]*) ;; *)
    cur_state=none; cur_start=
    read -r s 2>/dev/null < "/proc/$pid/stat" && fields "$s"
    printf 'cur_state=%s\\ncur_start=%s\\n' "$cur_state" "$cur_start"
    case $cur_state in none|Z|X)
      if [ ! -f "$d/exit_code" ] && [ "$pid" -gt 1 ] && group_alive "$pid"; then echo group=1; fi ;;
    esac ;;
  esac
  log=$d/output.log
  if [ -L "$log" ] || { [ -e "$log" ] && [ ! -f "$log" ]; }; then echo log=notfile
  elif [ -f "$log" ]; then ok="$ok$i $off $d$nl"
  else echo log=missing
  fi
  i=$((i + 1))
done
# The logs' sizes from one stat call, then each run's new bytes framed by
# length through a temp file in an attempt directory (ours, mode 700; never /tmp).
if [ -n "$ok" ]; then
  while read -r i off d; do [ -n "$d" ] && set -- "$@" "$d/output.log"; done <<EOF
$ok
EOF
  t=\${1%/*}/.poll.$$
  batched=1
  stat -c '%s %Y' "$@" > "$t.st" 2>/dev/null || batched=0
  exec 3< "$t.st"
  while read -r i off d; do
    [ -n "$d" ] || continue
    log=$d/output.log
    if [ $batched = 1 ]; then read -r size mtime <&3 || continue
    else st=$(stat -c '%s %Y' "$log" 2>/dev/null) || continue; size=\${st% *}; mtime=\${st#* }
    fi
    printf '@run %s\\nsize=%s\\nmtime=%s\\n' "$i" "$size" "$mtime"
    [ "$off" -le "$size" ] 2>/dev/null || off=0
    len=$((size - off)); [ $len -gt "$max" ] && len=$max
    [ $len -gt 0 ] || continue
    tail -c +$((off + 1)) "$log" 2>/dev/null | head -c "$len" > "$t" 2>/dev/null
    len=$(( $(wc -c < "$t") ))
    printf 'chunk=%s %s\\n' "$off" "$len"
    cat "$t"
    printf '\\n'
  done <<EOF
$ok
EOF
  exec 3<&-
  rm -f "$t" "$t.st"
fi
echo @end
`;

/**
 * Stops a job: only the process this machine launched (the pid file still
 * names it, the boot id and its start time match, and it is above 1).
 * TERM to the group and to a snapshot of every descendant (children that
 * called setsid left the group, not the tree), KILL after the grace.
 * Args: attempt dir, pid, pid start ticks ('' when unknown), boot id ('' when unknown), grace seconds.
 */
export const STOP = `
d=$1; pid=$2; start=$3; boot=$4; grace=$5
case $pid in ''|*[!0-9]*) echo refused=pid; exit 3 ;; esac
[ "$pid" -gt 1 ] || { echo refused=pid; exit 3; }
cur=; read -r cur 2>/dev/null < "$d/pid"
[ "$cur" = "$pid" ] || { printf 'refused=%s\\n' "the pid file names \${cur:-nothing}, not $pid"; exit 3; }
b=; read -r b 2>/dev/null < /proc/sys/kernel/random/boot_id
if [ -n "$boot" ] && [ -n "$b" ] && [ "$b" != "$boot" ]; then echo ended=rebooted; exit 0; fi
[ -f "$d/exit_code" ] && { echo ended=exit_code; exit 0; }
${TICKS}
now=; read -r s 2>/dev/null < "/proc/$pid/stat" && now=$(ticks "$s")
if [ -n "$now" ] && [ -n "$start" ] && [ "$now" != "$start" ]; then echo refused=reused; exit 3; fi
date +%s > "$d/stop_requested"
# pid ppid pgrp sid of every live process
table() {
  for f in /proc/[0-9]*/stat; do
    read -r s 2>/dev/null < "$f" || continue
    p=\${f#/proc/}; p=\${p%/stat}
    set -f; set -- \${s##*) }; set +f
    [ "$1" = Z ] || [ "$1" = X ] || printf '%s %s %s %s\\n' "$p" "$2" "$3" "$4"
  done
}
# the leader, its group and session, and every descendant of those
snapshot() {
  table | awk -v root="$pid" '
    { pp[$1] = $2; if ($1 == root || $3 == root || $4 == root) keep[$1] = 1 }
    END {
      do { grown = 0; for (p in pp) if (!(p in keep) && (pp[p] in keep)) { keep[p] = 1; grown = 1 } } while (grown)
      for (p in keep) if (p > 1) print p
    }'
}
snap=$(snapshot)
kill -TERM -"$pid" 2>/dev/null
for p in $snap; do kill -TERM "$p" 2>/dev/null; done
i=0; limit=$((grace * 10))
while [ $i -lt $limit ]; do
  snap=$(snapshot)
  [ -n "$snap" ] || break
  sleep 0.1; i=$((i + 1))
done
if [ -n "$snap" ]; then
  kill -KILL -"$pid" 2>/dev/null
  for p in $snap; do kill -KILL "$p" 2>/dev/null; done
  echo killed=1
fi
echo ended=stopped
`;

/**
 * What preflight needs to know about a worker, in one call.
 * Args: workdir. Output: `key=value` lines, one `gpu=` line per GPU.
 */
export const PROBE = `
${RESOLVE_WORKDIR}
printf 'workdir=%s\\n' "$w"
if mkdir -p "$w" 2>/dev/null && [ -w "$w" ] && [ -x "$w" ]; then echo writable=1; else echo writable=0; fi
df -Pk "$w" 2>/dev/null | awk 'NR == 2 { print "free_kb=" $4 }'
echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"
awk '/^MemTotal:/ { print "mem_kb=" $2 }' /proc/meminfo 2>/dev/null
for t in setsid tar; do command -v "$t" > /dev/null 2>&1 && echo "has_$t=1"; done
b=; read -r b 2>/dev/null < /proc/sys/kernel/random/boot_id && echo "boot_id=$b"
if command -v nvidia-smi > /dev/null 2>&1; then
  echo has_nvidia_smi=1
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu=/'
fi
echo @end
`;
