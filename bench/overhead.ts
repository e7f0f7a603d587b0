// Overhead: a PO create through makini-writes (workflow, steps as activities) vs the same Makini
// calls made directly with MakiniClient, interleaved one by one so both see the same conditions.
// Added latency per step = the workflow's step duration (from its `steps` result) minus the
// direct call(s) of the same iteration. Beside it, Temporal's own cost of a step, the floor: a
// minimal workflow's no-op activity at the same position, measured the same way in the same
// iteration, for each way Temporal dispatches an activity (regular, eager, local) and as the
// product dispatches its steps (reads local, the POST on the paced write-calls queue).
import { startCreatePurchaseOrder } from '../src/client/index.js';
import { createTokenSource } from '../src/config/token-source.js';
import { MakiniClient } from '../src/makini/client.js';
import type { StepRecord } from '../src/writes/workflow/engine/steps.js';
import { UNPACED_WRITES_PER_MINUTE, workerConfig, type BenchConnection, type BenchStack } from './lib/stack.js';
import { poInput, PO_HEADER, poLines } from '../test/support/po-input.js';
import { uniqueKey } from '../test/support/production-worker.js';
import { fmt, percentile, sum } from './lib/stats.js';
import type { BenchTable } from './lib/table.js';
import type { NoopDispatch } from './workflows/minimal.js';

export interface OverheadOptions {
  iterations: number;
  warmup: number;
  lines: number;
}

/** Per step: workflow and direct durations (ms), paired by iteration. */
export interface OverheadStep {
  step: string;
  /** What the direct client calls for it ('' when the step makes no Makini call). */
  direct: string;
  workflowMs: number[];
  directMs: number[];
  /** The minimal workflow's no-op activity at the same position, same iteration, dispatched as the product dispatches this step. */
  temporalMs: number[];
  /** The same, with every step dispatched one way (the floor of each). */
  floorMs: Record<NoopDispatch, number[]>;
}

export interface OverheadResult {
  steps: OverheadStep[];
  totalWorkflowMs: number[];
  totalDirectMs: number[];
  /** The minimal workflow with the product's dispatch, client start → result. */
  totalTemporalMs: number[];
  /** The minimal workflow with every step dispatched one way, client start → result. */
  totalFloorMs: Record<NoopDispatch, number[]>;
  table: BenchTable;
}

const FLOORS: NoopDispatch[] = ['regular', 'eager', 'local'];
const byDispatch = (): Record<NoopDispatch, number[]> => ({ regular: [], eager: [], local: [] });

/** Step names without their line count ("create purchase order with 5 lines" → "... with N lines"). */
const stepKey = (name: string) => name.replace(/\b\d+ lines\b/, 'N lines');

interface DirectCtx {
  makini: MakiniClient;
  conn: string;
  key: string;
  lines: number;
  poKey?: string;
}

/**
 * The Makini calls a script would make for each step of the SAP-like create, in order, and how
 * the product dispatches the step (callMakini in src/writes/workflow/engine/makini-calls.ts: writes are
 * activities on the paced write-calls queue, never eager; the rest run as local activities).
 */
const DIRECT_STEPS: { step: string; calls: string; dispatch: NoopDispatch; run(c: DirectCtx): Promise<unknown> }[] = [
  { step: 'resolve write profile', calls: '', dispatch: 'local', run: async () => undefined }, // the system is configured: no call
  {
    step: 'check vendorKey exists',
    calls: 'GET vendors/{key}',
    dispatch: 'local',
    run: (c) => c.makini.getVendor(c.conn, PO_HEADER.vendorKey),
  },
  {
    step: 'look up by idempotency key',
    calls: 'GET purchase-orders?filter[code]',
    dispatch: 'local',
    run: (c) => c.makini.findPurchaseOrders(c.conn, { code: c.key }),
  },
  {
    step: 'create purchase order with N lines',
    calls: 'POST purchase-orders (lines in body)',
    dispatch: 'regular',
    run: async (c) => {
      const res = await c.makini.createPurchaseOrder(c.conn, {
        ...PO_HEADER,
        title: `bench ${c.key}`,
        code: c.key,
        lineItems: poLines(c.lines),
      });
      c.poKey = res.data.data.key;
    },
  },
  {
    step: 'read back',
    calls: 'GET purchase-orders/{key}',
    dispatch: 'local',
    run: async (c) => {
      const res = await c.makini.getPurchaseOrder(c.conn, c.poKey!);
      if (!res.data.data.lineItems) await c.makini.listPurchaseOrderLines(c.conn, c.poKey!);
    },
  },
];

