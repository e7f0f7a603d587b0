// Worker memory with many writes waiting on a long Retry-After, side by side with Temporal's own
// cost of a waiting workflow (a bare timer). Each worker runs in its own process and is sampled
// after a full GC in every thread: idle, then with every workflow parked on a durable timer.
import type { WorkflowHandle } from '@temporalio/client';
import { startCreatePurchaseOrder } from '../src/client/index.js';
import type { BenchStack } from './lib/stack.js';
import { startChildWorker, type ChildWorker, type MemorySample, type StatusSample } from './lib/child-worker.js';
import { poInput } from '../test/support/po-input.js';
import { uniqueKey } from '../test/support/production-worker.js';
import { beforeWait, type BeforeWait } from './lib/before-wait.js';
import { fmt, mapLimit, mib, sleep } from './lib/stats.js';
import type { BenchTable } from './lib/table.js';

export interface MemoryOptions {
  workflows: number;
  /** Connections the writes are spread over (round robin); 1 is the hardest case for the connection gate. */
  connections: number;
  /** Retry-After the sandbox answers each create with (under the step's 15-minute budget). */
  retryAfterSeconds: number;
  startConcurrency: number;
  warmup: number;
}

export interface WaitingMemory {
  before: MemorySample;
  waiting: MemorySample;
  maxCachedWorkflows: number;
  /** Bytes per waiting workflow: process RSS, and the live heap of the workflow thread(s). */
  perWorkflow: { rss: number; workflowHeap: number };
  parkMs: number;
  /** What a sample of the workflows did before they waited (their histories). */
  beforeWait: BeforeWait;
}

export interface MemoryResult {
  product: WaitingMemory;
  baseline: WaitingMemory;
  /** POSTs the sandbox answered 429 (the others were held back by the connection gate). */
  served429: number;
  table: BenchTable;
}

const idle = (s: StatusSample): boolean =>
  s.status.numInFlightWorkflowActivations === 0 &&
  s.status.numInFlightActivities === 0 &&
  (s.writeCallsStatus?.numInFlightActivities ?? 0) === 0;

/** Waits until no task is queued or in flight anywhere, twice in a row: every workflow sits on a timer. */
export async function untilParked(stack: BenchStack, taskQueue: string, child: ChildWorker, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietOnce = false;
  let lastLog = Date.now();
  for (;;) {
    const backlog = await stack.backlog(taskQueue);
    const s = await child.status();
    const quiet = backlog === 0 && idle(s);
    if (quiet && quietOnce) return;
    quietOnce = quiet;
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      stack.log(`memory: ${backlog} tasks queued, ${s.status.numCachedWorkflows} workflows cached`);
    }
    if (Date.now() > deadline) throw new Error(`workflows still busy after ${timeoutMs} ms (${backlog} tasks queued)`);
    await sleep(2_000);
  }
}

interface Scenario {
  kind: 'production' | 'baseline';
  /** Starts workflow `i` (`warm`: one that completes, before the idle sample). */
  start(i: number, warm: boolean): Promise<WorkflowHandle>;
  /** Before the waiting workflows start (script the faults). */
  prepare?(): Promise<void>;
}

async function measure(
  stack: BenchStack,
  taskQueue: string,
  sc: Scenario,
  opts: MemoryOptions,
  conns: Parameters<typeof startChildWorker>[0]['conns'],
): Promise<WaitingMemory> {
  const child = await startChildWorker({
    address: stack.address,
    namespace: stack.namespace,
    taskQueue,
    makiniBaseUrl: stack.sandbox.url,
    conns,
    bundlePath: await stack.bundleFile(sc.kind),
    kind: sc.kind,
  });
  try {
    // Completed warm-up workflows: code and connections are loaded before the idle sample.
    await Promise.all(Array.from({ length: opts.warmup }, async (_, i) => (await sc.start(i, true)).result()));
    await untilParked(stack, taskQueue, child, 60_000);
    const before = await child.sample();
    await sc.prepare?.();
    const t0 = performance.now();
    stack.log(`memory: starting ${opts.workflows} ${sc.kind} workflows`);
    const handles = await mapLimit(
      Array.from({ length: opts.workflows }, (_, i) => i),
      opts.startConcurrency,
      (i) => sc.start(i, false),
    );
    await untilParked(stack, taskQueue, child, 10 * 60_000);
    const parkMs = performance.now() - t0;
    const waiting = await child.sample();
    const perWorkflow = {
      rss: (waiting.memory.rss - before.memory.rss) / opts.workflows,
      workflowHeap: (waiting.workflowThreads.usedBytes - before.workflowThreads.usedBytes) / opts.workflows,
    };
    // After the memory sample: reading histories must not change what was measured.
    const shape = await beforeWait(handles, 25, (opts.retryAfterSeconds * 1_000) / 2);
    return { before, waiting, maxCachedWorkflows: child.maxCachedWorkflows, perWorkflow, parkMs, beforeWait: shape };
  } finally {
    await child.stop();
  }
}

