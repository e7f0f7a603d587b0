// An SAP connection writing through Makini's passthrough in SAP's own dialect (OData V2,
// API_PURCHASEORDER_PROCESS_SRV): a CSRF token fetched, then the PO with every item in ONE deep
// insert, all or nothing. SAP does not deduplicate a POST: a lost answer waits for the commit
// horizon as on the unified transport, and a late duplicate is swept. Real dev server, production
// worker, sandbox over HTTP standing in for SAP behind /api/passthrough.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MakiniFailureType, startCreatePurchaseOrder, WriteFailureType } from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { failureOf, violatedRules } from '../support/failures.js';
import { passthroughCalls as calls, QUICK_BUDGET } from '../support/passthrough.js';
import { poInput } from '../support/po-input.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';

const REQUEST_TIMEOUT_MS = 1_000;
const HORIZON_MS = 3_000;
const NATIVE = {
  timing: { requestTimeoutMs: REQUEST_TIMEOUT_MS, settleMs: 300, commitHorizonMs: HORIZON_MS },
  purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'sap-odata' } } },
};
const ON_POST = `${MakiniPath.passthrough()}/post/`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let seq = 0;
/** SAP's Your Reference holds 12 characters. */
const shortKey = () => `s${Date.now().toString(36).slice(-6)}${(seq++).toString(36)}`;
const po = (key: string) => poInput('sap-native', key, { lines: 3, retryBudget: QUICK_BUDGET });
type SapBody = { CorrespncExternalReference?: string; to_PurchaseOrderItem?: { results: unknown[] } };

describe('SAP through the passthrough (sap-odata)', () => {
  let stack: WriteStack;
  const opts = () => ({ taskQueue: stack.taskQueue });
  const posWith = async (k: string) => (await stack.sb.sandbox.admin.state('sap-native')).purchaseOrders.filter((p) => p.code === k);
  const passthroughCalls = () => calls<SapBody>(stack.sb, 'sap-native');

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'passthrough-sap',
      connections: [{ id: 'sap-native', system: 'sap', overrides: NATIVE }],
      worker: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    });
  });
  afterAll(() => stack?.stop());

  it('fetches a CSRF token, then creates the PO with every item in one deep insert carrying that token and session', async () => {
    const k = shortKey();
    const done = await (await startCreatePurchaseOrder(stack.client, po(k), opts())).result();
    expect(done.transport).toBe('passthrough:sap-odata');
    const records = await posWith(k);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    expect(records[0]!.lineItems.map((l) => Number(l.lineNo))).toEqual([1, 2, 3]);
    const calls = await passthroughCalls();
    const fetch = calls.filter((r) => r.inner.headers?.['x-csrf-token'] === 'Fetch');
    const posts = calls.filter((r) => r.inner.method === 'post' && r.inner.body?.CorrespncExternalReference === k);
    expect(fetch.length).toBeGreaterThanOrEqual(1);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.inner.path).toBe('sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder');
    expect(posts[0]!.inner.headers?.['x-csrf-token']).toMatch(/^[0-9a-f]{32}$/);
    expect(posts[0]!.inner.headers?.Cookie).toMatch(/^SAP_SESSIONID_S4H_100=/);
    expect(posts[0]!.inner.body?.to_PurchaseOrderItem?.results).toHaveLength(3);
    expect(done.steps.map((s) => s.name)).toContain('create purchase order with 3 lines (passthrough:sap-odata)');
  });

  it('an item SAP refuses leaves nothing and needs no compensation: a refusal naming the item’s field', async () => {
    const k = shortKey();
    const input = po(k);
    input.purchaseOrder.lineItems[2]!.materialKey = 'mat-unknown';
    const failure = await failureOf((await startCreatePurchaseOrder(stack.client, input, opts())).result());
    expect(failure.type).toBe(MakiniFailureType.rejected);
    const info = (failure.details?.[0] as { failure: { fields?: string[] } }).failure;
    expect(info.fields).toEqual(['lineItems.2.materialKey']);
    expect(failure.message).toMatch(/to_PurchaseOrderItem\(2\)\/Material/);
    expect(await posWith(k)).toEqual([]);
    expect(failure.message).not.toMatch(/compensat/);
  });

  it('a key longer than SAP’s Your Reference (12) is refused before any call to the system', async () => {
    const k = `${shortKey()}-toolong`;
    const failure = await failureOf((await startCreatePurchaseOrder(stack.client, po(k), opts())).result());
    expect(failure.type).toBe(WriteFailureType.restrictionViolated);
    expect(violatedRules(failure)).toEqual(['idempotencyKey:native-reference']);
    expect((await passthroughCalls()).filter((r) => JSON.stringify(r.inner).includes(k))).toEqual([]);
  });

  it('SAP’s own 500 after the deep insert committed: found by the lookup, never inserted twice', async () => {
    const k = shortKey();
    await stack.sb.sandbox.admin.scriptFaults('sap-native', [
      { kind: 'commit-then-fail', status: 500, inner: true, method: 'POST', pathPrefix: ON_POST },
    ]);
    const done = await (await startCreatePurchaseOrder(stack.client, po(k), opts())).result();
    const records = await posWith(k);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    const posts = (await passthroughCalls()).filter((r) => r.inner.method === 'post' && r.inner.body?.CorrespncExternalReference === k);
    expect(posts).toHaveLength(1);
  });

  it('a deep insert committed beyond the horizon, after the write sent again: the sweep cancels the late duplicate', async () => {
    const k = shortKey();
    const lateMs = REQUEST_TIMEOUT_MS + HORIZON_MS + 1_500;
    await stack.sb.sandbox.admin.scriptFaults('sap-native', [
      { kind: 'late', method: 'POST', pathPrefix: ON_POST, commitDelayMs: lateMs, delayMs: 0 },
    ]);
    const started = Date.now();
    const done = await (await startCreatePurchaseOrder(stack.client, po(k), opts())).result();
    await sleep(started + lateMs + 500 - Date.now());
    const records = await posWith(k);
    expect(records).toHaveLength(2);
    const duplicate = records.find((p) => p.key !== done.purchaseOrderKey)!;
    expect(done.duplicatesUndone).toEqual([duplicate.key]);
    expect(duplicate.status).toBe('cancelled');
    expect(records.find((p) => p.key === done.purchaseOrderKey)!.status).not.toBe('cancelled');
  });
});
