import { readFileSync } from 'node:fs';
import test from 'ava';
import { experimentJsonSchema } from '../../harness/experiments/json-schema.ts';
import { JSON_SCHEMA_PATH, renderJsonSchema } from '../../harness/experiments/write-json-schema.ts';
import { fileMethod, taggerMethod } from './fixtures/methods.ts';

test('experiments/schema.json is up to date (run `npm run schema` after changing a schema)', async (t) => {
  t.is(readFileSync(JSON_SCHEMA_PATH, 'utf8'), await renderJsonSchema());
});

test('the JSON Schema is strict and lists the fields of the file format', (t) => {
  const schema = experimentJsonSchema([]);
  t.is(schema.additionalProperties, false);
  t.deepEqual(schema.required, ['name']);
  t.deepEqual(Object.keys(schema.properties as object), [
    'name',
    'description',
    'method',
    'params',
    'dataset',
    'seeds',
    'sweep',
    'published',
    'tags',
    'profiles',
  ]);
});

test('each method gets an if/then with its params schema; profile params are all optional', (t) => {
  const schema = experimentJsonSchema([taggerMethod, fileMethod]);
  const method = (schema.properties as Record<string, { enum?: string[] }>).method;
  t.deepEqual(method.enum, ['xt-file', 'xt-tagger']);
  type Node = { properties: Record<string, Node>; required?: string[]; additionalProperties: Node | false };
  const rules = schema.allOf as { if: unknown; then: Node }[];
  t.deepEqual(rules[1].if, { properties: { method: { const: 'xt-tagger' } }, required: ['method'] });
  const params = rules[1].then.properties.params;
  t.deepEqual(Object.keys(params.properties), ['model', 'lr', 'epochs', 'lowercase', 'optimizer']);
  t.deepEqual(params.required, ['model']);
  t.is(params.additionalProperties, false);
  const profile = rules[1].then.properties.profiles.additionalProperties as Node;
  const profileParams = profile.properties.params;
  t.is(profileParams.required, undefined);
  t.deepEqual(Object.keys(profileParams.properties), Object.keys(params.properties));
});
