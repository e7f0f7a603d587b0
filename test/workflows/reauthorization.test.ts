// A 401 makes the write wait durably for the connection to be reauthorized (src/connections/workflow/waits.ts,
// control-workflow.ts): two days of waiting without a busy retry, resumed by the reauthorize signal, or
// failed with ConnectionReauthorizationTimedOut once the write's maxConnectionWaitMs has passed.
import { describe, expect, it } from 'vitest';
import { reauthorizeConnection } from '../../src/connections/control-client.js';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { startCreatePurchaseOrder } from '../../src/writes/purchase-orders/start.js';
import { answers } from './support/fake-makini.js';
import { DAY, failureOf, HOUR, skipTime, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const env = timeSkippingEnv();

describe('a 401 on the PO create', () => {
  it('waits for reauthorization and writes once the connection is reauthorized 2 days later', async () => {
    const WAIT = 2 * DAY;
    await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
      // The connection answers 401 until it is reauthorized (a call the gate lets through meanwhile,
      // e.g. when the control's answer is late, gets 401 again and waits again).
      let reauthorized = false;
      makini.when('createPurchaseOrder', () => (reauthorized ? undefined : answers.unauthorized()));
      const handle = await startCreatePurchaseOrder(
        client,
        poInput('acme-sap', 'reauth-2d', { lines: 2, retryBudget: { maxConnectionWaitMs: 7 * DAY } }),
        {
          taskQueue,
        },
      );
      await makini.called('createPurchaseOrder');
      // (Before the recheck grew with the wait, 2 days of 10-minute rechecks took the connection's
      // control workflow past its continue-as-new, which the test server alone could stall:
      // support/env.ts, repairLostContinueAsNew.)
      await skipTime(env(), WAIT);
      reauthorized = true;
      await reauthorizeConnection(client, 'acme-sap', { by: 'ops: test', taskQueue });
      const result = await handle.result();

      const posts = makini.callsOf('createPurchaseOrder');
      expect(posts.at(-1)?.answer).toBe('ok');
      // No busy retry: the gate held back every recheck.
      expect(posts.filter((c) => c.answer === '401').length).toBeLessThanOrEqual(3);
      expect(makini.between('createPurchaseOrder', 0, posts.length - 1)).toBeGreaterThanOrEqual(WAIT);
      // Skipping lands on the write's next recheck (a tenth of the time waited: 4.8 h at 2 days).
      expect(makini.between('createPurchaseOrder', 0, posts.length - 1)).toBeLessThan(WAIT * 1.1 + 10 * 60_000);
      expect(makini.purchaseOrders.size).toBe(1);
      expect(result.lineItemKeys).toHaveLength(2);
      const create = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
      // The waits, each a durable timer or the resume signal: 2 days and up to one recheck.
      const waited = create.waits.reduce((sum, w) => sum + w.ms, 0);
      expect(waited).toBeGreaterThan(WAIT - 10 * 60_000);
      expect(create.waits.at(-1)?.cause).toMatch(/^waited for reauthorization: /);
      // Waiting spent none of the step's budget (8 attempts, 15 minutes by default).
      expect(create.outcome).toBe('succeeded');
    });
  });

  it('fails with ConnectionReauthorizationTimedOut once maxConnectionWaitMs (6 h) has passed', async () => {
    await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
      makini.when('createPurchaseOrder', () => answers.unauthorized());
      const handle = await startCreatePurchaseOrder(
        client,
        poInput('acme-sap', 'reauth-timeout', { retryBudget: { maxConnectionWaitMs: 6 * HOUR } }),
        {
          taskQueue,
        },
      );
      const failure = await failureOf(handle.result());

      expect(failure.type).toBe(WriteFailureType.reauthorizationTimedOut);
      expect(failure.message).toContain('still needs reauthorization after this write waited 360 min');
      // It says what to do: reauthorize the connection (the CLI command), then start the write again.
      expect(failure.message).toContain('reauthorize it (makini-writes reauthorize acme-sap) and start the write again');
      expect(failure.details?.[0]).toMatchObject({ connectionId: 'acme-sap', block: 'reauthorization' });
      // From the execution's own times (the server may skip on after it closed).
      const { startTime, closeTime } = await handle.describe();
      const elapsed = closeTime!.getTime() - startTime.getTime();
      expect(elapsed).toBeGreaterThanOrEqual(6 * HOUR);
      expect(elapsed).toBeLessThan(7 * HOUR);
      expect(makini.callsOf('createPurchaseOrder').every((c) => c.answer === '401')).toBe(true);
      expect(makini.purchaseOrders.size).toBe(0);
    });
  });
});
