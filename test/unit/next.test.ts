/**
 * Next over every state, failure class, run type and recorded artifact: the
 * table says the one step each case must suggest, and the invariants hold
 * for every combination (no eval before signoff, no blind retry of a class
 * that is not transient, no command the lifecycle would refuse).
 */
import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from '../../src/core/failure-classes.js';
import { STATES, TERMINAL, type RunState } from '../../src/core/lifecycle.js';
import { nextSteps, TRANSIENT, type NextFacts } from '../../src/ledger/read/next.js';

const R = 'g/2026-03-22_train';
const CKPT = '/ckpt/step-100';
const base: NextFacts = {
  run: R,
  state: 'pending',
  failureClass: null,
  runType: 'experiment',
  hero: null,
  managed: true,
  resumeFrom: null,
  checkpoint: null,
  passport: false,
  signoff: null,
  sealed: false,
};
const next = (o: Partial<NextFacts>) => nextSteps({ ...base, ...o });
const CLASSES: (string | null)[] = [...FAILURE_CLASSES, 'stalled', null];
const RUN_TYPES = ['replication', 'experiment', 'pipeline', null];

/** Every combination the function can be asked about. */
function* everyCase(): Generator<NextFacts> {
  for (const state of STATES) {
    for (const failureClass of CLASSES) {
      for (const runType of RUN_TYPES) {
        for (const hero of [null, 'big-run']) {
          for (const managed of [true, false]) {
            for (const resumeFrom of [null, CKPT]) {
              for (const stage of [0, 1, 2, 3, 4]) {
                yield {
                  run: R,
                  state,
                  failureClass,
                  runType,
                  hero,
                  managed,
                  resumeFrom,
                  checkpoint: stage >= 1 ? CKPT : null,
                  passport: stage >= 2,
                  signoff: stage >= 3 ? 'pass' : null,
                  sealed: stage >= 4,
                };
              }
            }
          }
        }
      }
    }
  }
}

const commands = (lines: string[]) =>
  [...lines.join('\n').matchAll(/`runlog ([a-z]+(?: (?:passport|signoff|pick|list|launch|event))?)\b/g)].map(
    (m) => m[1]!,
  );

describe('Next: the step each case must suggest', () => {
  const table: [string, Partial<NextFacts>, RegExp][] = [
    [
      'pending, never launched',
      { state: 'pending' },
      /`runlog submit g\/2026-03-22_train -- <command>`.*--dry-run.*--state running/,
    ],
    [
      'pending after resume',
      { state: 'pending', resumeFrom: CKPT },
      /runlog submit g\/2026-03-22_train -- <command with \{init_from\}>.*RUNLOG_INIT_FROM/,
    ],
    ['validating (interrupted launch)', { state: 'validating' }, /runlog poll g\/2026-03-22_train/],
    ['queued', { state: 'queued' }, /waiting for the scheduler: `runlog logs g\/2026-03-22_train -f`/],
    ['running under runlog', { state: 'running' }, /`runlog logs g\/2026-03-22_train -f`/],
    [
      'running, recorded by hand',
      { state: 'running', managed: false },
      /runlog append .*--step.*runlog complete g\/2026-03-22_train/,
    ],
    ['stalled', { state: 'stalled' }, /runlog logs g\/2026-03-22_train`.*runlog restart/],
    ['lost', { state: 'lost' }, /runlog poll g\/2026-03-22_train/],
    [
      'completed without checkpoint',
      { state: 'completed' },
      /runlog complete g\/2026-03-22_train --checkpoint <dir>`.*amends Results/,
    ],
    [
      'completed with checkpoint',
      { state: 'completed', checkpoint: CKPT },
      /^before eval or upload: generate `MODEL_PASSPORT.json` \+ `SIGNOFF.json` for `\/ckpt\/step-100`: `runlog ckpt passport \/ckpt\/step-100 --run g\/2026-03-22_train`/,
    ],
    [
      'completed with passport',
      { state: 'completed', checkpoint: CKPT, passport: true },
      /^before eval or upload: passport written .*sign it off first: `runlog ckpt signoff \/ckpt\/step-100 --verdict pass`/,
    ],
    [
      'completed and signed',
      { state: 'completed', checkpoint: CKPT, passport: true, signoff: 'pass' },
      /may proceed.*`runlog seal g\/2026-03-22_train`/,
    ],
    [
      'completed and sealed',
      { state: 'completed', checkpoint: CKPT, passport: true, signoff: 'pass', sealed: true },
      /^sealed/,
    ],
    [
      'pipeline completed',
      { state: 'completed', runType: 'pipeline' },
      /record where its output is: `runlog complete g\/2026-03-22_train --checkpoint/,
    ],
    ['hero completed', { state: 'completed', hero: 'big-run', checkpoint: CKPT }, /runlog ckpt passport/],
    ['hero pending', { state: 'pending', hero: 'big-run' }, /runlog hero launch big-run -- <command>/],
    ['hero running', { state: 'running', hero: 'big-run' }, /runlog babysit big-run/],
    [
      'validation_failed',
      { state: 'validation_failed' },
      /runlog retry g\/2026-03-22_train`.*--script <path>.*--dry-run/,
    ],
    ['canceled', { state: 'canceled' }, /runlog retry g\/2026-03-22_train`/],
    [
      'timed_out (walltime)',
      { state: 'timed_out', failureClass: 'walltime' },
      /runlog resume g\/2026-03-22_train --from <checkpoint>.*--timeout <longer>/,
    ],
    [
      'timed_out, stalled',
      { state: 'timed_out', failureClass: 'stalled' },
      /stopped making progress.*runlog retry g\/2026-03-22_train -- <fixed command>/,
    ],
    [
      'worker_lost',
      { state: 'worker_lost', failureClass: 'node_failure' },
      /^node_failure is transient: `runlog retry g\/2026-03-22_train`$/,
    ],
    [
      'retry_exhausted',
      { state: 'retry_exhausted', failureClass: 'network_transient' },
      /retries are spent.*runlog new/,
    ],
    [
      'hero crash, transient',
      { state: 'command_failed', failureClass: 'preemption', hero: 'big-run' },
      /relaunch with the same run id and output root.*runlog hero launch big-run/,
    ],
    [
      'hero crash, numerical',
      { state: 'command_failed', failureClass: 'numerical', hero: 'big-run' },
      /escalate to the DRI.*runlog hero event big-run/,
    ],
  ];
  for (const cls of FAILURE_CLASSES) {
    const expect = TRANSIENT.has(cls)
      ? new RegExp(`^${cls} is transient: \`runlog retry g/2026-03-22_train\`$`)
      : cls === 'walltime'
        ? /runlog resume g\/2026-03-22_train --from/
        : ['cancelled', 'auth', 'disk_full', 'checkpoint_error'].includes(cls)
          ? /; then `runlog retry g\/2026-03-22_train`$/
          : new RegExp(`^${cls} is never retried as is — .*\`runlog retry g/2026-03-22_train -- <fixed command>\`$`);
    table.push([`command_failed (${cls})`, { state: 'command_failed', failureClass: cls }, expect]);
  }
  it.each(table)('%s', (_name, facts, want) => {
    expect(next(facts)[0]).toMatch(want);
  });

  it('covers every state', () => {
    const covered = new Set(table.map(([, f]) => f.state));
    expect(STATES.filter((s) => !covered.has(s))).toEqual([]);
  });
});

