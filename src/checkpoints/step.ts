/**
 * Steps are numbers, never strings: `step_9` sorts before `step_10`.
 * Each pattern is one checkpoint naming convention seen in the wild.
 */
const FILE_SUFFIX = /\.(ckpt|pt|pth|safetensors|bin)$/i;

const PATTERNS: RegExp[] = [
  /^(\d+)$/, // checkpoints/100
  /^(?:.*[-_=])?step[-_=]?(\d+)$/i, // step-100, step_100, global_step100, epoch=1-step=100 (Lightning)
  /^(?:checkpoint|ckpt|iter)[-_]?(\d+)$/i, // checkpoint-100 (HF), ckpt_000100, iter_0000100 (Megatron)
];

export function parseStep(name: string): number | null {
  const stem = name.replace(FILE_SUFFIX, '');
  for (const pattern of PATTERNS) {
    const match = pattern.exec(stem);
    if (!match?.[1]) continue;
    const step = Number.parseInt(match[1], 10);
    return Number.isSafeInteger(step) ? step : null;
  }
  return null;
}

/** Only Lightning-style single-file checkpoints count as files; other weight files are parts of a checkpoint dir. */
export function isCheckpointFileName(name: string): boolean {
  return /\.ckpt$/i.test(name) && parseStep(name) !== null;
}
