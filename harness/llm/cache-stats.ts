/** `skillbench cache stats`: the response cache's entries, bytes and hits per engine and model. */
import { cacheNamespace } from './cache-key.ts';

export interface CacheNamespaceStats {
  /** `<engine>/<model>`, or `(other)` for keys the LLM kit did not write */
  namespace: string;
  entries: number;
  bytes: number;
  hits: number;
}

export function summarizeCache(
  entries: readonly { key: string; bytes: number; hits: number }[],
): CacheNamespaceStats[] {
  const byNamespace = new Map<string, CacheNamespaceStats>();
  for (const entry of entries) {
    const namespace = cacheNamespace(entry.key);
    const stats = byNamespace.get(namespace) ?? { namespace, entries: 0, bytes: 0, hits: 0 };
    stats.entries++;
    stats.bytes += entry.bytes;
    stats.hits += entry.hits;
    byNamespace.set(namespace, stats);
  }
  return [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
}
