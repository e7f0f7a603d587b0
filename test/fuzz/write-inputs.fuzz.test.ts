// Fuzz run of every write's input (security review): generated inputs (fast-check: arbitrary JSON,
// and valid inputs with one field mutated) go (1) through the client start helpers, which throw
// InvalidWriteInputError before anything is sent or start the write, and (2) unvalidated, straight
// to the workflow by type name, under the derived workflow id or any other; against a real worker
// and the sandbox. Invariants: the worker never crashes (still running, and a write afterwards
// completes), no workflow is stuck (each closes within FUZZ_CLOSE_MS), every rejection is typed:
// InvalidWriteInput naming field and rule, or another failure type of src/failures/workflow/failure-types.ts
// (WorkflowIdNotDerived for an id not derived, WriteRestrictionViolated, MakiniRequestRejected, ...).
//
//   npx vitest run test/fuzz/write-inputs.fuzz.test.ts                      # 300 inputs (npm test)
//   FUZZ_RUNS=10000 npx vitest run test/fuzz/write-inputs.fuzz.test.ts      # the full run
//   FUZZ_SEED=<n> repeats a run; FUZZ_CONCURRENCY (16), FUZZ_CLOSE_MS (120000), FUZZ_REPORT=<file> (counts as JSON)
import { writeFileSync } from 'node:fs';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidWriteInputError,
  MakiniFailureType,
  startAddWorkOrderMaterials,
  startAdjustInventory,
  startBulkWrite,
  startCancelPurchaseOrder,
  startChangeWorkOrderStatus,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdateInventory,
  startUpdatePurchaseOrder,
  startUpdateWorkOrder,
  WRITE_TYPE_NAMES,
  writeWorkflowId,
  WriteFailureType,
  bulkWriteWorkflowId,
  type BulkWriteResult,
  type StartOptions,
  type WriteType,
} from '../../src/client/index.js';
import { ConnectionControlFailureType } from '../../src/failures/workflow/failure-types.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { pathsOf, validInputs, withField, type InputTargets, type Path } from './write-inputs.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 16);
const CLOSE_WITHIN_MS = Number(process.env.FUZZ_CLOSE_MS ?? 120_000);

type FuzzType = WriteType | 'bulkWrite';
const TYPES: FuzzType[] = [...WRITE_TYPE_NAMES, 'bulkWrite'];
const KNOWN_FAILURE_TYPES = new Set<string>([...Object.values(WriteFailureType), ...Object.values(MakiniFailureType)]);
/** A problem's message names its rule: `[rule] what is expected`. */
const RULE = /^\[([a-z][a-z-]*)\] /;
/**
 * Whether a problem names its rule. startBulkWrite (src/writes/bulk/start.ts) passes its items'
 * problems on without the `rule` property (the message keeps it), and says "unknown write type"
 * for an item's type without one.
 */
const named = (p: { field: string; rule?: string; message: string }) =>
  (p.rule !== undefined ? p.message.startsWith(`[${p.rule}] `) : RULE.test(p.message)) ||
  (/^items\.\d+\.type$/.test(p.field) && /^unknown write type /.test(p.message));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the helpers are fed whatever the generator made
type AnyStart = (client: Client, input: any, opts?: StartOptions) => Promise<WorkflowHandle>;
const HELPERS: Record<FuzzType, AnyStart> = {
  createPurchaseOrder: startCreatePurchaseOrder,
  updatePurchaseOrder: startUpdatePurchaseOrder,
  cancelPurchaseOrder: startCancelPurchaseOrder,
  createWorkOrder: startCreateWorkOrder,
  updateWorkOrder: startUpdateWorkOrder,
  changeWorkOrderStatus: startChangeWorkOrderStatus,
  addWorkOrderMaterials: startAddWorkOrderMaterials,
  updateInventory: startUpdateInventory,
  adjustInventory: startAdjustInventory,
  bulkWrite: startBulkWrite,
};

// ---- generation ------------------------------------------------------------------------------

