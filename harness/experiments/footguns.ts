/**
 * Warnings (not errors) for YAML values that parse, but probably not into what the author meant
 * (docs/footguns.md). The parser is YAML 1.2 core; authors often expect YAML 1.1 or JSON rules.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type Node, Scalar } from 'yaml';
import type { KeyPath, Problem } from './problems.ts';
import { positionOf, type YamlSource } from './yaml-source.ts';

const YAML11_BOOLEANS = /^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;
const LEADING_ZERO_INT = /^[-+]?0[0-9]+$/;
/** starts like a number (`1e-4x`, `1_000`, `2.5k`) but is not exactly one */
const NUMBER_LIKE = /^[-+]?(\d|\.\d)\S*$/;
/** text that starts with digits on purpose: versions and dates */
const DELIBERATE_TEXT = /^(\d+(\.\d+){2,}|\d{4}-\d{2}-\d{2}.*)$/;

/** Where numbers live: params, sweeps, seeds, limits (also inside profiles). */
function holdsNumbers(path: KeyPath): boolean {
  const top = path[0] === 'profiles' ? path[2] : path[0];
  return top === 'params' || top === 'sweep' || top === 'seeds' || top === 'dataset';
}

export function yamlFootguns(source: YamlSource, document: Document.Parsed): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: Node | null | undefined, path: KeyPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isPair(pair) && isScalar(pair.key))
          visit(pair.value as Node | null, [...path, String(pair.key.value)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item as Node, [...path, index]);
      });
    } else if (isScalar(node) && node.range && node.type === Scalar.PLAIN) {
      const message = footgun(source.text.slice(node.range[0], node.range[1]), node.value, path);
      if (message) {
        problems.push({
          severity: 'warning',
          file: source.file,
          ...positionOf(source, node.range[0]),
          path,
          message,
        });
      }
    }
  };
  visit(document.contents as Node | null, []);
  return problems;
}

function footgun(text: string, value: unknown, path: KeyPath): string | undefined {
  if (typeof value === 'string' && YAML11_BOOLEANS.test(value)) {
    const meant = /^(yes|on)$/i.test(value) ? 'true' : 'false';
    return `${value} is the text "${value}" in YAML 1.2, not a boolean: write ${meant} for a boolean, or quote it ("${value}") to keep the text`;
  }
  if (typeof value === 'number' && LEADING_ZERO_INT.test(text)) {
    return `${text} is the decimal number ${value} in YAML 1.2 (YAML 1.1 read it as octal); quote it if you mean text`;
  }
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return `${text} is beyond 2^53 and loses precision as a number; quote it if you mean text`;
  }
  if (
    typeof value === 'string' &&
    holdsNumbers(path) &&
    NUMBER_LIKE.test(text) &&
    !DELIBERATE_TEXT.test(text) &&
    Number.isFinite(Number.parseFloat(text))
  ) {
    return `${text} is text in YAML 1.2, not a number (a plain value is a number only when it is exactly one, like 1e-4, 0.0001 or 1000); quote it if you mean text`;
  }
  return undefined;
}
