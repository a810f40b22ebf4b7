/** Plain-text tables for the terminal: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => (cell === undefined ? '' : String(cell))));
  const numeric = header.map(
    (_, column) =>
      rows.length > 0 &&
      rows.every(
        (row) =>
          row[column] === undefined ||
          typeof row[column] === 'number' ||
          /^[-+]?[\d.]+%?$/.test(String(row[column])),
      ),
  );
  const widths = header.map((_, column) => Math.max(...cells.map((row) => [...(row[column] ?? '')].length)));
  const pad = (text: string, column: number) => {
    const gap = ' '.repeat(widths[column] - [...text].length);
    return numeric[column] ? gap + text : text + gap;
  };
  const lines = cells.map((row) =>
    row
      .map((cell, column) => pad(cell, column))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  return lines.join('\n');
}

/** A fraction as a percentage with 2 decimals, as papers print F1. */
export function percent(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '' : (100 * value).toFixed(2);
}
