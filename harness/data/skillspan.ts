import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { layersToSpans, parseBioTag } from '../spans/bio.ts';
import { InputError } from '../util/errors.ts';
import { readJsonl } from '../util/jsonl.ts';
import type { BioTag, Sentence } from './types.ts';

const bioTag = z.string().transform((raw, ctx) => {
  const tag = parseBioTag(raw);
  if (!tag) ctx.addIssue({ code: 'custom', message: `"${raw}" is not a BIO tag (B, I or O)` });
  return tag as BioTag;
});

const skillSpanRow = z.object({
  idx: z.number().int(),
  tokens: z.array(z.string()),
  tags_skill: z.array(bioTag),
  tags_knowledge: z.array(bioTag),
  source: z.string().default('unknown'),
});

/**
 * Reads SkillSpan's JSONL form: one {idx, tokens, tags_skill, tags_knowledge, source} per line.
 * `split` names the sentences (`test:977`).
 */
export function readSkillSpanJsonl(path: string, split: string): Sentence[] {
  return readJsonl(path).map(({ line, value }, index) => {
    const parsed = skillSpanRow.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${issue.path.join('.') || 'line'}: ${issue.message}`, path, line);
    }
    const row = parsed.data;
    if (row.tags_skill.length !== row.tokens.length || row.tags_knowledge.length !== row.tokens.length) {
      throw new InputError(
        `${row.tokens.length} tokens but ${row.tags_skill.length} skill and ${row.tags_knowledge.length} knowledge tags`,
        path,
        line,
      );
    }
    return {
      id: `${split}:${index}`,
      docId: row.idx,
      tokens: row.tokens,
      source: row.source,
      spans: layersToSpans({ SKILL: row.tags_skill, KNOWLEDGE: row.tags_knowledge }),
    };
  });
}

/**
 * Reads the CoNLL form SkillSpan also ships: `token<TAB>skill tag<TAB>knowledge tag` per line
 * (typed tags such as B-Skill are accepted), a blank line between sentences. A line
 * `# idx = N` or `# source = S` before a sentence sets its document id and source.
 */
export function readSkillSpanConll(path: string, split: string, defaultSource = 'unknown'): Sentence[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error),
      path,
    );
  }
  const sentences: Sentence[] = [];
  let tokens: string[] = [];
  let skill: BioTag[] = [];
  let knowledge: BioTag[] = [];
  let docId = 0;
  let source = defaultSource;
  const flush = () => {
    if (tokens.length === 0) return;
    sentences.push({
      id: `${split}:${sentences.length}`,
      docId,
      tokens,
      source,
      spans: layersToSpans({ SKILL: skill, KNOWLEDGE: knowledge }),
    });
    tokens = [];
    skill = [];
    knowledge = [];
  };
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i].replace(/\r$/, '');
    if (row.trim() === '') {
      flush();
      continue;
    }
    const comment = /^#\s*(idx|source)\s*=\s*(.+)$/.exec(row);
    if (comment) {
      if (comment[1] === 'idx') docId = Number.parseInt(comment[2], 10);
      else source = comment[2].trim();
      continue;
    }
    if (row.startsWith('#')) continue;
    const columns = row.split('\t');
    if (columns.length < 3) {
      throw new InputError(
        `expected 3 tab-separated columns (token, skill tag, knowledge tag), got ${columns.length}`,
        path,
        i + 1,
      );
    }
    const skillTag = parseBioTag(columns[1]);
    const knowledgeTag = parseBioTag(columns[2]);
    if (!skillTag || !knowledgeTag) {
      throw new InputError(`"${!skillTag ? columns[1] : columns[2]}" is not a BIO tag`, path, i + 1);
    }
    tokens.push(columns[0]);
    skill.push(skillTag);
    knowledge.push(knowledgeTag);
  }
  flush();
  return sentences;
}
