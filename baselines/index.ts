/** Registers every method the harness ships (call once before resolving experiment files). */
import { registerMethod } from '../harness/methods/registry.ts';
import { bertTaggerMethod } from './bert-tagger/method.ts';
import { glinerMethod } from './gliner/method.ts';
import { importMethod } from './import/method.ts';
import { lexiconMethod } from './lexicon/method.ts';
import { publishedMethod } from './published/method.ts';

let registered = false;

export function registerBuiltinMethods(): void {
  if (registered) return;
  registered = true;
  registerMethod(publishedMethod);
  registerMethod(lexiconMethod);
  registerMethod(importMethod);
  registerMethod(bertTaggerMethod);
  registerMethod(glinerMethod);
}
