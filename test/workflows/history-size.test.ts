// A write may wait up to 30 days for its connection (retryBudget.maxConnectionWaitMs). Temporal
// terminates a workflow whose history reaches 51,200 events, so the wait must stay far below that:
// the write looks again on its own (src/connections/workflow/waits.ts) every 10 minutes at first, then after
// a tenth of the time it has waited (at most 6 h).
import { expect, it } from 'vitest';
import { connectionControlWorkflowId } from '../../src/connections/workflow/messages.js';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { startCreatePurchaseOrder } from '../../src/writes/purchase-orders/start.js';
import { answers } from './support/fake-makini.js';
import { DAY, failureOf, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const env = timeSkippingEnv();

/** Temporal's hard limit of history events per run. */
const HISTORY_LIMIT = 51_200;
/** The bound this test holds a 30-day wait to (measured: 2,069; at a fixed 10-minute recheck 56,173). */
const BOUND = 3_000;

it(
  `a write waiting 30 days for reauthorization writes fewer than ${BOUND} history events (limit ${HISTORY_LIMIT})`,
  { timeout: 120_000 },
  async () => {
    await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
      makini.when('createPurchaseOrder', () => answers.unauthorized());
      const handle = await startCreatePurchaseOrder(
        client,
        poInput('acme-sap', 'wait-30d', { retryBudget: { maxConnectionWaitMs: 30 * DAY } }),
        {
          taskQueue,
        },
      );
      const failure = await failureOf(handle.result());

      expect(failure.type).toBe(WriteFailureType.reauthorizationTimedOut);
      const { startTime, closeTime, historyLength } = await handle.describe();
      expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(30 * DAY);
      expect(historyLength).toBeLessThan(BOUND);
      // The connection's control workflow continues as new at 2,000 events: each run stays small.
      const control = await client.workflow.getHandle(connectionControlWorkflowId(taskQueue, 'acme-sap')).describe();
      expect(control.historyLength).toBeLessThan(2_100);
      expect(makini.purchaseOrders.size).toBe(0);
    });
  },
);
