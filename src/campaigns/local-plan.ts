/**
 * The campaign's launch plan on the machine that launched it: the frozen
 * manifest with its commands as written (not scrubbed), the working
 * directory, and the max_parallel in force. It lives in the git dir, mode
 * 600, never in the tree: a run log or manifest pushed by another clone is
 * data, and must never choose a command this machine runs. The supervisor
 * launches an entry only when this plan names it.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FrozenManifestSchema } from './freeze.js';
import { CAMPAIGN_ID, localPlanFile } from './paths.js';

export const LocalPlanSchema = z.strictObject({
  schema: z.literal(1),
  id: z.string().regex(CAMPAIGN_ID),
  /** The scrubbed manifest's sha256: the id's hash. */
  sha256: z.string(),
  cwd: z.string(),
  date: z.string(),
  manifest: FrozenManifestSchema,
  maxParallel: z.number().int().min(1),
});
export type LocalPlan = z.infer<typeof LocalPlanSchema>;

export function saveLocalPlan(gitDir: string, plan: LocalPlan): void {
  const path = localPlanFile(gitDir, plan.id);
  mkdirSync(join(gitDir, 'runlog', 'campaigns'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(plan)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The plan, or undefined when this machine did not launch the campaign (or the file is unreadable). */
export function loadLocalPlan(gitDir: string, id: string): LocalPlan | undefined {
  if (!CAMPAIGN_ID.test(id)) return undefined;
  const path = localPlanFile(gitDir, id);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = LocalPlanSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success && parsed.data.id === id ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
