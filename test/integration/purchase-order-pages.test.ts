// Lists longer than one page (Makini serves at most 200 records per page): a PO with 250 lines is
// read back completely, by the client and by the create workflow's lookup after a lost answer.
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCreatePurchaseOrder } from '../../src/client/index.js';
import { createTokenSource } from '../../src/config/token-source.js';
import { MakiniPath } from '../../src/makini/contract.js';
import { MakiniClient } from '../../src/makini/client.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';

const LINES = 250;
const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ materialKey: `mat-${(i % 3) + 1}`, quantity: i + 1, price: 10 }));

describe('purchase orders with more lines than one page', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;

  beforeAll(async () => {
    stack = await startWriteStack({ taskQueuePrefix: 'po-pages', connections: [{ id: 'sap-1', system: 'sap' }] });
    ({ sb, client, taskQueue } = stack);
  });
  afterAll(() => stack?.stop());

  it(`creates a PO with ${LINES} lines on the SAP-like system and reads back every line, also through the lookup after a lost answer`, async () => {
    const k = `pages-${Date.now().toString(36)}`;
    // The create lands but its answer is lost: the workflow finds the PO by its code and reads its lines, page by page.
    await sb.sandbox.admin.scriptFaults('sap-1', [
      { kind: 'commit-then-fail', status: 504, method: 'POST', pathPrefix: MakiniPath.purchaseOrders() },
    ]);
    const result = await (
      await startCreatePurchaseOrder(
        client,
        {
          connectionId: 'sap-1',
          idempotencyKey: k,
          purchaseOrder: { vendorKey: 'V-100', siteKey: '1000', currencyKey: 'EUR', lineItems: lines(LINES) },
        },
        { taskQueue },
      )
    ).result();
    expect(result.foundExisting).toBe(false);
    expect(result.lineItemKeys).toHaveLength(LINES);
    expect(new Set(result.lineItemKeys).size).toBe(LINES);
    const lookup = result.steps.find(
      (s) => s.name === 'look up by idempotency key' && s.startedAt > result.steps.find((x) => x.name.startsWith('create'))!.startedAt,
    );
    expect(lookup?.requestIds).toHaveLength(3); // the PO list, then two pages of lines
    const linePages = (await sb.sandbox.admin.requestLog('sap-1')).filter((r) => r.path === MakiniPath.purchaseOrderLineItems());
    expect(linePages.map((r) => new URLSearchParams(r.query).get('page'))).toEqual(expect.arrayContaining(['1', '2']));

    const makini = new MakiniClient({
      baseUrl: sb.sandbox.url,
      timeoutMs: 5_000,
      tokenSource: createTokenSource(sb.connections.connections, { env: sb.env }),
    });
    const { key } = (await makini.findPurchaseOrders('sap-1', { code: k })).data.data[0]!;
    const all = await makini.listPurchaseOrderLines('sap-1', key);
    expect(all.data.data).toHaveLength(LINES);
    expect(all.data.data.map((l) => Number(l.lineNo)).sort((a, b) => a - b)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
    expect(all.pages).toHaveLength(2);
    expect(all.pages.every((p) => p.requestId?.startsWith('req_'))).toBe(true);
  });
});
