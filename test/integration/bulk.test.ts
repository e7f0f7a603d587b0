// Bulk writes on the real dev server and the sandbox: 1,000 PO creates as child workflows, bounded
// per connection, across continue-as-new, with one result per item and no duplicate anywhere.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBulkProgress, startBulkWrite, type BulkItem, type BulkProgress, type BulkWriteResult } from '../../src/client/index.js';
import {
  InvalidWriteInputError,
  startCreatePurchaseOrder,
  WriteFailureType,
  type CreatePurchaseOrderInput,
} from '../../src/client/index.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';

const suffix = randomBytes(3).toString('hex');
const A = `bulk-a-${suffix}`;
const B = `bulk-b-${suffix}`;

const po = (connectionId: string, idempotencyKey: string, vendorKey = 'V-100'): CreatePurchaseOrderInput => ({
  connectionId,
  idempotencyKey,
  purchaseOrder: { vendorKey, siteKey: '1000', currencyKey: 'EUR', lineItems: [{ materialKey: 'mat-1', quantity: 1, price: 5 }] },
});
const item = (input: unknown): BulkItem => ({ type: 'createPurchaseOrder', input });

describe('bulkWrite', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'bulk',
      connections: [
        { id: A, system: 'sap' },
        { id: B, system: 'sap' },
      ],
    });
    ({ sb, client, taskQueue } = stack);
  });
  afterAll(() => stack?.stop());

  it('runs 1,000 PO creates with bounded concurrency per connection, across continue-as-new, with per-item results', async () => {
    // One item was already written as a single write: the bulk must report it, not write it again.
    const single = await (await startCreatePurchaseOrder(client, po(A, `single-${suffix}`), { taskQueue })).result();
    const items: BulkItem[] = [
      item(po(A, `single-${suffix}`)),
      item(po(B, `forbidden-${suffix}`, 'V-404')),
      ...Array.from({ length: 998 }, (_, i) => item(po(i % 2 ? B : A, `bulk-${suffix}-${i}`))),
    ];
    const concurrency = 25;
    const started = Date.now();
    const handle = await startBulkWrite(
      client,
      { bulkId: `b-${suffix}`, items, concurrencyPerConnection: concurrency, itemsPerRun: 400 },
      { taskQueue },
    );
    const result = handle.result() as Promise<BulkWriteResult>;
    let finished = false;
    void result
      .finally(() => {
        finished = true;
      })
      .catch(() => undefined);
    const seen: BulkProgress[] = [];
    while (!finished) {
      await new Promise((r) => setTimeout(r, 500));
      if (!finished) seen.push(await getBulkProgress(handle).catch(() => seen.at(-1)!));
      if (process.env.DEBUG_BULK && seen.length % 10 === 0)
        console.log(`[bulk] ${((Date.now() - started) / 1000).toFixed(0)} s`, JSON.stringify(seen.at(-1)));
    }
    const r = await result;
    const seconds = (Date.now() - started) / 1000;
    console.log(`[bulk] 1,000 items in ${seconds.toFixed(1)} s over ${r.runs} runs; progress polled ${seen.length} times`);

    expect(r).toMatchObject({ total: 1000, succeeded: 999, rejected: 1, failed: 0, invalid: 0 });
    expect(r.runs).toBeGreaterThanOrEqual(3); // 400 items per run
    expect(r.items.map((i) => i.index)).toEqual(items.map((_, i) => i));
    expect(r.items[0]).toMatchObject({
      outcome: 'succeeded',
      workflowId: `purchase-order/create/${A}/single-${suffix}`,
      value: { purchaseOrderKey: single.purchaseOrderKey },
    });
    expect(r.items[1]).toMatchObject({ outcome: 'rejected', failure: { type: WriteFailureType.restrictionViolated } });
    expect(r.items[1]?.failure?.message).toMatch(/vendorKey \[reference-not-found\]/);
    expect(r.items.slice(2).every((i) => i.outcome === 'succeeded' && typeof i.value?.purchaseOrderKey === 'string')).toBe(true);
    expect(r.items[2]?.value).not.toHaveProperty('steps');

    // Progress: monotonic, bounded per connection, and it survived the continue-as-new runs.
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) for (const n of Object.values(p.runningByConnection)) expect(n).toBeLessThanOrEqual(concurrency);
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    expect(Math.max(...seen.map((p) => p.run))).toBeGreaterThan(1);

    // Exactly one PO per key in the target systems; the already-written one was not written again.
    const codes = [...(await sb.sandbox.admin.state(A)).purchaseOrders, ...(await sb.sandbox.admin.state(B)).purchaseOrders].map(
      (p) => p.code,
    );
    expect(codes).toHaveLength(999);
    expect(new Set(codes).size).toBe(999);
  }, 900_000);

  it('refuses a bulk with a bad item before anything is sent, naming the item and field', async () => {
    const bad = [item(po(A, 'ok-1')), item({ ...po(A, 'x'), idempotencyKey: 'has spaces' }), { type: 'deleteEverything', input: {} }];
    const err = await startBulkWrite(client, { bulkId: `bad-${suffix}`, items: bad }, { taskQueue }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidWriteInputError);
    expect((err as InvalidWriteInputError).problems.map((p) => p.field)).toEqual(['items.1.input.idempotencyKey', 'items.2.type']);
    await expect(client.workflow.getHandle(`bulk/bad-${suffix}`).describe()).rejects.toThrow();
  });

  it('reports an item it cannot start as invalid without failing the others (input sent past the client)', async () => {
    const handle = await client.workflow.start('bulkWrite', {
      taskQueue,
      workflowId: `bulk/raw-${suffix}`,
      args: [
        {
          bulkId: `raw-${suffix}`,
          items: [item(po(B, `raw-ok-${suffix}`)), item({ connectionId: B }), { type: 'dropTables', input: po(B, 'z') }],
        },
      ],
    });
    const r = (await handle.result()) as BulkWriteResult;
    expect(r.items.map((i) => i.outcome)).toEqual(['succeeded', 'invalid', 'invalid']);
    expect(r.items[1]?.failure?.message).toMatch(/input\.idempotencyKey/);
    expect(r.items[2]?.failure?.message).toMatch(/unknown write type "dropTables"/);
  });
});
