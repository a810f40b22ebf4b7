#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm ci` through `prepare`, or `npm run build`) when the
// build is newer than every source file; otherwise the TypeScript sources through tsx, so a stale
// or missing build never runs old code.
import { buildIsFresh } from './build-fresh.js';

if (buildIsFresh(new URL('../', import.meta.url))) {
  await import('../dist/harness/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../harness/cli/main.ts');
}
