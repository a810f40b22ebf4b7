/**
 * YAML parsing that keeps source positions, so that every problem can name its line and column.
 * Always YAML 1.2 with the core schema: `no`, `on`, `yes` are strings, `1e-4` is a number,
 * `0755` is the decimal 755 (docs/footguns.md).
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
} from 'yaml';
import type { KeyPath, Problem } from './problems.ts';

export const YAML_OPTIONS = {
  version: '1.2',
  schema: 'core',
  merge: false,
  uniqueKeys: true,
  prettyErrors: false,
  strict: true,
} as const;

export interface YamlSource {
  /** the file as shown in problems */
  file: string;
  text: string;
  lineCounter: LineCounter;
  documents: Document.Parsed[];
}

export interface Position {
  line: number;
  column: number;
}

/** Parses every document of a file; YAML errors and warnings come back as located problems. */
export function parseYaml(file: string, text: string): { source: YamlSource; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
  const documents = (Array.isArray(parsed) ? parsed : []) as Document.Parsed[];
  const source: YamlSource = { file, text, lineCounter, documents };
  const problems: Problem[] = [];
  for (const document of documents) {
    for (const [severity, list] of [
      ['error', document.errors],
      ['warning', document.warnings],
    ] as const) {
      for (const error of list) {
        problems.push({
          severity,
          file,
          ...positionOf(source, error.pos[0]),
          path: [],
          message: `YAML ${severity === 'error' ? 'syntax error' : 'warning'}: ${error.message.split('\n')[0]}`,
        });
      }
    }
  }
  return { source, problems };
}

export function positionOf(source: YamlSource, offset: number): Position {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line: Math.max(1, line), column: Math.max(1, col) };
}

/** What a key path points at in a document: the pair (for map keys) and the value node. */
interface Found {
  /** how many segments of the path exist in the document */
  depth: number;
  /** the innermost pair walked through (its key is where a missing child is reported) */
  pair?: Pair;
  node?: Node | null;
}

function walk(document: Document.Parsed, path: KeyPath): Found {
  let node = resolveAlias(document, document.contents);
  let found: Found = { depth: 0, node };
  for (const segment of path) {
    if (typeof segment === 'number' && isSeq(node)) {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) break;
      node = resolveAlias(document, item);
      found = { depth: found.depth + 1, pair: found.pair, node };
    } else if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      node = resolveAlias(document, pair.value as Node | null);
      found = { depth: found.depth + 1, pair, node };
    } else {
      break;
    }
  }
  return found;
}

function resolveAlias(document: Document.Parsed, node: Node | null | undefined): Node | null | undefined {
  return isAlias(node) ? (node.resolve(document) as Node | undefined) : node;
}

/** The value node at a path, or undefined when the path does not exist. */
export function nodeAt(document: Document.Parsed, path: KeyPath): Node | null | undefined {
  const found = walk(document, path);
  return found.depth === path.length ? found.node : undefined;
}

/** Whether the whole path exists in the document. */
export function hasPath(document: Document.Parsed, path: KeyPath): boolean {
  return walk(document, path).depth === path.length;
}

/**
 * Where to report a problem at a path: at the key (`mode: 'key'`, for unknown keys) or at the
 * value; when the path does not exist (a missing key), at the key of its deepest existing parent.
 */
export function locate(
  source: YamlSource,
  document: Document.Parsed,
  path: KeyPath,
  mode: 'key' | 'value' = 'value',
): Position {
  const found = walk(document, path);
  const complete = found.depth === path.length;
  const keyNode = found.pair && isScalar(found.pair.key) ? found.pair.key : undefined;
  const lastIsKey = complete && typeof path[path.length - 1] === 'string' && keyNode;
  let offset: number | undefined;
  if (complete && mode === 'value' && found.node?.range) offset = found.node.range[0];
  else if (complete && !lastIsKey && found.node?.range) offset = found.node.range[0];
  else if (keyNode?.range) offset = keyNode.range[0];
  else if (found.node?.range) offset = found.node.range[0];
  offset ??= document.contents?.range?.[0] ?? document.range?.[0] ?? 0;
  return positionOf(source, offset);
}

/** The source text of the scalar at a path (to quote it back in hints), if it is a scalar. */
export function scalarSource(document: Document.Parsed, path: KeyPath, text: string): string | undefined {
  const node = nodeAt(document, path);
  if (!isScalar(node) || !node.range) return undefined;
  return text.slice(node.range[0], node.range[1]);
}
