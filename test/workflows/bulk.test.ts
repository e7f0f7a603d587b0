// Bulk writes continue as new before their history grows (src/writes/bulk/workflow/workflows.ts): every run
// starts at most `itemsPerRun` items and hands the results on; the last run returns them all.
import { expect, it } from 'vitest';
import { startBulkWrite } from '../../src/writes/bulk/start.js';
import { answers } from './support/fake-makini.js';
import { HOUR, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const env = timeSkippingEnv();

it('runs 5 creates 2 per run (3 runs, continued as new), one of them after a 1 h Retry-After, each written once', async () => {
  await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
    makini.failNext('createPurchaseOrder', answers.rateLimited(HOUR));
    const items = Array.from({ length: 5 }, (_, i) => ({
      type: 'createPurchaseOrder',
      input: poInput('acme-sap', `bulk-item-${i + 1}`, { retryBudget: { maxTotalMs: 2 * HOUR } }),
    }));
    const handle = await startBulkWrite(
      client,
      { bulkId: 'bulk-can', items, itemsPerRun: 2, concurrencyPerConnection: 2, taskQueue },
      { taskQueue },
    );
    const result = await handle.result();

    expect(result).toMatchObject({ total: 5, succeeded: 5, failed: 0, rejected: 0, invalid: 0, runs: 3 });
    expect(result.items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set([...makini.purchaseOrders.values()].map((po) => po.fields.code))).toEqual(
      new Set(items.map((i) => i.input.idempotencyKey)),
    );
    expect(
      makini
        .callsOf('createPurchaseOrder')
        .map((c) => c.answer)
        .sort(),
    ).toEqual(['429', 'ok', 'ok', 'ok', 'ok', 'ok']);
    // runs: 3 is the run counter the carry hands on: two continue-as-new. The history holds the last run only.
    const { events } = await handle.fetchHistory();
    expect(events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
  });
});
