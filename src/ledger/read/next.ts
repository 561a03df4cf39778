/**
 * What to do next with a run, as one pure function of what the run log
 * records: its state, failure class, run type, whether runlog launched it,
 * whether it is a hero run, and which of checkpoint, passport, signoff and
 * seal exist. Every command that changes one of these rewrites runlog's
 * lines in `## Next` from this function, and `show` prints it, so an agent
 * that follows Next always gets the step the lifecycle allows.
 *
 * The rules it keeps: eval or upload is never suggested before a passport
 * and a signoff; a class that is not transient (OOM, code, data, numbers) is
 * never retried as it is; a finished hero run goes to passport, signoff and
 * seal rather than to another resume.
 */
import type { RunState } from '../../core/lifecycle.js';
import type { RunLogDoc } from '../../markdown/runlog.js';
import type { Line } from '../../markdown/source.js';
import { fieldValue } from './artifacts.js';
import { failureClassOf } from './run-facts.js';

export interface NextFacts {
  /** The run id as commands take it. */
  run: string;
  state: RunState;
  failureClass: string | null;
  /** replication | experiment | pipeline, or null when the log does not say. */
  runType: string | null;
  /** The logbook slug when this run is a hero run's run log. */
  hero: string | null;
  /** runlog launched the latest attempt (its Job block names an executor). */
  managed: boolean;
  /** The pending attempt resumes from this checkpoint. */
  resumeFrom: string | null;
  /** Results `checkpoint`, the path alone. */
  checkpoint: string | null;
  passport: boolean;
  /** The signoff verdict recorded for the final checkpoint. */
  signoff: string | null;
  sealed: boolean;
}

/** Classes a plain retry can fix: the cause was outside the job. */
export const TRANSIENT = new Set(['network_transient', 'nccl_timeout', 'preemption', 'node_failure']);

/** What to change before another attempt, for classes that are not transient. */
const fixFor = (cls: string, run: string): string =>
  ({
    oom_gpu: 'it ran out of GPU memory: lower the batch size or sequence length (or shard the model)',
    oom_host: 'it ran out of host memory: fewer data workers, a smaller buffer, or more --mem',
    data_error: 'the data could not be read: fix the dataset path or shards (`--config` if the config names them)',
    code_error: 'the code raised an error: fix it, commit the fix',
    numerical:
      'the loss went NaN/Inf: this is the model, not the infrastructure — lower the learning rate or add warmup',
    auth: 'a credential was refused: fix the token file (never a key on the command line)',
    checkpoint_error: `a checkpoint could not be written or read: check \`runlog ckpt list ${run}\` and the disk`,
    disk_full: `the disk filled up: free space under the output root (\`runlog ckpt prune ${run}\`)`,
    stalled: `it stopped making progress: read where it hung in \`runlog logs ${run}\``,
    walltime: 'it hit the wall-clock limit: resume from its newest complete checkpoint with a longer --timeout',
    cancelled: 'it was cancelled outside runlog',
    unknown: `the cause is not classified: read the output (\`runlog logs ${run}\`) and record the class (\`runlog fail ${run} --class <class> --reason "<why>"\`)`,
  })[cls] ?? fixFor('unknown', run);

const code = (s: string) => `\`${s}\``;

function resumeHint(f: NextFacts): string {
  return `to train further from its checkpoint: ${code(`runlog resume ${f.run} --from ${f.checkpoint ?? '<checkpoint>'}`)}, then ${code(`runlog submit ${f.run} -- <command with {init_from}>`)}`;
}

function pending(f: NextFacts): string[] {
  if (f.hero)
    return [
      `launch it through the checklist: ${code(`runlog hero launch ${f.hero} -- <command>`)} (print and check it first with ${code('--dry-run')})`,
    ];
  if (f.resumeFrom) {
    return [
      `launch the resumed attempt: ${code(`runlog submit ${f.run} -- <command with {init_from}>`)} — the job receives ${code(f.resumeFrom)} in RUNLOG_INIT_FROM and in place of {init_from}`,
    ];
  }
  return [
    `launch it: ${code(`runlog submit ${f.run} -- <command>`)} (check first with ${code('--dry-run')}); launched it yourself? record it: ${code(`runlog append ${f.run} "job <id> started" --state running`)}`,
  ];
}

