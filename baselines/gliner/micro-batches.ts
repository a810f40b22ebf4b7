/**
 * Length-bucketed micro-batches of one optimizer batch: items sorted by length and packed while
 * items x longest <= budget (a padded-size cap that keeps wasm under its 4 GiB heap). The loss
 * is a sum, so adding the micro-batches' gradients gives exactly the full batch's gradient.
 * An item longer than the budget forms a micro-batch of its own.
 */
export function microBatches<T>(items: readonly T[], length: (item: T) => number, budget: number): T[][] {
  const sorted = [...items].sort((a, b) => length(a) - length(b));
  const groups: T[][] = [];
  let current: T[] = [];
  for (const item of sorted) {
    const longest = Math.max(length(item), ...current.map(length));
    if (current.length > 0 && (current.length + 1) * longest > budget) {
      groups.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
