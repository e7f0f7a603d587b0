// Throughput on one worker: PO creates per second with the sandbox answering at once, vs the bare
// workflow making the same Makini calls dispatched the same way (bench/workflows/bare-po.ts), in
// interleaved pairs on the same dev server. Where the difference goes comes from the SDK's worker
// metrics (workflow tasks, activities, their execution and waits, per workflow) and the histories.
import type { Client, WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { startCreatePurchaseOrder } from '../src/client/index.js';
import { writeCallsQueueOf } from '../src/connections/workflow/gate-policy.js';
import { UNPACED_WRITES_PER_MINUTE, type BenchStack } from './lib/stack.js';
import { poInput, PO_HEADER, poLines } from '../test/support/po-input.js';
import { uniqueKey } from '../test/support/production-worker.js';
import { fmt, mapLimit, percentile } from './lib/stats.js';
import type { BenchTable } from './lib/table.js';
import { scrapeMetrics, workerCost, type WorkerCost } from './lib/worker-metrics.js';

export interface ThroughputOptions {
  writes: number;
  lines: number;
  warmup: number;
  /** Start calls in flight at once from the client. */
  startConcurrency: number;
  /** Interleaved pairs (product, bare); the share is their median. Default 3. */
  pairs?: number;
}

export interface ThroughputPhase {
  label: string;
  pair: number;
  workflows: number;
  activitiesEach: number;
  elapsedMs: number;
  perSecond: number;
  latencyMs: number[];
  /** Where the slowest workflow of the phase spent its longest wait (from its history). */
  slowest?: SlowestWorkflow;
  /** History events of the slowest workflow. */
  historyEvents: number;
  /** What the phase cost the worker per workflow (SDK metrics); undefined without metrics. */
  cost?: WorkerCost;
}

export interface SlowestWorkflow {
  latencyMs: number;
  gapMs: number;
  /** The events around the longest gap between consecutive history events. */
  between: [string, string];
}

export interface ThroughputResult {
  product: ThroughputPhase[];
  bare: ThroughputPhase[];
  /** product.perSecond / bare.perSecond, per pair. */
  shares: number[];
  /** The median of `shares`. */
  keptRatio: number;
  table: BenchTable;
}

type Start = (i: number) => Promise<WorkflowHandle>;

const PRODUCT_LABEL = 'PO create (makini-writes, production worker)';
const BARE_LABEL = 'bare workflow, the same Makini activities';

/** Starts `n` workflows as fast as the client can and waits for every result. */
async function phase(
  stack: BenchStack,
  label: string,
  pair: number,
  queues: string[],
  opts: ThroughputOptions,
  activitiesEach: number,
  start: Start,
): Promise<ThroughputPhase> {
  const n = opts.writes;
  const before = await scrapeMetrics(stack.metricsUrl);
  const t0 = performance.now();
  const runs = await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    opts.startConcurrency,
    async (i) => {
      const t = performance.now();
      const handle = await start(i);
      // The result is awaited in the background so the lane can start the next workflow.
      return { handle, done: handle.result().then(() => performance.now() - t) };
    },
  ).then((started) => Promise.all(started.map(async (s) => ({ handle: s.handle, ms: await s.done }))));
  const elapsedMs = performance.now() - t0;
  const after = await scrapeMetrics(stack.metricsUrl);
  const latencyMs = runs.map((r) => r.ms);
  const worst = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
  const events = (await worst.handle.fetchHistory()).events ?? [];
  return {
    label,
    pair,
    workflows: n,
    activitiesEach,
    elapsedMs,
    perSecond: n / (elapsedMs / 1000),
    latencyMs,
    slowest: longestGap(events, worst.ms),
    historyEvents: events.length,
    cost: after.size ? workerCost(before, after, queues, n) : undefined,
  };
}

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const eventName = (t: number | null | undefined) => {
  const name = proto.temporal.api.enums.v1.EventType[t ?? 0] ?? String(t);
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
};

