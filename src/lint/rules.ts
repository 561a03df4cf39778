/**
 * The common mistakes of hand-kept run tracking that a file can show, as lint rules.
 * Each rule has a stable id, a default severity and a message that says
 * what to do; findings carry `file:line` like remark-lint messages.
 */
import { sectionsNamed } from '../markdown/outline.js';
import { RunLogDoc } from '../markdown/runlog.js';
import { field, runArtifacts, wandbUrls } from '../ledger/read/artifacts.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  /** 1-based; 0 for findings about a folder. */
  line: number;
  message: string;
}

export const RULES = {
  'status-without-progress': {
    severity: 'warning',
    doc: 'a running Status entry without step count or loss: timestamps alone are not useful',
  },
  'results-without-checkpoint': {
    severity: 'error',
    doc: 'a completed training run whose Results has no checkpoint path: resumption becomes guessing',
  },
  'missing-run-type': {
    severity: 'error',
    doc: 'no run_type (replication, experiment or pipeline) in ## Mode or front matter',
  },
  'experiment-not-in-summary': {
    severity: 'warning',
    doc: "an experiment run missing from its folder's experiments.md",
  },
  'wandb-url-only-in-section': {
    severity: 'warning',
    doc: 'several Job blocks, but the synced W&B URL is only in the W&B section',
  },
  'wandb-not-synced': { severity: 'warning', doc: 'a completed run with a local W&B dir and no synced URL' },
  'file-naming': { severity: 'warning', doc: 'run log named <task>_<date>.md instead of <date>_<task>.md' },
  'flat-run-logs': { severity: 'warning', doc: 'more than 10 run logs directly in run_logs/ without group folders' },
  'iso-only-dates': { severity: 'warning', doc: 'ISO timestamps in a Job block without human-readable dates' },
  'missing-timeline': { severity: 'warning', doc: 'a folder of run logs without timeline.md' },
  'published-without-passport': {
    severity: 'error',
    doc: 'a checkpoint uploaded (## HuggingFace) without MODEL_PASSPORT.json + SIGNOFF.json',
  },
  'next-eval-before-passport': {
    severity: 'error',
    doc: 'Next suggests eval or upload before the checkpoint has a passport and signoff',
  },
  'front-matter-mismatch': {
    severity: 'error',
    doc: 'front matter disagrees with the body (state, run_type, attempt, id)',
  },
} as const satisfies Record<string, { severity: Severity; doc: string }>;

export type RuleId = keyof typeof RULES;

export interface RunFileFacts {
  id: string;
  /** Path relative to the ledger root. */
  path: string;
  doc: RunLogDoc;
  /** Text of the experiments.md files that could list this run. */
  experiments: string[];
  /** Whether the final checkpoint, when reachable here, holds these files. */
  checkpointFiles: { passport: boolean; signoff: boolean } | null;
}

type Emit = (rule: RuleId, line: number, message: string) => void;

const ISO_TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const HUMAN_DATE = /\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b/;
const EVAL_OR_UPLOAD = /\b(?:eval(?:uate|uation)?|upload|hand ?off|push to (?:the )?hub|hugging ?face|hf hub)\b/i;

