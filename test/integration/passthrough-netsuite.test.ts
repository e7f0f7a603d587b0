// A NetSuite connection writing through Makini's passthrough in NetSuite's own dialect (REST record
// service, upsert by external id): a PO with its lines in ONE native request, exactly once under
// the same faults as the unified routes, and a lost answer closed without waiting for the commit
// horizon (NetSuite's external id makes a resend a no-op). Real dev server, production worker,
// sandbox over HTTP standing in for NetSuite behind /api/passthrough.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MakiniFailureType, startCreatePurchaseOrder, WriteFailureType } from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import type { FaultScript } from '../../sandbox/faults.js';
import { poInput } from '../support/po-input.js';
import { uniqueKey } from '../support/production-worker.js';
import { failureOf, violatedRules } from '../support/failures.js';
import { passthroughCalls as calls, QUICK_BUDGET, timerSummaries } from '../support/passthrough.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';

const REQUEST_TIMEOUT_MS = 1_000;
const NATIVE = { purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'netsuite-rest' } } } };
/** NetSuite's own horizon (15 min) stays: the point is that the write does not wait for it. */
const TIMING = { timing: { requestTimeoutMs: REQUEST_TIMEOUT_MS, settleMs: 300 } };

/** Faults on the native create only (the lookup before it is a passthrough GET). */
const ON_PUT = `${MakiniPath.passthrough()}/put/`;

const po = (connectionId: string, key: string, lines = 3) => poInput(connectionId, key, { lines, retryBudget: QUICK_BUDGET });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type NetSuiteBody = { externalId?: string; item?: { items: unknown[] } };

