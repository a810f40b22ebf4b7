#!/usr/bin/env node
// `npm run build`, also run by `npm ci` (the `prepare` script) and by `npm test`: compiles
// harness/ and baselines/ to JavaScript in dist/ (tsc, tsconfig.build.json; incremental), so the
// CLI starts without compiling TypeScript. bin/skillbench.js runs dist/ only while the stamp
// written here is newer than every source file; otherwise it runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.built');
const started = new Date();

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // an install without devDependencies: the CLI runs the sources through tsx
  process.stdout.write('skillbench build: typescript is not installed; the CLI will run the sources\n');
  process.exit(0);
}

rmSync(stamp, { force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (result.status !== 0) {
  process.stderr.write('skillbench build: tsc failed; the CLI will run the sources until a build succeeds\n');
  process.exit(result.status ?? 1);
}
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, `${started.toISOString()}\n`);
// the stamp carries the time the build started: a file saved during the build counts as newer
utimesSync(stamp, started, started);
if (!existsSync(join(root, 'dist', 'harness', 'cli', 'main.js'))) {
  process.stderr.write('skillbench build: dist/harness/cli/main.js is missing after tsc\n');
  process.exit(1);
}
