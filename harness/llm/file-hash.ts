/**
 * sha256 of model files (GGUF, LoRA), read in chunks (models are larger than one Buffer may be)
 * and remembered per process by path, size and modification time.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const memo = new Map<string, string>();

export function fileSha256(path: string): string {
  const stat = statSync(path);
  const memoKey = `${path}\0${stat.size}\0${stat.mtimeMs}`;
  const known = memo.get(memoKey);
  if (known) return known;
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 22);
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
      hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  const digest = hash.digest('hex');
  memo.set(memoKey, digest);
  return digest;
}
