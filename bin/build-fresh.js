// Whether dist/ (the compiled CLI) is current: its stamp (dist/.built, written by
// scripts/build.mjs with the time the build started) is newer than every .ts file under harness/
// and baselines/ and than the build settings. Stats about 250 files: a few milliseconds.
import { readdirSync, statSync } from 'node:fs';

const SETTINGS = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];
const SOURCES = ['harness/', 'baselines/'];

/** @param {URL} root the project folder (ending in /) */
export function buildIsFresh(root) {
  let built;
  try {
    built = statSync(new URL('dist/.built', root)).mtimeMs;
  } catch {
    return false;
  }
  const newer = (path) => statSync(path).mtimeMs > built;
  if (SETTINGS.some((file) => newer(new URL(file, root)))) return false;
  for (const folder of SOURCES) {
    for (const entry of readdirSync(new URL(folder, root), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts') && newer(`${entry.parentPath}/${entry.name}`))
        return false;
    }
  }
  return true;
}
