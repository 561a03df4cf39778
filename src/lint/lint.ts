/** `runlog lint`: run the rules over the ledger (or the named runs) with the severities runlog.config.yaml sets. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import type { Ledger } from '../git/ledger-repo.js';
import { runArtifacts } from '../ledger/read/artifacts.js';
import { listRunFiles, resolveRun, type RunFile } from '../ledger/read/runs.js';
import { RunLogDoc } from '../markdown/runlog.js';
import { lintFolder, lintRunFile, RULES, type Finding, type RuleId, type Severity } from './rules.js';

const LintConfigSchema = z
  .object({ rules: z.record(z.string(), z.enum(['off', 'warning', 'error'])).default({}) })
  .default({ rules: {} });

export function readLintConfig(config: Record<string, unknown>): Record<string, Severity | 'off'> {
  const parsed = LintConfigSchema.safeParse(config['lint']);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usageError(
      'BAD_CONFIG',
      `runlog.config.yaml: lint.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      'lint.rules maps a rule id to off, warning or error',
    );
  }
  const unknown = Object.keys(parsed.data.rules).filter((k) => !(k in RULES));
  if (unknown.length > 0)
    throw usageError(
      'UNKNOWN_LINT_RULE',
      `runlog.config.yaml: lint.rules names unknown rule(s) ${unknown.join(', ')}`,
      `known rules: ${Object.keys(RULES).join(', ')}`,
    );
  return parsed.data.rules;
}

export interface LintReport {
  files: number;
  errors: number;
  warnings: number;
  findings: Finding[];
}

export function lintLedger(ledger: Ledger, refs: string[]): LintReport {
  const levels = readLintConfig(ledger.config);
  const severity = (rule: RuleId): Severity | 'off' => levels[rule] ?? RULES[rule].severity;
  const findings: Finding[] = [];
  const push = (rule: string, sev: Severity | 'off', file: string, line: number, message: string) => {
    if (sev !== 'off') findings.push({ rule, severity: sev, file, line, message });
  };
  const runsDir = ledger.config.runs_dir;
  const all = listRunFiles(ledger.root, runsDir);
  const selected: RunFile[] = refs.length === 0 ? all : refs.map((r) => resolveRun(ledger.root, runsDir, r));
  const read = (rel: string) => {
    const abs = path.join(ledger.root, rel);
    return existsSync(abs) ? readFileSync(abs, 'utf8') : null;
  };
  for (const f of selected) {
    const doc = new RunLogDoc(readFileSync(f.abs, 'utf8'), f.path);
    for (const d of doc.diagnostics) push(d.rule, d.severity, d.file, d.line, d.message);
    const folder = f.group ? `${runsDir}/${f.group}` : runsDir;
    const experiments = [
      read(`${folder}/experiments.md`),
      folder === runsDir ? null : read(`${runsDir}/experiments.md`),
    ].filter((t): t is string => t !== null);
    const ckpt = runArtifacts(doc).finalCheckpoint;
    const ckptAbs = ckpt ? (path.isAbsolute(ckpt) ? ckpt : path.resolve(ledger.root, ckpt)) : null;
    const checkpointFiles =
      ckptAbs && existsSync(ckptAbs)
        ? {
            passport: existsSync(path.join(ckptAbs, 'MODEL_PASSPORT.json')),
            signoff: existsSync(path.join(ckptAbs, 'SIGNOFF.json')),
          }
        : null;
    lintRunFile({ id: f.id, path: f.path, doc, experiments, checkpointFiles }, (rule, line, message) =>
      push(rule, severity(rule), f.path, line, message),
    );
  }
  if (refs.length === 0) {
    const folders = new Map<string, number>();
    for (const f of all) {
      const folder = f.group ? `${runsDir}/${f.group}` : runsDir;
      folders.set(folder, (folders.get(folder) ?? 0) + 1);
    }
    for (const [folder, runFiles] of folders) {
      lintFolder(
        {
          path: folder,
          runFiles,
          hasTimeline: existsSync(path.join(ledger.root, folder, 'timeline.md')),
          isRunsRoot: folder === runsDir,
        },
        (rule, file, line, message) => push(rule, severity(rule), file, line, message),
      );
    }
  }
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return {
    files: selected.length,
    errors: findings.filter((x) => x.severity === 'error').length,
    warnings: findings.filter((x) => x.severity === 'warning').length,
    findings,
  };
}
