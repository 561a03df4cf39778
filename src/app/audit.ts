/**
 * `runlog audit`: look for secrets everywhere a ledger keeps text — every
 * commit message, `Runlog-Op` trailer and added diff line on every ref
 * (refs/runlog/* included), every tag message, every ref name, and the
 * working files under the ledger — with the one scrubber. Findings name the
 * commit (or ref, or file), where, the path and the kind; never the value.
 *
 * Earlier runlog versions put raw operation arguments in the trailer, so a
 * ledger written by them can hold secrets its files never showed: this is
 * how their users find them.
 *
 * History is read from ONE `git log -p` stream: a process per commit costs
 * ~2 ms each, which is most of the time on a ledger with thousands of them.
 * A merge commit shows its combined diff (`--cc`): the lines its result has
 * that no parent had, i.e. what was typed while resolving it; lines that came
 * from a parent were already scanned in the commit that added them.
 */
import { lstatSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { scrubberFor, type Scrubber } from '../core/scrub/scrub.js';
import type { Ledger } from '../git/ledger-repo.js';
import { gitLines } from '../git/log-stream.js';
import { TRAILER } from '../core/operation.js';
import type { CommandOutput } from '../cli/output.js';
import type { AuditResult } from '../schemas/output.js';

type Finding = AuditResult['findings'][number];
type Where = Finding['where'];

/** A working file larger than this is not scanned whole (run logs are kilobytes; this is a data file). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

class Findings {
  private readonly byKey = new Map<string, Finding>();

  add(scrubber: Scrubber, text: string, at: { where: Where; commit?: string; ref?: string; path?: string }): void {
    if (text === '') return;
    for (const f of scrubber.report(text).findings) {
      const key = [at.where, at.commit, at.ref, at.path, f.kind].join('\0');
      const seen = this.byKey.get(key);
      if (seen) seen.count += f.count;
      else
        this.byKey.set(key, {
          where: at.where,
          commit: at.commit ?? null,
          ref: at.ref ?? null,
          path: at.path ?? null,
          kind: f.kind,
          count: f.count,
        });
    }
  }

  list(): Finding[] {
    return [...this.byKey.values()];
  }
}

/** Every string in a decoded trailer (keys are ours); the raw line when it is not JSON. */
function trailerTexts(line: string): string[] {
  const raw = line.slice(TRAILER.length + 1).trim();
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(raw));
    return out;
  } catch {
    return [raw];
  }
}

function scanMessage(found: Findings, scrubber: Scrubber, commit: string, message: string[]): void {
  const body: string[] = [];
  for (const line of message) {
    if (line.startsWith(`${TRAILER}:`))
      for (const t of trailerTexts(line)) found.add(scrubber, t, { where: 'trailer', commit });
    else body.push(line);
  }
  found.add(scrubber, body.join('\n'), { where: 'message', commit });
}