describe('NetSuite through the passthrough (netsuite-rest)', () => {
  let stack: WriteStack;
  const opts = () => ({ taskQueue: stack.taskQueue });
  const posWith = async (id: string, k: string) => (await stack.sb.sandbox.admin.state(id)).purchaseOrders.filter((p) => p.code === k);
  const passthroughCalls = (id: string) => calls<NetSuiteBody>(stack.sb, id);

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'passthrough-ns',
      connections: [
        { id: 'ns-native', system: 'netsuite', overrides: { ...TIMING, ...NATIVE } },
        { id: 'ns-unified', system: 'netsuite', overrides: TIMING },
      ],
      worker: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    });
  });
  afterAll(() => stack?.stop());

  it('creates the PO with every line in one native upsert by external id; the unified endpoints are not written', async () => {
    const k = uniqueKey('ns-one');
    const done = await (await startCreatePurchaseOrder(stack.client, po('ns-native', k), opts())).result();
    expect(done.transport).toBe('passthrough:netsuite-rest');
    const records = await posWith('ns-native', k);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    expect(records[0]!.lineItems.map((l) => Number(l.lineNo))).toEqual([1, 2, 3]);
    expect(done.lineItemKeys).toHaveLength(3);
    const log = await stack.sb.sandbox.admin.requestLog('ns-native');
    expect(log.filter((r) => r.method === 'POST' && r.path.startsWith(MakiniPath.purchaseOrders()))).toEqual([]);
    const puts = (await passthroughCalls('ns-native')).filter((r) => r.inner.method === 'put');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.inner.path).toBe(`record/v1/purchaseOrder/eid:${k}`);
    expect(puts[0]!.inner.query).toEqual({ replace: 'item' });
    expect(puts[0]!.inner.body?.externalId).toBe(k);
    expect(puts[0]!.inner.body?.item?.items).toHaveLength(3);
    // The step table shows the transport.
    expect(done.steps.map((s) => s.name)).toContain('create purchase order with 3 lines (passthrough:netsuite-rest)');
    expect(done.steps.find((s) => s.name === 'check write restrictions')?.note).toMatch(/transport passthrough:netsuite-rest/);
  });

  it('the same system on the unified transport (no override) posts to Makini’s endpoint: the transport is configuration', async () => {
    const k = uniqueKey('ns-unified');
    const done = await (await startCreatePurchaseOrder(stack.client, po('ns-unified', k), opts())).result();
    expect(done.transport).toBeUndefined();
    expect(await posWith('ns-unified', k)).toHaveLength(1);
    expect(await passthroughCalls('ns-unified')).toEqual([]);
    expect(done.steps.map((s) => s.name)).toContain('create purchase order with 3 lines');
  });

  it('a create NetSuite commits after the client gave up closes at once, without waiting for the 15-min commit horizon, and stays one record', async () => {
    const k = uniqueKey('ns-late');
    // The first upsert is held 4 s, then committed: the client gave up after 1 s.
    await stack.sb.sandbox.admin.scriptFaults('ns-native', [
      { kind: 'late', method: 'POST', pathPrefix: ON_PUT, commitDelayMs: 4_000, delayMs: 0 },
    ]);
    const started = Date.now();
    const handle = await startCreatePurchaseOrder(stack.client, po('ns-native', k), opts());
    const done = await handle.result();
    const tookMs = Date.now() - started;
    expect(tookMs).toBeLessThan(4_000 + 10_000);
    expect(await timerSummaries(handle)).not.toContainEqual(expect.stringMatching(/commit horizon/));
    // The late commit lands after the resend: an upsert of the same external id, no second record.
    await sleep(Math.max(0, 4_500 - (Date.now() - started)));
    const records = await posWith('ns-native', k);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    expect(records[0]!.lineItems).toHaveLength(3);
    const puts = (await passthroughCalls('ns-native')).filter((r) => r.inner.method === 'put' && r.inner.body?.externalId === k);
    expect(puts).toHaveLength(2);
    expect(done.duplicatesUndone).toBeUndefined();
  });

  const faults: [string, FaultScript][] = [
    ['commit then Makini 504', { kind: 'commit-then-fail', method: 'POST', pathPrefix: ON_PUT, status: 504 }],
    [
      'commit then NetSuite 500 inside the passthrough answer',
      { kind: 'commit-then-fail', method: 'POST', pathPrefix: ON_PUT, status: 500, inner: true },
    ],
    [
      'NetSuite 503 inside the answer, not committed',
      { kind: 'server-error', method: 'POST', pathPrefix: ON_PUT, status: 503, inner: true },
    ],
    ['commit then drop', { kind: 'commit-then-drop', method: 'POST', pathPrefix: ON_PUT }],
    ['drop before NetSuite', { kind: 'drop', method: 'POST', pathPrefix: ON_PUT }],
    ['garbled 200 after commit', { kind: 'malformed-success', method: 'POST', pathPrefix: ON_PUT, body: '{"data":' }],
  ];
  it.each(faults)('%s: one purchase order with every line, exactly once', async (label, fault) => {
    const k = uniqueKey('ns-fault');
    await stack.sb.sandbox.admin.scriptFaults('ns-native', [fault]);
    const done = await (await startCreatePurchaseOrder(stack.client, po('ns-native', k), opts())).result();
    const records = await posWith('ns-native', k);
    expect(records, label).toHaveLength(1);
    expect(records[0]!.key).toBe(done.purchaseOrderKey);
    expect(records[0]!.lineItems).toHaveLength(3);
    const create = done.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(create.attempts + create.waits.length).toBeGreaterThan(1);
  });

  it('a line NetSuite refuses leaves nothing and needs no compensation: a refusal naming the line’s field', async () => {
    const k = uniqueKey('ns-refused');
    const input = po('ns-native', k);
    input.purchaseOrder.lineItems[1]!.materialKey = 'mat-does-not-exist';
    const failure = await failureOf((await startCreatePurchaseOrder(stack.client, input, opts())).result());
    expect(failure.type).toBe(MakiniFailureType.rejected);
    const info = (failure.details?.[0] as { failure: { fields?: string[]; code?: string; status?: number } }).failure;
    expect(info.fields).toEqual(['lineItems.1.materialKey']);
    expect(info.code).toBe('INVALID_CONTENT');
    expect(failure.message).toMatch(/lineItems\.1\.materialKey \(item\.items\[1\]\.item\)/);
    expect(await posWith('ns-native', k)).toEqual([]);
    const puts = (await passthroughCalls('ns-native')).filter((r) => r.inner.method === 'put' && r.inner.body?.externalId === k);
    expect(puts).toHaveLength(1);
  });

  it('an idempotency key NetSuite cannot hold as an external id is refused before any call to the system', async () => {
    const k = `${uniqueKey('ns')}.v2`;
    const failure = await failureOf((await startCreatePurchaseOrder(stack.client, po('ns-native', k), opts())).result());
    expect(failure.type).toBe(WriteFailureType.restrictionViolated);
    expect(violatedRules(failure)).toEqual(['idempotencyKey:native-reference']);
    const calls = (await passthroughCalls('ns-native')).filter((r) => r.inner.path.includes(k));
    expect(calls).toEqual([]);
  });
});
