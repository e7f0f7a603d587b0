// The fault matrix: every write route × every fault kind × committed or not × which attempts it
// hits, generated (fast-check) from those four lists rather than hand-listed, and run through the
// real workflows on the real dev server against the sandbox over HTTP. Each case gets a connection
// of its own (own records, own scripted faults). Invariants, from the sandbox's state:
//   - exactly one record per idempotency key, with exactly its lines / materials;
//   - an absolute write has its values, an adjustment is applied exactly once;
//   - a refusal (4xx) writes nothing (a refused line: the header is cancelled, nothing else);
//   - every failure is an ApplicationFailure of a known, exported type.
//   - a create committed late: inside the commit horizon it is found, never sent twice; beyond it,
//     the write sent again and its sweep cancelled the late duplicate (`duplicatesUndone`); a line
//     or material (which nothing can undo) is reported instead (`LateDuplicateLeft` naming it);
//   - the line and material routes run on a system that ACCEPTS a repeated lineNo or material
//     (sandbox switch `repeatedLines: 'accepted'`), so "no line or material twice" can fail;
//   - a refused line: nothing is sent after it.
// Records are counted on the case's connection (each case has its own) minus what the case
// prepared, whatever their reference says. Bounded in `npm test`: one case of every route × fault
// kind, plus MATRIX_EXTRA (default 16) sampled from the rest, with a printed seed; MATRIX_FULL=1
// runs the whole product, MATRIX_FILTER=<text> the cases whose label contains it.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BehaviourPatch } from '../../sandbox/admin-api.js';
import type { FaultScript } from '../../sandbox/faults.js';
import {
  MakiniFailureType,
  startAddWorkOrderMaterials,
  startAdjustInventory,
  startCancelPurchaseOrder,
  startChangeWorkOrderStatus,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdateInventory,
  startUpdatePurchaseOrder,
  startUpdateWorkOrder,
  WriteFailureType,
} from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { poInput } from '../support/po-input.js';

/** Short waits so that a case takes about a second; every decision stays the production one. */
const BUDGET = { ambiguousSettleMs: 100, baseBackoffMs: 100, maxBackoffMs: 400 };
/** The worker's HTTP timeout; a `late` answer comes after it. */
const REQUEST_TIMEOUT_MS = 1_500;
/** The connections' commit horizon (profile override): how late the sandbox's system may commit a write. */
const COMMIT_HORIZON_MS = 3_000;
const BATCH = 6;

interface Ctx {
  client: Client;
  taskQueue: string;
  sb: TestSandbox;
  connectionId: string;
  key: string;
}

/** One write route: how to set it up, which call the fault hits, what to start, what must hold after. */
interface Route {
  name: string;
  system: string;
  /** The calls the fault matches (method and path prefix), given what `prepare` made. */
  target: (made: Made) => { method: 'POST' | 'PUT'; pathPrefix: string };
  /** Records the write needs (a PO to update, a work order to change), made without faults. */
  prepare?: (c: Ctx) => Promise<Made>;
  start: (c: Ctx, made: Made) => Promise<{ result(): Promise<unknown> }>;
  /**
   * Checks the sandbox's state; `refused`: the fault was a refusal, so nothing may be written;
   * `late`: the late duplicates the write says it undid (its result's `duplicatesUndone`) or left
   * (its `LateDuplicateLeft` failure's `leftInSystem`).
   */
  check: (c: Ctx, made: Made, refused: boolean, late: Late) => Promise<void>;
  /** A late second record of this route cannot be undone (a line, a material): the write reports it (`LateDuplicateLeft`). */
  reportsLateDuplicates?: true;
  /** The connection's sandbox switches for the case. */
  behaviour?: BehaviourPatch;
  /** Profile overrides of the route's connection (a transport), beside the matrix's timing. */
  overrides?: Record<string, unknown>;
}
interface Late {
  undone: readonly string[];
  left: readonly string[];
}
type Made = Record<string, string>;

const state = (c: Ctx) => c.sb.sandbox.admin.state(c.connectionId);
const opts = (c: Ctx) => ({ taskQueue: c.taskQueue });

async function makePo(c: Ctx): Promise<Made> {
  const done = await (await startCreatePurchaseOrder(c.client, poInput(c.connectionId, `${c.key}-po`, { lines: 3 }), opts(c))).result();
  return { po: done.purchaseOrderKey };
}