describe('Next: invariants over every combination', () => {
  const cases = [...everyCase()];

  it('is never empty and never the template line', () => {
    for (const f of cases) {
      const lines = nextSteps(f);
      expect(lines.length, JSON.stringify(f)).toBeGreaterThan(0);
      for (const l of lines) expect(l).not.toMatch(/submit the job and record its execution id|review Results/);
    }
  });

  it('suggests eval or upload only once the checkpoint has a passport and a signoff', () => {
    for (const f of cases) {
      const text = nextSteps(f).join('\n');
      if (/eval \/ upload|upload.*may proceed/.test(text))
        expect(f.passport && f.signoff !== null, JSON.stringify(f)).toBe(true);
    }
  });

  it('never retries a class that is not transient as it is', () => {
    for (const f of cases) {
      if (!['command_failed'].includes(f.state) || f.hero) continue;
      const cls = f.failureClass ?? 'unknown';
      const text = nextSteps(f).join('\n');
      if (['oom_gpu', 'oom_host', 'code_error', 'data_error', 'numerical', 'unknown', 'stalled'].includes(cls)) {
        expect(text, JSON.stringify(f)).not.toContain(`\`runlog retry ${R}\``);
        expect(text).toContain(`runlog retry ${R} -- <fixed command>`);
      }
    }
  });

  it('suggests only what the lifecycle allows from the state', () => {
    for (const f of cases) {
      const cmds = commands(nextSteps(f));
      const terminal = TERMINAL.has(f.state as RunState);
      for (const c of cmds) {
        if (c === 'retry' || c === 'resume')
          expect(terminal && f.state !== 'retry_exhausted', `${c} from ${f.state}`).toBe(true);
        // A launch after the run ended always follows a resume that opens the new attempt.
        if (c === 'submit')
          expect(
            f.state === 'pending' ||
              cmds.includes('resume') ||
              /runlog submit [^`]*--dry-run`/.test(nextSteps(f).join('\n')),
            `${c} from ${f.state}`,
          ).toBe(true);
        if (c === 'append') expect(!terminal, `${c} from ${f.state}`).toBe(true);
        // `fail` on a failed run corrects its class and reason.
        if (c === 'fail') expect(f.state !== 'completed', `${c} from ${f.state}`).toBe(true);
        if (c === 'complete')
          expect(f.state === 'running' || f.state === 'queued' || f.state === 'completed', `${c} from ${f.state}`).toBe(
            true,
          );
        if (c === 'restart') expect(f.state === 'stalled', `${c} from ${f.state}`).toBe(true);
        if (c === 'hero launch' || c === 'hero event') expect(f.hero).not.toBeNull();
      }
      // A terminal run's first step never launches it as if it were new.
      if (terminal) expect(nextSteps(f)[0]).not.toMatch(/^launch it:/);
    }
  });

  it('sends a finished hero run to passport, signoff and seal, never to another resume', () => {
    for (const f of cases) {
      if (f.state !== 'completed' || !f.hero || f.runType === 'pipeline') continue;
      const text = nextSteps(f).join('\n');
      expect(text).not.toMatch(/runlog resume/);
      if (f.checkpoint && !f.sealed) expect(text).toMatch(/runlog (ckpt passport|ckpt signoff|seal)/);
    }
  });

  it('relaunches a hero run only after a recoverable crash', () => {
    for (const f of cases) {
      if (!f.hero || !['command_failed', 'timed_out', 'worker_lost'].includes(f.state)) continue;
      const text = nextSteps(f).join('\n');
      const cls =
        f.failureClass ??
        (f.state === 'timed_out' ? 'walltime' : f.state === 'worker_lost' ? 'node_failure' : 'unknown');
      if (TRANSIENT.has(cls) || cls === 'walltime') expect(text).toMatch(/runlog hero launch big-run/);
      else expect(text).not.toMatch(/runlog hero launch/);
    }
  });

  it('is a pure function: the same facts give the same lines', () => {
    for (const f of cases.slice(0, 500)) expect(nextSteps({ ...f })).toEqual(nextSteps(f));
  });
});