function active(f: NextFacts): string[] {
  if (f.state === 'validating')
    return [
      `the launch was interrupted after preflight: ${code(`runlog poll ${f.run}`)} finishes it (the attempt is never submitted twice)`,
    ];
  if (f.state === 'stalled')
    return [
      `no new step within the heartbeat: read ${code(`runlog logs ${f.run}`)}; the supervisor applies the stall action, or ${code(`runlog restart ${f.run} --reason "<why>"`)}`,
    ];
  if (f.state === 'lost')
    return [
      `the executor cannot see the job: ${code(`runlog poll ${f.run}`)} again; after the grace it ends as worker_lost`,
    ];
  if (!f.managed) {
    return [
      `record progress with evidence: ${code(`runlog append ${f.run} "<what the log shows>" --step <n> --metric train_loss=<x>`)}; when it ends: ${code(`runlog complete ${f.run} --final-step <n> --checkpoint <dir>`)} or ${code(`runlog fail ${f.run} --class <class> --reason "<why>"`)}`,
    ];
  }
  const wait = f.state === 'queued' ? 'waiting for the scheduler' : 'running';
  if (f.hero)
    return [
      `${wait}: babysit it — ${code(`runlog babysit ${f.hero}`)} checks it at the cadence and records the ending; ${code(`runlog logs ${f.run} -f`)} follows its output`,
    ];
  return [
    `${wait}: ${code(`runlog logs ${f.run} -f`)} to follow it; ${code(`runlog poll ${f.run}`)} (or ${code('runlog supervise')}) records progress and the ending`,
  ];
}

function completed(f: NextFacts): string[] {
  if (f.runType === 'pipeline') {
    if (!f.checkpoint)
      return [
        `record where its output is: ${code(`runlog complete ${f.run} --checkpoint <artifact dir>`)} (amends Results), then hand it to the run that needs it`,
      ];
    if (!f.sealed)
      return [`hand ${code(f.checkpoint)} to the run that needs it; pin this result: ${code(`runlog seal ${f.run}`)}`];
    return [`sealed; ${code(f.checkpoint)} is ready for the runs that need it`];
  }
  if (!f.checkpoint) {
    return [
      `record the final checkpoint: ${code(`runlog complete ${f.run} --checkpoint <dir>`)} (amends Results; no new state)`,
    ];
  }
  const lines: string[] = [];
  if (!f.passport) {
    lines.push(
      `before eval or upload: generate ${code('MODEL_PASSPORT.json')} + ${code('SIGNOFF.json')} for ${code(f.checkpoint)}: ${code(`runlog ckpt passport ${f.checkpoint} --run ${f.run}`)}, then ${code(`runlog ckpt signoff ${f.checkpoint} --verdict pass`)}`,
    );
  } else if (!f.signoff) {
    lines.push(
      `before eval or upload: passport written for ${code(f.checkpoint)}; sign it off first: ${code(`runlog ckpt signoff ${f.checkpoint} --verdict pass`)} (or soft_signal with --reason)`,
    );
  } else if (!f.sealed) {
    lines.push(
      `${code(f.checkpoint)} has a verified passport and signoff (verdict ${f.signoff}); eval / upload / hand off may proceed; publish and pin it: ${code(`runlog publish ${f.run} --out <dir>`)}, ${code(`runlog seal ${f.run}`)}`,
    );
  } else {
    lines.push(`sealed (${code(`seal/${f.run}`)}): eval / upload / hand off may proceed`);
  }
  if (f.hero) return lines;
  if (f.runType === 'replication' && !f.sealed)
    lines.push('compare Results with the reference run: if they match, replication is done');
  else if (f.runType === 'experiment')
    lines.push(
      `compare it with the others (${code('runlog compare')}, experiments.md) before choosing the next variation`,
    );
  lines.push(resumeHint(f));
  return lines;
}

function heroFailure(f: NextFacts, cls: string): string[] {
  const slug = f.hero!;
  if (TRANSIENT.has(cls) || cls === 'walltime') {
    return [
      `recoverable (${cls}): relaunch with the same run id and output root — ${code(`runlog hero launch ${slug} -- <same command>`)} — and tell the DRI`,
    ];
  }
  return [
    `${fixFor(cls, f.run)}; escalate to the DRI before any relaunch: ${code(`runlog hero event ${slug} "<what happened>" --kind escalation`)}`,
  ];
}

