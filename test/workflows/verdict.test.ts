// The immediate verdict (src/writes/purchase-orders/start-with-verdict.ts, engine/verdict*.ts):
// update-with-start answers as soon as the rules are checked, while the write carries on.
import { expect, it } from 'vitest';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { createPurchaseOrderWithVerdict } from '../../src/writes/purchase-orders/start-with-verdict.js';
import { answers } from './support/fake-makini.js';
import { failureOf, HOUR, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const env = timeSkippingEnv();

it('answers "accepted" before the write is done; the write then waits out a 1 h Retry-After and completes', async () => {
  await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
    makini.failNext('createPurchaseOrder', answers.rateLimited(HOUR));
    const input = poInput('acme-sap', 'verdict-ok', { lines: 2, retryBudget: { maxTotalMs: 2 * HOUR } });
    const { verdict, handle } = await createPurchaseOrderWithVerdict(client, input, { taskQueue });

    expect(verdict).toEqual({ verdict: 'accepted', system: 'sap' });
    const result = await handle.result();
    expect(result.lineItemKeys).toHaveLength(2);
    expect(makini.callsOf('createPurchaseOrder').map((c) => c.answer)).toEqual(['429', 'ok']);
    // The same key joins the same (completed) write: accepted again, nothing written twice.
    const again = await createPurchaseOrderWithVerdict(client, input, { taskQueue });
    expect(again.verdict).toEqual({ verdict: 'accepted', system: 'sap' });
    expect(makini.purchaseOrders.size).toBe(1);
  });
});

it('answers "rejected" with every violated rule, and nothing is sent', async () => {
  await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
    const input = poInput('acme-sap', 'verdict-refused');
    // `code` carries the idempotency key on SAP; `totalNetValue` is computed by the system.
    Object.assign(input.purchaseOrder, { code: 'MY-CODE', totalNetValue: 10 });
    const { verdict, handle } = await createPurchaseOrderWithVerdict(client, input, { taskQueue });

    expect(verdict).toMatchObject({ verdict: 'rejected', failureType: WriteFailureType.restrictionViolated, system: 'sap' });
    const rules = verdict.verdict === 'rejected' ? verdict.violations.map((v) => `${v.field} ${v.rule}`) : [];
    expect(rules).toEqual(expect.arrayContaining(['code reserved-reference-field', expect.stringMatching(/^totalNetValue /)]));
    expect((await failureOf(handle.result())).type).toBe(WriteFailureType.restrictionViolated);
    expect(makini.callsOf('createPurchaseOrder')).toHaveLength(0);
  });
});
