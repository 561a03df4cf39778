/**
 * The one state machine every executor shares.
 * Status entries, front matter, supervisors and operators all go through
 * `checkTransition`, so an illegal move is caught in one place.
 */
import { failed, usageError } from './errors.js';

export const STATES = [
  'pending',
  'validating',
  'queued',
  'running',
  'stalled',
  'lost',
  'completed',
  'validation_failed',
  'command_failed',
  'canceled',
  'timed_out',
  'worker_lost',
  'retry_exhausted',
] as const;
export type RunState = (typeof STATES)[number];

/** The endings: every state from `completed` on (STATES lists them last). */
export const TERMINAL: ReadonlySet<RunState> = new Set(STATES.slice(STATES.indexOf('completed')));

/** Recoverable states carry a deadline after which they become terminal. */
export const RECOVERABLE: ReadonlySet<RunState> = new Set(['stalled', 'lost']);

const ENDINGS: RunState[] = ['completed', 'command_failed', 'canceled', 'timed_out', 'worker_lost', 'retry_exhausted'];

const NEXT: Record<RunState, RunState[]> = {
  pending: ['validating', 'queued', 'running', 'validation_failed', 'canceled', 'command_failed'],
  validating: ['queued', 'running', 'validation_failed', 'canceled'],
  queued: ['running', 'lost', ...ENDINGS],
  running: ['stalled', 'lost', ...ENDINGS],
  stalled: ['running', 'lost', ...ENDINGS],
  lost: ['running', 'queued', 'stalled', ...ENDINGS],
  completed: [],
  validation_failed: [],
  command_failed: [],
  canceled: [],
  timed_out: [],
  worker_lost: [],
  retry_exhausted: [],
};

/**
 * A new attempt (resume, retry, restart) may leave any ending but
 * retry_exhausted; an operator's explicit resume of a campaign entry
 * (`exhausted`) may leave that one too: its transient budget is spent, the
 * operator decided to try again.
 */
const NEW_ATTEMPT_FROM: ReadonlySet<RunState> = new Set(STATES.filter((s) => s !== 'retry_exhausted'));

type TransitionOpts = { newAttempt?: boolean; exhausted?: boolean };
const NEW_ATTEMPT_TO: RunState[] = ['pending', 'validating', 'queued', 'running'];

export function isState(s: string): s is RunState {
  return (STATES as readonly string[]).includes(s);
}

export function parseState(value: string, flag = '--state'): RunState {
  if (!isState(value)) {
    throw usageError(
      'BAD_STATE',
      `${flag} ${JSON.stringify(value)} is not a run state`,
      `use one of: ${STATES.join(', ')}`,
    );
  }
  return value;
}

export function legalNext(from: RunState, opts: TransitionOpts = {}): RunState[] {
  const base = NEXT[from];
  if (!opts.newAttempt || !(NEW_ATTEMPT_FROM.has(from) || (opts.exhausted && from === 'retry_exhausted'))) return base;
  return [...new Set([...base, ...NEW_ATTEMPT_TO])];
}

export function canTransition(from: RunState, to: RunState, opts: TransitionOpts = {}): boolean {
  return from === to ? !TERMINAL.has(from) : legalNext(from, opts).includes(to);
}

export function checkTransition(from: RunState, to: RunState, opts: TransitionOpts = {}): void {
  if (canTransition(from, to, opts)) return;
  const legal = legalNext(from, opts);
  throw failed(
    'ILLEGAL_TRANSITION',
    `cannot go from ${from} to ${to}`,
    legal.length > 0
      ? `from ${from} the legal next states are: ${legal.join(', ')}`
      : from === 'completed'
        ? 'completed is terminal: amend its Results with `runlog complete`, or train further with `runlog resume <run> --from <checkpoint>`'
        : `${from} is terminal${from === 'retry_exhausted' ? '' : '; start a new attempt with `runlog resume` or `runlog retry`'}`,
    { details: { from, to, legal } },
  );
}