export async function benchMemory(stack: BenchStack, opts: MemoryOptions): Promise<MemoryResult> {
  const conns = await Promise.all(Array.from({ length: opts.connections }, (_, c) => stack.connection(`memory-sap-${c + 1}`, 'sap')));
  const connOf = (i: number) => conns[i % conns.length]!;
  const faultsEach = Math.ceil(opts.workflows / conns.length);
  const poQueue = stack.taskQueue('memory');
  const product = await measure(
    stack,
    poQueue,
    {
      kind: 'production',
      start: (i, warm) => {
        const key = uniqueKey(warm ? 'memwarm' : `mem${i}`);
        return startCreatePurchaseOrder(stack.client, poInput(connOf(i).id, key, { lines: 3, title: `bench ${key}` }), {
          taskQueue: poQueue,
        });
      },
      prepare: async () => {
        for (const c of conns) {
          await stack.sandbox.admin.scriptFaults(c.id, [
            { kind: 'rate-limit', method: 'POST', retryAfterSeconds: opts.retryAfterSeconds, times: faultsEach },
          ]);
        }
      },
    },
    opts,
    conns,
  );
  let served429 = 0;
  for (const c of conns) {
    served429 += faultsEach - ((await stack.sandbox.admin.pendingFaults(c.id))[0]?.remaining ?? 0);
    await stack.sandbox.admin.clearFaults(c.id);
  }

  const baseQueue = stack.taskQueue('memory-baseline');
  const baseline = await measure(
    stack,
    baseQueue,
    {
      kind: 'baseline',
      start: (i, warm) =>
        stack.client.workflow.start('sleepingWorkflow', {
          taskQueue: baseQueue,
          workflowId: uniqueKey(`sleep-${i}`),
          args: [warm ? 0 : opts.retryAfterSeconds],
        }),
    },
    opts,
    [],
  );
  return { product, baseline, served429, table: memoryTable(product, baseline, served429, opts) };
}