/** Values a mutated field takes: the ones the review named, and whatever else JSON can carry. */
const NASTY_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../..',
  '/',
  'a/b',
  'a\\b',
  '%2e%2e',
  '\u0000',
  'line\nbreak',
  '\u0085',
  '\ud800',
  '__proto__',
  'constructor',
  '2026-02-31',
  '2026-12-01T24:00:00Z',
  '9999-99-99',
  'x'.repeat(201),
  'x'.repeat(4_001),
  '€'.repeat(2_000),
];
const NASTY_NUMBERS = [0, -0, -1, 0.5, 1.5, 49, 99, 1e9, 1e12, 1e13, 1e15, 2 ** 53 + 2, 1e300, -1e300, Number.MIN_VALUE];
const anyJson = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...NASTY_NUMBERS) },
  { weight: 3, arbitrary: anyJson },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}) },
);
const budget = fc.dictionary(
  fc.constantFrom('maxAttempts', 'maxTotalMs', 'baseBackoffMs', 'maxBackoffMs', 'ambiguousSettleMs', 'maxConnectionWaitMs', 'maxAtempts'),
  fc.oneof(fc.constantFrom<unknown>(...NASTY_NUMBERS), fc.integer({ min: 0, max: 40 * 24 * 3_600_000 }), anyJson),
  { maxKeys: 4 },
);
const customFields = fc.oneof(
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 120 }), fc.oneof(value, fc.string({ maxLength: 5_000 })), { maxKeys: 8 }),
  fc.integer({ min: 95, max: 140 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`ZZ_${i}`, i]))),
);

/** One field of a valid input changed: set, removed, or a field added. */
type Mutation =
  | { kind: 'set'; pick: number; to: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; pick: number; name: string; to: unknown }
  | { kind: 'retryBudget'; to: unknown }
  | { kind: 'customFields'; to: unknown }
  | { kind: 'oversize'; bytes: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), to: value }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      pick: fc.nat(),
      name: fc.oneof(fc.constantFrom('carry', '__proto__', 'constructor', 'extra', 'status'), fc.string({ maxLength: 20 })),
      to: value,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retryBudget' as const), to: fc.oneof(budget, anyJson) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('customFields' as const), to: customFields }) },
  // PO lines within every field's bounds but over the whole input's: 1.2 MB (refused by the schema) or
  // 2.5 MB (by Temporal too, when sent unvalidated); other writes get them as an unknown field.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversize' as const), bytes: fc.constantFrom(1_200_000, 2_500_000) }) },
);

/** What one generated case is: a type, the input, and the workflow id of its unvalidated start. */
interface Case {
  type: FuzzType;
  origin: 'json' | 'valid' | `mutant:${Mutation['kind']}`;
  input: unknown;
  /** The raw start's id: the one derived from the input, or one of its own. */
  rawId: 'derived' | 'own';
}
const caseArb = fc.record({
  type: fc.constantFrom(...TYPES),
  shape: fc.oneof(
    { weight: 3, arbitrary: fc.record({ origin: fc.constant('json' as const), json: anyJson }) },
    { weight: 1, arbitrary: fc.record({ origin: fc.constant('valid' as const) }) },
    { weight: 12, arbitrary: fc.record({ origin: fc.constant('mutant' as const), mutation }) },
  ),
  rawId: fc.constantFrom('derived' as const, 'derived' as const, 'derived' as const, 'own' as const),
});

function bulkOf(t: InputTargets, key: string): unknown {
  const v = validInputs(t, key);
  return {
    bulkId: key,
    itemsPerRun: 1,
    items: [
      { type: 'createWorkOrder', input: { ...v.createWorkOrder, idempotencyKey: `${key}-a` } },
      { type: 'updateInventory', input: { ...v.updateInventory, idempotencyKey: `${key}-b` } },
    ],
  };
}

const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
const valueAt = (v: unknown, path: Path): unknown => path.reduce<unknown>((node, p) => (node as Record<string | number, unknown>)[p], v);

