/**
 * runlog.config.yaml: the ledger's settings. Unknown keys are kept (later
 * features add their own sections); known ones are validated here.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import jsYaml from 'js-yaml';
// zod's v3 API, on the start-up path: see the note in markdown/frontmatter.ts (60 KB bundled against 454 KB).
import { z } from 'zod/v3';
import { scrubberFor } from '../core/scrub/scrub.js';
import { kindInside, readInside } from '../core/confined-fs.js';
import { RunlogError, notFound } from '../core/errors.js';

export const CONFIG_FILE = 'runlog.config.yaml';

export const ConfigSchema = z
  .object({
    schema_version: z.literal(1).default(1),
    /** Git remote name used for sync and push: a name from the clone's own git config, never a URL. */
    remote: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
        'must be the name of a remote in your git config (e.g. origin), not a URL or path',
      )
      .default('origin'),
    /** `auto`: push after every commit; `never`: commit only (sync pushes later). */
    push: z.enum(['auto', 'never']).default('auto'),
    /** Ledger-local template overrides (relative to the ledger root). */
    templates_dir: z.string().default('.runlog/templates'),
    runs_dir: z.string().default('run_logs'),
    push_retries: z.number().int().min(0).max(50).default(12),
    git: z
      .object({
        /** Deadline of every git call (fetch and push included): a remote that never answers must not hold the ledger lock. */
        timeout: z.union([z.string(), z.number().positive()]).default('45s'),
      })
      .passthrough()
      .default({ timeout: '45s' }),
    scrub: z
      .object({
        rules: z
          .array(
            z.object({
              kind: z.string(),
              pattern: z.string(),
              flags: z.string().optional(),
              group: z.number().int().optional(),
            }),
          )
          .default([]),
      })
      .default({ rules: [] }),
  })
  .passthrough();
export type LedgerConfig = z.infer<typeof ConfigSchema>;

export const DEFAULT_CONFIG_TEXT = `# runlog ledger settings (see the runlog README, "Configuration")
schema_version: 1
# git remote that every update is pushed to
remote: origin
# auto: push after every commit; never: commit only, \`runlog sync\` pushes later
push: auto
# extra secret patterns for the scrubber: [{kind: name, pattern: regex}]
scrub:
  rules: []
`;

/** The nearest ancestor holding runlog.config.yaml, or the explicit --ledger dir. */
export function findLedgerRoot(start: string, explicit?: string): string {
  if (explicit) {
    const dir = resolve(explicit);
    if (!existsSync(join(dir, CONFIG_FILE))) {
      throw notFound(
        'NO_LEDGER',
        `${dir} has no ${CONFIG_FILE}`,
        'run `runlog init` there first, or point --ledger at a ledger root',
      );
    }
    return dir;
  }
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    const up = dirname(dir);
    if (up === dir) {
      throw notFound(
        'NO_LEDGER',
        `no ${CONFIG_FILE} in ${resolve(start)} or any parent directory`,
        'run `runlog init` at your repo root, or pass --ledger <dir>',
      );
    }
    dir = up;
  }
}

export function loadConfig(root: string): LedgerConfig {
  let raw: unknown;
  try {
    // js-yaml 4: data-only types; the core schema keeps dates as strings.
    raw = jsYaml.load(readInside(root, CONFIG_FILE) ?? '', { schema: jsYaml.CORE_SCHEMA }) ?? {};
  } catch (err) {
    if (err instanceof RunlogError) throw err;
    const line = (err as { mark?: { line?: number } }).mark?.line;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message.split('\n')[0];
    throw new RunlogError(
      'failed',
      'BAD_CONFIG',
      `${CONFIG_FILE}${line !== undefined ? `:${line + 1}` : ''}: ${reason}`,
      `fix the YAML in ${CONFIG_FILE}`,
    );
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RunlogError(
      'failed',
      'BAD_CONFIG',
      `${CONFIG_FILE}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      `fix ${CONFIG_FILE}; see README "Configuration"`,
    );
  }
  // Compiled (and checked) here, before any command takes the ledger lock: a bad rule is a coded error, never a hang.
  scrubberFor(parsed.data.scrub.rules);
  for (const key of ['runs_dir', 'templates_dir'] as const) confineSetting(root, key, parsed.data[key]);
  return parsed.data;
}

/**
 * The config arrives through git like any file: a folder setting that leads
 * out of the repository would make runlog read or write there.
 */
function confineSetting(root: string, key: string, value: string): void {
  const rel = value.replace(/\/+$/, '');
  let why: string | undefined;
  try {
    const kind = kindInside(root, rel);
    if (kind === 'file') why = 'it is a file';
  } catch (err) {
    const code = (err as RunlogError).code;
    why =
      code === 'SYMLINK_IN_LEDGER'
        ? 'it is a symbolic link'
        : code === 'PATH_OUTSIDE_LEDGER'
          ? 'it leaves the ledger'
          : (err as Error).message;
  }
  if (why !== undefined) {
    throw new RunlogError(
      'failed',
      'BAD_CONFIG',
      `${CONFIG_FILE}: ${key} ${JSON.stringify(value)} must be a folder inside the ledger (${why})`,
      `set ${key} to a relative path under the ledger root without \`..\` (default ${key === 'runs_dir' ? 'run_logs' : '.runlog/templates'}); \`git log -p ${CONFIG_FILE}\` shows who changed it`,
    );
  }
}
