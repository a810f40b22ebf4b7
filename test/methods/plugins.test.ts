import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import test from 'ava';
import { loadPlugins } from '../../harness/methods/plugins.ts';
import { getMethod, methodNames } from '../../harness/methods/registry.ts';
import { InputError } from '../../harness/util/errors.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A plugin module in plain JavaScript (a zod-like params object, so it needs no packages). */
function plugin(dir: string, file: string, body: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `const params = { safeParse: (value) => ({ success: true, data: value ?? {} }), parse: (value) => value ?? {} };\n${body}\n`,
  );
  return path;
}

const method = (name: string, extra = '') =>
  `{ name: '${name}', version: '1', params, async *predict(_ctx, sentences) { for (const s of sentences) yield { id: s.id, spans: [] }; }${extra} }`;

test('--plugin files and SKILLBENCH_PLUGINS register their methods; a module met twice registers once', async (t) => {
  const dir = tempDir(t);
  const a = plugin(dir, 'a.mjs', `export const methods = [${method('plug-a1')}, ${method('plug-a2')}];`);
  const b = plugin(dir, 'b.mjs', `export default ${method('plug-b')};`);
  const added = await loadPlugins([a], { SKILLBENCH_PLUGINS: [b, a].join(delimiter) });
  t.deepEqual(added, ['plug-b', 'plug-a1', 'plug-a2']);
  t.true(['plug-a1', 'plug-a2', 'plug-b'].every((name) => methodNames().includes(name)));
  t.is(getMethod('plug-b')?.version, '1');
  t.deepEqual(await loadPlugins([b], {}), [], 'already registered: nothing new');
});

test('a TypeScript plugin loads (the doc example)', async (t) => {
  const example = projectPath('test', 'fixtures', 'plugins', 'known-words.ts');
  t.deepEqual(await loadPlugins([example], {}), ['known-words']);
});

test('bad plugins are input errors that name the file and what is wrong', async (t) => {
  const dir = tempDir(t);
  await t.throwsAsync(() => loadPlugins([join(dir, 'gone.mjs')], {}), {
    instanceOf: InputError,
    message: /gone\.mjs: plugin file not found/,
  });
  const empty = plugin(dir, 'empty.mjs', 'export const something = 1;');
  await t.throwsAsync(() => loadPlugins([empty], {}), {
    instanceOf: InputError,
    message: /empty\.mjs: a plugin must export `methods`/,
  });
  const noLoad = plugin(
    dir,
    'no-load.mjs',
    `export default ${method('plug-no-load', ', async train() { return 1; }')};`,
  );
  await t.throwsAsync(() => loadPlugins([noLoad], {}), {
    instanceOf: InputError,
    message: /no-load\.mjs: method "plug-no-load": a method with `train` needs `load`/,
  });
  const noPredict = plugin(dir, 'no-predict.mjs', "export default { name: 'plug-x', version: '1', params };");
  await t.throwsAsync(() => loadPlugins([noPredict], {}), { message: /`predict` must be a function/ });
  const twice = plugin(dir, 'twice.mjs', `export default ${method('plug-a1')};`);
  await loadPlugins([plugin(dir, 'first.mjs', `export default ${method('plug-a1')};`)], {}).catch(() => {});
  await t.throwsAsync(() => loadPlugins([twice], {}), { message: /"plug-a1" is registered twice/ });
});
