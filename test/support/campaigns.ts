/**
 * Helpers for the campaign tests: manifests written into a job ledger,
 * the concurrency the jobs themselves recorded (train.mjs --track), and the
 * campaign's summary as `campaign status --json` prints it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Summary } from '../../src/campaigns/summary.js';
import { CampaignStatusOutput } from '../../src/schemas/output.js';
import { runlog, runlogOk, type CliResult } from './ledger.js';

export function writeManifest(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export interface Tracked {
  run: string;
  attempt: number;
  start: number;
  end: number;
}

/** Each job's start and first end (train.mjs --track); a job still running ends now. */
export function tracked(file: string): Tracked[] {
  if (!existsSync(file)) return [];
  const jobs = new Map<string, Tracked>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [what, run, attempt, ms] = line.split(' ');
    if (!what || !run || !attempt || !ms) continue;
    const key = `${run}#${attempt}`;
    if (what === 'start')
      jobs.set(key, { run, attempt: Number(attempt), start: Number(ms), end: Number.POSITIVE_INFINITY });
    else if (what === 'end') {
      const j = jobs.get(key);
      if (j && j.end === Number.POSITIVE_INFINITY) j.end = Number(ms);
    }
  }
  return [...jobs.values()];
}

/** The most jobs that ran at the same moment. */
export function maxConcurrency(jobs: Tracked[]): number {
  const events = jobs.flatMap((j) => [
    { t: j.start, d: 1 },
    { t: j.end, d: -1 },
  ]);
  // Ends before starts at the same millisecond: a slot freed and refilled is not an overlap.
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of events) {
    now += e.d;
    max = Math.max(max, now);
  }
  return max;
}

export async function status(dir: string, id: string): Promise<{ summary: Summary; result: CliResult }> {
  const result = await runlog(dir, ['campaign', 'status', id, '--json']);
  if (result.code !== 0 && result.code !== 1)
    throw new Error(`campaign status exited ${result.code}: ${result.stderr}`);
  return { summary: CampaignStatusOutput.parse(result.json), result };
}

export function row(s: Summary, entry: string) {
  const r = s.runs.find((x) => x.entry === entry);
  expect(r, `entry ${entry} in the summary`).toBeDefined();
  return r!;
}

export async function launch(
  dir: string,
  manifest: string,
  extra: string[] = [],
): Promise<{ id: string; json: Record<string, unknown> }> {
  const r = await runlogOk(dir, ['campaign', 'launch', manifest, '--json', ...extra]);
  const json = r.json as { id: string };
  return { id: json.id, json: json as Record<string, unknown> };
}

/** `supervise` until nothing is active or waiting, with a deadline. */
export async function superviseUntilIdle(
  dir: string,
  timeoutMs = 120_000,
  env?: Record<string, string>,
): Promise<Record<string, unknown>> {
  const r = await runlogOk(dir, ['supervise', '--every', '300ms', '--exit-when-idle', '--json'], { timeoutMs, env });
  return r.json as Record<string, unknown>;
}