function failure(f: NextFacts): string[] {
  if (f.state === 'validation_failed') {
    return [
      `fix every reason in the last Status entry, then ${code(`runlog retry ${f.run}`)} (${code('--script <path>')} / ${code('--config <path>')} change the recorded request; ${code(`runlog submit ${f.run} --dry-run`)} checks without writing)`,
    ];
  }
  if (f.state === 'canceled') return [`canceled; to run it again: ${code(`runlog retry ${f.run}`)}`];
  const cls =
    f.failureClass ?? (f.state === 'timed_out' ? 'walltime' : f.state === 'worker_lost' ? 'node_failure' : 'unknown');
  if (f.state === 'retry_exhausted') {
    return [
      `the automatic retries are spent (${cls} every time): escalate, read ${code(`runlog logs ${f.run}`)}, and record the fixed run as a new run (${code('runlog new')})`,
    ];
  }
  if (f.hero) return heroFailure(f, cls);
  if (TRANSIENT.has(cls)) return [`${cls} is transient: ${code(`runlog retry ${f.run}`)}`];
  if (cls === 'walltime') {
    return [
      `${fixFor('walltime', f.run)}: ${code(`runlog ckpt pick ${f.run}`)}, ${code(`runlog resume ${f.run} --from <checkpoint>`)}, then ${code(`runlog submit ${f.run} --timeout <longer> -- <command with {init_from}>`)}`,
    ];
  }
  if (cls === 'cancelled' || cls === 'auth' || cls === 'disk_full' || cls === 'checkpoint_error')
    return [`${fixFor(cls, f.run)}; then ${code(`runlog retry ${f.run}`)}`];
  return [
    `${cls} is never retried as is — ${fixFor(cls, f.run)}; then ${code(`runlog retry ${f.run} -- <fixed command>`)}`,
  ];
}

/** The lines runlog writes under `## Next`, best first. Never empty. */
export function nextSteps(f: NextFacts): string[] {
  switch (f.state) {
    case 'pending':
      return pending(f);
    case 'validating':
    case 'queued':
    case 'running':
    case 'stalled':
    case 'lost':
      return active(f);
    case 'completed':
      return completed(f);
    default:
      return failure(f);
  }
}

export const NEXT_MARK = '<!-- runlog:next -->';

/** Lines earlier versions wrote without the mark: the template's and the eval gate's. */
const LEGACY =
  /^\s*[-*+]\s+(?:submit the job and record its execution id\s*$|before eval or upload: |review Results and the W&B curves; )/;

const LOGBOOK = /\.agents\/logbooks\/([A-Za-z0-9][A-Za-z0-9._-]*)\.md/;
const NOT_SUBMITTED = /^\(?not submitted\)?$/i;

/** What Next depends on, read from the run log alone. */
export function nextFactsOf(doc: RunLogDoc, run: string): NextFacts {
  const v = doc.view;
  const last = v.jobs.at(-1)?.fields ?? {};
  const results = v.results ?? {};
  const executionId = fieldValue(last['execution_id']) ?? '';
  const resumedFrom = fieldValue(last['resumed from'] ?? last['resumed_from']);
  const seal = doc.section('Seal', 'first');
  return {
    run,
    state: v.state,
    failureClass: v.state === 'completed' ? null : failureClassOf(v),
    runType: v.runType,
    hero: LOGBOOK.exec(v.mode['logbook'] ?? v.config['logbook'] ?? '')?.[1] ?? null,
    managed: last['executor'] !== undefined || last['idempotency_key'] !== undefined,
    resumeFrom:
      v.state === 'pending' && resumedFrom !== null && (executionId === '' || NOT_SUBMITTED.test(executionId))
        ? resumedFrom
        : null,
    checkpoint: fieldValue(results['checkpoint']),
    passport: fieldValue(results['passport']) !== null,
    signoff: fieldValue(results['signoff'])?.split(/\s/)[0] ?? null,
    sealed: seal?.bodyLines.some((l) => l.text.includes(`\`seal/${run}\``)) ?? false,
  };
}

/** A Next line runlog wrote (marked, or in an older unmarked form). */
export const isOurs = (l: Line) => l.text.trimEnd().endsWith(NEXT_MARK) || LEGACY.test(l.text);