async function makeWo(c: Ctx, workOrder: Record<string, unknown> = { title: 'Inspect pump' }): Promise<Made> {
  const done = await (
    await startCreateWorkOrder(c.client, { connectionId: c.connectionId, idempotencyKey: `${c.key}-wo`, workOrder }, opts(c))
  ).result();
  return { wo: done.workOrderKey };
}

/** What the case made: every record on its connection but those `prepare` made, and the duplicates it undid. */
function madeByCase<T extends { key: string; status?: unknown }>(records: T[], made: Made, { undone }: Late): T[] {
  const prepared = new Set(Object.values(made));
  const mine = records.filter((r) => !prepared.has(r.key));
  // An undone late duplicate stays in the system, cancelled: it counts as undone, not as a record.
  for (const key of undone) expect(mine.find((r) => r.key === key)?.status, `late duplicate ${key}`).toBe('cancelled');
  return mine.filter((r) => !undone.includes(r.key));
}

/** Records reported left (`LateDuplicateLeft`) are there, and are not the write's own. */
function withoutLeft<T extends { key?: string }>(records: T[], { left }: Late): T[] {
  for (const key of left)
    expect(
      records.some((r) => r.key === key),
      `late duplicate ${key} reported left`,
    ).toBe(true);
  return records.filter((r) => r.key === undefined || !left.includes(r.key));
}

async function expectOnePoWithLines(c: Ctx, refused: boolean, late: Late, lineItemsRefused = false) {
  const s = await state(c);
  const pos = madeByCase(s.purchaseOrders, {}, late);
  if (refused && !lineItemsRefused) return expect(pos).toHaveLength(0);
  expect(pos).toHaveLength(1);
  const lines = withoutLeft(pos[0]!.lineItems, late).map((l) => Number(l.lineNo));
  if (lineItemsRefused) {
    // The refused line undid the header: cancelled, and no line written twice.
    expect(pos[0]!.status).toBe('cancelled');
    expect(new Set(lines).size).toBe(lines.length);
    // Nothing was sent after the refused line (the sandbox's request record).
    const log = await c.sb.sandbox.admin.requestLog(c.connectionId);
    const linePosts = log.filter((r) => r.method === 'POST' && r.path.endsWith('/line-items'));
    const refusedAt = linePosts.findIndex((r) => r.status === 409);
    expect(refusedAt, 'the refused line').toBeGreaterThanOrEqual(0);
    expect(
      linePosts.slice(refusedAt + 1).map((r) => (r.body as { lineNo?: unknown }).lineNo),
      'lines sent after the refused one',
    ).toEqual([]);
  } else {
    expect(lines.sort()).toEqual([1, 2, 3]);
  }
}

/** The PO create every create route starts (the route decides which call the fault hits). */
const startPoCreate = (c: Ctx) =>
  startCreatePurchaseOrder(c.client, poInput(c.connectionId, c.key, { lines: 3, retryBudget: BUDGET }), opts(c));

