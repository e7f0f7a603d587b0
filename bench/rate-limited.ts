// Rate-limited goodput: N PO creates on one connection that Makini (the sandbox) limits to R
// writes per sliding minute. Naive: one activity with a plain Temporal RetryPolicy (exponential
// backoff, blind to Retry-After). This design: the production workflows, writes paced per
// connection by task queue fairness and the connection's control workflow, with one and with two
// worker processes. All variants run at the same time, each on its own connection.
import type { WorkflowHandle } from '@temporalio/client';
import { startCreatePurchaseOrder } from '../src/client/index.js';
import type { BenchConnection, BenchStack } from './lib/stack.js';
import { startChildWorker, type ChildWorker } from './lib/child-worker.js';
import { poInput, PO_HEADER, poLines } from '../test/support/po-input.js';
import { uniqueKey } from '../test/support/production-worker.js';
import { fmt, mapLimit } from './lib/stats.js';
import type { BenchTable } from './lib/table.js';
import { NAIVE_RETRY } from './workflows/naive.js';
import {
  firstDispatchPhases,
  movedCalls,
  sentCalls,
  summarizeSendTiming,
  type FirstDispatchPhases,
  type SendParts,
  type SendTimingSummary,
} from './lib/send-timing.js';
import { PACING_WINDOW_S, pacedWritesPerSecond } from '../src/connections/workflow/gate-policy.js';
import { DEFAULT_CONNECTION_POLICY, reducedCap } from '../src/connections/workflow/control-state.js';
import { connectionControlWorkflowId, connectionStateQuery } from '../src/connections/workflow/messages.js';
import type { RequestLogEntry } from '../sandbox/admin-client.js';
import type { WorkerRecords } from './lib/paced-releases.js';
import { StartTurns } from './lib/start-turns.js';

export interface RateLimitedOptions {
  writes: number;
  perMinute: number;
  /**
   * The drain variant: a connection configured at `perMinute` whose system admits only this many
   * writes per minute, so that a 429 comes and the rest drain at the cut rate (none without it).
   */
  drainLimit?: number;
  /** Writes in flight at once (the rest start as earlier ones finish); default all at once. */
  concurrent?: number;
}

export interface RateVariant {
  label: string;
  workers: number;
  /** Epoch ms when the first write was started. */
  startedAtMs: number;
  completedMs: number;
  writeCalls: number;
  answered429: number;
  created: number;
  /** Most writes the sandbox admitted in any 60 s window. */
  maxInWindow: number;
  /** Writes per minute the sandbox admits on this variant's connection. */
  sandboxLimit: number;
  /** This design only: the server's dispatch of each POST against its arrival at the sandbox. */
  sendTiming?: SendTimingSummary;
  /** This design only: where start → first write call dispatched went. */
  firstPhases?: FirstDispatchPhases;
  /** The drain variant only: from its first 429 to the last write done. */
  drain?: DrainSummary;
}

/** After the first 429: how long the writes not yet admitted took, against their time at the cut rate. */
export interface DrainSummary {
  /** Writes not admitted by the sandbox before the first 429 (the one answered 429 included). */
  queued: number;
  /** The connection's cut rate (its control workflow's cap), writes per second. */
  reducedPerSecond: number;
  /** First 429 → every write complete. */
  drainMs: number;
  /** The first 429's Retry-After pause, ms (from the sandbox's answer). */
  pauseMs: number;
  /** Write calls taken back while queued (connections/workflow/pacing.ts), before and after the server dispatched them. */
  moved: { beforeDispatch: number; afterDispatch: number };
}

/** Policy of the drain variant's connection: the cut rate holds for the whole run (no recovery step). */
const DRAIN_POLICY = { rateRecoveryMs: 30 * 60_000 };
/**
 * The drain variant starts this long after the others: its burst of starts (50 workflow tasks and
 * their reads at once) would otherwise share the others' first seconds on 2 cores, which is where
 * their goodput goal is won or lost (start → first POST dispatched).
 */
const DRAIN_START_DELAY_MS = 20_000;

export interface RateLimitedResult {
  /** N / R minutes: the time at the connection's steady rate. */
  minimumMs: number;
  variants: RateVariant[];
  table: BenchTable;
}

const WINDOW_MS = 60_000;

