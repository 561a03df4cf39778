import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunlogError } from '../../../src/core/errors.js';
import { compileProgressPatterns, latestProgress, parseProgress, readTail } from '../../../src/signals/progress.js';

describe('parseProgress: plain text', () => {
  it('reads key=value lines', () => {
    const [r] = parseProgress('step=100 loss=0.53 lr=3e-4');
    expect(r).toMatchObject({ step: 100, loss: 0.53, line: 1, format: 'key_value' });
    expect(r!.metrics).toEqual({ step: 100, loss: 0.53, lr: 3e-4 });
  });

  it('reads pipe-separated lines with an it/s rate', () => {
    const [r] = parseProgress('step 100 | loss 0.53 | 1.7 it/s');
    expect(r).toMatchObject({ step: 100, loss: 0.53, throughput: { value: 1.7, unit: 'it/s' } });
  });

  it('reads "Step n/total, loss: x" and keeps the nominal total apart from the step', () => {
    const [r] = parseProgress('2026-03-11 15:00:01 INFO Step 100/1000, loss: 0.53, grad_norm: 1.25, tokens/s: 12000');
    expect(r).toMatchObject({
      step: 100,
      total: 1000,
      loss: 0.53,
      gradNorm: 1.25,
      throughput: { value: 12000, unit: 'tokens/s' },
    });
  });

  it('reads nanoGPT-style iter lines and ignores values with units', () => {
    const [r] = parseProgress('iter 250: loss 4.2117, time 52.31ms, mfu 31.20%');
    expect(r).toMatchObject({ step: 250, loss: 4.2117 });
    expect(r!.metrics).toEqual({ iter: 250, loss: 4.2117 });
  });

  it('keeps nan and inf as numbers', () => {
    const records = parseProgress('step=7 loss=nan grad_norm=inf\nstep=8 loss=-inf');
    expect(Number.isNaN(records[0]!.loss)).toBe(true);
    expect(records[0]!.gradNorm).toBe(Number.POSITIVE_INFINITY);
    expect(records[1]!.loss).toBe(Number.NEGATIVE_INFINITY);
  });

  it('ignores lines without progress fields', () => {
    expect(
      parseProgress(
        'Loading 3 shards from /data\nlr=0.1\nTraceback (most recent call last):\n  File "x.py", line 100, in main',
      ),
    ).toEqual([]);
  });
});

