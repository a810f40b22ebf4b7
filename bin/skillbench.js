#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm ci` through `prepare`, or `npm run build`) when the
// build is newer than every source file; otherwise the TypeScript sources through tsx, so a stale
// or missing build never runs old code. The check stats the source files (a few milliseconds).
import { readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function builtAt() {
  try {
    return statSync(new URL('dist/.built', root)).mtimeMs;
  } catch {
    return -1;
  }
}

/** Whether any file under the source folders (or the build settings) changed after `time`. */
function changedSince(time) {
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    if (statSync(new URL(file, root)).mtimeMs > time) return true;
  }
  for (const folder of ['harness/', 'baselines/']) {
    const base = new URL(folder, root);
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      if (statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs > time) return true;
    }
  }
  return false;
}

const built = builtAt();
if (built > 0 && !changedSince(built)) {
  await import('../dist/harness/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../harness/cli/main.ts');
}