/** What a variant of this design is measured by beyond the table: its write calls' timing, its drain after a 429. */
interface DesignTiming {
  /** The paced write call timed from the histories. */
  activityType: string;
  /** The drain variant's task queue (its connection's control workflow holds the cut rate). */
  drainQueue?: string;
  /** Each worker process's records (bench/lib/paced-releases.ts). */
  workerRecords: () => Promise<WorkerRecords[]>;
}

async function runVariant(
  stack: BenchStack,
  label: string,
  conn: BenchConnection,
  workers: number,
  opts: RateLimitedOptions,
  start: (i: number) => Promise<{ handle: WorkflowHandle; key: string }>,
  turns: StartTurns,
  design?: DesignTiming,
): Promise<RateVariant> {
  const startedAtMs = Date.now();
  const t0 = performance.now();
  const writes = await mapLimit(
    Array.from({ length: opts.writes }, (_, i) => i),
    opts.concurrent ?? opts.writes,
    async (i) => {
      await turns.turn(label);
      const started = await start(i);
      await started.handle.result();
      return started;
    },
  );
  const completedMs = performance.now() - t0;
  const state = await stack.sandbox.admin.state(conn.id);
  const log = await stack.sandbox.admin.requestLog(conn.id);
  const admitted = log
    .filter((r) => r.method === 'POST' && r.status !== 429)
    .map((r) => Date.parse(r.time))
    .sort((a, b) => a - b);
  let maxInWindow = 0;
  for (let i = 0, j = 0; i < admitted.length; i += 1) {
    while (admitted[j]! <= admitted[i]! - WINDOW_MS) j += 1;
    maxInWindow = Math.max(maxInWindow, i - j + 1);
  }
  return {
    label,
    workers,
    sandboxLimit: conn.sandboxLimit ?? opts.perMinute,
    startedAtMs,
    completedMs,
    maxInWindow,
    writeCalls: state.writes.attempted + state.writes.rateLimited,
    answered429: state.writes.rateLimited,
    created: state.purchaseOrders.length,
    ...(design
      ? {
          sendTiming: summarizeSendTiming(await sentCalls(writes, design.activityType, log), WINDOW_MS, await design.workerRecords()),
          firstPhases: await firstDispatchPhases(
            writes.map((w) => w.handle),
            design.activityType,
          ),
        }
      : {}),
    ...(design?.drainQueue
      ? { drain: await drainOf(stack, conn, design.drainQueue, log, writes, design.activityType, opts, startedAtMs + completedMs) }
      : {}),
  };
}

/** The sandbox's Retry-After for a 429 (sandbox/rate-limit.ts): until the oldest admitted write of its minute leaves it, in whole seconds. */
function retryAfterOf(posts: readonly RequestLogEntry[], limited: RequestLogEntry): number {
  const at = Date.parse(limited.time);
  const oldest = posts.find((r) => r.status !== 429 && r.seq < limited.seq && Date.parse(r.time) > at - WINDOW_MS);
  return oldest ? Math.max(1, Math.ceil((Date.parse(oldest.time) + WINDOW_MS - at) / 1000)) * 1000 : 1000;
}

async function drainOf(
  stack: BenchStack,
  conn: BenchConnection,
  taskQueue: string,
  log: readonly RequestLogEntry[],
  writes: { handle: WorkflowHandle }[],
  activityType: string,
  opts: RateLimitedOptions,
  doneAtMs: number,
): Promise<DrainSummary | undefined> {
  const posts = log.filter((r) => r.method === 'POST').sort((a, b) => a.seq - b.seq);
  const first = posts.find((r) => r.status === 429);
  if (!first) return undefined;
  const at = Date.parse(first.time);
  const admittedBefore = posts.filter((r) => r.status !== 429 && r.seq < first.seq).length;
  const status = await stack.client.workflow.getHandle(connectionControlWorkflowId(taskQueue, conn.id)).query(connectionStateQuery);
  const configured = pacedWritesPerSecond(opts.perMinute);
  return {
    queued: opts.writes - admittedBefore,
    reducedPerSecond: status.state.rate.capPerSecond ?? reducedCap(undefined, undefined, configured, DEFAULT_CONNECTION_POLICY),
    drainMs: doneAtMs - at,
    pauseMs: retryAfterOf(posts, first),
    moved: await movedCalls(
      writes.map((w) => w.handle),
      activityType,
    ),
  };
}

