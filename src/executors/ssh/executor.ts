/**
 * Jobs on other machines over plain SSH. The worker keeps the job's own
 * files beside the launched tree (see ./remote.ts); this machine keeps what
 * it launched in local state (./state.ts) and a mirror of the output log,
 * fetched by offset, that progress and classification read like a local
 * job's. One ssh call per host per poll, whatever the number of runs.
 *
 * Transport trouble is not a job state: while a host has not answered for
 * less than `ssh.unreachable_grace` its runs are left as they are; after
 * that they are reported unknown (the supervisor makes them `lost`, and
 * `worker_lost` once its own grace is spent), and running again as soon as
 * the host answers.
 */
import { closeSync, fstatSync, mkdirSync, openSync, statSync, utimesSync, writeSync, ftruncateSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import { failed, rejected } from '../../core/errors.js';
import { shellQuoteArgv } from '../../core/shell-quote.js';
import type { LedgerConfig } from '../../config/config.js';
import { hostFor, sshSettings, type HostProfile, type SshSettings } from '../../config/hosts.js';
import type { Executor, JobHandle, JobObservation, JobSpec, PollResult } from '../types.js';
import { buildHandoff, cwdInTree } from './handoff.js';
import { observeRun } from './observe.js';
import { parseFields, parsePollOutput } from './protocol.js';
import { parseProbe, probeReasons, probeSummary } from './probe.js';
import { LAUNCH, POLL, PROBE, STOP, WRAPPER } from './remote.js';
import type { SshStateStore, SshAttemptRecord } from './state.js';
import { checkDestination, describeFailure, isTransportFailure, SshTransport, type SshResult } from './transport.js';

export interface SshExecutorOptions {
  config: LedgerConfig;
  store: SshStateStore;
  settings?: SshSettings;
  now?: () => number;
}

const LOG_FILE = 'output.log';
const LAUNCH_TIMEOUT_MS = 10 * 60_000;

/** `sh -c <script> <name> <args...>` as one command line for the remote shell. */
const scriptCommand = (script: string, name: string, args: (string | number)[]) =>
  shellQuoteArgv(['sh', '-c', script, name, ...args.map(String)]);

export class SshExecutor implements Executor {
  readonly name = 'ssh';
  readonly transport: SshTransport;
  private readonly settings: SshSettings;
  private readonly store: SshStateStore;
  private readonly now: () => number;
  private readonly probes = new Map<string, string>();

  constructor(private readonly opts: SshExecutorOptions) {
    this.settings = opts.settings ?? sshSettings(opts.config);
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.transport = new SshTransport({
      configFile: this.settings.configFile,
      controlDir: this.settings.controlDir,
      controlPersistSec: this.settings.controlPersistSec,
      connectTimeoutSec: this.settings.connectTimeoutSec,
      callTimeoutMs: this.settings.callTimeoutMs,
    });
  }

  private profile(host: string): HostProfile {
    const p = hostFor(this.opts.config, host);
    checkDestination(p.destination, p.name === host && p.destination !== host ? `hosts.${host}.ssh` : '--host');
    return p;
  }

  async preflight(spec: JobSpec): Promise<string[]> {
    if (spec.host === undefined)
      return [
        spec.placement ??
          'no host given: pass --host <profile or ssh destination>, or add hosts: profiles to runlog.config.yaml',
      ];
    const profile = this.profile(spec.host);
    const reasons: string[] = [];
    if (spec.source) {
      try {
        cwdInTree(spec.source.gitTop, spec.cwd);
        const script = spec.source.script;
        if (script !== undefined && !isInside(spec.source.gitTop, resolve(spec.cwd, script))) {
          reasons.push(
            `script ${script} is outside the repository ${spec.source.gitTop}, so it is not in the tree handed off to ${profile.name}`,
          );
        }
      } catch (err) {
        reasons.push((err as Error).message);
      }
    }
    const r = await this.transport.run({
      destination: profile.destination,
      command: scriptCommand(PROBE, 'runlog-probe', [profile.workdir]),
    });
    if (isTransportFailure(r) || r.code !== 0) {
      reasons.push(`host ${profile.name} is not reachable: ${describeFailure(profile.destination, r)}`);
      return reasons;
    }
    const facts = parseProbe(r.stdout.toString('utf8'));
    this.probes.set(spec.idempotencyKey, probeSummary(profile, facts));
    reasons.push(...probeReasons(profile, facts, spec.resources, this.settings.minFreeDiskMb));
    return reasons;
  }

  async submit(spec: JobSpec): Promise<JobHandle> {
    if (spec.host === undefined)
      throw rejected(
        'SSH_NO_HOST',
        `run ${spec.runId} has no host to run on`,
        spec.placement ?? 'pass --host <profile or ssh destination>',
      );
    const profile = this.profile(spec.host);
    mkdirSync(spec.outputDir, { recursive: true });
    const known = this.store.attempt(spec.idempotencyKey);
    const record: SshAttemptRecord = known ?? {
      schema: 1,
      key: spec.idempotencyKey,
      launchId: randomUUID(),
      runId: spec.runId,
      attempt: spec.attempt,
      host: profile.name,
      destination: profile.destination,
      workdir: profile.workdir,
      submittedAt: new Date(this.now()).toISOString(),
      mirror: join(spec.outputDir, LOG_FILE),
    };
    if (!known) {
      if (!spec.source)
        throw rejected(
          'SSH_NO_SOURCE',
          `run ${spec.runId} has no recorded commit to hand off`,
          'launch from a git repository with a commit',
        );
      this.store.saveAttempt(record);
    }

    // A job this machine already saw started needs no tree: the worker adopts it by key. So does a
    // launch cut off before its answer (adopting, there is no preflight and so no tree): with an empty
    // handoff the worker adopts the job if it started, and refuses if it did not.
    let tar: Buffer = Buffer.alloc(0);
    let script = '';
    if (record.pid === undefined && spec.source) {
      const handoff = await buildHandoff({ source: spec.source, cwd: spec.cwd, argv: spec.argv, env: spec.env });
      tar = handoff.tar;
      script = scriptInTree(spec.source.script, handoff.cwdInTree);
    }
    const r = await this.transport.run({
      destination: record.destination,
      command: scriptCommand(LAUNCH, 'runlog-launch', [
        record.workdir,
        spec.runId,
        spec.attempt,
        workerKey(record),
        WRAPPER,
        script,
      ]),
      stdin: tar,
      timeoutMs: Math.max(this.settings.callTimeoutMs, LAUNCH_TIMEOUT_MS),
    });
    const out = parseFields(r.stdout.toString('utf8'));
    if (isTransportFailure(r)) {
      throw failed(
        'SSH_UNREACHABLE',
        `could not launch run ${spec.runId} on ${record.host}: ${describeFailure(record.destination, r)}`,
        `check \`ssh ${record.destination} true\`; submitting the same attempt again adopts the job if it did start`,
      );
    }
    if (r.code !== 0 || out['pid'] === undefined || out['pid'] === '') {
      throw rejected(
        'SSH_LAUNCH_REFUSED',
        `${record.host} refused run ${spec.runId}: ${out['error'] ?? (r.stderr.trim() || `exit ${r.code}`)}`,
        'fix the reason above, then start a new attempt with `runlog retry`',
      );
    }
    const launched: SshAttemptRecord = {
      ...record,
      dir: out['dir'],
      pid: Number(out['pid']),
      pidStart: out['pid_start'] || undefined,
      bootId: out['boot_id'] || undefined,
      startedEpoch: out['started'] ? Number(out['started']) : undefined,
    };
    this.store.saveAttempt(launched);
    return this.handleOf(launched);
  }

  private handleOf(rec: SshAttemptRecord): JobHandle {
    const extra: Record<string, string> = {
      key: rec.key,
      pid: String(rec.pid),
      workdir: rec.dir ?? '',
      host: rec.host,
    };
    if (rec.bootId) extra['boot_id'] = rec.bootId;
    const probed = this.probes.get(rec.key);
    if (probed) extra['probed'] = probed;
    return {
      executor: 'ssh',
      jobId: jobIdOf(rec),
      outputPath: rec.mirror,
      host: rec.host,
      submittedAt: rec.submittedAt,
      extra,
    };
  }

  /** This machine's record of the job a handle names; a handle it did not launch has none. */
  private recordOf(handle: JobHandle): SshAttemptRecord | undefined {
    const key = handle.extra?.['key'];
    const rec = key === undefined ? undefined : this.store.attempt(key);
    return rec?.dir !== undefined && rec.pid !== undefined && jobIdOf(rec) === handle.jobId ? rec : undefined;
  }

  pollGroup(handle: JobHandle): string {
    return this.recordOf(handle)?.destination ?? '';
  }

  async poll(handles: JobHandle[]): Promise<PollResult> {
    let calls = 0;
    const jobs = new Map<string, JobObservation>();
    const byHost = new Map<string, { handle: JobHandle; rec: SshAttemptRecord }[]>();
    for (const handle of handles) {
      const rec = this.recordOf(handle);
      // Not launched from this machine: nothing here may judge it.
      if (!rec) continue;
      byHost.set(rec.destination, [...(byHost.get(rec.destination) ?? []), { handle, rec }]);
    }
    const errors: string[] = [];
    for (const [destination, runs] of byHost) {
      const args: (string | number)[] = [this.settings.maxLogChunkBytes];
      for (const { rec } of runs) args.push(rec.dir!, mirrorSize(rec.mirror));
      const r = await this.transport.run({
        destination,
        command: `sh -s -- ${shellQuoteArgv(args.map(String))}`,
        stdin: POLL,
      });
      calls += r.invocations;
      const report = isTransportFailure(r) ? undefined : parsePollOutput(r.stdout);
      if (!report?.complete || report.runs.length !== runs.length) {
        const error = report
          ? `ssh ${destination}: the poll script ended early (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`
          : describeFailure(destination, r);
        const lost = this.unreachable(destination, error);
        if (lost)
          for (const { handle } of runs)
            jobs.set(handle.jobId, { jobId: handle.jobId, phase: 'unknown', node: runs[0]!.rec.host, evidence: lost });
        else errors.push(error);
        continue;
      }
      this.store.setOutage(destination, undefined);
      const ctx = { bootId: report.bootId, clockOffsetMs: this.now() - report.now * 1000 };
      runs.forEach(({ handle, rec }, i) => {
        const run = report.runs[i]!;
        mirror(rec.mirror, run.chunk, run.fields['mtime'], ctx.clockOffsetMs);
        jobs.set(handle.jobId, observeRun(handle.jobId, rec, run, ctx));
      });
    }
    const result: PollResult = { jobs, calls };
    if (errors.length > 0) result.transportError = errors.join('; ');
    return result;
  }

  /**
   * Records the outage; once it is older than the grace, the evidence that
   * makes the host's runs unknown (and so `lost`), else undefined.
   */
  private unreachable(destination: string, error: string): string | undefined {
    const now = this.now();
    const outage = this.store.outage(destination) ?? { since: now, error };
    this.store.setOutage(destination, { since: outage.since, error });
    const forMs = now - outage.since;
    if (forMs < this.settings.unreachableGraceMs) return undefined;
    return `${destination} has not answered for ${Math.round(forMs / 1000)} s (since ${new Date(outage.since).toISOString()}): ${error}`;
  }

  async cancel(handle: JobHandle, opts: { graceMs?: number } = {}): Promise<JobObservation> {
    const rec = this.recordOf(handle);
    if (!rec) {
      throw failed(
        'SSH_NOT_LAUNCHED_HERE',
        `job ${handle.jobId} was not launched from this machine`,
        'stop it from the machine that launched it; runlog never signals a process its own records do not name',
      );
    }
    const graceSec = Math.max(1, Math.ceil((opts.graceMs ?? 10_000) / 1000));
    const r: SshResult = await this.transport.run({
      destination: rec.destination,
      command: scriptCommand(STOP, 'runlog-stop', [rec.dir!, rec.pid!, rec.pidStart ?? '', rec.bootId ?? '', graceSec]),
      timeoutMs: this.settings.callTimeoutMs + graceSec * 1000 + 5_000,
    });
    const out = parseFields(r.stdout.toString('utf8'));
    if (isTransportFailure(r))
      throw failed(
        'SSH_UNREACHABLE',
        `could not stop ${handle.jobId}: ${describeFailure(rec.destination, r)}`,
        `the job may still run on ${rec.host}; try again when \`ssh ${rec.destination} true\` works`,
      );
    if (out['refused'] !== undefined)
      throw failed(
        'SSH_STOP_REFUSED',
        `${rec.host} refused to stop ${handle.jobId}: ${out['refused']}`,
        'the worker no longer runs the process this machine launched; nothing was signalled',
      );
    const after = await this.poll([handle]);
    return (
      after.jobs.get(handle.jobId) ?? {
        jobId: handle.jobId,
        phase: 'unknown',
        evidence: after.transportError ?? 'no answer after stop',
      }
    );
  }
}

const jobIdOf = (rec: SshAttemptRecord) => `${rec.host}:${rec.pid}`;

/** The key in the worker's attempt directory (see SshAttemptRecord.launchId). */
export const workerKey = (rec: SshAttemptRecord) => `${rec.key} ${rec.launchId}`;

/** The script's path inside the handed-off tree, for the worker to check before it starts anything. */
function scriptInTree(script: string | undefined, cwd: string): string {
  if (script === undefined || script.startsWith('/')) return '';
  return posix.normalize(cwd === '' ? script : `${cwd}/${script}`);
}

function isInside(top: string, path: string): boolean {
  const rel = relative(top, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function mirrorSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Appends new worker bytes to the local copy of the log, which stays a byte
 * copy of the worker's (a log the worker truncated is truncated here too),
 * and gives it the worker's modification time on this machine's clock.
 */
function mirror(
  path: string,
  chunk: { offset: number; bytes: Buffer } | undefined,
  mtimeSec: string | undefined,
  offsetMs: number,
): void {
  if (chunk === undefined && mtimeSec === undefined) return;
  const fd = openSync(path, 'a+', 0o600);
  try {
    if (chunk !== undefined) {
      if (fstatSync(fd).size !== chunk.offset) ftruncateSync(fd, Math.min(chunk.offset, fstatSync(fd).size));
      if (chunk.bytes.length > 0) writeSync(fd, chunk.bytes);
    }
  } finally {
    closeSync(fd);
  }
  const mtime = Number(mtimeSec);
  if (Number.isFinite(mtime)) {
    const t = (mtime * 1000 + offsetMs) / 1000;
    utimesSync(path, t, t);
  }
}
