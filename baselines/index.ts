/**
 * The methods the harness ships, by the name experiment files use. Each is imported only when an
 * experiment names it (a lazy registry, as in lm-evaluation-harness and promptfoo), so commands
 * that do not run it never load tfjs or an LLM runtime. Add a method: one line here, and
 * docs/adding-a-method.md.
 */
import type { MethodLoader } from '../harness/methods/registry.ts';
import { registerMethodLoader } from '../harness/methods/registry.ts';

export const BUILTIN_METHODS: Readonly<Record<string, MethodLoader>> = {
  lexicon: async () => (await import('./lexicon/method.ts')).lexiconMethod,
  import: async () => (await import('./import/method.ts')).importMethod,
  'bert-tagger': async () => (await import('./bert-tagger/method.ts')).bertTaggerMethod,
  'skill-llm': async () => (await import('./skill-llm/method.ts')).skillLlmMethod,
  'llm-prompt': async () => (await import('./llm-prompt/method.ts')).llmPromptMethod,
  gliner: async () => (await import('./gliner/method.ts')).glinerMethod,
};

let registered = false;

/** Registers every built-in method (loaders only; call before loading experiment files). */
export function registerBuiltinMethods(): void {
  if (registered) return;
  registered = true;
  for (const [name, load] of Object.entries(BUILTIN_METHODS)) registerMethodLoader(name, load);
}