export async function benchRateLimited(stack: BenchStack, opts: RateLimitedOptions): Promise<RateLimitedResult> {
  const limit = { sandboxLimit: opts.perMinute, configuredRate: opts.perMinute };
  const naiveConn = await stack.connection('rate-naive', 'sap', limit);
  // Each design variant: its connection, worker processes and policy.
  const designs = [
    { label: 'makini-writes, 1 worker process', conn: await stack.connection('rate-design-1w', 'sap', limit), workers: 1 },
    { label: 'makini-writes, 2 worker processes', conn: await stack.connection('rate-design-2w', 'sap', limit), workers: 2 },
    ...(opts.drainLimit
      ? [
          {
            label: `makini-writes, 1 worker process, the system admitting ${opts.drainLimit}/min`,
            conn: await stack.connection('rate-drain-1w', 'sap', { sandboxLimit: opts.drainLimit, configuredRate: opts.perMinute }),
            workers: 1,
            policy: DRAIN_POLICY,
          },
        ]
      : []),
  ].map((d) => ({ ...d, queue: stack.taskQueue(d.conn.id), children: [] as ChildWorker[] }));

  const naiveQueue = stack.taskQueue('rate-naive');
  const naiveWorker = await stack.benchWorker(naiveQueue, [naiveConn]);
  const bundlePath = await stack.bundleFile('production');
  try {
    // Worker processes start before the clock does.
    for (const d of designs) {
      for (let k = 0; k < d.workers; k += 1) {
        d.children.push(
          await startChildWorker({
            address: stack.address,
            namespace: stack.namespace,
            taskQueue: d.queue,
            makiniBaseUrl: stack.sandbox.url,
            conns: [d.conn],
            bundlePath,
            kind: 'production',
            recordReleases: true,
            ...('policy' in d ? { connectionPolicy: d.policy } : {}),
          }),
        );
      }
    }
    const body = (key: string) => ({ ...PO_HEADER, title: `bench ${key}`, code: key, lineItems: poLines(1) });
    // The variants' start calls go out in turn, so that none waits behind the others' (start-turns.ts).
    const turns = new StartTurns();
    const variants = await Promise.all([
      runVariant(
        stack,
        'naive: Temporal RetryPolicy, ignores Retry-After',
        naiveConn,
        1,
        opts,
        async (i) => {
          const key = uniqueKey(`naive${i}`);
          const handle = await stack.client.workflow.start('naiveCreatePurchaseOrder', {
            taskQueue: naiveQueue,
            workflowId: key,
            args: [naiveConn.id, body(key), 'code'],
          });
          return { handle, key };
        },
        turns,
      ),
      ...designs.map(async (d) => {
        if ('policy' in d) await new Promise((r) => setTimeout(r, DRAIN_START_DELAY_MS));
        return runVariant(
          stack,
          d.label,
          d.conn,
          d.workers,
          opts,
          async (n) => {
            const key = uniqueKey(`rate${n}`);
            const handle = await startCreatePurchaseOrder(stack.client, poInput(d.conn.id, key, { title: `bench ${key}` }), {
              taskQueue: d.queue,
            });
            return { handle, key };
          },
          turns,
          {
            activityType: 'createPurchaseOrder',
            ...('policy' in d ? { drainQueue: d.queue } : {}),
            workerRecords: () => Promise.all(d.children.map((c) => c.records())),
          },
        );
      }),
    ]);
    const minimumMs = (opts.writes / opts.perMinute) * WINDOW_MS;
    return { minimumMs, variants, table: rateTable(minimumMs, variants, opts) };
  } finally {
    await Promise.all(designs.flatMap((d) => d.children).map((c) => c.stop()));
    await naiveWorker.stop();
  }
}

