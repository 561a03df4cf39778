import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface WandbKey {
  /** Only ever handed to the child's environment: never printed, logged, or put in argv. */
  key: string;
  /** Where it came from, safe to show: `WANDB_API_KEY` or a file path. */
  source: string;
}

export interface KeyLookup {
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export async function readWandbKey(lookup: KeyLookup = {}): Promise<WandbKey | null> {
  const env = lookup.env ?? process.env;
  const fromEnv = env.WANDB_API_KEY?.trim();
  if (fromEnv) return { key: fromEnv, source: 'WANDB_API_KEY' };
  const home = lookup.home ?? os.homedir();
  for (const name of ['.wandb_token', '.wandb_key']) {
    const file = path.join(home, name);
    const text = await readFile(file, 'utf8').catch(() => null);
    const key = text
      ?.split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '');
    if (key) return { key, source: file };
  }
  return null;
}
