// The step table as text, for `start --wait` and `status`.
import type { StepRecord } from '../writes/workflow/engine/steps.js';
import { printable } from '../observability/printable.js';

export function formatSteps(steps: StepRecord[]): string {
  // Each cell on its line: a note or cause quoting Makini cannot break the table.
  const rows = steps.map((s) =>
    [
      s.name,
      s.outcome,
      String(s.attempts),
      `${s.durationMs} ms`,
      s.requestIds.join(' '),
      s.waits.map((w) => w.cause).join(' | ') || s.note || '',
    ].map(printable),
  );
  const head = ['step', 'outcome', 'attempts', 'duration', 'request ids', 'waits / note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}