async function directCreate(makini: MakiniClient, conn: string, key: string, lines: number): Promise<Map<string, number>> {
  const ctx: DirectCtx = { makini, conn, key, lines };
  const took = new Map<string, number>();
  for (const s of DIRECT_STEPS) {
    const t = performance.now();
    await s.run(ctx);
    took.set(s.step, performance.now() - t);
  }
  return took;
}

export async function benchOverhead(stack: BenchStack, opts: OverheadOptions): Promise<OverheadResult> {
  const conn: BenchConnection = await stack.connection('overhead-sap', 'sap');
  const { connections, env } = workerConfig([conn]);
  const makini = new MakiniClient({
    baseUrl: stack.sandbox.url,
    timeoutMs: 20_000,
    tokenSource: createTokenSource(connections.connections, { env }),
  });
  const taskQueue = stack.taskQueue('overhead');
  const worker = await stack.productionWorker(taskQueue, [conn]);
  const noopQueue = stack.taskQueue('overhead-noop');
  const noopWorker = await stack.benchWorker(noopQueue);
  const byStep = new Map<string, OverheadStep>();
  const totalWorkflowMs: number[] = [];
  const totalDirectMs: number[] = [];
  const totalTemporalMs: number[] = [];
  const totalFloorMs = byDispatch();
  /** One minimal workflow: each step's duration and the whole run, client start → result. */
  const noop = async (steps: number, dispatch: NoopDispatch | NoopDispatch[]) => {
    const t = performance.now();
    const took = (await stack.client.workflow.execute('timedNoopWorkflow', {
      taskQueue: noopQueue,
      workflowId: uniqueKey('ovh-noop'),
      args: [steps, dispatch],
    })) as number[];
    return { took, totalMs: performance.now() - t };
  };
  try {
    for (let i = 0; i < opts.warmup + opts.iterations; i += 1) {
      const t = performance.now();
      const key = uniqueKey('ovh');
      const handle = await startCreatePurchaseOrder(stack.client, poInput(conn.id, key, { lines: opts.lines, title: `bench ${key}` }), {
        taskQueue,
      });
      const { steps } = await handle.result();
      const wfTotal = performance.now() - t;
      const direct = await directCreate(makini, conn.id, uniqueKey('direct'), opts.lines);
      const made = steps.filter((x: StepRecord) => x.attempts > 0);
      const dispatchOf = (name: string) => DIRECT_STEPS.find((d) => d.step === stepKey(name))?.dispatch ?? 'regular';
      const asProduct = await noop(
        made.length,
        made.map((x) => dispatchOf(x.name)),
      );
      const floors = byDispatch();
      for (const d of FLOORS) {
        const run = await noop(made.length, d);
        floors[d] = run.took;
        if (i >= opts.warmup) totalFloorMs[d].push(run.totalMs);
      }
      if (i < opts.warmup) continue;
      totalWorkflowMs.push(wfTotal);
      totalDirectMs.push(sum([...direct.values()]));
      totalTemporalMs.push(asProduct.totalMs);
      made.forEach((s, k) => {
        const key = stepKey(s.name);
        const rec = byStep.get(key) ?? {
          step: key,
          direct: DIRECT_STEPS.find((d) => d.step === key)?.calls ?? '',
          workflowMs: [],
          directMs: [],
          temporalMs: [],
          floorMs: byDispatch(),
        };
        rec.workflowMs.push(s.durationMs);
        rec.directMs.push(direct.get(key) ?? 0);
        rec.temporalMs.push(asProduct.took[k] ?? 0);
        for (const d of FLOORS) rec.floorMs[d].push(floors[d][k] ?? 0);
        byStep.set(key, rec);
      });
    }
  } finally {
    await Promise.all([worker.stop(), noopWorker.stop()]);
  }
  const steps = [...byStep.values()];
  return {
    steps,
    totalWorkflowMs,
    totalDirectMs,
    totalTemporalMs,
    totalFloorMs,
    table: overheadTable(steps, { totalWorkflowMs, totalDirectMs, totalTemporalMs, totalFloorMs }, opts),
  };
}

const minus = (a: number[], b: number[]) => a.map((x, i) => x - (b[i] ?? 0));

type Totals = Pick<OverheadResult, 'totalWorkflowMs' | 'totalDirectMs' | 'totalTemporalMs' | 'totalFloorMs'>;