function mutate(base: unknown, m: Mutation): unknown {
  const paths = pathsOf(base);
  const at = (pick: number): Path => paths[pick % paths.length]!;
  switch (m.kind) {
    case 'set':
      return withField(base, at(m.pick), m.to);
    case 'delete':
      return withField(base, at(m.pick), undefined);
    case 'add': {
      // A field added to the input or to one of its objects (header, a line, changes, ...).
      const objects = [[], ...paths.filter((p) => isObject(valueAt(base, p)))];
      return withField(base, [...objects[m.pick % objects.length]!, m.name], m.to);
    }
    case 'retryBudget':
      return withField(base, ['retryBudget'], m.to);
    case 'customFields': {
      const records = paths.filter(
        (p) => p[p.length - 1] === 'workOrder' || p[p.length - 1] === 'purchaseOrder' || p[p.length - 2] === 'lineItems',
      );
      return records.length ? withField(base, [...records[0]!, 'customFields'], m.to) : withField(base, ['customFields'], m.to);
    }
    case 'oversize': {
      const lines = Math.ceil(m.bytes / 8_100);
      const big = Array.from({ length: lines }, (_, i) => ({
        quantity: 1,
        price: 1,
        description: `${i}`.padEnd(4_000, 'd'),
        notes: 'n'.repeat(4_000),
      }));
      const po = paths.some((p) => p[0] === 'purchaseOrder');
      return po ? withField(base, ['purchaseOrder', 'lineItems'], big) : withField(base, ['padding'], big);
    }
  }
}

function generate(t: InputTargets): Case[] {
  return fc.sample(caseArb, { seed: SEED, numRuns: RUNS }).map((c, i) => {
    const key = `fz${SEED.toString(36)}-${i}`;
    const base = c.type === 'bulkWrite' ? bulkOf(t, key) : validInputs(t, key)[c.type];
    if (c.shape.origin === 'json') return { type: c.type, origin: 'json', input: c.shape.json, rawId: c.rawId };
    if (c.shape.origin === 'valid') return { type: c.type, origin: 'valid', input: base, rawId: c.rawId };
    return { type: c.type, origin: `mutant:${c.shape.mutation.kind}`, input: mutate(base, c.shape.mutation), rawId: c.rawId };
  });
}

// ---- running and judging ---------------------------------------------------------------------

interface Tally {
  inputs: number;
  byOrigin: Record<string, number>;
  helperRejected: number;
  helperStarted: number;
  rawStarted: number;
  /** Unvalidated starts the server refused (a payload over its limit, an id it does not take). */
  rawRefusedByServer: number;
  refusedBecause: Record<string, number>;
  /** Unvalidated starts under an id an earlier start of the same run already had. */
  rawDuplicateId: number;
  completed: number;
  failedByType: Record<string, number>;
  stuck: number;
  violations: string[];
}
const newTally = (): Tally => ({
  inputs: 0,
  byOrigin: {},
  helperRejected: 0,
  helperStarted: 0,
  rawStarted: 0,
  rawRefusedByServer: 0,
  refusedBecause: {},
  rawDuplicateId: 0,
  completed: 0,
  failedByType: {},
  stuck: 0,
  violations: [],
});
const bump = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

