import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { failed } from './errors.js';

/**
 * What the kernel says about local processes. Reads /proc directly: a poll
 * pass must not spawn `ps`, and /proc gives the start time that tells a live
 * job from an unrelated process that got the same pid.
 */

interface ProcStat {
  /** R, S, D, Z, ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Clock ticks after boot; a string because it can exceed 2^53 in theory. */
  startTicks: string;
}

const hasProc = existsSync('/proc/self/stat');

function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name in parentheses may itself contain spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgrp] = fields;
  const startTicks = fields[19];
  if (state === undefined || ppid === undefined || pgrp === undefined || startTicks === undefined) return undefined;
  return { state, ppid: Number(ppid), pgrp: Number(pgrp), startTicks };
}

const isDead = (state: string) => state === 'Z' || state === 'X';

export function currentBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** This process's pid namespace (`pid:[4026531836]`); a pid means something only inside it. */
export function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs; a zombie (dead, not yet reaped) does not. */
export function processAlive(pid: number): boolean {
  if (hasProc) {
    const stat = readProcStat(pid);
    return stat !== undefined && !isDead(stat.state);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function startTicksOf(pid: number): string | undefined {
  return readProcStat(pid)?.startTicks;
}

export interface Liveness {
  alive: boolean;
  evidence: string;
}

/** Whether `pid` is still the process that was recorded at launch. */
export function checkProcess(
  pid: number,
  recorded: { startTicks?: string; bootId?: string },
  bootId = currentBootId(),
): Liveness {
  if (recorded.bootId !== undefined && bootId !== undefined && recorded.bootId !== bootId) {
    return { alive: false, evidence: `host rebooted since launch (boot id ${recorded.bootId} → ${bootId})` };
  }
  if (!hasProc) {
    try {
      process.kill(pid, 0);
      return { alive: true, evidence: `pid ${pid} answers signal 0` };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPERM')
        return { alive: true, evidence: `pid ${pid} exists (another user's)` };
      return { alive: false, evidence: `pid ${pid} is gone` };
    }
  }
  const stat = readProcStat(pid);
  if (stat === undefined) return { alive: false, evidence: `pid ${pid} is gone` };
  if (isDead(stat.state)) return { alive: false, evidence: `pid ${pid} has exited (state ${stat.state})` };
  if (recorded.startTicks !== undefined && stat.startTicks !== recorded.startTicks) {
    return {
      alive: false,
      evidence: `pid ${pid} now belongs to another process (start ${stat.startTicks}, recorded ${recorded.startTicks})`,
    };
  }
  return { alive: true, evidence: `pid ${pid} alive (start ${stat.startTicks})` };
}

/**
 * Live members of a process group. Zombies do not count: orphans re-parented
 * to an init that never reaps them would otherwise keep a group "alive".
 */
export function groupMembers(pgid: number): number[] {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat !== undefined && stat.pgrp === pgid && !isDead(stat.state)) members.push(Number(entry));
  }
  return members;
}

/** Every live process started, directly or not, by `pid` (read from /proc; empty without it). */
export function descendants(pid: number): number[] {
  if (!hasProc) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat === undefined || isDead(stat.state)) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/**
 * Signal a whole process group; false when it no longer exists. A group id
 * of 0 or 1 would mean "our own group" or "every process we may signal"
 * (kill(-1)), so such a value is a bug or a forged record, and refused.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) {
    throw failed(
      'UNSAFE_SIGNAL_TARGET',
      `refusing to signal process group ${pgid}`,
      'a job record names an impossible process group; inspect the job by hand (ps -o pid,pgid,cmd)',
    );
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
