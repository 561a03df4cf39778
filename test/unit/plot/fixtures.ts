/** Deterministic series for the chart tests: a fixed-seed generator, no Math.random. */
import type { Point, RunChart } from '../../../src/plot/types.js';

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function chart(
  title: string,
  train: Point[][],
  val: Point[][],
  throughput: Point[][],
  marks: RunChart['marks'] = [],
  unit = 'tokens/s',
): RunChart {
  return {
    title,
    train: { label: 'train loss', segments: train },
    val: { label: 'val loss', segments: val },
    throughput: { label: 'throughput', unit, segments: throughput },
    marks,
  };
}

/** Loss falling smoothly over 2,000 steps, val every 200, steady throughput. */
export function monotone(): RunChart {
  const train: Point[] = [];
  const val: Point[] = [];
  const tput: Point[] = [];
  for (let s = 0; s <= 2000; s += 10) {
    train.push([s, 2.5 * Math.exp(-s / 600) + 0.2]);
    tput.push([s, 1500 + 10 * Math.sin(s / 50)]);
    if (s % 200 === 0) val.push([s, 2.6 * Math.exp(-s / 650) + 0.25]);
  }
  return chart(
    'demo/2026-03-22_monotone',
    [train],
    [val],
    [tput],
    [{ kind: 'checkpoint', step: 2000, label: 'final checkpoint (step 2000)' }],
  );
}

/** Noisy loss with two spikes and two stretches of NaN; an Inf throughput reading. */
export function spikyWithGaps(): RunChart {
  const rnd = lcg(42);
  const train: Point[] = [];
  const tput: Point[] = [];
  for (let s = 0; s < 5000; s += 5) {
    let y = 1.8 * Math.exp(-s / 1500) + 0.3 + 0.08 * rnd();
    if (s === 1200 || s === 3400) y += 3;
    if ((s >= 2000 && s < 2100) || (s >= 4200 && s < 4215)) y = Number.NaN;
    train.push([s, y]);
    tput.push([s, s === 2500 ? Infinity : 3.2 + 0.3 * rnd()]);
  }
  return chart('demo/2026-03-22_spiky', [train], [], [tput], [], 'it/s');
}

/** Attempt 1 reaches step 3,200 and dies; attempt 2 resumes from the step-3,000 checkpoint. */
export function resumed(): RunChart {
  const rnd = lcg(7);
  const first: Point[] = [];
  const second: Point[] = [];
  const t1: Point[] = [];
  const t2: Point[] = [];
  for (let s = 0; s <= 3200; s += 20) {
    first.push([s, 2 * Math.exp(-s / 1000) + 0.4 + 0.05 * rnd()]);
    t1.push([s, 9000 + 300 * rnd()]);
  }
  for (let s = 3000; s <= 6000; s += 20) {
    second.push([s, 2 * Math.exp(-s / 1000) + 0.42 + 0.05 * rnd()]);
    t2.push([s, 11000 + 300 * rnd()]);
  }
  const val: Point[] = [
    [1000, 1.2],
    [2000, 0.8],
    [3000, 0.6],
    [4000, 0.52],
    [5000, 0.48],
    [6000, 0.46],
  ];
  return chart(
    'demo/2026-03-22_resumed',
    [first, second],
    [val],
    [t1, t2],
    [
      { kind: 'attempt', step: 3000, label: 'attempt 2 (resumed)' },
      { kind: 'checkpoint', step: 6000, label: 'final checkpoint (step 6000)' },
    ],
  );
}

export function singlePoint(): RunChart {
  return chart('demo/2026-03-22_single', [[[100, 0.75]]], [], [], []);
}

/** 100,000 readings: exponential decay, noise, one spike, one NaN stretch. */
export function long(n = 100_000): RunChart {
  const rnd = lcg(2026);
  const train: Point[] = [];
  const tput: Point[] = [];
  for (let i = 0; i < n; i++) {
    const s = i * 10;
    train.push([
      s,
      i >= 60_000 && i < 60_050 ? Number.NaN : 3 * Math.exp(-i / 20_000) + 0.15 * rnd() + (i === 40_000 ? 2 : 0),
    ]);
    tput.push([s, 12_000 + 800 * rnd()]);
  }
  const val: Point[] = [];
  for (let i = 0; i < n; i += 5000) val.push([i * 10, 3 * Math.exp(-i / 20_000) + 0.1]);
  return chart(
    'demo/2026-03-22_long',
    [train],
    [val],
    [tput],
    [{ kind: 'checkpoint', step: (n - 1) * 10, label: `final checkpoint (step ${(n - 1) * 10})` }],
  );
}

/** The worst case for size: NaN every other reading, twenty overlapping resumes, on every series. */
export function adversarial(): RunChart {
  const rnd = lcg(1);
  const segs = (scale: number): Point[][] =>
    Array.from({ length: 20 }, (_, a) =>
      Array.from({ length: 5000 }, (_, i): Point => [a * 1000 + i * 10, i % 2 ? Number.NaN : scale * rnd()]),
    );
  return chart(
    'demo/2026-03-22_adversarial',
    segs(1),
    segs(1),
    segs(1000),
    Array.from({ length: 20 }, (_, a) => ({ kind: 'attempt' as const, step: a * 1000, label: `attempt ${a + 1}` })),
  );
}
