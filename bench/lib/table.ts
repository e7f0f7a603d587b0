// One benchmark's result as a table: printed to stdout and written to docs/benchmarks.md as is.

export interface BenchTable {
  title: string;
  /** What was run and how to read it (one paragraph, markdown). */
  description: string;
  columns: string[];
  rows: (string | number)[][];
  /** Remarks under the table (settings, caveats). */
  notes: string[];
}

/** A GitHub-flavoured markdown table (also readable in a terminal). */
export function markdownTable(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [columns.map(String), ...rows.map((r) => r.map(String))];
  const widths = columns.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${widths.map((w, i) => (r[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export function formatTable(t: BenchTable): string {
  const table = t.columns.length ? [markdownTable(t.columns, t.rows), ''] : [];
  return [`## ${t.title}`, '', t.description, '', ...table, ...t.notes.map((n) => `- ${n}`)].join('\n').trimEnd();
}