function rateTable(minimumMs: number, variants: RateVariant[], opts: RateLimitedOptions): BenchTable {
  const floorMs = Math.floor((opts.writes - 1) / opts.perMinute) * WINDOW_MS;
  return {
    title: 'Rate-limited goodput',
    description:
      `${opts.writes} PO creates (SAP-like, one POST each) on one connection that the sandbox limits to ${opts.perMinute} writes ` +
      `per sliding minute, ${opts.concurrent ? `${opts.concurrent} in flight at once` : 'all started at once'}; each variant on its own connection, all variants at the same time, their start calls issued in turn. ` +
      `Theoretical minimum at the connection's rate: ${opts.writes} / ${opts.perMinute} per minute = ${fmt(minimumMs / 1000, 0)} s.`,
    columns: [
      'variant',
      'completed in (s)',
      'completion / minimum',
      'write calls',
      '429 answers',
      '429 share',
      'POs created',
      'most writes in any 60 s',
    ],
    rows: variants.map((v) => [
      v.label,
      fmt(v.completedMs / 1000, 1),
      v.sandboxLimit === opts.perMinute ? `${fmt((v.completedMs / minimumMs) * 100, 0)} %` : '(its own limit)',
      v.writeCalls,
      v.answered429,
      `${fmt((v.answered429 / Math.max(1, v.writeCalls)) * 100, 1)} %`,
      `${v.created} of ${opts.writes}`,
      `${v.maxInWindow} (limit ${v.sandboxLimit})`,
    ]),
    notes: [
      `Naive retry policy: initial interval ${NAIVE_RETRY.initialInterval}, backoff ×${NAIVE_RETRY.backoffCoefficient}, at most ${NAIVE_RETRY.maximumInterval} between attempts, unlimited attempts.`,
      `This design: the connection is configured at ${opts.perMinute} writes/min; write calls go through the write-calls task queue with the connection id as fairness key, ` +
        `paced by the server across all worker processes at ${opts.perMinute} per ${PACING_WINDOW_S} s (${fmt(pacedWritesPerSecond(opts.perMinute) * 60, 1)}/min): ` +
        "the server's per-key limiter lets one second's worth of tasks through at once after a pause, so a 60 s window can hold 61 s of the rate, and 0.5 s is slack; " +
        'a 429 pauses and slows every write of the connection (docs/connections.md).',
      `Goal: completion within 1.03× of the minimum with 0 answers 429: ${variants
        .filter((v) => v.label.startsWith('makini-writes') && v.sandboxLimit === opts.perMinute)
        .map(
          (v) =>
            `${v.label}: ${fmt(v.completedMs / minimumMs, 3)}×, ${v.answered429} × 429 (${v.completedMs / minimumMs <= 1.03 && v.answered429 === 0 ? 'met' : 'missed'})`,
        )
        .join('; ')}.`,
      ...variants.flatMap((v) => (v.sendTiming ? [sendTimingNote(v, v.sendTiming, opts)] : [])),
      ...variants.flatMap((v) => (v.sandboxLimit !== opts.perMinute ? [drainNote(v, opts)] : [])),
      `Makini's window is sliding: a client that bursts may send ${opts.perMinute} writes at once, so the floor for a bursting client is ${fmt(floorMs / 1000, 0)} s; ` +
        'a paced client spreads the writes evenly and cannot beat the minimum above.',
    ],
  };
}

/** The after-429 drain line: time from the first 429 to the last write done against N / the cut rate, and the slots lost to held dispatches. */
function drainNote(v: RateVariant, opts: RateLimitedOptions): string {
  const d = v.drain;
  const t = v.sendTiming;
  if (!d || !t) return `${v.label}: no 429 came, so there was no drain after one to measure.`;
  const idealMs = (d.queued / d.reducedPerSecond) * 1000;
  const ratio = d.drainMs / idealMs;
  const held = t.held.paused + t.held.reduced + t.held.other + d.moved.afterDispatch;
  const share = held / Math.max(1, t.calls);
  return (
    `After a 429 (${v.label}; configured at ${opts.perMinute}/min, the cut rate held for the run: rateRecoveryMs ${DRAIN_POLICY.rateRecoveryMs / 60_000} min; ` +
    `started ${DRAIN_START_DELAY_MS / 1000} s after the other variants): ` +
    `${d.queued} writes not yet admitted at the first 429; first 429 → every write done ${fmt(d.drainMs / 1000, 1)} s against ` +
    `${d.queued} / the cut rate ${fmt(d.reducedPerSecond * 60, 1)}/min = ${fmt(idealMs / 1000, 1)} s: **${fmt(ratio, 3)}×** ` +
    `(goal ≤ 1.05: ${ratio <= 1.05 ? 'met' : 'missed'}; the 429's own pause, ${fmt(d.pauseMs / 1000, 0)} s, is inside it); ` +
    `held dispatches **${held} of ${t.calls} sent (${fmt(share * 100, 1)} %)** (goal ≤ 2 %: ${share <= 0.02 ? 'met' : 'missed'}: ` +
    `${t.held.paused} during the pause, ${t.held.reduced} above the cut rate, ${t.held.other} other, ${d.moved.afterDispatch} taken back after the server dispatched them); ` +
    `write calls taken back while queued before the server dispatched them (no slot): ${d.moved.beforeDispatch}; ${v.answered429} × 429 in all.`
  );
}

