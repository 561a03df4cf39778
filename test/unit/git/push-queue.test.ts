/** The push queue: writers on one machine take turns at pushing to one remote branch, first come first served. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostKey } from '../../../src/git/lock.js';
import { takePushTurn } from '../../../src/git/push-queue.js';

const settled = async <T>(p: Promise<T>, ms = 400): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('push queue', () => {
  let tmp: string;
  const saved = process.env['TMPDIR'];
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'runlog-push-queue-'));
    process.env['TMPDIR'] = tmp;
  });
  afterEach(() => {
    process.env['TMPDIR'] = saved;
    if (saved === undefined) delete process.env['TMPDIR'];
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves turns in the order they were asked for, and one remote spelled two ways is one queue', async () => {
    const remote = join(tmp, 'remote.git');
    mkdirSync(remote);
    const first = await takePushTurn(remote, 'main', tmp);
    const second = takePushTurn('remote.git', 'main', tmp);
    await new Promise((r) => setTimeout(r, 5));
    const third = takePushTurn(`file://${remote}`, 'main', tmp);
    expect(await settled(second)).toBe(false);
    // Another branch, or another remote, is another queue.
    (await takePushTurn(remote, 'other', tmp))();
    first();
    const endSecond = await second;
    expect(await settled(third)).toBe(false);
    endSecond();
    (await third)();
    const queue = join(tmp, `runlog-${process.getuid!()}-push`);
    expect(readdirSync(queue).flatMap((d) => readdirSync(join(queue, d)))).toEqual([]);
  });

  it('passes by the ticket of a writer that died on this machine', async () => {
    const dead = spawnSync('true').pid;
    const remote = join(tmp, 'r.git');
    mkdirSync(remote);
    const end = await takePushTurn(remote, 'main', tmp);
    const [key] = readdirSync(join(tmp, `runlog-${process.getuid!()}-push`));
    end();
    writeFileSync(
      join(tmp, `runlog-${process.getuid!()}-push`, key!, `000000000000001-${dead}-dead00`),
      JSON.stringify({ pid: dead, host: hostKey() }),
    );
    expect(await settled(takePushTurn(remote, 'main', tmp).then((e) => e()))).toBe(true);
  });

  it('is not used when the queue directory is open to other users', async () => {
    const queue = join(tmp, `runlog-${process.getuid!()}-push`);
    mkdirSync(queue);
    chmodSync(queue, 0o777);
    const a = await takePushTurn('/srv/ledger.git', 'main', tmp);
    expect(await settled(takePushTurn('/srv/ledger.git', 'main', tmp).then((e) => e()))).toBe(true);
    a();
    expect(readdirSync(queue)).toEqual([]);
  });
});
