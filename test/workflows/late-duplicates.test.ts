// Late duplicate lines (src/writes/engine/late-duplicates.ts) on a production commit horizon
// (Dynamics: 5 min, profile `timing`), in skipped time: a line whose answer was lost is looked up on
// durable timers until the horizon, sent again only then, and looked for once more a horizon after
// the resend; a second line of its lineNo that the first request committed late is reported
// (LateDuplicateLeft naming it: Makini cannot delete or cancel a line), never left unsaid.
import { expect, it } from 'vitest';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { startCreatePurchaseOrder } from '../../src/writes/purchase-orders/start.js';
import { failureOf, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const dynamics = [{ id: 'acme-dyn', system: 'dynamics', token: { env: 'ACME_DYN_TOKEN' } }];
const HORIZON = 5 * 60_000;

const env = timeSkippingEnv();

it('a line sent again after the horizon, whose first request commits later still: LateDuplicateLeft naming the second line', async () => {
  await withStack(env(), { connections: dynamics }, async ({ client, taskQueue, makini }) => {
    // Line 1's first request: no answer after it was sent (may have landed); not in the system yet.
    makini.failNext('addPurchaseOrderLine', { noAnswer: 'timeout', connected: true });
    // It commits after the resend: the sweep's list (the first list of lines after line 1 was sent
    // again) is the first to see it.
    makini.when('listPurchaseOrderLines', () => {
      const po = makini.purchaseOrders.get('po_1');
      if (po && makini.callsOf('addPurchaseOrderLine').length >= 2 && !po.lines.some((l) => l.key === 'late_line_1')) {
        po.lines.push({ key: 'late_line_1', lineNo: 1 });
      }
      return undefined;
    });
    const handle = await startCreatePurchaseOrder(client, poInput('acme-dyn', 'late-line', { lines: 2 }), { taskQueue });
    const failure = await failureOf(handle.result());

    expect(failure.type).toBe(WriteFailureType.lateDuplicateLeft);
    expect(failure.details?.[0]).toEqual({ kept: 'po_1', leftInSystem: ['late_line_1'], duplicatesUndone: [] });
    expect(failure.message).toMatch(/^purchase order po_1 was written with each line once, and a late duplicate line is in dynamics/);
    expect(failure.message).toContain('late_line_1 NOT undone (a second lineNo 1; dynamics cannot undo a line');
    expect(failure.message).toContain("the write's own line: po_1_line_1 (lineNo 1)");
    // Sent again only once the horizon had passed; looked for once more a horizon after that.
    expect(makini.between('addPurchaseOrderLine', 0, 1)).toBeGreaterThanOrEqual(HORIZON);
    const resentAt = makini.callsOf('addPurchaseOrderLine')[1]!.at;
    const sweptAt = makini.callsOf('listPurchaseOrderLines').at(-1)!.at;
    expect(sweptAt - resentAt).toBeGreaterThanOrEqual(HORIZON);
    // Line 1 was sent twice (the lost one and the resend), line 2 once.
    expect(makini.callsOf('addPurchaseOrderLine').map((c) => (c.input.line as { lineNo: number }).lineNo)).toEqual([1, 1, 2]);
  });
});

it('a line sent again after the horizon with no late commit: one look more, nothing found, the write completes', async () => {
  await withStack(env(), { connections: dynamics }, async ({ client, taskQueue, makini }) => {
    makini.failNext('addPurchaseOrderLine', { noAnswer: 'timeout', connected: true });
    const handle = await startCreatePurchaseOrder(client, poInput('acme-dyn', 'line-resent', { lines: 2 }), { taskQueue });
    const done = await handle.result();
    expect(done.lineItemKeys).toEqual(['po_1_line_1', 'po_1_line_2']);
    expect(done.steps.find((s) => s.name === 'sweep for late duplicates')?.note).toMatch(
      /^waited .*: no second line of lineNo 1 on purchase order po_1$/,
    );
  });
});
