// History events per PO create with 1, 20 and 200 lines, on the SAP-like system (lines in the
// header request) and the Dynamics-like one (header, then one request per line).
import proto from '@temporalio/proto';
import { startCreatePurchaseOrder } from '../src/client/index.js';
import type { BenchStack } from './lib/stack.js';
import { poInput } from '../test/support/po-input.js';
import { uniqueKey } from '../test/support/production-worker.js';
import { fmt } from './lib/stats.js';
import type { BenchTable } from './lib/table.js';

export interface HistoryEventsOptions {
  lines: number[];
}

export interface HistoryEventsRow {
  system: string;
  lines: number;
  events: number;
  activities: number;
  historyBytes: number;
  durationMs: number;
}

/** Temporal's hard limit of events per workflow history (the server terminates a run above it). */
export const HISTORY_EVENT_LIMIT = 51_200;

const SYSTEMS = [
  { system: 'sap', shape: 'lines with header (SAP-like)' },
  { system: 'dynamics', shape: 'line by line (Dynamics-like)' },
] as const;

export async function benchHistoryEvents(
  stack: BenchStack,
  opts: HistoryEventsOptions,
): Promise<{ rows: HistoryEventsRow[]; table: BenchTable }> {
  const conns = await Promise.all(SYSTEMS.map((s) => stack.connection(`hist-${s.system}`, s.system)));
  const taskQueue = stack.taskQueue('history');
  const worker = await stack.productionWorker(taskQueue, conns);
  const rows: HistoryEventsRow[] = [];
  try {
    for (const conn of conns) {
      for (const lines of opts.lines) {
        const started = performance.now();
        const key = uniqueKey(`hist${lines}`);
        const handle = await startCreatePurchaseOrder(stack.client, poInput(conn.id, key, { lines, title: `bench ${key}` }), {
          taskQueue,
        });
        await handle.result();
        const durationMs = performance.now() - started;
        const history = await handle.fetchHistory();
        const events = history.events ?? [];
        rows.push({
          system: conn.system,
          lines,
          events: events.length,
          durationMs,
          activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
          historyBytes: proto.temporal.api.history.v1.History.encode(history).finish().length,
        });
      }
    }
  } finally {
    await worker.stop();
  }
  return { rows, table: historyTable(rows) };
}

function historyTable(rows: HistoryEventsRow[]): BenchTable {
  const notes: string[] = [];
  for (const { system, shape } of SYSTEMS) {
    const mine = rows.filter((r) => r.system === system).sort((a, b) => a.lines - b.lines);
    const [first, last] = [mine[0], mine.at(-1)];
    if (!first || !last || last.lines === first.lines) continue;
    const perLine = (last.events - first.events) / (last.lines - first.lines);
    const fixed = first.events - perLine * first.lines;
    notes.push(
      `${shape}: ${fmt(perLine, 2)} events per extra line` +
        (perLine > 0.5
          ? `; a PO would reach Temporal's ${HISTORY_EVENT_LIMIT.toLocaleString('en')}-event history limit at about ${Math.floor((HISTORY_EVENT_LIMIT - fixed) / perLine).toLocaleString('en')} lines`
          : ''),
    );
  }
  return {
    title: 'History events per purchase order',
    description:
      'One `createPurchaseOrder` per row on the production worker, no faults; events counted with `fetchHistory()` ' +
      'after completion. SAP-like systems take the lines in the header request; Dynamics-like systems get the header, then one request per line.',
    columns: ['system', 'lines', 'history events', 'activities', 'history size (KiB)', 'write took (ms)'],
    rows: rows.map((r) => [
      SYSTEMS.find((s) => s.system === r.system)?.shape ?? r.system,
      r.lines,
      r.events,
      r.activities,
      fmt(r.historyBytes / 1024),
      fmt(r.durationMs, 0),
    ]),
    notes,
  };
}
