// A Temporal server restart in the middle of a line-by-line PO write changes nothing about the
// outcome: the worker reconnects, the workflow resumes from its history, exactly one PO with all
// its lines. Runs its own dev server (SQLite file) so that restarting it disturbs no other test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startDevServer, type DevServer } from '../../scripts/lib/dev-server.js';
import { startCreatePurchaseOrder } from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { startWriteStack } from '../support/write-stack.js';

describe('Temporal server restart mid-write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'makini-writes-restart-'));
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarted while lines are being added: exactly one PO with all 20 lines', async () => {
    const dbFilename = join(dir, 'temporal.db');
    const port = await freePort();
    let server: DevServer = await startDevServer({ headless: true, dbFilename, port });
    cleanups.push(() => server.stop());
    // Worker and client on this test's own server.
    const stack = await startWriteStack({
      taskQueuePrefix: 'restart',
      connections: [{ id: 'dyn-1', system: 'dynamics' }],
      address: server.address,
    });
    cleanups.push(() => stack.stop());
    const { sb, taskQueue } = stack;
    let { connection, client } = stack;

    // Every line POST takes 300 ms, so the write is still adding lines when the server goes down.
    await sb.sandbox.admin.scriptFaults('dyn-1', [
      { kind: 'slow', method: 'POST', skip: 1, times: 20, delayMs: 300, pathPrefix: MakiniPath.purchaseOrders() },
    ]);
    const idempotencyKey = `restart-${Date.now().toString(36)}`;
    const handle = await startCreatePurchaseOrder(
      client,
      {
        connectionId: 'dyn-1',
        idempotencyKey,
        purchaseOrder: {
          vendorKey: 'V-100',
          siteKey: '1000',
          currencyKey: 'EUR',
          title: 'restart',
          lineItems: Array.from({ length: 20 }, (_, i) => ({ materialKey: 'mat-2', name: `p${i}`, quantity: 1, price: 3 })),
        },
      },
      { taskQueue },
    );
    const lines = async () =>
      (await sb.sandbox.admin.state('dyn-1')).purchaseOrders.find((p) => p.code === idempotencyKey)?.lineItems?.length ?? 0;
    while ((await lines()) < 5) await new Promise((r) => setTimeout(r, 50));

    await connection.close();
    await server.stop();
    const linesWhileDown = await lines();
    expect(linesWhileDown).toBeLessThan(20);
    server = await startDevServer({ headless: true, dbFilename, port });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    cleanups.push(() => connection.close());

    const result = await client.workflow.getHandle(handle.workflowId).result();
    expect(result.lineItemKeys).toHaveLength(20);
    const stored = (await sb.sandbox.admin.state('dyn-1')).purchaseOrders.filter((p) => p.code === idempotencyKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.lineItems!.map((l) => Number(l.lineNo)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  }, 240_000);
});