function memoryTable(product: WaitingMemory, baseline: WaitingMemory, served429: number, opts: MemoryOptions): BenchTable {
  const n = opts.workflows.toLocaleString('en');
  const row = (label: string, s: MemorySample) => [
    label,
    fmt(mib(s.memory.rss)),
    fmt(mib(s.workflowThreads.usedBytes)),
    fmt(mib(s.memory.heapUsed)),
    s.status.numCachedWorkflows,
  ];
  const kib = (b: number) => fmt(b / 1024, 1);
  const per = (label: string, m: WaitingMemory) => [label, kib(m.perWorkflow.rss), kib(m.perWorkflow.workflowHeap), '', ''];
  return {
    title: `Worker memory with ${n} workflows waiting`,
    description:
      `Production worker (main and write-calls workers, its own process): ${n} PO creates ${opts.connections === 1 ? 'on one connection' : `spread over ${opts.connections} connections`} whose POST ` +
      `the sandbox answers 429 with Retry-After ${opts.retryAfterSeconds} s, so every write waits on a durable timer. Baseline: a bare ` +
      `Temporal worker (its own process) with ${n} workflows that only sleep ${opts.retryAfterSeconds} s. Memory is sampled inside each ` +
      `worker process after a full GC in every thread: idle (after ${opts.warmup} completed warm-up workflows), and once no task is queued or in flight.`,
    columns: ['worker state', 'RSS MiB', 'workflow thread heap MiB', 'main thread heap MiB', 'cached workflows'],
    rows: [
      row('makini-writes: idle', product.before),
      row(`makini-writes: ${n} writes waiting on Retry-After`, product.waiting),
      per('makini-writes: per waiting write (KiB)', product),
      row('bare Temporal: idle', baseline.before),
      row(`bare Temporal: ${n} workflows sleeping`, baseline.waiting),
      per('bare Temporal: per sleeping workflow (KiB)', baseline),
    ],
    notes: [
      `maxCachedWorkflows is the SDK default in both, ${product.maxCachedWorkflows.toLocaleString('en')} here (it scales with the V8 heap limit), so every waiting workflow stays cached ` +
        `(the production count also holds the connections' control workflows). ` +
        'With a smaller cache (`WORKER_MAX_CACHED_WORKFLOWS`), waiting workflows are evicted and replayed from history when their timer fires: memory is then capped by the cache size.',
      `Per waiting write: ${fmt(product.perWorkflow.rss / baseline.perWorkflow.rss, 2)}× the RSS and ${fmt(product.perWorkflow.workflowHeap / baseline.perWorkflow.workflowHeap, 2)}× the workflow heap ` +
        'of a bare sleeping workflow (goal: at most 2×).',
      "Where a waiting write's workflow heap went before: with reuseV8Context every workflow got its own instance of each workflow module, " +
        'mostly the zod schemas of every write type (907 KiB per waiting write). Every module of the workflow bundle that keeps no per-workflow state ' +
        '(schemas, catalog, write rules, failure types) is now evaluated once per worker thread and shared (src/workflows/shared-modules.ts); ' +
        'only the modules around connections/workflow/pacing.ts, which keeps per-workflow state, stay per workflow. Validation and the rule check stay in the ' +
        "workflow, so no history changes: moving them into an activity would have changed every write's commands.",
      `The workflow sandbox runs in a worker thread (reuseV8Context; ${product.waiting.workflowThreads.threads} such thread(s) in the production process): its live heap is the "workflow thread heap" column, read through the inspector after a full GC there. ` +
        'RSS also holds memory V8 and the Rust core have not returned to the OS, so its per-workflow figure is an upper bound.',
      `${served429.toLocaleString('en')} of the ${n} POSTs were answered 429 by the sandbox; each connection's control workflow then paused it for the Retry-After, ` +
        'and the connection gate held the other writes back before they reached Makini: they wait on the same pause.',
      `${opts.connections === 1 ? 'All writes are on ONE connection' : `The writes are spread over ${opts.connections} connections`}: ` +
        "before every Makini call the connection gate needs the connection's state; one query per connection at a time per worker process " +
        "serves every waiting call (src/connections/gate-view-cache.ts), so the control workflow's query buffer is not flooded.",
      pauseVerdict(product, baseline, served429, n),
    ],
  };
}

/** The goal "a pause reaches every write at once", and where the time to reach the wait goes. */
function pauseVerdict(product: WaitingMemory, baseline: WaitingMemory, served429: number, n: string): string {
  const ratio = product.parkMs / baseline.parkMs;
  const shape = (w: BeforeWait) =>
    `${fmt(w.workflowTasks, 0)} workflow task(s), ${fmt(w.activities, 0)} activity task(s), ${fmt(w.localActivities, 0)} local activities, ` +
    `${fmt(w.events, 0)} history events, ${fmt(w.startToWaitMs, 0)} ms from start to the timer`;
  const after = Math.max(0, served429 - 1);
  return (
    `Goal "a pause reaches every write at once": after the first 429, ${after} more POST(s) reached Makini (goal: a handful; ${after <= 5 ? 'met' : 'missed'}); ` +
    `reaching the waiting state took ${fmt(product.parkMs / 1000, 1)} s for the ${n} writes, ${fmt(baseline.parkMs / 1000, 1)} s for the ${n} bare workflows: ` +
    `${fmt(ratio, 2)}× (goal: at most 2×; ${ratio <= 2 ? 'met' : `missed by ${fmt(ratio - 2, 2)}×`}). ` +
    `Before it waits (median of ${product.beforeWait.sampled} histories) a write makes ${shape(product.beforeWait)}; ` +
    `a bare workflow ${shape(baseline.beforeWait)}: the writes' extra workflow tasks and calls, on the same worker, are where the time goes.`
  );
}
