/**
 * The run's config: parsed (YAML, JSON or TOML by extension) so a malformed
 * file is refused before launch, then snapshotted next to the job's output
 * with its sha256, so later edits cannot change what the record says ran.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import jsYaml from 'js-yaml';
import { sha256Bytes } from '../core/hash.js';
import type { PreflightReason } from './types.js';

export interface ConfigCheck {
  reasons: PreflightReason[];
  abs?: string;
  sha256?: string;
  /** The parsed document (for drift checks and dataset refs). */
  data?: unknown;
}

function parseByExtension(text: string, ext: string): unknown {
  if (ext === '.json') return JSON.parse(text);
  if (ext === '.toml') return parseToml(text);
  // An empty file is null, as in JSON, so it is refused as "not a mapping" like any other scalar.
  return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }) ?? null;
}

export function checkConfig(path: string, cwd: string): ConfigCheck {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (err) {
    return {
      reasons: [
        {
          rule: 'config',
          message: `config ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        },
      ],
    };
  }
  const ext = extname(abs).toLowerCase();
  if (!['.yaml', '.yml', '.json', '.toml'].includes(ext)) {
    return {
      reasons: [
        {
          rule: 'config',
          message: `config ${path} has extension ${ext || '(none)'}; runlog parses .yaml, .yml, .json and .toml`,
        },
      ],
    };
  }
  let data: unknown;
  try {
    data = parseByExtension(bytes.toString('utf8'), ext);
  } catch (err) {
    return {
      reasons: [
        {
          rule: 'config',
          message: `config ${path} does not parse as ${ext.slice(1).toUpperCase()}: ${(err as Error).message.split('\n')[0]}`,
        },
      ],
    };
  }
  if (data === null || typeof data !== 'object') {
    return {
      reasons: [
        {
          rule: 'config',
          message: `config ${path} parses, but to a ${data === null ? 'null' : typeof data}, not a mapping of settings`,
        },
      ],
    };
  }
  return { reasons: [], abs, sha256: sha256Bytes(bytes), data };
}

/** Copies the config into the attempt's output directory; returns the snapshot path. */
export function snapshotConfig(abs: string, outputDir: string): string {
  mkdirSync(outputDir, { recursive: true });
  const target = join(outputDir, `config.snapshot${extname(abs)}`);
  copyFileSync(abs, target);
  return target;
}
