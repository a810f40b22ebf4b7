/**
 * `npm run schema`: writes experiments/schema.json (the JSON Schema editors use for experiment
 * files) from the zod schemas and the registered methods. A test fails when the committed file
 * differs from what this generates, so rerun it after changing the schema or a method's params.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { registerBuiltinMethods } from '../../baselines/index.ts';
import type { AnyMethod } from '../methods/method.ts';
import { loadMethod, methodNames } from '../methods/registry.ts';
import { projectPath } from '../util/paths.ts';
import { experimentJsonSchema } from './json-schema.ts';

export const JSON_SCHEMA_PATH = projectPath('experiments', 'schema.json');

/** The file's exact text for the built-in methods. */
export async function renderJsonSchema(): Promise<string> {
  registerBuiltinMethods();
  const methods = await Promise.all(methodNames().map(async (name) => (await loadMethod(name)) as AnyMethod));
  return `${JSON.stringify(experimentJsonSchema(methods), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(JSON_SCHEMA_PATH, await renderJsonSchema());
  process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
}
