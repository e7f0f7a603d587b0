// Purchase orders end to end: real Temporal dev server, production worker, sandbox over HTTP.
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  writeWorkflowId,
  startCreatePurchaseOrder,
  startUpdatePurchaseOrder,
  startCancelPurchaseOrder,
  WriteFailureType,
} from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { eventMs } from '../../bench/lib/history-times.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import type { TestSandbox } from '../support/sandbox.js';
import { uniqueKey } from '../support/production-worker.js';
import { saveHistory } from '../support/temporal.js';
import { poInput } from '../support/po-input.js';

const po = (connectionId: string, idempotencyKey: string, lines = 3) =>
  poInput(connectionId, idempotencyKey, { lines, title: `PO ${idempotencyKey}` });

/** With RECORD_HISTORIES=1, saves the run's history as a replay fixture (test/histories/<name>.json). */
async function maybeRecord(handle: WorkflowHandle, name: string) {
  if (process.env.RECORD_HISTORIES) await saveHistory(handle, `test/histories/${name}.json`);
}

describe('purchase order workflows', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  const key = uniqueKey;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'po',
      connections: [
        { id: 'sap-1', system: 'sap' },
        { id: 'dyn-1', system: 'dynamics', discoverSystem: true },
      ],
    });
    ({ sb, client, taskQueue } = stack);
  });
  afterAll(() => stack?.stop());

  const posWithCode = async (connectionId: string, code: string) =>
    (await sb.sandbox.admin.state(connectionId)).purchaseOrders.filter((p) => p.code === code);

  it('creates a PO with 20 lines on the SAP-like system in ONE request', async () => {
    const k = key('sap20');
    const handle = await startCreatePurchaseOrder(client, po('sap-1', k, 20), { taskQueue });
    const result = await handle.result();
    expect(result.lineItemKeys).toHaveLength(20);
    const [created, ...others] = await posWithCode('sap-1', k);
    expect(others).toEqual([]);
    expect(created?.lineItems).toHaveLength(20);
    const writes = (await sb.sandbox.admin.requestLog('sap-1')).filter((r) => r.method !== 'GET' && r.path.includes('purchase-orders'));
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual(['POST /api/eam/purchase-orders']);
    expect(result.steps.map((s) => s.name)).toContain('create purchase order with 20 lines');
    expect(result.steps.every((s) => s.outcome === 'succeeded')).toBe(true);
    await maybeRecord(handle, 'create-po-sap-20-lines');
  });

  it('creates header then each line on the line-by-line system', async () => {
    const k = key('dyn20');
    const handle = await startCreatePurchaseOrder(client, po('dyn-1', k, 20), { taskQueue });
    const result = await handle.result();
    expect(result.lineItemKeys).toHaveLength(20);
    const [created, ...others] = await posWithCode('dyn-1', k);
    expect(others).toEqual([]);
    expect(created?.lineItems?.map((l) => Number(l.lineNo)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const writes = (await sb.sandbox.admin.requestLog('dyn-1')).filter((r) => r.method === 'POST' && r.path.includes(created!.key));
    expect(writes).toHaveLength(20);
    await maybeRecord(handle, 'create-po-dynamics-20-lines');
  });

  it('cancels the header when a line is refused for good, naming the line and the rule', async () => {
    const k = key('dynrefused');
    const input = po('dyn-1', k, 4);
    await sb.sandbox.admin.scriptFaults('dyn-1', [
      {
        kind: 'reject',
        method: 'POST',
        pathPrefix: '/api/eam/purchase-orders/',
        status: 400,
        code: 'VALIDATION_FAILED',
        skip: 2,
        message: 'material mat-3 is blocked for purchasing',
      },
    ]);
    const handle = await startCreatePurchaseOrder(client, input, { taskQueue });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(WriteFailureType.compensated);
    expect(cause.message).toMatch(/line 3 failed for good/);
    expect(cause.message).toMatch(/VALIDATION_FAILED/);
    expect(cause.message).toMatch(/material mat-3 is blocked/);
    expect(cause.message).toMatch(/compensated: cancelled purchase order/);
    const [created] = await posWithCode('dyn-1', k);
    expect(created?.status).toBe('cancelled');
    // Lines 1 and 2 landed, line 3 was refused, and line 4 was never sent (the sandbox's request record).
    const linePosts = (await sb.sandbox.admin.requestLog('dyn-1')).filter(
      (r) => r.method === 'POST' && r.path === MakiniPath.purchaseOrderLineItemsOf(created!.key),
    );
    expect(linePosts.map((r) => [(r.body as { lineNo?: unknown }).lineNo, r.status])).toEqual([
      [1, 200],
      [2, 200],
      [3, 400],
    ]);
    expect(created?.lineItems.map((l) => Number(l.lineNo))).toEqual([1, 2]);
    await maybeRecord(handle, 'create-po-dynamics-line-refused');
  });

  it('waits for Retry-After on 429 before the next attempt (from history timestamps)', async () => {
    const k = key('sap429');
    await sb.sandbox.admin.scriptFaults('sap-1', [{ kind: 'rate-limit', method: 'POST', retryAfterSeconds: 2 }]);
    const handle = await startCreatePurchaseOrder(client, po('sap-1', k), { taskQueue });
    const result = await handle.result();
    const step = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(step.attempts).toBe(2);
    expect(step.waits[0]?.cause).toMatch(/^429 RATE_LIMIT_EXCEEDED, Retry-After 2\.0 s, req_/);
    const events = (await handle.fetchHistory()).events ?? [];
    const creates = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'createPurchaseOrder');
    const failedAt = events.find((e) => e.activityTaskFailedEventAttributes)!;
    expect(creates).toHaveLength(2);
    expect(eventMs(creates[1]!) - eventMs(failedAt)).toBeGreaterThanOrEqual(2000);
    const timer = events.find((e) => e.timerStartedEventAttributes);
    expect(Number(timer?.timerStartedEventAttributes?.startToFireTimeout?.seconds)).toBe(2);
    expect(await posWithCode('sap-1', k)).toHaveLength(1);
    await maybeRecord(handle, 'create-po-sap-429-retry-after');
  });

  it('a 503 may have landed: looks the PO up before each of three retries with backoff, then creates it once', async () => {
    const k = key('sap503');
    await sb.sandbox.admin.scriptFaults('sap-1', [{ kind: 'server-error', status: 503, method: 'POST', times: 3 }]);
    const handle = await startCreatePurchaseOrder(
      client,
      { ...po('sap-1', k), retryBudget: { baseBackoffMs: 100, ambiguousSettleMs: 100 } },
      { taskQueue },
    );
    const result = await handle.result();
    const step = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(step.attempts).toBe(4);
    // Each 503: settle, look (not there), back off; never a blind repeat.
    expect(step.waits.map((w) => w.cause.slice(0, 27))).toEqual(
      Array(3).fill(['503 SERVICE_UNAVAILABLE: le', '503 SERVICE_UNAVAILABLE, ba']).flat(),
    );
    expect(result.steps.filter((s) => s.name === 'look up by idempotency key')).toHaveLength(4);
    expect(await posWithCode('sap-1', k)).toHaveLength(1);
    await maybeRecord(handle, 'create-po-sap-503-three-times');
  });

  it('creates exactly one PO when the create commits and then answers 504', async () => {
    const k = key('sap504');
    await sb.sandbox.admin.scriptFaults('sap-1', [{ kind: 'commit-then-fail', status: 504, method: 'POST' }]);
    const handle = await startCreatePurchaseOrder(client, po('sap-1', k, 5), { taskQueue });
    const result = await handle.result();
    const found = await posWithCode('sap-1', k);
    expect(found).toHaveLength(1);
    expect(found[0]?.lineItems).toHaveLength(5);
    expect(result.purchaseOrderKey).toBe(found[0]?.key);
    const step = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(step.attempts).toBe(1);
    expect(step.note).toMatch(/504.*landed/);
    const posts = (await sb.sandbox.admin.requestLog('sap-1')).filter((r) => r.method === 'POST' && r.path === '/api/eam/purchase-orders');
    expect(posts.filter((p) => p.time >= step.startedAt).length).toBe(1);
    await maybeRecord(handle, 'create-po-sap-commit-then-504');
  });

  it('runs one execution and creates one PO when the same key is started twice', async () => {
    const k = key('twice');
    const [a, b] = await Promise.all([
      startCreatePurchaseOrder(client, po('sap-1', k), { taskQueue }),
      startCreatePurchaseOrder(client, po('sap-1', k), { taskQueue }),
    ]);
    expect(a.workflowId).toBe(writeWorkflowId('createPurchaseOrder', 'sap-1', k));
    const [ra, rb] = await Promise.all([a.result(), b.result()]);
    expect(ra.purchaseOrderKey).toBe(rb.purchaseOrderKey);
    // After completion, starting again returns the finished execution, not a new one.
    const c = await startCreatePurchaseOrder(client, po('sap-1', k), { taskQueue });
    expect((await c.result()).purchaseOrderKey).toBe(ra.purchaseOrderKey);
    expect((await c.describe()).runId).toBe((await a.describe()).runId);
    expect(await posWithCode('sap-1', k)).toHaveLength(1);
  });

  it('refuses an update after approval without any write, naming the rule', async () => {
    const k = key('approved');
    const created = await (await startCreatePurchaseOrder(client, po('sap-1', k), { taskQueue })).result();
    // The customer approves the PO in SAP.
    const res = await fetch(`${sb.sandbox.url}/api/eam/purchase-orders/${created.purchaseOrderKey}/status`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sb.tokens['sap-1']}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'approved' }),
    });
    expect(res.status).toBe(200);
    const before = (await sb.sandbox.admin.requestLog('sap-1')).length;
    const handle = await startUpdatePurchaseOrder(
      client,
      {
        connectionId: 'sap-1',
        idempotencyKey: `${k}-upd`,
        purchaseOrderKey: created.purchaseOrderKey,
        changes: { title: 'new title' },
      },
      { taskQueue },
    );
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    const cause = err.cause as ApplicationFailure;
    expect(cause.type).toBe(WriteFailureType.restrictionViolated);
    expect(cause.message).toMatch(/status \[state-locked\].*approved/);
    expect(cause.details?.[0]).toMatchObject({ system: 'sap', violations: [{ field: 'status', rule: 'state-locked', system: 'sap' }] });
    const after = (await sb.sandbox.admin.requestLog('sap-1')).slice(before);
    expect(after.filter((r) => r.method !== 'GET')).toEqual([]);
    await maybeRecord(handle, 'update-po-sap-after-approval-refused');
  });

  it('updates and cancels a draft PO, reading back to confirm', async () => {
    const k = key('updcancel');
    const created = await (await startCreatePurchaseOrder(client, po('sap-1', k), { taskQueue })).result();
    const upd = await (
      await startUpdatePurchaseOrder(
        client,
        {
          connectionId: 'sap-1',
          idempotencyKey: `${k}-u`,
          purchaseOrderKey: created.purchaseOrderKey,
          changes: { title: 'changed', notes: 'rush' },
        },
        { taskQueue },
      )
    ).result();
    expect(upd).toMatchObject({ changedFields: ['title', 'notes'], alreadyApplied: false });
    const cancelled = await (
      await startCancelPurchaseOrder(
        client,
        {
          connectionId: 'sap-1',
          idempotencyKey: `${k}-c`,
          purchaseOrderKey: created.purchaseOrderKey,
        },
        { taskQueue },
      )
    ).result();
    expect(cancelled.status).toBe('cancelled');
    const [stored] = await posWithCode('sap-1', k);
    expect(stored).toMatchObject({ title: 'changed', notes: 'rush', status: 'cancelled' });
  });

  it('rejects bad input with every problem at once, before anything is sent', async () => {
    const bad = {
      connectionId: 'sap-1',
      idempotencyKey: 'has spaces',
      purchaseOrder: { vendorKey: 'V-100', lineItems: [{ quantity: -1, price: 'x' }] },
    };
    await expect(startCreatePurchaseOrder(client, bad as never, { taskQueue })).rejects.toThrow(
      /idempotencyKey[\s\S]*lineItems\.0\.quantity[\s\S]*lineItems\.0\.price/,
    );
  });

  it('refuses a PO that breaks SAP rules, listing every violation, before any write', async () => {
    const k = key('violations');
    const before = (await sb.sandbox.admin.requestLog('sap-1')).length;
    const input = po('sap-1', k);
    const { siteKey: _s, ...header } = input.purchaseOrder;
    const handle = await startCreatePurchaseOrder(
      client,
      { ...input, purchaseOrder: { ...header, vendorKey: 'V-404', totalNetValue: 12 } },
      { taskQueue },
    );
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    const cause = err.cause as ApplicationFailure;
    expect(cause.type).toBe(WriteFailureType.restrictionViolated);
    const rules = (cause.details?.[0] as { violations: { field: string; rule: string }[] }).violations.map((v) => `${v.field}:${v.rule}`);
    expect(rules.sort()).toEqual(['siteKey:required', 'totalNetValue:read-only', 'vendorKey:reference-not-found']);
    expect((await sb.sandbox.admin.requestLog('sap-1')).slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
