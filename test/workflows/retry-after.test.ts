// Retry-After of hours and the step's retry budget (src/writes/workflow/engine/step-runner.ts): a 429 waits
// on a durable timer for as long as Makini asks when the budget allows it, and fails at once, with
// nothing sent again, when the wait would exceed it. Hours of waiting, seconds of test.
import { describe, expect, it } from 'vitest';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { SA_OUTCOME } from '../../src/observability/workflow/search-attributes.js';
import { startCreatePurchaseOrder } from '../../src/writes/purchase-orders/start.js';
import { answers } from './support/fake-makini.js';
import { failureOf, HOUR, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const env = timeSkippingEnv();

describe('a 429 with Retry-After 2 h on the PO create', () => {
  it('waits 2 h on a durable timer and sends once more when the budget and the policy allow it (maxTotalMs 3 h, maxRetryAfterMs 3 h)', async () => {
    await withStack(env(), { connectionPolicy: { maxRetryAfterMs: 3 * HOUR } }, async ({ client, taskQueue, makini }) => {
      makini.failNext('createPurchaseOrder', answers.rateLimited(2 * HOUR));
      const handle = await startCreatePurchaseOrder(
        client,
        poInput('acme-sap', 'ra-2h-ok', { lines: 2, retryBudget: { maxTotalMs: 3 * HOUR } }),
        { taskQueue },
      );
      const result = await handle.result();

      const posts = makini.callsOf('createPurchaseOrder');
      expect(posts.map((c) => c.answer)).toEqual(['429', 'ok']);
      // Sent again after the Retry-After (test server time), not before, and not an hour later.
      expect(makini.between('createPurchaseOrder', 0, 1)).toBeGreaterThanOrEqual(2 * HOUR);
      expect(makini.between('createPurchaseOrder', 0, 1)).toBeLessThan(2 * HOUR + 60_000);
      expect(makini.purchaseOrders.size).toBe(1);
      expect(result.lineItemKeys).toHaveLength(2);
      const create = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
      expect(create).toMatchObject({ outcome: 'succeeded', attempts: 2 });
      expect(create.waits).toEqual([{ cause: expect.stringContaining('Retry-After 7200 s'), ms: 2 * HOUR }]);
    });
  });

  it("waits only the connection policy's maxRetryAfterMs (default 1 h) when Makini asks for 2 h", async () => {
    await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
      makini.failNext('createPurchaseOrder', answers.rateLimited(2 * HOUR));
      const handle = await startCreatePurchaseOrder(
        client,
        poInput('acme-sap', 'ra-2h-capped', { retryBudget: { maxTotalMs: 3 * HOUR } }),
        {
          taskQueue,
        },
      );
      const result = await handle.result();

      expect(makini.callsOf('createPurchaseOrder').map((c) => c.answer)).toEqual(['429', 'ok']);
      expect(makini.between('createPurchaseOrder', 0, 1)).toBeGreaterThanOrEqual(HOUR);
      expect(makini.between('createPurchaseOrder', 0, 1)).toBeLessThan(HOUR + 60_000);
      const create = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
      expect(create.waits).toEqual([{ cause: expect.stringContaining('Retry-After 7200 s capped at 3600 s'), ms: HOUR }]);
    });
  });

  it('fails at once with RetryBudgetExhausted under the default budget (15 min), sending nothing again', async () => {
    await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
      makini.failNext('createPurchaseOrder', answers.rateLimited(2 * HOUR));
      const handle = await startCreatePurchaseOrder(client, poInput('acme-sap', 'ra-2h-over', { lines: 2 }), { taskQueue });
      const failure = await failureOf(handle.result());

      expect(failure.type).toBe(WriteFailureType.retryBudgetExhausted);
      expect(failure.message).toMatch(/429 RATE_LIMIT_EXCEEDED.*Retry-After 7200 s.*would exceed the step's time budget of 900 s/);
      expect(makini.callsOf('createPurchaseOrder').map((c) => c.answer)).toEqual(['429']);
      expect(makini.purchaseOrders.size).toBe(0);
      // "At once": no timer was waited out before failing.
      const { startTime, closeTime, typedSearchAttributes } = await handle.describe();
      expect(closeTime!.getTime() - startTime.getTime()).toBeLessThan(60_000);
      // Ops find it as failed.
      expect(typedSearchAttributes.get(SA_OUTCOME)).toBe('failed');
    });
  });

  it('stops after maxAttempts 429s of 1 h each (3 attempts, 2 waits of 1 h)', async () => {
    await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
      makini.when('createPurchaseOrder', () => answers.rateLimited(HOUR));
      const handle = await startCreatePurchaseOrder(
        client,
        poInput('acme-sap', 'ra-attempts', { retryBudget: { maxAttempts: 3, maxTotalMs: 24 * HOUR } }),
        {
          taskQueue,
        },
      );
      const failure = await failureOf(handle.result());

      expect(failure.type).toBe(WriteFailureType.retryBudgetExhausted);
      expect(failure.message).toContain('3 attempts used (budget 3)');
      const posts = makini.callsOf('createPurchaseOrder');
      expect(posts).toHaveLength(3);
      expect(makini.between('createPurchaseOrder', 0, 2)).toBeGreaterThanOrEqual(2 * HOUR);
    });
  });
});