/** `+++ b/path` (or a C-quoted `"b/pa\"th"`) → `path`. */
function diffPath(header: string): string | null {
  let p = header.slice(4);
  if (p === '/dev/null') return null;
  if (p.startsWith('"') && p.endsWith('"'))
    p = JSON.parse(
      p.replace(/\\([0-7]{3})/g, (_m, o: string) => `\\u00${parseInt(o, 8).toString(16).padStart(2, '0')}`),
    ) as string;
  return p.replace(/^b\//, '');
}

const COMMIT = '\u001eC ';
const END_MESSAGE = '\u001eE';

async function scanHistory(ledger: Ledger, found: Findings, scrubber: Scrubber): Promise<number> {
  const args = [
    '-c',
    'core.quotePath=false',
    'log',
    '--all',
    '-p',
    '--cc',
    '-U0',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    `--format=${COMMIT}%H%n%B${END_MESSAGE}`,
  ];
  let commits = 0;
  let commit = '';
  let mode: 'message' | 'header' | 'hunk' | 'none' = 'none';
  let message: string[] = [];
  let path: string | null = null;
  let added: string[] = [];
  /** One column per parent before each line of a hunk: 1, or a merge's parent count. */
  let columns = 1;
  const flushFile = () => {
    if (path !== null && added.length > 0) found.add(scrubber, added.join('\n'), { where: 'diff', commit, path });
    path = null;
    added = [];
  };
  for await (const line of gitLines(ledger.root, args)) {
    if (line.startsWith(COMMIT)) {
      flushFile();
      commit = line.slice(COMMIT.length).trim();
      commits++;
      mode = 'message';
      message = [];
    } else if (mode === 'message') {
      const end = line.indexOf(END_MESSAGE);
      if (end === -1) message.push(line);
      else {
        message.push(line.slice(0, end));
        scanMessage(found, scrubber, commit, message);
        mode = 'none';
      }
    } else if (line.startsWith('diff --git ') || line.startsWith('diff --cc ')) {
      flushFile();
      mode = 'header';
    } else if (mode === 'header' && line.startsWith('+++ ')) {
      path = diffPath(line);
    } else if (mode !== 'none' && line.startsWith('@@')) {
      mode = 'hunk';
      // `@@` for a commit, `@@@` for a merge of two parents, and so on.
      columns = /^@+/.exec(line)![0].length - 1;
    } else if (mode === 'hunk' && line.startsWith('+'.repeat(columns))) {
      added.push(line.slice(columns));
    }
  }
  flushFile();
  return commits;
}

/** Annotated tag messages (a lightweight tag has none) and every ref name. */
async function scanRefs(ledger: Ledger, found: Findings, scrubber: Scrubber): Promise<{ tags: number; refs: number }> {
  const out = await ledger.git.run(['for-each-ref', '--format=%1e%(refname)%00%(objecttype)%00%(contents)']);
  let tags = 0;
  let refs = 0;
  for (const record of out.split('\u001e').slice(1)) {
    const [ref = '', type = '', ...contents] = record.split('\0');
    refs++;
    found.add(scrubber, ref, { where: 'ref', ref });
    if (type === 'tag') {
      tags++;
      found.add(scrubber, contents.join('\0'), { where: 'tag', ref });
    }
  }
  return { tags, refs };
}

/** A regular file's text; null for symlinks, binaries and what is gone. */
function readText(file: string): string | null {
  try {
    const st = lstatSync(file);
    if (!st.isFile()) return null;
    const size = Math.min(st.size, MAX_FILE_BYTES);
    const buf = Buffer.alloc(size);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, size, 0);
    } finally {
      closeSync(fd);
    }
    return buf.subarray(0, 8192).includes(0) ? null : buf.toString('utf8');
  } catch {
    return null;
  }
}

async function scanFiles(ledger: Ledger, found: Findings, scrubber: Scrubber): Promise<number> {
  const out = await ledger.git.run(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  let files = 0;
  for (const path of new Set(out.split('\0').filter(Boolean))) {
    const text = readText(join(ledger.root, path));
    if (text === null) continue;
    files++;
    found.add(scrubber, text, { where: 'file', path });
  }
  return files;
}

const WHERE_LABEL: Record<Where, string> = {
  message: 'commit message',
  trailer: 'Runlog-Op trailer',
  diff: 'committed file',
  tag: 'tag message',
  ref: 'ref name',
  file: 'working file',
};

export async function auditLedger(ledger: Ledger): Promise<CommandOutput<AuditResult>> {
  const scrubber = scrubberFor(ledger.config.scrub.rules);
  const found = new Findings();
  const commits = (await ledger.git.head()) === null ? 0 : await scanHistory(ledger, found, scrubber);
  const { tags, refs } = await scanRefs(ledger, found, scrubber);
  const files = await scanFiles(ledger, found, scrubber);
  const findings = found.list();
  const human = findings.map((f) => {
    const what = f.commit ? f.commit.slice(0, 12) : (f.ref ?? '-');
    return `${what}  ${WHERE_LABEL[f.where]}${f.path ? `  ${f.path}` : ''}  ${f.kind}${f.count > 1 ? ` ×${f.count}` : ''}`;
  });
  const scanned = { commits, tags, refs, files };
  human.push(
    findings.length === 0
      ? `no secrets found (${commits} commit(s), ${tags} tag(s), ${refs} ref(s), ${files} working file(s))`
      : `${findings.length} finding(s); see README "Security" to rewrite history, and rotate each secret first`,
  );
  return {
    result: { clean: findings.length === 0, scanned, findings },
    human,
    exitCode: findings.length === 0 ? 0 : 1,
  };
}

export async function auditService(input: { ledger?: string }): Promise<CommandOutput<AuditResult>> {
  const { openLedger } = await import('../git/ledger-repo.js');
  return auditLedger(openLedger({ ledger: input.ledger }));
}
