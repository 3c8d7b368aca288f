/** Aligned plain-text columns, like kubectl's default output. */
export type Column<R> = [string, (r: R) => string];

export function printTable<R>(rows: readonly R[], columns: Column<R>[], out: (s: string) => void = (s) => process.stdout.write(s)): void {
  if (rows.length === 0) {
    out('No resources found.\n');
    return;
  }
  out(tableLines(rows, columns).lines.join('\n') + '\n');
}

/**
 * The header and rows as lines, and the column widths used. Given `widths` (of a table printed
 * before), rows are padded to them and no header is made: how `get -w` prints a changed row.
 */
export function tableLines<R>(rows: readonly R[], columns: Column<R>[], widths?: readonly number[]): { lines: string[]; widths: number[] } {
  const body = rows.map((r) => columns.map(([, f]) => f(r)));
  const cells = widths ? body : [columns.map(([h]) => h), ...body];
  const w = widths ? [...widths] : columns.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const lines = cells.map((line) => line.map((c, i) => (i === line.length - 1 ? c : c.padEnd(w[i]))).join('   '));
  return { lines, widths: w };
}
