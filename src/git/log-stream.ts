/**
 * The lines of one long-running git command, as they come: `git log -p` over
 * a ledger's whole history can be hundreds of megabytes, which execFile would
 * buffer whole; a stream keeps memory flat and lets one process serve every
 * commit (spawning one per commit costs ~2 ms each, seconds on a big ledger).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { GitError, GIT_ENV } from './git.js';

export async function* gitLines(cwd: string, args: string[]): AsyncGenerator<string> {
  const child = spawn('git', args, { cwd, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 64 * 1024) stderr += d;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new GitError(args, cwd, { type: 'spawn', errno: e.code ?? '', message: e.message })),
    );
    child.on('close', (code) => resolve(code));
  });
  try {
    yield* createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    const code = await exited;
    if (code !== 0) throw new GitError(args, cwd, { type: 'exit', stderr: stderr || `exit code ${String(code)}` });
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