/** The longest pause between consecutive events of a workflow: where an outlier lost its time. */
function longestGap(events: HistoryEvent[], latencyMs: number): SlowestWorkflow {
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

/** Activities and local activities (markers other than patches) of a workflow. */
async function activityCount(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter(
    (e) => e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
  ).length;
}

const median = (xs: number[]) => percentile(xs, 50);

export async function benchThroughput(stack: BenchStack, opts: ThroughputOptions): Promise<ThroughputResult> {
  const client: Client = stack.client;
  const conn = await stack.connection('throughput-sap', 'sap');
  const pairs = opts.pairs ?? 3;

  const poQueue = stack.taskQueue('throughput-po');
  const bareQueue = stack.taskQueue('throughput-bare');
  const poWorker = await stack.productionWorker(poQueue, [conn]);
  const bareWorker = await stack.benchWorker(bareQueue, [conn]);
  const product: ThroughputPhase[] = [];
  const bare: ThroughputPhase[] = [];
  try {
    const startPo: Start = () => {
      const key = uniqueKey('tput');
      return startCreatePurchaseOrder(client, poInput(conn.id, key, { lines: opts.lines, title: `bench ${key}` }), { taskQueue: poQueue });
    };
    const startBare: Start = (i) => {
      const key = uniqueKey(`bare-${i}`);
      return client.workflow.start('barePurchaseOrderCreate', {
        taskQueue: bareQueue,
        workflowId: key,
        args: [conn.id, key, { ...PO_HEADER, title: `bench ${key}` }, poLines(opts.lines)],
      });
    };
    const first = await startPo(0);
    await first.result();
    const activitiesEach = await activityCount(first);
    const bareFirst = await startBare(0);
    await bareFirst.result();
    const bareActivities = await activityCount(bareFirst);
    await Promise.all(
      Array.from({ length: opts.warmup }, async (_, i) => Promise.all([(await startPo(i)).result(), (await startBare(i)).result()])),
    );
    const runProduct = async (p: number) =>
      product.push(await phase(stack, PRODUCT_LABEL, p, [poQueue, writeCallsQueueOf(poQueue)], opts, activitiesEach, startPo));
    const runBare = async (p: number) => bare.push(await phase(stack, BARE_LABEL, p, [bareQueue], opts, bareActivities, startBare));
    // Interleaved, the order alternating, so that drift on a shared machine falls on both alike.
    for (let p = 1; p <= pairs; p += 1) {
      if (p % 2) {
        await runProduct(p);
        await runBare(p);
      } else {
        await runBare(p);
        await runProduct(p);
      }
    }
  } finally {
    await Promise.all([poWorker.stop(), bareWorker.stop()]);
  }
  const shares = product.map((p, i) => p.perSecond / bare[i]!.perSecond);
  const keptRatio = median(shares);
  return { product, bare, shares, keptRatio, table: throughputTable(product, bare, shares, keptRatio, opts) };
}

const GOAL_SHARE = 0.9;

/** The median over the phases of one kind of a cost field (per workflow). */
const medianCost = (phases: ThroughputPhase[], f: keyof WorkerCost) => median(phases.map((p) => p.cost?.[f] ?? NaN));

function whereTheTimeGoes(product: ThroughputPhase[], bare: ThroughputPhase[]): string[] {
  if (!product[0]?.cost || !bare[0]?.cost)
    return ['No worker metrics in this run (the runtime was installed before the stack): where the time goes is not measured.'];
  const diff = (f: keyof WorkerCost) => medianCost(product, f) - medianCost(bare, f);
  const events = median(product.map((p) => p.historyEvents)) - median(bare.map((p) => p.historyEvents));
  return [
    "Where the time goes, per workflow, product minus bare (medians over the pairs, from the SDK's worker metrics: `workflow_task_execution_latency`, `workflow_task_schedule_to_start_latency`, " +
      "`activity_execution_latency` + `local_activity_execution_latency`, `activity_schedule_to_start_latency`, on each workload's task queues): " +
      `workflow code ${fmt(diff('workflowTaskMs'))} ms in ${fmt(diff('workflowTasks'), 1)} more workflow tasks; ` +
      `waiting for a workflow task ${fmt(diff('workflowTaskWaitMs'))} ms; ` +
      `activities (the connection gate and call metrics interceptors included) ${fmt(diff('activityMs'))} ms; ` +
      `waiting for an activity task ${fmt(diff('activityWaitMs'))} ms (the POST goes through the paced write-calls queue, the bare POST is eager); ` +
      `${fmt(events, 0)} more history events (search-attribute upserts, patch markers).`,
    'The worker shares 2 cores with the dev server, the sandbox and the client: workflow-task CPU is what a saturated worker trades for throughput, ' +
      "waits are where tasks queued behind it. The product's workflow code validates the input (zod), checks the write rules and keeps the step table; " +
      'its modules are evaluated once per worker thread and shared (src/workflows/shared-modules.ts), not once per new workflow (see the memory table).',
  ];
}

function throughputTable(
  product: ThroughputPhase[],
  bare: ThroughputPhase[],
  shares: number[],
  kept: number,
  opts: ThroughputOptions,
): BenchTable {
  const c = (p: ThroughputPhase, f: keyof WorkerCost, digits = 0) => (p.cost ? fmt(p.cost[f], digits) : '-');
  const row = (p: ThroughputPhase, share: string) => [
    p.label,
    p.pair,
    p.workflows,
    p.activitiesEach,
    fmt(p.elapsedMs / 1000, 2),
    fmt(p.perSecond, 1),
    fmt(percentile(p.latencyMs, 50), 0),
    fmt(percentile(p.latencyMs, 95), 0),
    share,
    c(p, 'workflowTasks', 1),
    c(p, 'workflowTaskMs'),
    c(p, 'workflowTaskWaitMs'),
    c(p, 'activityMs'),
    c(p, 'activityWaitMs'),
    p.historyEvents,
  ];
  const rows = product.flatMap((p, i) => [row(p, `${fmt(shares[i]! * 100, 0)} %`), row(bare[i]!, '100 %')]);
  const verdict = kept >= GOAL_SHARE ? 'met' : `missed by ${fmt((GOAL_SHARE - kept) * 100, 0)} points`;
  return {
    title: 'Throughput on one worker',
    description:
      `${opts.writes} workflows of each kind started at once (${opts.startConcurrency} start calls in flight) on ONE in-process worker per kind, ` +
      `with default options, in ${product.length} interleaved pairs (the order alternating); the sandbox answers at once. PO creates carry ${opts.lines} lines on the SAP-like system (one POST). ` +
      'The bare workflow (bench/workflows/bare-po.ts) makes the same five Makini calls with the same activities, dispatched the same way ' +
      '(profile lookup and reads local, the POST an activity), and nothing else: what Temporal itself allows for this work on this machine.',
    columns: [
      'workload',
      'pair',
      'workflows',
      'activities each',
      'took (s)',
      'workflows/s',
      'latency p50 ms',
      'latency p95 ms',
      'share of bare',
      'workflow tasks each',
      'workflow task ms each',
      'wait for workflow task ms each',
      'activity ms each',
      'wait for activity ms each',
      'history events',
    ],
    rows,
    notes: [
      `Median share of the bare workflow's throughput over the ${shares.length} pairs: **${fmt(kept * 100, 0)} %** (pairs: ${shares.map((s) => `${fmt(s * 100, 0)} %`).join(', ')}; goal ≥ ${GOAL_SHARE * 100} %: ${verdict}).`,
      ...whereTheTimeGoes(product, bare),
      'What else the product does per workflow: search-attribute upserts, the step table, input validation with zod, the write-rule check, the connection gate ' +
        "(its view of the connection's control workflow, one query per connection at a time per process), the POST on the separate write-calls queue.",
      `The connection is configured at ${UNPACED_WRITES_PER_MINUTE.toLocaleString('en')} writes/min, so pacing never holds a write back here; the rate-limited benchmark measures pacing.`,
      ...[...product, ...bare]
        .filter((p) => p.slowest && p.pair === 1)
        .map(
          (p) =>
            `Slowest of "${p.label}" (pair 1): ${fmt(p.slowest!.latencyMs / 1000, 1)} s; its longest pause, ` +
            `${fmt(p.slowest!.gapMs / 1000, 1)} s, lies between ${p.slowest!.between[0]} and ${p.slowest!.between[1]} (from its history).`,
        ),
    ],
  };
}
