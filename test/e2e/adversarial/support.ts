/**
 * The adversarial arena: one bare remote, a victim clone and an attacker
 * clone. The attacker commits and pushes hostile content with plain git; the
 * victim runs ordinary runlog commands through the built CLI, each with a
 * deadline and with kill-guard.mjs loaded into every node process it starts
 * (so a regression that signals the wrong process fails the test instead of
 * signalling it).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { git, makeLedger, runlog, stderrError, type CliResult, type TempLedger } from '../../support/ledger.js';

const GUARD = join(dirname(fileURLToPath(import.meta.url)), 'kill-guard.mjs');

/** A file the attacker commits: text, or a symlink to `link`. */
export type Hostile = string | { link: string };

export interface Arena {
  l: TempLedger;
  victim: string;
  attacker: string;
  /** A directory outside every repository, holding the victim's private files. */
  outside: string;
  /** The victim's private file (think ~/.netrc), inside `outside`. */
  privateFile: string;
  privateText: string;
  /** Run a victim command: guarded, with a deadline. */
  run(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** The attacker commits `files` (and removes `remove`) and pushes. */
  push(files: Record<string, Hostile>, opts?: { remove?: string[]; message?: string }): Promise<string>;
  /** Every signal a victim process sent or tried to send. */
  signals(): { target: number; signal: string; refused: boolean }[];
  /** Processes no victim command may signal. */
  protect(pid: number): void;
  /** A content hash of everything under `outside`. */
  outsideHash(): string;
  cleanup(): void;
}

export async function arena(): Promise<Arena> {
  const l = await makeLedger({ clones: 2, prefix: 'runlog-adv-' });
  const victim = l.main;
  const attacker = l.clones[1]!;
  await git(attacker, ['pull', '-q', 'origin', 'main']);
  const outside = join(l.base, 'outside');
  mkdirSync(outside);
  const privateFile = join(outside, 'netrc');
  const privateText = 'machine git.example.com login victim password PRIVATE-8d1f0c2b\n';
  writeFileSync(privateFile, privateText, { mode: 0o600 });
  const killLog = join(l.base, 'kill-guard.log');
  const protect = new Set<number>();
  const a: Arena = {
    l,
    victim,
    attacker,
    outside,
    privateFile,
    privateText,
    run: (args, opts = {}) =>
      runlog(victim, args, {
        timeoutMs: opts.timeoutMs ?? 30_000,
        env: {
          NODE_OPTIONS: `--import=${pathToFileURL(GUARD).href}`,
          KILL_GUARD_LOG: killLog,
          KILL_GUARD_PROTECT: [...protect].join(','),
          ...opts.env,
        },
      }),
    async push(files, opts = {}) {
      for (const [path, content] of Object.entries(files)) {
        const abs = join(attacker, path);
        mkdirSync(dirname(abs), { recursive: true });
        rmSync(abs, { force: true, recursive: true });
        if (typeof content === 'string') writeFileSync(abs, content);
        else symlinkSync(content.link, abs);
      }
      for (const path of opts.remove ?? []) await git(attacker, ['rm', '-q', '-r', '--', path]);
      await git(attacker, ['add', '-A', '-f']);
      await git(attacker, ['commit', '-q', '--allow-empty', '-m', opts.message ?? 'hostile content']);
      await git(attacker, ['push', '-q', 'origin', 'HEAD:main']);
      return (await git(attacker, ['rev-parse', 'HEAD'])).trim();
    },
    signals: () =>
      existsSync(killLog)
        ? readFileSync(killLog, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { target: number; signal: string; refused: boolean })
        : [],
    protect: (pid) => protect.add(pid),
    outsideHash: () => treeHash(outside),
    cleanup: () => l.cleanup(),
  };
  return a;
}

/** Every entry under `dir` (type, link target, bytes), hashed: any change outside shows. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${p}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else if (st.isFile()) h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

/** The command ended by itself (no deadline hit) with a coded error (`error[CODE]` and a `hint:`) other than INTERNAL, or succeeded. */
export function expectCalm(r: CliResult, what: string): void {
  expect(r.signal, `${what} was killed at its deadline (it hung)\n${r.stderr}`).toBeNull();
  expect(r.stderr, `${what} reported an internal error`).not.toMatch(/error\[INTERNAL\]/);
  if (r.code !== 0)
    expect(stderrError(r.stderr) ?? jsonError(r), `${what} failed without a coded error:\n${r.stderr}`).not.toBeNull();
}

/** The --json error envelope, when it has both a code and a hint. */
function jsonError(r: CliResult): unknown {
  const j = r.json as { error?: { code?: string; hint?: string } } | undefined;
  return j?.error?.code && j.error.hint ? j.error : null;
}

/** The code of the error a command printed (human or --json), or null. */
export function errorCode(r: CliResult): string | null {
  return stderrError(r.stderr)?.code ?? (r.json as { error?: { code?: string } } | undefined)?.error?.code ?? null;
}

/** Whether `pid` is a live process (a zombie is not). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}

/** Field 22 of /proc/<pid>/stat: what a convincing forged job record would carry. */
export function startTicks(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

export function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** A `sleep` in its own process group that this test owns; nothing else may signal it. */
export function sacrifice(a: Arena): { pid: number; stop(): void } {
  const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid!;
  a.protect(pid);
  return {
    pid,
    stop() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export interface HostileJob {
  id: string;
  state: string;
  /** `- key: value` lines of the Job block, as runlog writes them. */
  job: Record<string, string>;
  status?: string[];
}

/** A run log that looks exactly like one runlog wrote, with the Job block the attacker wants. */
export function hostileRunLog(h: HostileJob): string {
  const job = Object.entries(h.job)
    .map(([k, v]) => `- ${k}: ${v}`)
    .join('\n');
  const status = (h.status ?? [`- 2026-03-22 10:00 UTC — ${h.state} — hostile`]).join('\n');
  return `---
schema_version: 1
id: ${h.id}
state: ${h.state}
run_type: experiment
campaign: null
attempt: 1
---
# ${h.id} — hostile

## Mode
- run_type: experiment
- objective: hostile

## Config
- script: n/a
- config: n/a
- dataset: n/a
- key settings: n/a

## Job
${job}

## Status
${status}

## Results

## W&B
- local: pending
- synced: pending
- notes:

## Next
- nothing
`;
}

/** Job block fields of a local attempt, as runlog writes them, pointing at `outputDir`. */
export function localJobFields(
  id: string,
  outputDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    execution_id: `\`${hostname()}:4242\``,
    idempotency_key: `\`${id}#1\``,
    executor: 'local',
    attempt: '1',
    submitted: '`2026-03-22T10:00:00Z`',
    command: '`["sleep","1"]`',
    cwd: '`/tmp`',
    output_dir: `\`${outputDir}\``,
    timeout: '259200000 ms (72h)',
    heartbeat: '1800000 ms (30m)',
    retry_budget: '2',
    stall_action: 'retry',
    output_log: `\`${join(outputDir, 'output.log')}\``,
    worker: `\`${hostname()}\``,
    start: '`2026-03-22T10:00:01Z`',
    ...extra,
  };
}

export { git, hostname };
