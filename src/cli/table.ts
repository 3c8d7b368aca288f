/** Aligned plain-text columns, like kubectl's default output. */
export function printTable<R>(rows: readonly R[], columns: [string, (r: R) => string][], out: (s: string) => void = (s) => process.stdout.write(s)): void {
  if (rows.length === 0) {
    out('No resources found.\n');
    return;
  }
  const cells = [columns.map(([h]) => h), ...rows.map((r) => columns.map(([, f]) => f(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  for (const line of cells) out(line.map((c, i) => (i === line.length - 1 ? c : c.padEnd(widths[i]))).join('   ') + '\n');
}
