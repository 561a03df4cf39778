/** The metric names that mean train loss and val loss, in Status entries and logs alike (first found wins). */
export const TRAIN_KEYS = ['train_loss', 'loss', 'train/loss', 'training_loss'] as const;
export const VAL_KEYS = ['val_loss', 'eval_loss', 'val/loss', 'eval/loss', 'validation_loss', 'valid_loss'] as const;

export function firstMetric(metrics: Record<string, number>, keys: readonly string[]): number | undefined {
  for (const k of keys) if (metrics[k] !== undefined) return metrics[k];
  return undefined;
}
