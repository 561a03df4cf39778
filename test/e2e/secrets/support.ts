/**
 * What the secrets suite looks through: everything a ledger and its remote
 * hold as text (every commit with its patch, every ref and tag message, the
 * working files), and the checks it makes on any text: no corpus secret in
 * it, and nothing secretlint's recommended preset flags.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { git } from '../../support/ledger.js';
import type { SecretCase } from '../../support/secrets-corpus.js';
import { secretlintFindings } from '../../support/secretlint.js';

/** `git log -p --all` (every ref, refs/runlog/* and tags included), every ref with its contents, every tag message. */
export async function repoText(gitDir: string): Promise<string> {
  const bare = ['--git-dir', gitDir];
  const log = await git(gitDir, [...bare, 'log', '-p', '--all', '--format=commit %H%n%B', '--no-color']);
  const refs = await git(gitDir, [...bare, 'for-each-ref', '--format=%(refname) %(objecttype)%0a%(contents)']);
  return `${log}\n${refs}`;
}

/** Every regular file under `dir` (not .git), as `path:\n<content>`. */
export function treeText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && statSync(p).size < 4 * 1024 * 1024)
        out.push(`${relative(dir, p)}:\n${readFileSync(p, 'utf8')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

/** No corpus secret anywhere in `text`; says which shapes leaked, never the values. */
export function expectNoSecrets(where: string, text: string, corpus: readonly SecretCase[]): void {
  const leaked = corpus.filter((c) => text.includes(c.secret)).map((c) => c.name);
  expect(leaked, `secrets leaked into ${where}`).toEqual([]);
}

export async function expectSecretlintClean(where: string, text: string): Promise<void> {
  expect(await secretlintFindings(text), `secretlint findings in ${where}`).toEqual([]);
}
