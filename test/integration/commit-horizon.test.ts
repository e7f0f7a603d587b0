// Exactly once past the timeout: a system may commit a create long after the client gave up on it
// (the sandbox's `late` fault with `commitDelayMs`: it holds the request, then commits it), and a
// worker may hold a call past its attempt. Real dev server, production worker, sandbox over HTTP;
// the connections' commit horizons are a few seconds (profile overrides) to keep the tests short.
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAddWorkOrderMaterials, startCreatePurchaseOrder, startCreateWorkOrder, WriteFailureType } from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { SA_LATE_DUPLICATE, SA_WAITING_FOR } from '../../src/observability/workflow/search-attributes.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { poInput } from '../support/po-input.js';
import { uniqueKey } from '../support/production-worker.js';

/** The client gives up after 1 s (the worker's and the profile's request timeout). */
const REQUEST_TIMEOUT_MS = 1_000;
/** The same settle delay as before the horizon existed, so the old code looks once, as early. */
const BUDGET = { ambiguousSettleMs: 300, baseBackoffMs: 200, maxBackoffMs: 400 };
const timing = (commitHorizonMs: number) => ({ timing: { requestTimeoutMs: REQUEST_TIMEOUT_MS, settleMs: 300, commitHorizonMs } });

const po = (connectionId: string, idempotencyKey: string) => poInput(connectionId, idempotencyKey, { retryBudget: BUDGET });
const lateCommit = (commitDelayMs: number) => ({
  kind: 'late' as const,
  method: 'POST' as const,
  pathPrefix: MakiniPath.purchaseOrders(),
  commitDelayMs,
  delayMs: 0,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When a call to the token provider holds the first PO create (a vault or token endpoint hanging). */
const STALL_MS = 32_000;
let stallArmed = false;

describe('exactly once past the timeout', () => {
  let stack: WriteStack;
  const opts = () => ({ taskQueue: stack.taskQueue });
  const posWith = async (id: string, k: string) => (await stack.sb.sandbox.admin.state(id)).purchaseOrders.filter((p) => p.code === k);
  const timerSummaries = async (h: WorkflowHandle) =>
    ((await h.fetchHistory()).events ?? [])
      .filter((e) => e.timerStartedEventAttributes)
      .map((e) => Buffer.from(e.userMetadata?.summary?.data ?? new Uint8Array()).toString());

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'horizon',
      connections: [
        { id: 'sap-inside', system: 'sap', overrides: timing(9_000) },
        { id: 'sap-beyond', system: 'sap', overrides: timing(3_000) },
        {
          id: 'sap-no-undo',
          system: 'sap',
          overrides: { ...timing(3_000), purchaseOrder: { delete: { by: 'impossible', reason: 'this SAP has no deletion indicator' } } },
        },
        { id: 'sap-stalled', system: 'sap', tokenProvider: 'stalling', overrides: timing(100) },
        { id: 'dyn-lines', system: 'dynamics', overrides: timing(3_000) },
        { id: 'sap-materials', system: 'sap', overrides: timing(3_000) },
      ],
      worker: {
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        tokenProviders: {
          // Holds the first PO create after it is armed: the attempt ends (server side) meanwhile.
          stalling: async () => {
            if (stallArmed && Context.current().info.activityType === 'createPurchaseOrder') {
              stallArmed = false;
              await sleep(STALL_MS);
            }
            return stack.sb.tokens['sap-stalled']!;
          },
        },
      },
    });
  });
  afterAll(() => stack?.stop());

  it('a create the system commits 5 s after the client gave up is found by a lookup before the horizon, never sent twice', async () => {
    const k = uniqueKey('inside');
    await stack.sb.sandbox.admin.scriptFaults('sap-inside', [lateCommit(5_000)]);
    const handle = await startCreatePurchaseOrder(stack.client, po('sap-inside', k), opts());
    // While it waits, ops see why (search attribute and the timer's summary).
    await sleep(3_000);
    expect((await handle.describe()).typedSearchAttributes.get(SA_WAITING_FOR)).toBe('commit-horizon');
    const done = await handle.result();
    expect(await posWith('sap-inside', k)).toHaveLength(1);
    expect(done.purchaseOrderKey).toBe((await posWith('sap-inside', k))[0]!.key);
    const create = done.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(create.note).toMatch(/found it/);
    // One POST: the lookup found the late commit, nothing was sent again.
    const posts = (await stack.sb.sandbox.admin.requestLog('sap-inside')).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    const summaries = await timerSummaries(handle);
    expect(summaries.filter((s) => /sap may commit a write up to 9\.0 s late \(its commit horizon\)/.test(s))).toHaveLength(2);
    expect((await handle.describe()).typedSearchAttributes.get(SA_WAITING_FOR)).toBeUndefined();
  });

  it('a create committed past the horizon, after the write sent again: the sweep cancels the late duplicate and says so', async () => {
    const k = uniqueKey('beyond');
    // Committed 5.5 s after it arrived; the horizon (3 s after the unknown outcome) passed before.
    await stack.sb.sandbox.admin.scriptFaults('sap-beyond', [lateCommit(5_500)]);
    const handle = await startCreatePurchaseOrder(stack.client, po('sap-beyond', k), opts());
    const done = await handle.result();
    const records = await posWith('sap-beyond', k);
    expect(records).toHaveLength(2);
    const duplicate = records.find((p) => p.key !== done.purchaseOrderKey)!;
    expect(done.duplicatesUndone).toEqual([duplicate.key]);
    expect(duplicate.status).toBe('cancelled');
    expect(records.find((p) => p.key === done.purchaseOrderKey)!.status).not.toBe('cancelled');
    expect((await handle.describe()).typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('undone');
    expect(done.steps.map((s) => s.name)).toContain('sweep for late duplicates');
  });

  it('a late duplicate on a system that cannot undo fails typed, naming the record left and the one kept', async () => {
    const k = uniqueKey('no-undo');
    await stack.sb.sandbox.admin.scriptFaults('sap-no-undo', [lateCommit(5_500)]);
    const handle = await startCreatePurchaseOrder(stack.client, po('sap-no-undo', k), opts());
    const err: unknown = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe(WriteFailureType.lateDuplicateLeft);
    const records = await posWith('sap-no-undo', k);
    expect(records).toHaveLength(2);
    const details = failure.details?.[0] as { kept: string; leftInSystem: string[] };
    expect(records.map((r) => r.key).sort()).toEqual([details.kept, ...details.leftInSystem].sort());
    expect(failure.message).toContain(details.leftInSystem[0]);
    expect((await handle.describe()).typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('left');
  });

  /** The typed failure of a write that must fail, and its details. */
  const lateDuplicateLeft = async (h: WorkflowHandle) => {
    const err: unknown = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe(WriteFailureType.lateDuplicateLeft);
    return { failure, details: failure.details?.[0] as { kept: string; leftInSystem: string[] } };
  };

  it('a line committed past the horizon, after it was sent again, on a system that accepts a repeated lineNo: LateDuplicateLeft names it', async () => {
    const k = uniqueKey('late-line');
    await stack.sb.sandbox.admin.setBehaviour('dyn-lines', { repeatedLines: 'accepted' });
    // The first line POST (the header's path is exact, lines go to <po>/line-items) commits 5.5 s late.
    await stack.sb.sandbox.admin.scriptFaults('dyn-lines', [{ ...lateCommit(5_500), pathPrefix: `${MakiniPath.purchaseOrders()}/` }]);
    const handle = await startCreatePurchaseOrder(stack.client, poInput('dyn-lines', k, { lines: 2, retryBudget: BUDGET }), opts());
    const { failure, details } = await lateDuplicateLeft(handle);
    const [record] = await posWith('dyn-lines', k);
    expect(record!.lineItems.map((l) => Number(l.lineNo)).sort()).toEqual([1, 1, 2]);
    expect(details.kept).toBe(record!.key);
    // One of the two lines 1 is the write's, the other is named as left.
    const ones = record!.lineItems.filter((l) => Number(l.lineNo) === 1).map((l) => l.key);
    expect(details.leftInSystem).toHaveLength(1);
    expect(ones).toContain(details.leftInSystem[0]);
    expect(failure.message).toContain(`${details.leftInSystem[0]} NOT undone (a second lineNo 1`);
    expect((await handle.describe()).typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('left');
  });

  it('a line sent again with no late commit: the sweep looks once more, finds no second line, and the write succeeds', async () => {
    const k = uniqueKey('line-resent');
    await stack.sb.sandbox.admin.setBehaviour('dyn-lines', { repeatedLines: 'accepted' });
    // Dropped before it reached the system: unknown outcome, nothing found up to the horizon, sent again.
    await stack.sb.sandbox.admin.scriptFaults('dyn-lines', [
      { kind: 'drop', method: 'POST', pathPrefix: `${MakiniPath.purchaseOrders()}/` },
    ]);
    const handle = await startCreatePurchaseOrder(stack.client, poInput('dyn-lines', k, { lines: 2, retryBudget: BUDGET }), opts());
    const done = await handle.result();
    expect(done.lineItemKeys).toHaveLength(2);
    expect(done.steps.find((s) => s.name === 'sweep for late duplicates')?.note).toMatch(/no second line of lineNo 1/);
    expect((await handle.describe()).typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('none');
  });

  it('a work-order material committed past the horizon on a system that accepts it twice: LateDuplicateLeft names it', async () => {
    const k = uniqueKey('late-material');
    const wo = await (
      await startCreateWorkOrder(
        stack.client,
        { connectionId: 'sap-materials', idempotencyKey: `${k}-wo`, workOrder: { title: 'Swap belt' } },
        opts(),
      )
    ).result();
    await stack.sb.sandbox.admin.setBehaviour('sap-materials', { repeatedLines: 'accepted' });
    await stack.sb.sandbox.admin.scriptFaults('sap-materials', [
      { ...lateCommit(5_500), pathPrefix: MakiniPath.workOrderMaterials(wo.workOrderKey) },
    ]);
    const handle = await startAddWorkOrderMaterials(
      stack.client,
      {
        connectionId: 'sap-materials',
        idempotencyKey: k,
        workOrderKey: wo.workOrderKey,
        materials: [{ materialKey: 'mat-2', requiredQuantity: 3 }],
        retryBudget: BUDGET,
      },
      opts(),
    );
    const { failure, details } = await lateDuplicateLeft(handle);
    const materials = (await stack.sb.sandbox.admin.state('sap-materials')).workOrders.find((w) => w.key === wo.workOrderKey)!.materials;
    expect(materials.map((m) => m.materialKey)).toEqual(['mat-2', 'mat-2']);
    expect(details.kept).toBe(wo.workOrderKey);
    expect(details.leftInSystem).toHaveLength(1);
    expect(materials.map((m) => m.key)).toContain(details.leftInSystem[0]);
    expect(failure.message).toContain('a second materialKey mat-2');
    expect((await handle.describe()).typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('left');
  });

  it('a create held inside the worker past its attempt (a stalled token source) is never sent: one PO', async () => {
    const k = uniqueKey('stalled');
    stallArmed = true;
    const started = Date.now();
    const handle = await startCreatePurchaseOrder(stack.client, po('sap-stalled', k), opts());
    const done = await handle.result();
    // The held attempt timed out; the workflow looked, found nothing, and sent again.
    const create = done.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(create.attempts).toBe(2);
    // Until the held call has woken up and given up.
    await sleep(Math.max(started + STALL_MS + 2_000 - Date.now(), 0));
    expect(await posWith('sap-stalled', k)).toHaveLength(1);
    const posts = (await stack.sb.sandbox.admin.requestLog('sap-stalled')).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    // It arrived within the second attempt, not when the first one woke up.
    expect(Date.parse(posts[0]!.time) - started).toBeLessThan(STALL_MS);
  }, 60_000);
});