function overheadTable(steps: OverheadStep[], totals: Totals, opts: OverheadOptions): BenchTable {
  const row = (name: string, calls: string, wf: number[], direct: number[], temporal: number[], floors: Record<NoopDispatch, number[]>) => {
    const diff = minus(wf, direct);
    const beyond = minus(diff, temporal);
    return [
      name,
      calls || '(no Makini call)',
      fmt(percentile(direct, 50)),
      fmt(percentile(direct, 95)),
      fmt(percentile(wf, 50)),
      fmt(percentile(wf, 95)),
      fmt(percentile(diff, 50)),
      fmt(percentile(diff, 95)),
      ...FLOORS.map((d) => fmt(percentile(floors[d], 50))),
      fmt(percentile(temporal, 50)),
      fmt(percentile(beyond, 50)),
      fmt(percentile(beyond, 95)),
    ];
  };
  const wholeP50 = percentile(totals.totalWorkflowMs, 50);
  return {
    title: 'Overhead per step: makini-writes vs direct Makini calls',
    description:
      `${opts.iterations} purchase-order creates (${opts.lines} lines, SAP-like system) through the production workflow, ` +
      `each followed by the same Makini calls made directly with \`MakiniClient\` (after ${opts.warmup} warm-up rounds). ` +
      "Workflow step durations come from the workflow result's `steps`; added latency is the per-iteration difference, then its p50/p95.",
    columns: [
      'step',
      'direct call(s)',
      'direct p50 ms',
      'direct p95 ms',
      'workflow p50 ms',
      'workflow p95 ms',
      'added p50 ms',
      'added p95 ms',
      'floor: no-op regular p50 ms',
      'floor: no-op eager p50 ms',
      'floor: no-op local p50 ms',
      'floor: no-op as the product dispatches p50 ms',
      'beyond Temporal p50 ms',
      'beyond Temporal p95 ms',
    ],
    rows: [
      ...steps.map((s) => row(s.step, s.direct, s.workflowMs, s.directMs, s.temporalMs, s.floorMs)),
      row(
        'whole write (client start → result)',
        'all of the above',
        totals.totalWorkflowMs,
        totals.totalDirectMs,
        totals.totalTemporalMs,
        totals.totalFloorMs,
      ),
    ],
    notes: [
      `Whole write p50: ${fmt(wholeP50)} ms from client start to result (goal ≤ 250 ms: ${wholeP50 <= 250 ? 'met' : `missed by ${fmt(wholeP50 - 250)} ms`}).`,
      'How the product dispatches its steps (src/writes/workflow/engine/makini-calls.ts, `callMakini`): the profile lookup and the reads run as local activities (patch `reads-as-local-activities`), ' +
        'so they go within the workflow task that needs them, without a round trip through the server; the POST is an activity on the paced write-calls queue (fairness key = connection id), ' +
        "never eager (eager dispatch only serves the workflow's own queue, and that queue's dispatch is the pacing). " +
        `The connection is configured at ${UNPACED_WRITES_PER_MINUTE.toLocaleString('en')} writes/min, so pacing never holds the POST back here.`,
      'The floor: minimal workflows (bench/workflows/minimal.ts) with as many no-op activities as the write has steps, in the same iteration on their own worker and the same dev server ' +
        '(eager activity execution on: `system.enableActivityEagerExecution`, scripts/lib/dev-server.ts and deploy/temporal/dynamic-config.yaml). ' +
        '"regular": every step through the server\'s task queue (`allowEagerDispatch: false`); "eager": handed back with the workflow task\'s completion; "local": a local activity; ' +
        '"as the product dispatches": local for the reads, regular for the POST. Each no-op is measured like a step; for the whole write, the floor is the minimal workflow from client start to result.',
      '"Beyond Temporal" = added latency minus the no-op dispatched as the product dispatches that step, per iteration: what the product\'s own code adds (input validation, the rule check, ' +
        "step recording, search attributes, the connection gate, the Makini client's parsing).",
      'Step durations are measured in workflow time (the start of the workflow task that scheduled the step to the start of the one that saw its result, or, for a local activity, ' +
        'the time its result came back), so they include dispatch and the Makini call.',
      'In the Temporal UI each step stays visible: an activity as an Activity event, a local activity as a "Local Activity" event (its marker), both with the step\'s summary ' +
        "(`userMetadata.summary`, recorded for local activities too in SDK 1.24) and result; every step's timing and attempts are in the step table (current details, `steps` query, result).",
      'The sandbox answers at once, so the added figures are the full cost of running a step durably; against a real Makini (hundreds of ms per call) they stay the same in absolute terms.',
    ],
  };
}
