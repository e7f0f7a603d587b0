// Throughput on one worker: PO creates per second with the sandbox answering at once, vs a minimal
// workflow making the same number of sequential no-op activities (Temporal's own ceiling here).
import type { Client, WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { startCreatePurchaseOrder } from '../src/client/index.js';
import { UNPACED_WRITES_PER_MINUTE, type BenchStack } from './lib/stack.js';
import { createPoInput, uniqueKey } from './lib/po-input.js';
import { fmt, mapLimit, percentile } from './lib/stats.js';
import type { BenchTable } from './lib/table.js';

export interface ThroughputOptions {
  writes: number;
  lines: number;
  warmup: number;
  /** Start calls in flight at once from the client. */
  startConcurrency: number;
}

export interface ThroughputPhase {
  label: string;
  workflows: number;
  activitiesEach: number;
  elapsedMs: number;
  perSecond: number;
  latencyMs: number[];
  /** Where the slowest workflow of the phase spent its longest wait (from its history). */
  slowest?: SlowestWorkflow;
}

export interface SlowestWorkflow {
  latencyMs: number;
  gapMs: number;
  /** The events around the longest gap between consecutive history events. */
  between: [string, string];
}

export interface ThroughputResult {
  product: ThroughputPhase;
  minimal: ThroughputPhase;
  /** product.perSecond / minimal.perSecond */
  keptRatio: number;
  table: BenchTable;
}

type Start = (i: number) => Promise<WorkflowHandle>;

/** Starts `n` workflows as fast as the client can and waits for every result. */
async function phase(label: string, n: number, concurrency: number, activitiesEach: number, start: Start): Promise<ThroughputPhase> {
  const t0 = performance.now();
  const runs = await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    async (i) => {
      const t = performance.now();
      const handle = await start(i);
      // The result is awaited in the background so the lane can start the next workflow.
      return { handle, done: handle.result().then(() => performance.now() - t) };
    },
  ).then((started) => Promise.all(started.map(async (s) => ({ handle: s.handle, ms: await s.done }))));
  const elapsedMs = performance.now() - t0;
  const latencyMs = runs.map((r) => r.ms);
  const worst = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
  return {
    label,
    workflows: n,
    activitiesEach,
    elapsedMs,
    perSecond: n / (elapsedMs / 1000),
    latencyMs,
    slowest: await longestGap(worst.handle, worst.ms),
  };
}

const eventName = (t: number | null | undefined) => {
  const name = proto.temporal.api.enums.v1.EventType[t ?? 0] ?? String(t);
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
};

/** The longest pause between consecutive events of a workflow: where an outlier lost its time. */
async function longestGap(handle: WorkflowHandle, latencyMs: number): Promise<SlowestWorkflow> {
  const events = (await handle.fetchHistory()).events ?? [];
  const at = (i: number) => {
    const t = events[i]!.eventTime;
    return Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  };
  let best = { gapMs: 0, i: 1 };
  for (let i = 1; i < events.length; i += 1) {
    const gapMs = at(i) - at(i - 1);
    if (gapMs > best.gapMs) best = { gapMs, i };
  }
  return { latencyMs, gapMs: best.gapMs, between: [eventName(events[best.i - 1]?.eventType), eventName(events[best.i]?.eventType)] };
}

async function activityCount(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter((e) => e.activityTaskScheduledEventAttributes).length;
}

export async function benchThroughput(stack: BenchStack, opts: ThroughputOptions): Promise<ThroughputResult> {
  const client: Client = stack.client;
  const conn = await stack.connection('throughput-sap', 'sap');

  const poQueue = stack.taskQueue('throughput-po');
  const poWorker = await stack.productionWorker(poQueue, [conn]);
  let activitiesEach = 0;
  let product: ThroughputPhase;
  try {
    const startPo: Start = (_i) =>
      startCreatePurchaseOrder(client, createPoInput(conn.id, uniqueKey('tput'), opts.lines), { taskQueue: poQueue });
    const first = await startPo(0);
    await first.result();
    activitiesEach = await activityCount(first);
    await Promise.all(Array.from({ length: opts.warmup }, async (_, i) => (await startPo(i)).result()));
    product = await phase('PO create (makini-writes, production worker)', opts.writes, opts.startConcurrency, activitiesEach, startPo);
  } finally {
    await poWorker.stop();
  }

  const minQueue = stack.taskQueue('throughput-min');
  const minWorker = await stack.benchWorker(minQueue);
  let minimal: ThroughputPhase;
  try {
    const startMin: Start = (i) =>
      client.workflow.start('minimalWorkflow', { taskQueue: minQueue, workflowId: uniqueKey(`min-${i}`), args: [activitiesEach] });
    await Promise.all(Array.from({ length: opts.warmup + 1 }, async (_, i) => (await startMin(i)).result()));
    minimal = await phase(
      `minimal workflow, ${activitiesEach} no-op activities`,
      opts.writes,
      opts.startConcurrency,
      activitiesEach,
      startMin,
    );
  } finally {
    await minWorker.stop();
  }
  const keptRatio = product.perSecond / minimal.perSecond;
  return { product, minimal, keptRatio, table: throughputTable(product, minimal, keptRatio, opts) };
}

function throughputTable(product: ThroughputPhase, minimal: ThroughputPhase, kept: number, opts: ThroughputOptions): BenchTable {
  const row = (p: ThroughputPhase, share: string) => [
    p.label,
    p.workflows,
    p.activitiesEach,
    fmt(p.elapsedMs / 1000, 2),
    fmt(p.perSecond, 1),
    fmt(percentile(p.latencyMs, 50), 0),
    fmt(percentile(p.latencyMs, 95), 0),
    share,
  ];
  return {
    title: 'Throughput on one worker',
    description:
      `${opts.writes} workflows of each kind started at once (${opts.startConcurrency} start calls in flight) on ONE in-process worker ` +
      `with default options; the sandbox answers at once. PO creates carry ${opts.lines} lines on the SAP-like system (one POST). ` +
      'The minimal workflow makes the same number of sequential activity calls, each a no-op: what Temporal itself allows on this machine.',
    columns: [
      'workload',
      'workflows',
      'activities each',
      'took (s)',
      'workflows/s',
      'latency p50 ms',
      'latency p95 ms',
      'share of Temporal ceiling',
    ],
    rows: [row(product, `${fmt(kept * 100, 0)} %`), row(minimal, '100 %')],
    notes: [
      'Both run on the same dev server, one after the other, each after its own warm-up; the client, the sandbox and the worker share the process (and the 2 cores with the dev server).',
      'What the product adds per workflow: search-attribute upserts, the step table, input validation with zod, the write-rule check, the connection gate ' +
        "(a query to the connection's control workflow before each Makini call), the POST on the separate write-calls queue, the Makini HTTP calls and their parsing.",
      `The connection is configured at ${UNPACED_WRITES_PER_MINUTE.toLocaleString('en')} writes/min, so pacing never holds a write back here; the rate-limited benchmark measures pacing.`,
      ...[product, minimal]
        .filter((p) => p.slowest)
        .map(
          (p) =>
            `Slowest of "${p.label}": ${fmt(p.slowest!.latencyMs / 1000, 1)} s; its longest pause, ` +
            `${fmt(p.slowest!.gapMs / 1000, 1)} s, lies between ${p.slowest!.between[0]} and ${p.slowest!.between[1]} (from its history).`,
        ),
    ],
  };
}
