// Loaded into every node process a victim command starts (NODE_OPTIONS=--import),
// including the local job wrapper. It records every signal runlog sends and
// refuses, without sending it, any signal to pid/pgid -1, 0 or 1 and to the
// processes a test protects: a regression then fails the test instead of
// signalling the machine.
import { appendFileSync } from 'node:fs';

const log = process.env.KILL_GUARD_LOG;
const protect = new Set((process.env.KILL_GUARD_PROTECT ?? '').split(',').filter(Boolean).map(Number));
const real = process.kill.bind(process);

process.kill = function guardedKill(pid, signal) {
  const target = Number(pid);
  const probe = signal === 0 || signal === '0';
  if (!probe) {
    const refused = (target >= -1 && target <= 1) || protect.has(Math.abs(target));
    if (log)
      appendFileSync(log, `${JSON.stringify({ target, signal: signal ?? 'SIGTERM', by: process.pid, refused })}\n`);
    if (refused) throw Object.assign(new Error(`kill guard refused signal ${signal} to ${target}`), { code: 'EPERM' });
  }
  return real(pid, signal);
};
