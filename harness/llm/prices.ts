/**
 * API prices for the cost section of the report: USD per million prompt and completion tokens.
 * The built-in table holds OpenAI's list prices for the models the Table 2 rows use (as published
 * on openai.com/api/pricing; check before quoting); an experiment's `llm.prices` overrides it.
 */
import { z } from 'zod';

export const modelPrice = z
  .object({
    input_per_mtok: z.number().nonnegative(),
    output_per_mtok: z.number().nonnegative(),
  })
  .strict();

export const priceTable = z.record(z.string().min(1), modelPrice);

export type ModelPrice = z.infer<typeof modelPrice>;
export type PriceTable = z.infer<typeof priceTable>;

export const BUILTIN_PRICES: PriceTable = {
  'gpt-3.5-turbo*': { input_per_mtok: 0.5, output_per_mtok: 1.5 },
  'gpt-4-turbo*': { input_per_mtok: 10, output_per_mtok: 30 },
  'gpt-4o-mini*': { input_per_mtok: 0.15, output_per_mtok: 0.6 },
  'gpt-4o*': { input_per_mtok: 2.5, output_per_mtok: 10 },
  'gpt-4-32k*': { input_per_mtok: 60, output_per_mtok: 120 },
  'gpt-4*': { input_per_mtok: 30, output_per_mtok: 60 },
};

/**
 * The price of a model: an exact entry first, then the longest matching `prefix*` entry, the
 * experiment's table before the built-in one. Undefined when nothing matches (cost not shown).
 */
export function priceOf(model: string, overrides: PriceTable = {}): ModelPrice | undefined {
  for (const table of [overrides, BUILTIN_PRICES]) {
    if (table[model]) return table[model];
    const prefixes = Object.keys(table)
      .filter((name) => name.endsWith('*') && model.startsWith(name.slice(0, -1)))
      .sort((a, b) => b.length - a.length);
    if (prefixes[0]) return table[prefixes[0]];
  }
  return undefined;
}

export function costUsd(price: ModelPrice, promptTokens: number, completionTokens: number): number {
  return (promptTokens * price.input_per_mtok + completionTokens * price.output_per_mtok) / 1e6;
}