/** Where a paced run's time went, what the workers added after the server's pacing, and for each 429 how its window came about. */
function sendTimingNote(v: RateVariant, t: SendTimingSummary, opts: RateLimitedOptions): string {
  const ms = (n: number) => `${fmt(n, 0)} ms`;
  const s = (n: number) => `${fmt(n / 1000, 1)} s`;
  // The server's limiter: one second of burst, then one call per interval.
  const pacedSpanMs = Math.max(0, (t.calls - 1) * (1_000 / pacedWritesPerSecond(opts.perMinute)) - 1_000);
  const f = v.firstPhases;
  const firstParts = f
    ? ` (from the history of the write dispatched first: its start call ${s(f.startedMs - v.startedAtMs)}, ` +
      `waiting for its first workflow task ${s(f.firstTaskWaitMs)}, its ${f.tasks} workflow task(s) with ${f.localActivities} local activities ${s(f.tasksMs)}, ` +
      `the write-calls queue ${s(f.queueMs)})`
    : '';
  const phases =
    `${v.label}: start → first POST dispatched ${s(t.firstDispatchMs - v.startedAtMs)}${firstParts}, first → last dispatched ${s(t.lastDispatchMs - t.firstDispatchMs)} ` +
    `(the server's pacing alone: ${s(pacedSpanMs)}), last dispatched → every write complete ${s(v.startedAtMs + v.completedMs - t.lastDispatchMs)}`;
  const sends =
    `server dispatch → arrival at the sandbox of its ${t.calls} POSTs: p50 ${ms(t.delayP50Ms)}, p99 ${ms(t.delayP99Ms)}, ` +
    `max ${ms(t.delayMaxMs)}; closest two dispatches ${ms(t.minDispatchGapMs)} apart, closest two arrivals ${ms(t.minArrivalGapMs)}`;
  const heldTotal = t.held.paused + t.held.reduced + t.held.other;
  const held = heldTotal
    ? `${heldTotal} POST dispatches held back by the gate, not sent (${t.held.paused} during the pause after a 429, ${t.held.reduced} scheduled faster than the reduced rate` +
      `${t.held.other ? `, ${t.held.other} other` : ''}): each took a pacing slot of the connection on the server as a sent call does, and was scheduled again`
    : 'no POST dispatch held back by the gate';
  const w = t.worker;
  const onWorkers = w
    ? `from the workers' own records (${w.matched} of ${t.calls} POSTs): server dispatch → the gate had the call p50 ${ms(w.takeUpP50Ms)}, ` +
      `p99 ${ms(w.takeUpP99Ms)}, max ${ms(w.takeUpMaxMs)}; ${w.spaced} held by the process's send spacing` +
      `${w.spaced ? ` (p50 ${ms(w.spacingP50Ms)})` : ''}; longest event-loop stall of a worker process ${ms(w.longestStallMs)}`
    : undefined;
  const split = (p: SendParts) =>
    ` (worker process ${p.worker + 1}: ${ms(p.takeUpMs)} from the dispatch until its gate had the call` +
    `${
      p.stallMs !== undefined
        ? `, its event loop blocked ${ms(p.stallMs)} in that time while the process used ${ms(p.stallCpuMs ?? 0)} of CPU`
        : ', no event-loop stall of 50 ms or more in that time'
    }, ` +
    `${ms(p.spacingWaitMs)} of send spacing, ${ms(p.gateMs)} in the rest of the gate, ${ms(p.requestMs)} from release to arrival)`;
  const limited = t.limited.map(
    (l) =>
      `the POST answered 429 (no. ${l.position} to arrive) came ${ms(l.windowSpanMs)} after the oldest admitted POST in its minute, ` +
      `whose dispatch was ${ms(l.dispatchSpanMs)} before its own: the oldest waited ${ms(l.oldestDelayMs)} on the worker` +
      `${l.oldestParts ? split(l.oldestParts) : ''}, this one ${ms(l.delayMs)}`,
  );
  return `${[phases, sends, ...(onWorkers ? [onWorkers] : []), held, ...limited].join('; ')}.`;
}
