import { describe, expect, it } from 'vitest';
import { parseKeySettings } from '../../../src/markdown/key-settings.js';

describe('the key settings line', () => {
  it('as runlog writes it (from --setting)', () => {
    expect(parseKeySettings('lr=3e-4, batch=256, sched=cosine')).toEqual({ lr: '3e-4', batch: '256', sched: 'cosine' });
  });

  it('as people write it: spaces, semicolons, colons, switches, the number first', () => {
    expect(parseKeySettings('lr 3e-4, batch 64, 10k steps, bf16')).toEqual({
      lr: '3e-4',
      batch: '64',
      steps: '10k',
      bf16: 'on',
    });
    expect(parseKeySettings('lr=3e-4; bs=256')).toEqual({ lr: '3e-4', bs: '256' });
    expect(parseKeySettings('`lr: 1e-4`, shard size 50k, optimizer adamw')).toEqual({
      lr: '1e-4',
      'shard size': '50k',
      optimizer: 'adamw',
    });
    expect(parseKeySettings('LR 3e-4, resume from latest')).toEqual({ lr: '3e-4', resume: 'from latest' });
  });

  it('digit grouping is not a separator; the first value of a key wins', () => {
    expect(parseKeySettings('batch 4,096, lr 1e-3, lr 2e-3')).toEqual({ batch: '4,096', lr: '1e-3' });
  });

  it('nothing to read', () => {
    for (const empty of [undefined, null, '', 'n/a', 'N/A', '—', ' , ;']) expect(parseKeySettings(empty)).toEqual({});
  });
});
