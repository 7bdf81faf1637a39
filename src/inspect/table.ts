// Aligned plain-text columns, for output that reads well in a terminal and pastes into a README.

/** Pads every column but the last to its widest cell; no trailing spaces. */
export function table(rows: readonly (readonly string[])[], indent = '', gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => (indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join(gap)).trimEnd());
}

/** Joins items with ", ", starting a new line (indented to `indent` columns) before `width` is passed. */
export function wrapList(items: readonly string[], indent: number, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && indent + next.length > width) {
      lines.push(line + ',');
      line = item;
    } else line = next;
  }
  lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

/** A value as shown in a listing: quoted only when it would otherwise be invisible or ambiguous. */
export function shown(value: string): string {
  return value === '' || /^\s|\s$|[\n\t]/.test(value) ? JSON.stringify(value) : value;
}
