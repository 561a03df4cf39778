/**
 * Templates for every document kind live in the package's `templates/`;
 * a ledger may override any of them in `<ledger>/.runlog/templates/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInside } from '../core/confined-fs.js';
import { failed } from '../core/errors.js';

let packageRoot: string | undefined;

/** The folder holding runlog's package.json (works from src/ under vitest and from dist/). */
export function packageDir(): string {
  if (packageRoot) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const up = dirname(dir);
    if (up === dir) throw failed('NO_TEMPLATES', 'runlog cannot find its templates/ folder', 'reinstall runlog');
    dir = up;
  }
  packageRoot = dir;
  return dir;
}

export function loadTemplate(name: string, ledger?: { root: string; templatesDir: string }): string {
  if (ledger) {
    // A committed override is shared content: read without following a link out of the ledger.
    const override = readInside(ledger.root, `${ledger.templatesDir.replace(/\/+$/, '')}/${name}`);
    if (override !== null) return override;
  }
  return readFileSync(join(packageDir(), 'templates', name), 'utf8');
}

/** `{{name}}` placeholders; unknown names are left visible so a broken override is noticed. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (whole, key: string) => (key in values ? values[key]! : whole));
}