/** Rules that need only the run log (and what it points at). */
export function lintRunFile(f: RunFileFacts, emit: Emit): void {
  const { doc } = f;
  const v = doc.view;
  const o = doc.outline;
  const headingLine = (name: string) => sectionsNamed(o, name)[0]?.line ?? 1;

  let previous: string | null = null;
  for (const e of v.status) {
    if (e.continuation) continue;
    // The entry that starts a run records the launch itself; no step exists yet.
    const starts = e.state !== previous;
    if (e.state !== null) previous = e.state;
    if (e.state !== 'running' || starts) continue;
    const hasLoss = Object.keys(e.metrics).some((k) => /loss/i.test(k)) || /\bloss\b/i.test(e.text);
    if (e.step === null && !hasLoss)
      emit(
        'status-without-progress',
        e.line,
        'running entry without step or loss: record the step count and the latest loss from the output log',
      );
  }

  if (!v.runType)
    emit(
      'missing-run-type',
      headingLine('Mode'),
      'no run_type: add `- run_type: replication|experiment|pipeline (<kind>)` under ## Mode',
    );

  const a = runArtifacts(doc);
  if (v.state === 'completed' && v.runType !== 'pipeline' && !a.finalCheckpoint) {
    const results = sectionsNamed(o, 'Results')[0];
    emit(
      'results-without-checkpoint',
      results?.line ?? 1,
      'completed run without `- checkpoint: <path>` in ## Results: record where the final checkpoint is',
    );
  }

  if (v.runType === 'experiment' && !f.experiments.some((t) => t.includes(f.id.split('/').pop()!))) {
    const line = sectionsNamed(o, 'Mode')[0]?.bodyLines.find((l) => /run[_ ]type/i.test(l.text))?.number ?? 1;
    emit(
      'experiment-not-in-summary',
      line,
      "experiment run not listed in its folder's experiments.md: run `runlog experiments` or add a row",
    );
  }

  const jobUrls = v.jobs.some((j) => Object.values(j.fields).some((val) => wandbUrls(val).length > 0));
  const sectionUrls = wandbUrls(Object.values(v.wandb ?? {}).join(' '));
  if (v.jobs.length > 1 && sectionUrls.length > 0 && !jobUrls) {
    emit(
      'wandb-url-only-in-section',
      headingLine('W&B'),
      `${v.jobs.length} Job blocks but the synced W&B URL is only in ## W&B: record it in each Job block it belongs to (\`runlog wandb record --job\`)`,
    );
  }
  if (v.state === 'completed' && a.wandbLocal.length > 0 && a.wandbSynced.length === 0) {
    emit(
      'wandb-not-synced',
      headingLine('W&B'),
      'local W&B dir recorded but no synced URL: sync it (`runlog wandb sync`) or write `pending — run wandb sync <local>`',
    );
  }

  const base = f.path.split('/').pop()!;
  if (/_\d{4}-\d{2}-\d{2}\.md$/.test(base) && !/^\d{4}-\d{2}-\d{2}_/.test(base)) {
    emit(
      'file-naming',
      1,
      `named <task>_<date>.md: rename to ${base.replace(/^(.+)_(\d{4}-\d{2}-\d{2})\.md$/, '$2_$1.md')} so files sort by date`,
    );
  }

  for (const s of sectionsNamed(o, 'Job')) {
    const lines = s.bodyLines.filter((l) => /^\s*[-*+]\s/.test(l.text));
    const iso = lines.find((l) => ISO_TIME.test(l.text) && !/_human\s*:/i.test(l.text));
    const human = lines.some((l) => /_human\s*:/i.test(l.text) || HUMAN_DATE.test(l.text));
    if (iso && !human)
      emit(
        'iso-only-dates',
        iso.number,
        `${s.title}: ISO timestamps only: add start_human / end_human (e.g. \`Wednesday, Feb 25th, 2026\`)`,
      );
  }

  const hf = sectionsNamed(o, 'HuggingFace')[0];
  if (hf) {
    const body = hf.bodyLines.map((l) => l.text).join('\n');
    const declared = /MODEL_PASSPORT\.json/.test(body) && /SIGNOFF\.json/.test(body) && /signoff verdict/i.test(body);
    const onDisk = f.checkpointFiles === null || (f.checkpointFiles.passport && f.checkpointFiles.signoff);
    if (!declared || !onDisk) {
      emit(
        'published-without-passport',
        hf.line,
        `checkpoint uploaded without ${!onDisk ? 'MODEL_PASSPORT.json + SIGNOFF.json next to it' : 'recording MODEL_PASSPORT.json, SIGNOFF.json and the signoff verdict'}: generate them (\`runlog ckpt passport\`, \`runlog ckpt signoff\`) and upload them with the weights`,
      );
    }
  }

  for (const line of unsignedEvalSuggestions(doc, f.checkpointFiles?.signoff ?? false)) {
    emit(
      'next-eval-before-passport',
      line,
      'Next suggests eval or upload, but the checkpoint has no passport and signoff yet: generate MODEL_PASSPORT.json + SIGNOFF.json first',
    );
  }

  lintFrontMatter(f, emit);
}

/**
 * Lines of ## Next that suggest eval or upload while no signoff is recorded
 * (Results `signoff`, a signoff Status note, or SIGNOFF.json next to the
 * checkpoint). `show` and lint use it so neither passes such advice on.
 */
export function unsignedEvalSuggestions(doc: RunLogDoc, signoffOnDisk = false): number[] {
  const v = doc.view;
  const signed =
    signoffOnDisk || field(v.results, 'signoff') !== null || v.status.some((e) => /^signoff for /.test(e.text));
  if (signed) return [];
  return (sectionsNamed(doc.outline, 'Next')[0]?.bodyLines ?? [])
    .filter((l) => EVAL_OR_UPLOAD.test(l.text) && !/passport|signoff/i.test(l.text))
    .map((l) => l.number);
}

function lintFrontMatter(f: RunFileFacts, emit: Emit): void {
  const { doc } = f;
  const fm = doc.view.frontMatter;
  const block = doc.outline.frontMatter;
  if (!fm || !block) return;
  const body = new RunLogDoc(doc.src.text.slice(block.end), doc.file).view;
  const lineOf = (key: string) => {
    const idx = block.raw.split('\n').findIndex((l) => l.startsWith(`${key}:`));
    return idx === -1 ? block.openLine : block.openLine + 1 + idx;
  };
  const bodyState = [...body.status].reverse().find((e) => !e.continuation && e.state)?.state;
  if (bodyState && bodyState !== fm.state)
    emit(
      'front-matter-mismatch',
      lineOf('state'),
      `front matter says state ${fm.state}, the last Status entry says ${bodyState}`,
    );
  if (body.runType && body.runType !== fm.run_type)
    emit(
      'front-matter-mismatch',
      lineOf('run_type'),
      `front matter says run_type ${fm.run_type}, ## Mode says ${body.runType}`,
    );
  if (body.jobs.length > 0 && body.jobs.length !== fm.attempt)
    emit(
      'front-matter-mismatch',
      lineOf('attempt'),
      `front matter says attempt ${fm.attempt}, the body has ${body.jobs.length} Job block(s)`,
    );
  if (fm.id !== f.id)
    emit('front-matter-mismatch', lineOf('id'), `front matter id ${fm.id} is not the file's run id ${f.id}`);
}

export interface FolderFacts {
  /** Relative to the ledger root. */
  path: string;
  runFiles: number;
  hasTimeline: boolean;
  isRunsRoot: boolean;
}

export function lintFolder(
  d: FolderFacts,
  emit: (rule: RuleId, file: string, line: number, message: string) => void,
): void {
  if (d.runFiles > 0 && !d.hasTimeline)
    emit(
      'missing-timeline',
      `${d.path}/timeline.md`,
      0,
      `${d.path}/ has ${d.runFiles} run log(s) and no timeline.md: run \`runlog timeline\``,
    );
  if (d.isRunsRoot && d.runFiles > 10)
    emit(
      'flat-run-logs',
      d.path,
      0,
      `${d.runFiles} run logs directly in ${d.path}/: group them into folders (by component, task variant or pipeline stage)`,
    );
}
