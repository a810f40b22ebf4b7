/**
 * Response cache keys: `llm/<engine>/<model>/<sha256>`. The readable prefix lets `skillbench cache
 * stats` count entries per engine and model; the hash covers everything that changes an answer
 * (engine identity: base URL or model file hash, adapter; messages; decoding; constraint).
 */
import { canonicalJson, sha256 } from '../util/hash.ts';
import type { ChatRequest } from './types.ts';

export const CACHE_PREFIX = 'llm/';

/** `request`: a ChatRequest, or `{ embedding: text }`. */
export function cacheKey(
  identity: Record<string, string>,
  request: ChatRequest | { embedding: string },
): string {
  const hash = sha256(canonicalJson({ identity, request }));
  return `${CACHE_PREFIX}${identity.engine}/${identity.model}/${hash}`;
}

/** The `<engine>/<model>` part of a key (the namespace `cache stats` groups by). */
export function cacheNamespace(key: string): string {
  const body = key.startsWith(CACHE_PREFIX) ? key.slice(CACHE_PREFIX.length) : key;
  const cut = body.lastIndexOf('/');
  return cut < 0 ? '(other)' : body.slice(0, cut);
}