describe('fuzz: write inputs through the start helpers and straight to the workflows', () => {
  let stack: WriteStack;
  let targets: InputTargets;
  const tally = newTally();
  const startedAt = Date.now();

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'fuzz',
      connections: [
        { id: 'fz-sap', system: 'sap' },
        { id: 'fz-em', system: 'emaint' },
      ],
      worker: { tuning: { maxConcurrentActivityTaskExecutions: 50 } },
    });
    const opts = { taskQueue: stack.taskQueue };
    const base = { sap: 'fz-sap', emaint: 'fz-em', purchaseOrderKey: '', sapWorkOrderKey: '', emaintWorkOrderKey: '' };
    const v = validInputs(base, `fz-setup-${SEED}`);
    const po = await (await startCreatePurchaseOrder(stack.client, v.createPurchaseOrder, opts)).result();
    const wo = await (await startCreateWorkOrder(stack.client, v.createWorkOrder, opts)).result();
    const emWo = await (
      await startCreateWorkOrder(
        stack.client,
        {
          connectionId: 'fz-em',
          idempotencyKey: `fz-setup-em-${SEED}`,
          workOrder: { title: 'Grease bearings', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' },
        },
        opts,
      )
    ).result();
    targets = { ...base, purchaseOrderKey: po.purchaseOrderKey, sapWorkOrderKey: wo.workOrderKey, emaintWorkOrderKey: emWo.workOrderKey };
  }, 180_000);

  afterAll(async () => {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
    const { violations, ...counts } = tally;
    const report = { seed: SEED, runs: RUNS, seconds: Number(seconds), ...counts, violations: violations.length };
    console.log(`[fuzz] seed ${SEED}, ${RUNS} inputs, ${seconds} s: ${JSON.stringify(report)}`);
    // FUZZ_REPORT=<file>: the counts as JSON, for a run whose console is not kept.
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, `${JSON.stringify({ ...report, violations }, null, 2)}\n`);
    for (const v of violations.slice(0, 20)) console.log(`[fuzz] violation: ${v}`);
    await stack?.stop();
  });

  /** Awaits a started workflow within the bound and judges how it closed. */
  async function judgeClosed(c: Case, handle: WorkflowHandle, path: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      handle.result().then(
        (value: unknown) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), CLOSE_WITHIN_MS))),
    ]);
    clearTimeout(timer);
    const where = `${path} ${c.type} (${c.origin}) ${handle.workflowId}: ${show(c.input)}`;
    if (outcome === 'stuck') {
      tally.stuck += 1;
      tally.violations.push(`stuck > ${CLOSE_WITHIN_MS} ms: ${where}`);
      await handle.terminate('fuzz: stuck').catch(() => undefined);
      return;
    }
    if ('value' in outcome) {
      tally.completed += 1;
      if (c.type === 'bulkWrite') {
        for (const item of (outcome.value as BulkWriteResult).items) {
          if (item.failure && !KNOWN_FAILURE_TYPES.has(item.failure.type))
            tally.violations.push(`bulk item failed untyped (${item.failure.type}): ${where}`);
        }
      }
      return;
    }
    const err = outcome.error;
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (!(cause instanceof ApplicationFailure) || !KNOWN_FAILURE_TYPES.has(cause.type ?? '')) {
      bump(tally.failedByType, `untyped:${(cause as Error | undefined)?.name ?? (err as Error).name}`);
      tally.violations.push(`failed untyped (${(cause as Error | undefined)?.message ?? (err as Error).message}): ${where}`);
      return;
    }
    bump(tally.failedByType, cause.type!);
    if (cause.type === WriteFailureType.invalidInput) {
      // Every problem names its field and rule, in the failure's details.
      const problems = (cause.details?.[0] as { problems?: { field?: string; rule?: string }[] } | undefined)?.problems;
      // (bulkWrite's failure lists them in its message only.)
      const unnamed =
        c.type === 'bulkWrite'
          ? /^invalid bulkWrite input: \S.*?: \[[a-z][a-z-]*\] /.test(cause.message)
            ? []
            : [cause.message]
          : (problems ?? [{}]).filter((p) => !p.field || !p.rule);
      if (unnamed.length) tally.violations.push(`InvalidWriteInput without field and rule (${cause.message.slice(0, 200)}): ${where}`);
    }
  }

  /** One case: the helper, then the unvalidated start; the workflows each started are judged as they close. */
  async function runCase(c: Case, i: number): Promise<void> {
    const { client, taskQueue } = stack;
    tally.inputs += 1;
    bump(tally.byOrigin, c.origin);
    const closing: Promise<void>[] = [];

    let helperStarted = false;
    try {
      const handle = await HELPERS[c.type](client, c.input, { taskQueue });
      helperStarted = true;
      tally.helperStarted += 1;
      closing.push(judgeClosed(c, handle, 'helper'));
    } catch (err) {
      if (err instanceof InvalidWriteInputError) {
        tally.helperRejected += 1;
        const unnamed = err.problems.filter((p) => !p.field || !named(p));
        if (!err.problems.length || unnamed.length) tally.violations.push(`helper problems without field and rule: ${show(err.problems)}`);
      } else
        tally.violations.push(
          `helper threw ${(err as Error).name}: ${(err as Error).message.slice(0, 200)} for ${c.type}: ${show(c.input)}`,
        );
    }

    // Unvalidated: the derived id (when the helper did not take it already), or one of the caller's own.
    const raw = (c.input ?? {}) as { connectionId?: unknown; idempotencyKey?: unknown; bulkId?: unknown };
    const derivable =
      c.type === 'bulkWrite'
        ? typeof raw.bulkId === 'string' && bulkWriteWorkflowId(raw.bulkId)
        : typeof raw.connectionId === 'string' &&
          typeof raw.idempotencyKey === 'string' &&
          writeWorkflowId(c.type, raw.connectionId, raw.idempotencyKey);
    const workflowId = c.rawId === 'derived' && derivable && !helperStarted ? derivable : `fuzz/${SEED}/${i}/${c.type}`;
    try {
      const handle = await client.workflow.start(c.type, { taskQueue, workflowId, args: [c.input] });
      tally.rawStarted += 1;
      closing.push(judgeClosed(c, handle, 'raw'));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) tally.rawDuplicateId += 1;
      else {
        tally.rawRefusedByServer += 1;
        const why = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
        bump(tally.refusedBecause, why.slice(0, 100));
      }
    }
    await Promise.all(closing);
  }

  it(
    `${RUNS} generated inputs: no crash, nothing stuck, every rejection typed and named`,
    async () => {
      const cases = generate(targets);
      console.log(`[fuzz] seed ${SEED} (FUZZ_SEED to repeat), ${cases.length} inputs, ${CONCURRENCY} at once`);
      let next = 0;
      let finished = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < cases.length; i = next++) {
            await runCase(cases[i]!, i);
            if (++finished % 1000 === 0)
              console.log(`[fuzz] ${finished} of ${cases.length} done, ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
          }
        }),
      );

      // The worker survived everything and still writes.
      expect(stack.worker.getState()).toBe('RUNNING');
      const after = validInputs(targets, `fz-after-${SEED}`).createWorkOrder;
      const done = await (await startCreateWorkOrder(stack.client, after, { taskQueue: stack.taskQueue })).result();
      expect(done.workOrderKey).toBeTruthy();

      expect(tally.inputs).toBe(RUNS);
      expect(tally.helperRejected + tally.helperStarted).toBe(RUNS);
      expect(tally.stuck).toBe(0);
      expect(tally.violations).toEqual([]);
    },
    Math.max(600_000, RUNS * 400),
  );

  // Found by this run, outside the inputs the schemas check: parts of a workflow's argument that
  // used to be trusted. They now fail the workflow, typed and named, instead of its task forever.
  const failsTyped = async (type: string, args: unknown, failureType: string): Promise<void> => {
    const handle = await stack.client.workflow.start(type, {
      taskQueue: stack.taskQueue,
      workflowId: `fuzz-known/${SEED}/${type}/${Math.random()}`,
      args: [args],
    });
    const outcome = await Promise.race([
      handle.result().then(
        () => 'completed',
        (err: unknown) => (err as { cause?: { type?: string } }).cause?.type ?? 'failed',
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('stuck'), 10_000)),
    ]);
    if (outcome === 'stuck') await handle.terminate('fuzz: stuck').catch(() => undefined);
    expect(outcome, `${type} must fail with ${failureType}`).toBe(failureType);
  };

  it('bulkWrite refuses a forged `carry` (a failed bulk, not a workflow task failing forever)', () =>
    failsTyped(
      'bulkWrite',
      { ...(bulkOf(targets, `fz-carry-${SEED}`) as object), carry: { run: 1, results: 'forged' } },
      WriteFailureType.invalidInput,
    ));

  it('connectionControl refuses a bad `policy` (a failed workflow, not a workflow task failing forever)', () =>
    failsTyped(
      'connectionControl',
      { connectionId: `fz-policy-${SEED}`, policy: { breakerThreshold: 'x' } },
      ConnectionControlFailureType.invalidInput,
    ));
});
