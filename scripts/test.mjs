#!/usr/bin/env node
// `npm test`: build, typecheck, lint, then the ava suite. Ends with the line CI reads:
// "N passed, N failed" (ava's own summary wording varies with the outcome).
import { spawn, spawnSync } from 'node:child_process';

const step = (name, command, args) => {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status === 0;
};

// the CLI tests run bin/skillbench.js, which runs dist/ only when it is up to date
const buildOk = step('build (dist/, for the CLI)', process.execPath, ['scripts/build.mjs']);
const typesOk = step('typecheck (tsc --noEmit)', 'npx', ['tsc', '--noEmit']) && buildOk;
const lintOk = step('lint (biome check)', 'npx', ['biome', 'check', '.']);

process.stdout.write('\n== tests (ava)\n');
const ava = spawn('npx', ['ava', '--tap', ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'inherit'],
});
let passed = 0;
let failed = 0;
let buffer = '';
ava.stdout.on('data', (chunk) => {
  buffer += chunk;
  let newline = buffer.indexOf('\n');
  while (newline >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    if (/^ok \d+/.test(line)) {
      if (/# SKIP/.test(line)) process.stdout.write(`${line}\n`);
      else passed++;
    } else if (/^not ok \d+/.test(line)) {
      if (/# TODO/.test(line)) process.stdout.write(`${line}\n`);
      else failed++;
      process.stdout.write(`${line}\n`);
    } else if (!/^(# |1\.\.\d+|TAP version)/.test(line)) {
      // TAP comments (hook names, totals) are noise here; test output and failure details are not
      process.stdout.write(`${line}\n`);
    }
    newline = buffer.indexOf('\n');
  }
});
ava.on('close', (code) => {
  if (!typesOk) failed++;
  if (!lintOk) failed++;
  if (code !== 0 && failed === 0) failed = 1;
  process.stdout.write(
    `\n${passed} passed, ${failed} failed${typesOk && lintOk ? '' : ' (typecheck/lint counted as failures)'}\n`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
});
