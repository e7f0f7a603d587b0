// A Dynamics 365 F&O connection writing through Makini's passthrough in F&O's own dialect: the
// header and every line in ONE OData $batch changeset, all or nothing. The PO number is the
// idempotency key and the entity's key, so a repeated create is refused as existing, never a
// second PO: a lost answer closes without the commit horizon. Where the unified transport writes
// line by line and cancels the header when a line is refused, here a refused line leaves nothing.
// Real dev server, production worker, sandbox over HTTP standing in for F&O behind /api/passthrough.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MakiniFailureType, startCreatePurchaseOrder } from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { uniqueKey } from '../support/production-worker.js';
import { failureOf } from '../support/failures.js';
import { passthroughCalls, QUICK_BUDGET, timerSummaries } from '../support/passthrough.js';
import { poInput } from '../support/po-input.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';

const REQUEST_TIMEOUT_MS = 1_000;
const NATIVE = {
  timing: { requestTimeoutMs: REQUEST_TIMEOUT_MS, settleMs: 300 },
  purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'dynamics-batch' } } },
};
const ON_BATCH = `${MakiniPath.passthrough()}/post/data/$batch`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const po = (key: string) => poInput('dyn-native', key, { lines: 3, retryBudget: QUICK_BUDGET });

describe('Dynamics 365 through the passthrough (dynamics-batch)', () => {
  let stack: WriteStack;
  const opts = () => ({ taskQueue: stack.taskQueue });
  const posWith = async (k: string) => (await stack.sb.sandbox.admin.state('dyn-native')).purchaseOrders.filter((p) => p.code === k);
  const batches = async (k: string) =>
    (await passthroughCalls(stack.sb, 'dyn-native'))
      .map((r) => r.inner)
      .filter((b) => b.path === 'data/$batch' && typeof b.body === 'string' && b.body.includes(k));

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'passthrough-dyn',
      connections: [{ id: 'dyn-native', system: 'dynamics', overrides: NATIVE }],
      worker: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    });
  });
  afterAll(() => stack?.stop());

  it('creates the header and every line in one $batch changeset; the unified line-by-line endpoints are not written', async () => {
    const k = uniqueKey('dyn');
    const done = await (await startCreatePurchaseOrder(stack.client, po(k), opts())).result();
    expect(done.transport).toBe('passthrough:dynamics-batch');
    const records = await posWith(k);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    expect(records[0]!.lineItems.map((l) => Number(l.lineNo))).toEqual([1, 2, 3]);
    const sent = await batches(k);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers?.['Content-Type']).toBe(`multipart/mixed; boundary=batch_${k}`);
    expect((sent[0]!.body as string).match(/POST PurchaseOrderLinesV2 HTTP\/1\.1/g)).toHaveLength(3);
    const log = await stack.sb.sandbox.admin.requestLog('dyn-native');
    expect(log.filter((r) => r.method === 'POST' && r.path.startsWith(MakiniPath.purchaseOrders()))).toEqual([]);
    expect(done.steps.map((s) => s.name)).toContain('create purchase order with 3 lines (passthrough:dynamics-batch)');
  });

  it('a line F&O refuses rolls the whole changeset back: nothing to compensate, a refusal naming the line’s field', async () => {
    const k = uniqueKey('dyn-bad');
    const input = po(k);
    input.purchaseOrder.lineItems[1]!.materialKey = 'mat-unknown';
    const failure = await failureOf((await startCreatePurchaseOrder(stack.client, input, opts())).result());
    expect(failure.type).toBe(MakiniFailureType.rejected);
    const info = (failure.details?.[0] as { failure: { fields?: string[] } }).failure;
    expect(info.fields).toEqual(['lineItems.1.materialKey']);
    expect(failure.message).toMatch(/#3 ItemNumber/);
    expect(await posWith(k)).toEqual([]);
  });

  it('a changeset F&O commits after the client gave up closes without waiting for the commit horizon, and stays one PO', async () => {
    const k = uniqueKey('dyn-late');
    await stack.sb.sandbox.admin.scriptFaults('dyn-native', [
      { kind: 'late', method: 'POST', pathPrefix: ON_BATCH, commitDelayMs: 4_000, delayMs: 0 },
    ]);
    const started = Date.now();
    const handle = await startCreatePurchaseOrder(stack.client, po(k), opts());
    const done = await handle.result();
    expect(Date.now() - started).toBeLessThan(4_000 + 10_000);
    expect(await timerSummaries(handle)).not.toContainEqual(expect.stringMatching(/commit horizon/));
    await sleep(Math.max(0, 4_500 - (Date.now() - started)));
    const records = await posWith(k);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    expect(await batches(k)).toHaveLength(2);
  });

  it('F&O’s own 500 after the changeset committed: the resend is refused as existing, the lookup finds the one PO', async () => {
    const k = uniqueKey('dyn-500');
    await stack.sb.sandbox.admin.scriptFaults('dyn-native', [
      { kind: 'commit-then-fail', status: 500, inner: true, method: 'POST', pathPrefix: ON_BATCH },
    ]);
    const done = await (await startCreatePurchaseOrder(stack.client, po(k), opts())).result();
    const records = await posWith(k);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    expect(records[0]!.lineItems).toHaveLength(3);
  });
});
