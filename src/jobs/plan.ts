/**
 * The launch plan of an attempt: exactly what was asked for (full argv,
 * cwd, resources, clocks, flags). It is saved, unscrubbed and private
 * (mode 600), in the attempt's output directory, next to the job's own
 * files: a retry relaunches the same request without the ledger ever
 * holding a secret that the scrubber removed from the recorded command.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import { StallActionSchema } from '../config/jobs.js';

export const LaunchPlanSchema = z.object({
  schema: z.literal(1),
  executor: z.string(),
  cluster: z.string().optional(),
  /** SSH: the host (a `hosts:` profile or an ssh destination), pinned at submit like a cluster. */
  host: z.string().optional(),
  /** SSH: why that host was chosen, or why no host fits. */
  placement: z.string().optional(),
  /** Runtime tags the host must declare (`--tag`). */
  tags: z.array(z.string()).optional(),
  argv: z.array(z.string()).min(1),
  cwd: z.string(),
  resources: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  initFrom: z.string().optional(),
  allowDirty: z.boolean(),
  overridePolicy: z.string().optional(),
  image: z.string().optional(),
  /** 0: no wall-clock limit (only when a campaign manifest says `timeout: none`). */
  timeoutMs: z.number(),
  heartbeatMs: z.number(),
  retries: z.number().int(),
  /** Budget for preemption and node failure, apart from `retries` (default jobs.infra_retries). */
  infraRetries: z.number().int().optional(),
  stallAction: StallActionSchema,
  /** Retry backoff of this request (default jobs.backoff_base / backoff_max). */
  backoffMs: z.number().optional(),
  backoffMaxMs: z.number().optional(),
  /** A campaign entry: outputs under <output root>/<campaign>/<entry>/attempt-<n>. */
  campaign: z
    .object({
      id: z.string(),
      entry: z.string(),
      /** Where the entry writes checkpoints, relative to its output directory (stall_action resume). */
      checkpoints: z.string(),
      wandbStrict: z.boolean(),
    })
    .optional(),
});
export type LaunchPlan = z.infer<typeof LaunchPlanSchema>;

export const PLAN_FILE = 'launch.json';

export function savePlan(outputDir: string, plan: LaunchPlan): void {
  mkdirSync(outputDir, { recursive: true });
  const path = join(outputDir, PLAN_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function loadPlan(outputDir: string): LaunchPlan | undefined {
  const path = join(outputDir, PLAN_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = LaunchPlanSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

const INTERPRETERS: [RegExp, string][] = [
  [/\.py$/i, 'python3'],
  [/\.(?:mjs|cjs|js)$/i, 'node'],
  [/\.(?:sh|bash)$/i, 'bash'],
];

/** `runlog submit <run>` with no command: run the script the run log declares. */
export function argvForScript(script: string | undefined, runId: string): string[] {
  if (script === undefined || script === '' || script === 'n/a') {
    throw usageError('NO_COMMAND', `${runId} declares no script and no command was given`, `pass the command after --, e.g. runlog submit ${runId} -- python train.py, or set --script on runlog new`);
  }
  const interpreter = INTERPRETERS.find(([re]) => re.test(script))?.[1];
  return interpreter ? [interpreter, script] : [script];
}
