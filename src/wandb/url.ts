import { usageError } from '../core/errors.js';

export function wandbRunUrl(entity: string, project: string, id: string, base = 'https://wandb.ai'): string {
  for (const [name, value] of [
    ['entity', entity],
    ['project', project],
    ['run id', id],
  ] as const) {
    if (!value.trim())
      throw usageError('WANDB_URL_PART_MISSING', `W&B ${name} is empty`, `pass the W&B ${name} explicitly`);
  }
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/runs/${encodeURIComponent(id)}`;
}
