/**
 * Templates for every document kind live in the package's `templates/`;
 * a ledger may override any of them in `<ledger>/.runlog/templates/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    const override = join(ledger.root, ledger.templatesDir, name);
    if (existsSync(override)) return readFileSync(override, 'utf8');
  }
  return readFileSync(join(packageDir(), 'templates', name), 'utf8');
}

/** `{{name}}` placeholders; unknown names are left visible so a broken override is noticed. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (whole, key: string) => (key in values ? values[key]! : whole));
}