describe('parseProgress: JSON lines', () => {
  it('reads step, loss, grad norm and tokens per second', () => {
    const [r] = parseProgress('{"step": 100, "loss": 0.53, "grad_norm": 1.2, "tokens_per_sec": 12000}');
    expect(r).toMatchObject({
      step: 100,
      loss: 0.53,
      gradNorm: 1.2,
      throughput: { value: 12000, unit: 'tokens/s' },
      format: 'json',
    });
  });

  it('reads W&B-style keys and nested objects', () => {
    const [r] = parseProgress(
      '[rank0] {"train/loss": 2.5, "global_step": 4000, "throughput": {"tokens_per_second": 9e5}}',
    );
    expect(r).toMatchObject({ step: 4000, loss: 2.5, throughput: { value: 9e5, unit: 'tokens/s' } });
    expect(r!.metrics['throughput/tokens_per_second']).toBe(9e5);
  });

  it('keeps bare NaN and Infinity that json.dumps writes', () => {
    const [r] = parseProgress('{"step": 5, "loss": NaN, "grad_norm": Infinity}');
    expect(Number.isNaN(r!.loss)).toBe(true);
    expect(r!.gradNorm).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('parseProgress: Hugging Face Trainer dicts', () => {
  const log = [
    "{'loss': 0.53, 'grad_norm': 1.2, 'learning_rate': 5e-05, 'epoch': 0.1}",
    ' 10%|█         | 100/1000 [00:30<04:30,  3.33it/s]',
    "{'loss': 0.41, 'grad_norm': tensor(0.9, device='cuda:0'), 'learning_rate': 4.5e-05, 'epoch': 0.2}",
    "{'eval_loss': 0.45, 'eval_runtime': 12.3, 'epoch': 0.2}",
    "{'loss': nan, 'grad_norm': nan, 'learning_rate': 4e-05, 'epoch': 0.3}",
  ].join('\n');

  it('counts the step when the line has none and reads tensor(...) values', () => {
    const records = parseProgress(log).filter((r) => r.format === 'python_dict');
    expect(records.map((r) => r.step)).toEqual([1, 2, undefined, 3]);
    expect(records[0]).toMatchObject({ loss: 0.53, gradNorm: 1.2, epoch: 0.1, stepCounted: true });
    expect(records[1]!.gradNorm).toBe(0.9);
    expect(records[2]!.loss).toBeUndefined();
    expect(records[2]!.metrics.eval_loss).toBe(0.45);
    expect(Number.isNaN(records[3]!.loss)).toBe(true);
  });
});

describe('parseProgress: Hugging Face Trainer without a TTY', () => {
  it('takes the step from the bar the dict was printed after', () => {
    const text =
      "\r  9%|▉         | 99/1000 [00:29<04:30,  3.33it/s]\r 10%|█         | 100/1000 [00:30<04:30,  3.33it/s]{'loss': 0.53, 'grad_norm': 1.2, 'learning_rate': 5e-05, 'epoch': 0.1}\n";
    const records = parseProgress(text);
    expect(records.at(-1)).toMatchObject({ step: 100, total: 1000, loss: 0.53, format: 'python_dict' });
    expect(records.at(-1)!.stepCounted).toBeUndefined();
  });
});

describe('parseProgress: PyTorch Lightning bars', () => {
  const line =
    '\rEpoch 0:  44%|████▍     | 440/1000 [00:29<00:37, 15.0it/s, loss=0.55, v_num=0]' +
    '\rEpoch 0:  45%|████▌     | 450/1000 [00:30<00:36, 15.0it/s, loss=0.53, v_num=0]' +
    '\rValidation DataLoader 0:  50%|█████     | 5/10 [00:01<00:01,  4.2it/s]';

  it('reads every \\r update on the line and skips validation bars', () => {
    const records = parseProgress(`Sanity check done\n${line}\n`);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      step: 450,
      total: 1000,
      epoch: 0,
      loss: 0.53,
      throughput: { value: 15, unit: 'it/s' },
      line: 2,
      format: 'progress_bar',
    });
    expect(records[1]!.metrics.v_num).toBe(0);
  });

  it('inverts s/it so slow and fast rates compare', () => {
    const [r] = parseProgress('Epoch 3: 10%|█ | 10/100 [00:20<03:00, 2.00s/it, train_loss_step=1.2]');
    expect(r).toMatchObject({ step: 10, epoch: 3, loss: 1.2, throughput: { value: 0.5, unit: 'it/s' } });
  });

  it('strips ANSI colours', () => {
    const [r] = parseProgress('\x1b[32mstep=3 loss=1.5\x1b[0m');
    expect(r).toMatchObject({ step: 3, loss: 1.5 });
  });
});

describe('configured patterns', () => {
  it('maps named and numbered groups and wins over the built-ins', () => {
    const patterns = compileProgressPatterns([
      {
        pattern: String.raw`^\| it (?<it>\d+) \| objective=(\S+) \| (\d+) tok/s`,
        fields: { step: 'it', loss: 2, throughput: 3 },
        throughputUnit: 'tokens/s',
      },
    ]);
    const [r] = parseProgress('| it 42 | objective=nan | 900 tok/s', patterns);
    expect(r).toMatchObject({ step: 42, throughput: { value: 900, unit: 'tokens/s' }, format: 'pattern' });
    expect(Number.isNaN(r!.loss)).toBe(true);
  });

  it('accepts uncompiled patterns in parseProgress', () => {
    const [r] = parseProgress('ITER:17 L=0.25', [
      { pattern: String.raw`ITER:(\d+) L=([\d.]+)`, fields: { step: 1, loss: 2 } },
    ]);
    expect(r).toMatchObject({ step: 17, loss: 0.25 });
  });

  it('rejects invalid regexes and missing groups with a usage error', () => {
    expect(() => compileProgressPatterns([{ pattern: '(unclosed', fields: { step: 1 } }])).toThrowError(RunlogError);
    try {
      compileProgressPatterns([{ pattern: String.raw`step (\d+)`, fields: { step: 1, loss: 'loss' } }]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RunlogError);
      expect((err as RunlogError).code).toBe('PROGRESS_PATTERN_INVALID');
      expect((err as RunlogError).exitCode).toBe(2);
    }
    expect(() => compileProgressPatterns([{ pattern: String.raw`(\d+)`, fields: { step: 2 } }])).toThrowError(
      /group 2/,
    );
  });

  it('refuses a pattern that can backtrack exponentially (the config arrives through git; every poll runs it)', () => {
    for (const pattern of [String.raw`step (\d+)(=+)+>x`, String.raw`(\d+) (a|ab)*c`]) {
      expect(() => compileProgressPatterns([{ pattern, fields: { step: 1 } }]), pattern).toThrowError(
        /exponential time/,
      );
    }
    expect(compileProgressPatterns([{ pattern: String.raw`step (\d+) [=]+>`, fields: { step: 1 } }])).toHaveLength(1);
  });
});

describe('latestProgress', () => {
  it('returns the last record with a step and the first and last loss', () => {
    const summary = latestProgress(
      'step=1 loss=2.5\nstep=2 loss=2.1\nsaving...\n{"eval_loss": 1.9, "epoch": 1}\nstep=3 loss=1.8\n{"epoch": 2}',
    );
    expect(summary.latest).toMatchObject({ step: 3, line: 5 });
    expect(summary.firstLoss).toBe(2.5);
    expect(summary.lastLoss).toBe(1.8);
    expect(summary.records).toBe(5);
  });

  it('is empty for text without progress', () => {
    expect(latestProgress('hello\n')).toEqual({ records: 0 });
  });
});

describe('readTail', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runlog-tail-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns a small file whole', async () => {
    const path = join(dir, 'small.log');
    await writeFile(path, 'step=1 loss=2\nstep=2 loss=1.5\n');
    expect(await readTail(path)).toBe('step=1 loss=2\nstep=2 loss=1.5\n');
  });

  it('reads only the end of a large file and drops the partial first line', async () => {
    const path = join(dir, 'big.log');
    const lines = Array.from({ length: 200_000 }, (_, i) => `step=${i} loss=${(1 / (i + 1)).toFixed(6)} █`);
    await writeFile(path, `${lines.join('\n')}\n`);
    const tail = await readTail(path, 4096);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(4096);
    const got = tail.trimEnd().split('\n');
    expect(got.at(-1)).toBe(lines.at(-1));
    expect(got.every((l) => lines.includes(l))).toBe(true);
    expect(latestProgress(tail).latest?.step).toBe(199_999);
  });

  it('cuts at a carriage return when a progress bar never printed a newline', async () => {
    const path = join(dir, 'bar.log');
    const updates = Array.from(
      { length: 5000 },
      (_, i) => `\rEpoch 0: 50%|█████| ${i}/5000 [00:10<00:10, 9.0it/s, loss=0.5]`,
    );
    await writeFile(path, updates.join(''));
    const tail = await readTail(path, 2048);
    expect(tail.length).toBeGreaterThan(0);
    expect(latestProgress(tail).latest?.step).toBe(4999);
  });

  it('throws OUTPUT_LOG_NOT_FOUND for a missing file', async () => {
    await expect(readTail(join(dir, 'missing.log'))).rejects.toMatchObject({ code: 'OUTPUT_LOG_NOT_FOUND' });
  });
});

describe('parseProgress: cost', () => {
  it('stays fast on runaway lines that tempt regex backtracking', () => {
    const started = performance.now();
    expect(parseProgress(`loss ${' '.repeat(60000)}x`)).toEqual([]);
    expect(parseProgress(`step=1 ${'a=1 '.repeat(15000)}`)[0]?.step).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
