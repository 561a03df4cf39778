import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Streamed in fixed chunks so a multi-GB weight file hashes in flat memory. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256Bytes(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
