// `show` never presents "eval/upload this checkpoint" as advice before the checkpoint has a passport and signoff.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowOutput } from '../../src/schemas/output.js';
import { git, makeLedger, newRun, runlogOk, type TempLedger } from '../support/ledger.js';

describe('show: the Next gate', () => {
  let l: TempLedger;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-gate-' });
  });
  afterAll(() => l.cleanup());

  it('marks a hand-written eval suggestion as blocked until a signoff is recorded', async () => {
    const id = await newRun(l.main, 'train');
    const file = join(l.main, 'run_logs', `${id}.md`);
    // A person wrote the advice the seed forbids: eval before passport and signoff.
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('## Next\n', '## Next\n- eval this checkpoint on the held-out set\n'),
    );
    await git(l.main, ['commit', '-qam', 'hand edit']);

    const shown = ShowOutput.parse((await runlogOk(l.main, ['show', id, '--json'])).json);
    const next = shown['next'] as string[];
    expect(next.some((n) => n.includes('[blocked: generate and sign MODEL_PASSPORT.json + SIGNOFF.json first'))).toBe(
      true,
    );
    expect(next.some((n) => /^- eval this checkpoint/.test(n))).toBe(false);
    const human = (await runlogOk(l.main, ['show', id])).stdout;
    expect(human).toContain('[blocked:');

    // Once a signoff is recorded in Results, the same line is advice again.
    writeFileSync(file, readFileSync(file, 'utf8').replace('## Results\n', '## Results\n- signoff: `pass`\n'));
    await git(l.main, ['commit', '-qam', 'signed off']);
    const after = ShowOutput.parse((await runlogOk(l.main, ['show', id, '--json'])).json);
    expect((after['next'] as string[]).some((n) => n.includes('[blocked:'))).toBe(false);
  });

  it('after complete without a checkpoint, Next asks for it (amending Results); a line a person wrote stays below', async () => {
    const id = await newRun(l.main, 'finished');
    const file = join(l.main, 'run_logs', `${id}.md`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('## Next\n', '## Next\n- ask Bob about the data mix\n'));
    await git(l.main, ['commit', '-qam', 'a note of my own']);
    await runlogOk(l.main, ['append', id, 'started', '--state', 'running']);
    await runlogOk(l.main, ['complete', id, '--final-step', '100']);
    const next = ShowOutput.parse((await runlogOk(l.main, ['show', id, '--json'])).json)['next'] as string[];
    expect(next.join('\n')).not.toContain('submit the job');
    expect(next[0]).toContain(`runlog complete ${id} --checkpoint <dir>`);
    expect(next.at(-1)).toBe('- ask Bob about the data mix');
    // In the file the person's line stays where they put it, byte for byte; runlog's line is marked.
    const section = readFileSync(file, 'utf8').split('## Next\n')[1]!.split('\n').filter(Boolean);
    expect(section[0]).toBe('- ask Bob about the data mix');
    expect(section[1]).toMatch(/^- record the final checkpoint: .* <!-- runlog:next -->$/);
  });
});