const ROUTES: Route[] = [
  {
    name: 'PO create, lines with the header (sap)',
    system: 'sap',
    target: () => ({ method: 'POST', pathPrefix: MakiniPath.purchaseOrders() }),
    start: startPoCreate,
    check: (c, _m, refused, late) => expectOnePoWithLines(c, refused, late),
  },
  {
    name: 'PO create, header of a line-by-line system (dynamics)',
    system: 'dynamics',
    // The header POST is the exact path; lines go to `<po>/line-items`, which a fault on the header
    // would also match as a prefix: `times` counts from the header, so it hits the header first.
    target: () => ({ method: 'POST', pathPrefix: MakiniPath.purchaseOrders() }),
    start: startPoCreate,
    check: (c, _m, refused, late) => expectOnePoWithLines(c, refused, late),
  },
  {
    name: 'PO create, each line of a line-by-line system (dynamics)',
    system: 'dynamics',
    target: () => ({ method: 'POST', pathPrefix: `${MakiniPath.purchaseOrders()}/` }),
    start: startPoCreate,
    check: (c, _m, refused, late) => expectOnePoWithLines(c, refused, late, refused),
    reportsLateDuplicates: true,
    behaviour: { repeatedLines: 'accepted' },
  },
  {
    // The system's own API through Makini's passthrough: every line in one native upsert by
    // external id (NetSuite dedupes it: a resend after a lost answer is a no-op, no sweep needed).
    name: 'PO create through the passthrough (netsuite-rest)',
    system: 'netsuite',
    overrides: { purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'netsuite-rest' } } } },
    target: () => ({ method: 'POST', pathPrefix: `${MakiniPath.passthrough()}/put/` }),
    start: startPoCreate,
    check: (c, _m, refused, late) => expectOnePoWithLines(c, refused, late),
  },
  {
    // SAP's own OData through the passthrough: a CSRF fetch, then one deep insert (not deduplicated
    // by SAP: the commit horizon and the sweep apply). SAP's Your Reference holds 12 characters.
    name: 'PO create through the passthrough (sap-odata)',
    system: 'sap',
    overrides: { purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'sap-odata' } } } },
    target: () => ({ method: 'POST', pathPrefix: `${MakiniPath.passthrough()}/post/` }),
    start: (c) => startPoCreate({ ...c, key: c.key.slice(-12) }),
    check: (c, _m, refused, late) => expectOnePoWithLines(c, refused, late),
  },
  {
    // Dynamics' own OData: the header and every line in one $batch changeset; the PO number is the
    // key, so a resend is refused as existing, never a second PO.
    name: 'PO create through the passthrough (dynamics-batch)',
    system: 'dynamics',
    overrides: { purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'dynamics-batch' } } } },
    target: () => ({ method: 'POST', pathPrefix: `${MakiniPath.passthrough()}/post/data/$batch` }),
    start: startPoCreate,
    check: (c, _m, refused, late) => expectOnePoWithLines(c, refused, late),
  },
  {
    name: 'PO update (sap)',
    system: 'sap',
    prepare: makePo,
    target: (m) => ({ method: 'PUT', pathPrefix: MakiniPath.purchaseOrder(m.po!) }),
    start: (c, m) =>
      startUpdatePurchaseOrder(
        c.client,
        {
          connectionId: c.connectionId,
          idempotencyKey: c.key,
          purchaseOrderKey: m.po!,
          changes: { title: `title ${c.key}` },
          retryBudget: BUDGET,
        },
        opts(c),
      ),
    check: async (c, m, refused) => {
      const po = (await state(c)).purchaseOrders.find((p) => p.key === m.po);
      expect(po?.title === `title ${c.key}`).toBe(!refused);
    },
  },
  {
    name: 'PO cancel by status change (sap)',
    system: 'sap',
    prepare: makePo,
    target: (m) => ({ method: 'PUT', pathPrefix: MakiniPath.purchaseOrderStatus(m.po!) }),
    start: (c, m) =>
      startCancelPurchaseOrder(
        c.client,
        { connectionId: c.connectionId, idempotencyKey: c.key, purchaseOrderKey: m.po!, retryBudget: BUDGET },
        opts(c),
      ),
    check: async (c, m, refused) => {
      const po = (await state(c)).purchaseOrders.find((p) => p.key === m.po);
      expect(po?.status === 'cancelled').toBe(!refused);
    },
  },
  {
    name: 'work-order create (sap)',
    system: 'sap',
    target: () => ({ method: 'POST', pathPrefix: MakiniPath.workOrders() }),
    start: (c) =>
      startCreateWorkOrder(
        c.client,
        { connectionId: c.connectionId, idempotencyKey: c.key, workOrder: { title: 'Replace bearing' }, retryBudget: BUDGET },
        opts(c),
      ),
    check: async (c, m, refused, late) => {
      expect(madeByCase((await state(c)).workOrders, m, late)).toHaveLength(refused ? 0 : 1);
    },
  },
  {
    name: 'work-order update (sap)',
    system: 'sap',
    prepare: (c) => makeWo(c),
    target: (m) => ({ method: 'PUT', pathPrefix: MakiniPath.workOrder(m.wo!) }),
    start: (c, m) =>
      startUpdateWorkOrder(
        c.client,
        {
          connectionId: c.connectionId,
          idempotencyKey: c.key,
          workOrderKey: m.wo!,
          changes: { title: `title ${c.key}` },
          retryBudget: BUDGET,
        },
        opts(c),
      ),
    check: async (c, m, refused) => {
      const wo = (await state(c)).workOrders.find((w) => w.key === m.wo);
      expect(wo?.title === `title ${c.key}`).toBe(!refused);
    },
  },
  {
    name: 'work-order status change (emaint)',
    system: 'emaint',
    prepare: (c) => makeWo(c, { title: 'Grease bearings', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' }),
    target: (m) => ({ method: 'PUT', pathPrefix: MakiniPath.workOrderStatus(m.wo!) }),
    start: (c, m) =>
      startChangeWorkOrderStatus(
        c.client,
        { connectionId: c.connectionId, idempotencyKey: c.key, workOrderKey: m.wo!, status: 'in-progress', retryBudget: BUDGET },
        opts(c),
      ),
    check: async (c, m, refused) => {
      const wo = (await state(c)).workOrders.find((w) => w.key === m.wo);
      expect(wo?.status === 'in-progress').toBe(!refused);
    },
  },
  {
    name: 'work-order materials (sap)',
    system: 'sap',
    prepare: (c) => makeWo(c),
    target: (m) => ({ method: 'POST', pathPrefix: MakiniPath.workOrderMaterials(m.wo!) }),
    start: (c, m) =>
      startAddWorkOrderMaterials(
        c.client,
        {
          connectionId: c.connectionId,
          idempotencyKey: c.key,
          workOrderKey: m.wo!,
          materials: [
            { materialKey: 'mat-1', requiredQuantity: 2 },
            { materialKey: 'mat-3', requiredQuantity: 1 },
          ],
          retryBudget: BUDGET,
        },
        opts(c),
      ),
    check: async (c, m, refused, late) => {
      const wo = (await state(c)).workOrders.find((w) => w.key === m.wo);
      const materials = withoutLeft(wo?.materials ?? [], late)
        .map((x) => x.materialKey)
        .sort();
      // A refused first material stops the write before the second.
      expect(materials).toEqual(refused ? [] : ['mat-1', 'mat-3']);
    },
    reportsLateDuplicates: true,
    behaviour: { repeatedLines: 'accepted' },
  },
  {
    name: 'inventory update, absolute values (sap)',
    system: 'sap',
    target: () => ({ method: 'PUT', pathPrefix: MakiniPath.inventory('inv-2') }),
    start: (c) =>
      startUpdateInventory(
        c.client,
        { connectionId: c.connectionId, idempotencyKey: c.key, inventoryKey: 'inv-2', changes: { quantity: 77 }, retryBudget: BUDGET },
        opts(c),
      ),
    check: async (c, _m, refused) => {
      const inv = (await state(c)).inventories.find((i) => i.key === 'inv-2');
      expect(inv?.quantity).toBe(refused ? 40 : 77);
    },
  },
  {
    name: 'inventory adjust, a delta exactly once (sap)',
    system: 'sap',
    target: () => ({ method: 'PUT', pathPrefix: MakiniPath.inventory('inv-1') }),
    start: (c) =>
      startAdjustInventory(
        c.client,
        { connectionId: c.connectionId, idempotencyKey: c.key, inventoryKey: 'inv-1', delta: -4, retryBudget: BUDGET },
        opts(c),
      ),
    check: async (c, _m, refused) => {
      const inv = (await state(c)).inventories.find((i) => i.key === 'inv-1');
      expect(inv?.quantity).toBe(refused ? 120 : 116);
    },
  },
];

/** A fault kind as the sandbox takes it, and whether it can come committed, uncommitted or both. */
interface FaultKindCase {
  name: string;
  fault: FaultScript;
  commits: readonly boolean[];
  /** A refusal: the write must fail (typed) and write nothing. */
  refusal?: boolean;
  /** The system commits it this long after it arrived: the case checks only once it has. */
  commitsAfterMs?: number;
  /** Only the first attempt (a second late commit would be beyond the horizon of the resend too). */
  firstAttemptOnly?: true;
  /** Commits after the horizon: the sweep undoes the duplicate, or (lines, materials) reports it. */
  beyondHorizon?: true;
}
/** Committed after the client gave up, before the horizon: the lookup at the horizon finds it. */
const LATE_INSIDE_MS = REQUEST_TIMEOUT_MS + 1_000;
/** Committed after the horizon and after the write sent again: the sweep must undo it. */
const LATE_BEYOND_MS = REQUEST_TIMEOUT_MS + COMMIT_HORIZON_MS + 1_500;
const FAULT_KINDS: FaultKindCase[] = [
  { name: '500 JSON', fault: { kind: 'server-error', status: 500 }, commits: [false, true] },
  { name: '503 Retry-After', fault: { kind: 'server-error', status: 503, retryAfterSeconds: 1 }, commits: [false, true] },
  { name: '504 JSON', fault: { kind: 'server-error', status: 504 }, commits: [false, true] },
  { name: '502 HTML', fault: { kind: 'html-error', status: 502 }, commits: [false, true] },
  { name: '500 empty', fault: { kind: 'empty-error', status: 500 }, commits: [false, true] },
  { name: '200 garbled', fault: { kind: 'malformed-success', body: '{"data":{"trunc' }, commits: [false, true] },
  { name: 'dropped connection', fault: { kind: 'drop' }, commits: [false, true] },
  { name: 'answer after the timeout', fault: { kind: 'late', delayMs: REQUEST_TIMEOUT_MS + 1_000 }, commits: [true] },
  {
    name: 'late commit inside the horizon',
    fault: { kind: 'late', commitDelayMs: LATE_INSIDE_MS, delayMs: 0 },
    commits: [true],
    commitsAfterMs: LATE_INSIDE_MS,
  },
  {
    name: 'late commit beyond the horizon',
    fault: { kind: 'late', commitDelayMs: LATE_BEYOND_MS, delayMs: 0 },
    commits: [true],
    commitsAfterMs: LATE_BEYOND_MS,
    firstAttemptOnly: true,
    beyondHorizon: true,
  },
  { name: '429 Retry-After', fault: { kind: 'rate-limit', retryAfterSeconds: 1 }, commits: [false] },
  {
    name: '409 refusal',
    fault: { kind: 'reject', status: 409, code: 'WRITE_NOT_ALLOWED', message: 'refused by the test' },
    commits: [false],
    refusal: true,
  },
];
/** Which attempts the fault hits: the first only, or the first and its retry. */
const ATTEMPTS = [1, 2] as const;

interface MatrixCase {
  route: Route;
  kind: FaultKindCase;
  commit: boolean;
  times: (typeof ATTEMPTS)[number];
}

/** The whole product, generated from the four lists (less what a route or kind rules out). */
const PRODUCT: MatrixCase[] = ROUTES.flatMap((route) =>
  FAULT_KINDS.flatMap((kind) =>
    kind.commits.flatMap((commit) =>
      ATTEMPTS.filter((times) => times === 1 || !kind.firstAttemptOnly).map((times) => ({ route, kind, commit, times })),
    ),
  ),
);

const label = (m: MatrixCase) => `${m.route.name} × ${m.kind.name} × ${m.commit ? 'committed' : 'not committed'} × attempts 1..${m.times}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(ms, 0)));
const KNOWN_FAILURE_TYPES = new Set<string>([...Object.values(WriteFailureType), ...Object.values(MakiniFailureType)]);

function chooseCases(): { cases: MatrixCase[]; seed: number; how: string } {
  const seed = Number(process.env.MATRIX_SEED ?? Date.now() % 1_000_000);
  // MATRIX_FILTER=text: only the cases whose label contains it (to look at one route or kind).
  const filter = process.env.MATRIX_FILTER;
  if (filter) return { cases: PRODUCT.filter((m) => label(m).includes(filter)), seed, how: `MATRIX_FILTER=${filter}` };
  if (process.env.MATRIX_FULL) return { cases: PRODUCT, seed, how: 'MATRIX_FULL' };
  // One case of every route × fault kind (which commit and attempts: drawn), then a sample of the
  // rest, both drawn by fast-check from the printed seed.
  const strata = new Map<string, MatrixCase[]>();
  for (const m of PRODUCT) {
    const k = `${m.route.name} × ${m.kind.name}`;
    strata.set(k, [...(strata.get(k) ?? []), m]);
  }
  const [draw] = fc.sample(fc.tuple(fc.array(fc.nat(), { minLength: strata.size, maxLength: strata.size }), fc.infiniteStream(fc.nat())), {
    seed,
    numRuns: 1,
  });
  const [picks, more] = draw!;
  const each = [...strata.values()].map((variants, i) => variants[picks[i]! % variants.length]!);
  const rest = PRODUCT.filter((m) => !each.includes(m));
  const extra = Math.min(rest.length, Number(process.env.MATRIX_EXTRA ?? 16));
  // A partial Fisher–Yates shuffle of the rest, by the drawn stream.
  const it = more[Symbol.iterator]();
  for (let i = 0; i < extra; i++) {
    const j = i + ((it.next().value as number) % (rest.length - i));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return {
    cases: [...each, ...rest.slice(0, extra)],
    seed,
    how: `one of each of the ${strata.size} route × fault kind pairs, and ${extra} more sampled`,
  };
}

describe('fault matrix: every write route × fault kind × committed or not × attempts', () => {
  const { cases, seed, how } = chooseCases();
  let stack: WriteStack;

  beforeAll(async () => {
    console.log(
      `[fault-matrix] ${cases.length} of ${PRODUCT.length} cases: ${how} (seed ${seed}; MATRIX_FULL=1 for all, MATRIX_SEED=${seed} to repeat)`,
    );
    stack = await startWriteStack({
      taskQueuePrefix: 'matrix',
      connections: cases.map((m, i) => ({
        id: `fm-${i}`,
        system: m.route.system,
        overrides: { timing: { commitHorizonMs: COMMIT_HORIZON_MS }, ...m.route.overrides },
      })),
      worker: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    });
  }, 120_000);
  afterAll(() => stack?.stop());

  async function runCase(m: MatrixCase, i: number): Promise<void> {
    const c: Ctx = { client: stack.client, taskQueue: stack.taskQueue, sb: stack.sb, connectionId: `fm-${i}`, key: `fm-${seed}-${i}` };
    const made = (await m.route.prepare?.(c)) ?? {};
    if (m.route.behaviour) await c.sb.sandbox.admin.setBehaviour(c.connectionId, m.route.behaviour);
    const fault: FaultScript = { ...m.kind.fault, ...m.route.target(made), times: m.times };
    if (m.kind.commits.length > 1) fault.commit = m.commit;
    await c.sb.sandbox.admin.scriptFaults(c.connectionId, [fault]);
    const started = Date.now();
    const handle = await m.route.start(c, made);
    const late: { undone: readonly string[]; left: readonly string[] } = { undone: [], left: [] };
    const outcome = await handle.result().then(
      (result) => {
        late.undone = (result as { duplicatesUndone?: string[] }).duplicatesUndone ?? [];
        return undefined;
      },
      (err: unknown) => err,
    );
    // A late commit still to come would change what the check sees: wait for it.
    if (m.kind.commitsAfterMs !== undefined) await sleep(started + m.kind.commitsAfterMs + 500 - Date.now());
    if (outcome !== undefined) {
      // Every failure is typed and named: an ApplicationFailure of an exported type with a message.
      expect(outcome, label(m)).toBeInstanceOf(WorkflowFailedError);
      const cause = (outcome as WorkflowFailedError).cause;
      expect(cause, label(m)).toBeInstanceOf(ApplicationFailure);
      expect(KNOWN_FAILURE_TYPES.has((cause as ApplicationFailure).type ?? ''), `${label(m)}: ${(cause as ApplicationFailure).type}`).toBe(
        true,
      );
      expect((cause as Error).message.length).toBeGreaterThan(0);
      // A late line or material beyond the horizon cannot be undone: the write reports it, naming it.
      const reportsLate = m.kind.beyondHorizon && m.route.reportsLateDuplicates;
      if (reportsLate && (cause as ApplicationFailure).type === WriteFailureType.lateDuplicateLeft) {
        late.left = ((cause as ApplicationFailure).details?.[0] as { leftInSystem: string[] }).leftInSystem;
        expect(late.left.length, label(m)).toBeGreaterThan(0);
      } else if (!m.kind.refusal) {
        // Only a refusal may fail otherwise.
        throw new Error(`${label(m)} failed: ${(cause as Error).message}`);
      }
    } else {
      expect(m.kind.refusal, `${label(m)}: a refusal must fail the write`).toBeFalsy();
    }
    await m.route.check(c, made, m.kind.refusal === true, late);
  }

  it(`holds the invariants on every case`, async () => {
    const failures: string[] = [];
    for (let start = 0; start < cases.length; start += BATCH) {
      const batch = cases.slice(start, start + BATCH);
      const results = await Promise.allSettled(batch.map((m, j) => runCase(m, start + j)));
      results.forEach((r, j) => {
        if (r.status === 'rejected') failures.push(`${label(batch[j]!)}: ${(r.reason as Error).message}`);
      });
    }
    console.log(`[fault-matrix] ran ${cases.length} cases, ${failures.length} failed`);
    expect(failures).toEqual([]);
  }, 900_000);
});
