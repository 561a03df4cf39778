/**
 * Where a campaign lives: a group folder `run_logs/<id>/` holding the frozen
 * manifest, campaign.md, summary.json and one run log per entry, and, on the
 * machine that runs it, an output tree `<output root>/<id>/<entry>/attempt-<n>`
 * so nothing of one campaign (or one attempt) can be read as another's.
 */
import { join } from 'node:path';

export const MANIFEST_FILE = 'manifest.yaml';
export const SUMMARY_FILE = 'summary.json';
export const CAMPAIGN_MD = 'campaign.md';

/** `<name>-<8 hex>`: what a campaign id looks like (anything else is not one). */
export const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}-[0-9a-f]{8}$/;

export const campaignFolder = (runsDir: string, id: string) => `${runsDir}/${id}`;
export const campaignFile = (runsDir: string, id: string, file: string) => `${runsDir}/${id}/${file}`;

/** The run id of an entry: `<campaign id>/<launch date>_<entry>`. */
export const entryRunId = (id: string, date: string, entry: string) => `${id}/${date}_${entry}`;

/** `<campaign id>/<date>_<entry>` → `<entry>`. */
export function entryOfRunId(runId: string): string {
  return runId
    .split('/')
    .pop()!
    .replace(/^\d{4}-\d{2}-\d{2}_/, '');
}

export function entryOutputDir(outputRoot: string, id: string, entry: string, attempt: number): string {
  return join(outputRoot, id, entry, `attempt-${attempt}`);
}

/** The campaign a run log path belongs to: `run_logs/<id>/<file>.md` directly, nothing deeper. */
export function campaignOfPath(runsDir: string, path: string): string | null {
  if (!path.startsWith(`${runsDir}/`) || !path.endsWith('.md')) return null;
  const parts = path.slice(runsDir.length + 1).split('/');
  return parts.length === 2 && CAMPAIGN_ID.test(parts[0]!) ? parts[0]! : null;
}

/** This machine's launch plan of a campaign, in the git dir (see local-plan.ts). */
export function localPlanFile(gitDir: string, id: string): string {
  return join(gitDir, 'runlog', 'campaigns', `${id}.json`);
}
