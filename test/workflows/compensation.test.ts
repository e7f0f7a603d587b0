// Line-by-line PO creates (Dynamics: header first, then each line) and their compensation
// (src/writes/purchase-orders/workflow/workflows.ts, engine/compensation.ts): a line refused for good
// cancels the header (WriteCompensated); when the cancel fails too, the write says what it left
// in the system (WriteCompensationFailed, details[0].leftInSystem).
import { expect, it } from 'vitest';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { SA_ERROR_CODE, SA_OUTCOME } from '../../src/observability/workflow/search-attributes.js';
import { startCreatePurchaseOrder } from '../../src/writes/purchase-orders/start.js';
import { answers } from './support/fake-makini.js';
import { failureOf, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const dynamics = [{ id: 'acme-dyn', system: 'dynamics', token: { env: 'ACME_DYN_TOKEN' } }];

const env = timeSkippingEnv();

it('cancels the header when line 2 of 3 is refused for good: WriteCompensated naming the line', async () => {
  await withStack(env(), { connections: dynamics }, async ({ client, taskQueue, makini }) => {
    makini.when('addPurchaseOrderLine', (input) =>
      (input.line as { lineNo: number }).lineNo === 2 ? answers.refused('item 2 is blocked for purchasing') : undefined,
    );
    const handle = await startCreatePurchaseOrder(client, poInput('acme-dyn', 'comp-line-2', { lines: 3 }), { taskQueue });
    const failure = await failureOf(handle.result());

    expect(failure.type).toBe(WriteFailureType.compensated);
    expect(failure.message).toMatch(
      /^line 2 failed for good on dynamics: .*item 2 is blocked for purchasing.*; compensated: cancelled purchase order po_1/,
    );
    expect(failure.details?.[0]).toMatchObject({
      failedLine: 2,
      cause: { type: 'MakiniRequestRejected', code: 'WRITE_NOT_ALLOWED' },
      compensated: ['cancelled purchase order po_1 (status cancelled)'],
    });
    expect(failure.details?.[0]).not.toHaveProperty('leftInSystem');
    // What the system holds: the header (cancelled) and line 1; line 3 was never sent.
    expect(makini.purchaseOrders.get('po_1')).toMatchObject({ status: 'cancelled', lines: [{ lineNo: 1 }] });
    expect(makini.callsOf('addPurchaseOrderLine').map((c) => (c.input.line as { lineNo: number }).lineNo)).toEqual([1, 2]);
  });
});

it('reports WriteCompensationFailed with leftInSystem when the cancel is refused too', async () => {
  await withStack(env(), { connections: dynamics }, async ({ client, taskQueue, makini }) => {
    makini.when('addPurchaseOrderLine', (input) =>
      (input.line as { lineNo: number }).lineNo === 2 ? answers.invalid('quantity exceeds the contract') : undefined,
    );
    makini.when('setPurchaseOrderStatus', () => answers.refused('the purchase order is in workflow approval'));
    const handle = await startCreatePurchaseOrder(client, poInput('acme-dyn', 'comp-undo-fails', { lines: 2 }), { taskQueue });
    const failure = await failureOf(handle.result());

    expect(failure.type).toBe(WriteFailureType.compensationFailed);
    expect(failure.message).toContain('NOT undone: purchase order po_1 may still be in dynamics');
    const details = failure.details?.[0] as { leftInSystem: unknown; undoFailed: string[]; failedLine: number };
    expect(details.failedLine).toBe(2);
    expect(details.leftInSystem).toEqual({ purchaseOrderKey: 'po_1', code: 'comp-undo-fails' });
    expect(details.undoFailed).toEqual([
      expect.stringMatching(/^cancel purchase order code=comp-undo-fails: FAILED .*workflow approval.*needs manual attention$/),
    ]);
    // The undo was tried once (a refusal is final), and the header is indeed still open.
    expect(makini.callsOf('setPurchaseOrderStatus')).toHaveLength(1);
    expect(makini.purchaseOrders.get('po_1')).toMatchObject({ status: 'open', lines: [{ lineNo: 1 }] });
    // Ops find it by its failure type; its outcome is failed, not compensated.
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(SA_OUTCOME)).toBe('failed');
    expect(typedSearchAttributes.get(SA_ERROR_CODE)).toBe(WriteFailureType.compensationFailed);
  });
});
