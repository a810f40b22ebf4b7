/**
 * Skill-LLM benchmark (issue 13): how fast answers are parsed and aligned (10k answers, against
 * bare JSON.parse of the same text in the same run), and what span-constrained decoding costs on
 * a tiny random GGUF (spans vs free decoding, same model, same sentences, one thread). Run alone
 * with `node --import=tsx bench/skill-llm.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { answerRequest } from '../baselines/skill-llm/engines/chat.ts';
import { goldAnswer, serializeAnswer } from '../baselines/skill-llm/format.ts';
import { kitConfig, skillLlmParams } from '../baselines/skill-llm/params.ts';
import { readAnswer } from '../baselines/skill-llm/read-answer.ts';
import { loadDataset } from '../harness/data/datasets.ts';
import { LlmClient } from '../harness/llm/client.ts';
import { createEngine } from '../harness/llm/engines.ts';
import { writeRandomGguf } from '../test/helpers/random-gguf.ts';
import { type BenchResult, median } from './scoring.ts';

const ANSWERS = 10_000;
/** parse + align must keep up with any engine: a 8B model answers a few sentences per second */
const PARSE_TARGET_PER_S = 2_000;
/** the grammar may cost at most this factor in tokens per second over free decoding */
const GRAMMAR_COST_TARGET = 4;
const MODEL_SENTENCES = 8;

/** 10k answers from the gold answers of dev and test, every 5th cut short, every 7th with an invented span. */
function answers() {
  const sentences = [...loadDataset('skillspan:dev').sentences, ...loadDataset('skillspan:test').sentences];
  return Array.from({ length: ANSWERS }, (_, i) => {
    const sentence = sentences[i % sentences.length];
    let raw = serializeAnswer(goldAnswer(sentence, { marker: '**' }));
    if (i % 7 === 3)
      raw = raw.replace('"SKILL": [', '"SKILL": [{"skill_span": "juggling", "context": "a juggling b"}, ');
    if (i % 5 === 4) raw = raw.slice(0, -3);
    return { sentence, raw };
  });
}

function parseBench(): BenchResult[] {
  const items = answers();
  const options = { align: 'lenient', dropDuplicates: false } as const;
  const time = (run: () => void) => {
    const start = performance.now();
    run();
    return performance.now() - start;
  };
  const parseAlign = () => {
    for (const { sentence, raw } of items) readAnswer(sentence, raw, options);
  };
  const bareParse = () => {
    for (const { raw } of items) {
      try {
        JSON.parse(raw);
      } catch {}
    }
  };
  parseAlign();
  const ms = median([1, 2, 3].map(() => time(parseAlign)));
  const bareMs = median([1, 2, 3].map(() => time(bareParse)));
  const perSecond = ANSWERS / (ms / 1000);
  return [
    {
      name: `skill-llm: parse + repair + align ${ANSWERS} answers`,
      value: Math.round(perSecond),
      unit: 'answers/s',
      target: PARSE_TARGET_PER_S,
      pass: perSecond >= PARSE_TARGET_PER_S,
      detail: `${(ms / bareMs).toFixed(1)}x the time of bare JSON.parse (${Math.round(ANSWERS / (bareMs / 1000))}/s), median of 3; every 5th answer cut short, every 7th with an invented span`,
    },
  ];
}

async function decodingBench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'skillbench-bench-'));
  try {
    writeRandomGguf(join(dir, 'tiny.gguf'), { contextLength: 2048 });
    const sentences = loadDataset('skillspan:test')
      .sentences.filter((s) => s.tokens.length >= 6 && s.tokens.length <= 14)
      .slice(0, MODEL_SENTENCES);
    const measure = async (decoding: 'spans' | 'free') => {
      const params = skillLlmParams.parse({
        engine: 'llama-cpp',
        model: 'tiny.gguf',
        decoding,
        span_width: 3,
        max_items: 2,
        max_new_tokens: 128,
        llm: { threads: 1, context_size: 2048 },
      });
      const engine = createEngine(kitConfig(params), dir);
      const client = new LlmClient({ engine, concurrency: 1 });
      try {
        await client.chat(answerRequest(sentences[0], params, 1)); // loads the model
        const start = performance.now();
        let tokens = 0;
        for (const [i, sentence] of sentences.entries()) {
          const answer = await client.chat(answerRequest(sentence, params, 100 + i));
          tokens += answer.usage.completionTokens;
        }
        const seconds = (performance.now() - start) / 1000;
        return { sentencesPerS: sentences.length / seconds, tokensPerS: tokens / seconds };
      } finally {
        await client.close();
      }
    };
    const free = await measure('free');
    const spans = await measure('spans');
    const cost = free.tokensPerS / spans.tokensPerS;
    return [
      {
        name: 'skill-llm: tiny GGUF, spans decoding',
        value: Number(spans.sentencesPerS.toFixed(2)),
        unit: 'sentences/s',
        detail: `${Math.round(spans.tokensPerS)} tokens/s; free decoding ${free.sentencesPerS.toFixed(2)} sentences/s, ${Math.round(free.tokensPerS)} tokens/s (${MODEL_SENTENCES} test sentences, 1 thread)`,
      },
      {
        name: 'skill-llm: grammar cost (free tokens/s over spans tokens/s)',
        value: Number(cost.toFixed(2)),
        unit: 'x',
        target: GRAMMAR_COST_TARGET,
        pass: cost <= GRAMMAR_COST_TARGET,
        detail:
          'spans answers are valid and aligned by construction; free answers of a random model are noise',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runSkillLlmBench(log: (line: string) => void = console.log): Promise<BenchResult[]> {
  const results = [...parseBench(), ...(await decodingBench())];
  for (const r of results) {
    const target =
      r.target === undefined
        ? ''
        : ` (target ${r.unit === 'x' ? '<=' : '>='} ${r.target}${r.pass ? ', met' : ', MISSED'})`;
    log(`${r.name}: ${r.value} ${r.unit}${target}${r.detail ? `\n  ${r.detail}` : ''}`);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await runSkillLlmBench();
