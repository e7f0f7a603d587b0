// Scale on ONE worker process with default settings: many PO creates held by one 429 with a long
// Retry-After on their connection, then released at once when the pause ends. Measured: the time
// to reach the waiting state, the worker's memory while they wait (after a full GC) and its peak
// RSS over the whole run (the kernel's high-water mark, so nothing between two samples is missed),
// and the drain: from the end of the pause until the last write has completed. Judged: every write
// completed, and the sandbox holds exactly one purchase order per idempotency key. Beside it, bare
// workflows doing the same: a durable timer until a common moment, then the calls a held write
// still makes (an activity and a local activity, no-ops).
import { readFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { startCreatePurchaseOrder } from '../src/client/index.js';
import { untilParked } from './memory.js';
import type { BenchStack } from './lib/stack.js';
import { startChildWorker, type ChildWorker, type MemorySample } from './lib/child-worker.js';
import { poInput } from '../test/support/po-input.js';
import { uniqueKey } from '../test/support/production-worker.js';
import { fmt, mapLimit, mib, sleep, sum } from './lib/stats.js';
import type { BenchTable } from './lib/table.js';

export interface ScaleOptions {
  writes: number;
  /** Retry-After of the one 429 that holds every write (longer than reaching the waiting state takes). */
  retryAfterSeconds: number;
  startConcurrency: number;
}

interface ScaleRun {
  /** Start of the first workflow → every workflow waits on its timer (nothing queued or in flight). */
  parkMs: number;
  /** Workflows still running when the waiting state was reached (the rest had finished already). */
  waitingAtPark: number;
  waiting: MemorySample;
  /** Peak RSS of the worker process over the whole run (VmHWM). */
  peakRssBytes: number;
  /** End of the wait → the last workflow completed. */
  drainMs: number;
  completed: number;
  failed: number;
  maxCachedWorkflows: number;
}

interface ProductRun extends ScaleRun {
  /** Purchase orders in the sandbox for the run's keys, and how many keys have more than one. */
  purchaseOrders: number;
  duplicatedKeys: number;
  missingKeys: number;
  served429: number;
}

/** The kernel's high-water mark of a process's resident set (bytes). */
function peakRss(pid: number): number {
  const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kib === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/** Counts the run's workflows (not the connection's control workflow beside them) by status (visibility). */
async function countByStatus(stack: BenchStack, sc: Scenario, status: 'Running' | 'Completed' | 'Failed'): Promise<number> {
  const { count } = await stack.client.workflow.count(
    `TaskQueue = "${sc.taskQueue}" AND WorkflowType = "${sc.workflowType}" AND ExecutionStatus = "${status}"`,
  );
  return count;
}

/** Waits until no workflow of the queue runs; returns when that was first seen (performance.now()). */
async function untilNoneRunning(stack: BenchStack, sc: Scenario, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let lastLog = performance.now();
  for (;;) {
    const running = await countByStatus(stack, sc, 'Running');
    if (running === 0) return performance.now();
    if (performance.now() > deadline) throw new Error(`${running} ${sc.workflowType} workflows still running after ${timeoutMs} ms`);
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      stack.log(`scale: ${running} still running`);
    }
    await sleep(1_000);
  }
}

interface Scenario {
  kind: 'production' | 'baseline';
  workflowType: string;
  taskQueue: string;
  conns: Parameters<typeof startChildWorker>[0]['conns'];
  start(i: number): Promise<WorkflowHandle>;
  /** performance.now() at which the wait ends, known once the workflows wait. */
  waitEndsAt(): Promise<number>;
}

async function run(stack: BenchStack, sc: Scenario, opts: ScaleOptions): Promise<ScaleRun> {
  const child: ChildWorker = await startChildWorker({
    address: stack.address,
    namespace: stack.namespace,
    taskQueue: sc.taskQueue,
    makiniBaseUrl: stack.sandbox.url,
    conns: sc.conns,
    bundlePath: await stack.bundleFile(sc.kind),
    kind: sc.kind,
  });
  try {
    const t0 = performance.now();
    stack.log(`scale: starting ${opts.writes} ${sc.kind} workflows`);
    await mapLimit(
      Array.from({ length: opts.writes }, (_, i) => i),
      opts.startConcurrency,
      (i) => sc.start(i),
    );
    await untilParked(stack, sc.taskQueue, child, 60 * 60_000);
    const parkMs = performance.now() - t0;
    const waitingAtPark = await countByStatus(stack, sc, 'Running');
    const waiting = await child.sample();
    stack.log(
      `scale: ${waitingAtPark} ${sc.kind} workflows waiting after ${fmt(parkMs / 1000)} s, RSS ${fmt(mib(waiting.memory.rss))} MiB`,
    );
    const endsAt = await sc.waitEndsAt();
    const doneAt = await untilNoneRunning(stack, sc, Math.max(0, endsAt - performance.now()) + 60 * 60_000);
    const [completed, failed] = await Promise.all([countByStatus(stack, sc, 'Completed'), countByStatus(stack, sc, 'Failed')]);
    return {
      parkMs,
      waitingAtPark,
      waiting,
      peakRssBytes: peakRss(child.pid),
      drainMs: doneAt - Math.max(endsAt, t0 + parkMs),
      completed,
      failed,
      maxCachedWorkflows: child.maxCachedWorkflows,
    };
  } finally {
    await child.stop();
  }
}

export async function benchScale(
  stack: BenchStack,
  opts: ScaleOptions,
): Promise<{ product: ProductRun; baseline: ScaleRun; table: BenchTable }> {
  const conn = await stack.connection('scale-sap-1', 'sap');
  const label = uniqueKey('scale');
  const keyOf = (i: number) => `${label}-${i}`;
  // One 429 holds them all: its Retry-After pauses the connection, the gate holds every other write.
  await stack.sandbox.admin.scriptFaults(conn.id, [
    { kind: 'rate-limit', method: 'POST', retryAfterSeconds: opts.retryAfterSeconds, times: 1 },
  ]);
  // The wait is long: each write's step budget covers it (the default is 15 minutes).
  const retryBudget = { maxTotalMs: (opts.retryAfterSeconds + 30 * 60) * 1000 };
  const productQueue = stack.taskQueue('scale');
  const productRun = await run(
    stack,
    {
      kind: 'production',
      workflowType: 'createPurchaseOrder',
      taskQueue: productQueue,
      conns: [conn],
      start: (i) =>
        startCreatePurchaseOrder(stack.client, poInput(conn.id, keyOf(i), { lines: 3, title: `bench ${keyOf(i)}`, retryBudget }), {
          taskQueue: productQueue,
        }),
      waitEndsAt: async () => {
        const first429 = (await stack.sandbox.admin.requestLog(conn.id)).find((e) => e.status === 429);
        if (!first429) throw new Error('the sandbox never answered 429: nothing held the writes');
        return performance.now() - (Date.now() - (Date.parse(first429.time) + opts.retryAfterSeconds * 1000));
      },
    },
    opts,
  );
  const log = await stack.sandbox.admin.requestLog(conn.id);
  const served429 = log.filter((e) => e.method === 'POST' && e.status === 429).length;
  const refs = new Map<string, number>();
  const state = await stack.sandbox.admin.state(conn.id);
  for (const po of state.purchaseOrders) {
    const ref = typeof po.code === 'string' ? po.code : '';
    if (ref.startsWith(`${label}-`)) refs.set(ref, (refs.get(ref) ?? 0) + 1);
  }
  const product: ProductRun = {
    ...productRun,
    purchaseOrders: sum([...refs.values()]),
    duplicatedKeys: [...refs.values()].filter((n) => n > 1).length,
    missingKeys: opts.writes - refs.size,
    served429,
  };

  // The bare workflows sleep until a common moment a little later than they took to be started.
  const baseQueue = stack.taskQueue('scale-baseline');
  let wakeAt = 0;
  let wakeAtPerf = 0;
  const baseline = await run(
    stack,
    {
      kind: 'baseline',
      workflowType: 'waitThenFinishWorkflow',
      taskQueue: baseQueue,
      conns: [],
      start: (i) => {
        if (i === 0) {
          const leadMs = Math.max(10_000, productRun.parkMs * 1.2);
          wakeAt = Date.now() + leadMs;
          wakeAtPerf = performance.now() + leadMs;
        }
        return stack.client.workflow.start('waitThenFinishWorkflow', {
          taskQueue: baseQueue,
          workflowId: `${label}-bare-${i}`,
          args: [wakeAt],
        });
      },
      waitEndsAt: () => Promise.resolve(wakeAtPerf),
    },
    opts,
  );
  return { product, baseline, table: scaleTable(product, baseline, opts) };
}

function scaleTable(product: ProductRun, baseline: ScaleRun, opts: ScaleOptions): BenchTable {
  const n = opts.writes.toLocaleString('en');
  const row = (label: string, r: ScaleRun, exact: string) => [
    label,
    fmt(r.parkMs / 1000),
    r.waitingAtPark.toLocaleString('en'),
    fmt(mib(r.waiting.memory.rss)),
    fmt(mib(r.peakRssBytes)),
    r.waiting.status.numCachedWorkflows.toLocaleString('en'),
    fmt(r.drainMs / 1000),
    `${r.completed.toLocaleString('en')} / ${r.failed}`,
    exact,
  ];
  const limit = 1.5 * 1024;
  const peak = mib(product.peakRssBytes);
  return {
    title: `Scale: ${n} writes waiting on one worker process`,
    description:
      `${n} PO creates (3 lines, SAP-like) on one connection, on ONE production worker process with default settings (maxCachedWorkflows ` +
      `${product.maxCachedWorkflows.toLocaleString('en')}: the SDK's default here, so waiting writes beyond it are evicted and replayed when they wake). ` +
      `The sandbox answers the first POST 429 with Retry-After ${opts.retryAfterSeconds} s: the connection pauses and every write waits on a durable timer ` +
      `until the pause ends, then all go at once. Beside it, ${n} bare workflows that sleep until one common moment and then make one activity ` +
      'and one local activity call (what a held write still makes: the POST and the read back), each a no-op, on their own worker process.',
    columns: [
      'workload',
      'reaching the wait (s)',
      'waiting',
      'RSS while waiting MiB (after GC)',
      'peak RSS MiB',
      'cached workflows',
      'drain after the wait (s)',
      'completed / failed',
      'purchase orders (one per key?)',
    ],
    rows: [
      row(
        `makini-writes: ${n} PO creates`,
        product,
        `${product.purchaseOrders.toLocaleString('en')}: ${product.duplicatedKeys} keys twice, ${product.missingKeys} missing`,
      ),
      row(`bare Temporal: ${n} sleeping workflows`, baseline, '—'),
    ],
    notes: [
      `Peak RSS of the production worker: ${fmt(peak)} MiB, ${peak < limit ? 'under' : 'OVER'} the 1,536 MiB (1.5 GiB) goal; ` +
        `${fmt(peak / mib(baseline.peakRssBytes), 2)}× the bare worker's peak.`,
      `Drain: ${fmt(product.drainMs / 1000)} s for the writes (each makes its POST on the paced write-calls queue and reads the PO back), ` +
        `${fmt(baseline.drainMs / 1000)} s for the bare workflows: ${fmt(product.drainMs / Math.max(1, baseline.drainMs), 2)}×.`,
      `${product.served429} POST(s) were answered 429; the writes that came after waited on the pause without calling Makini.`,
      ...(product.parkMs > opts.retryAfterSeconds * 1000
        ? [
            `The pause (${opts.retryAfterSeconds} s) ended before every write was waiting (${fmt(product.parkMs / 1000)} s): ` +
              'the first writes went on while the last were still being started, so "waiting" counts those still running then.',
          ]
        : []),
      'Exactly once is judged from the sandbox: every idempotency key has exactly one purchase order, and every workflow completed.',
    ],
  };
}
