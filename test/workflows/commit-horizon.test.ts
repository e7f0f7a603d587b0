// The commit horizon (src/writes/workflow/engine/horizon.ts, step-runner.ts, late-duplicates.ts; profile
// `timing`): a PO create whose answer was lost looks on durable timers (SAP: settle 5 s, 30 s,
// 2 min, then its horizon of 20 min) before it sends again; a lookup that finds the PO ends the
// wait at once; a PO the system commits later than the horizon is found by the late-duplicate
// sweep (the horizon again after the resend) and cancelled, or reported when it cannot be.
import { expect, it } from 'vitest';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { SA_LATE_DUPLICATE, SA_WAITING_FOR } from '../../src/observability/workflow/search-attributes.js';
import { startCreatePurchaseOrder } from '../../src/writes/purchase-orders/start.js';
import { answers, type FakeMakini } from './support/fake-makini.js';
import { failureOf, timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const env = timeSkippingEnv();

const MIN = 60_000;
/** SAP's commit horizon (profiles/sap.yaml `timing`). */
const HORIZON = 20 * MIN;

/** When each lookup by the idempotency key came, in seconds after the first POST (the lookup before it excluded). */
function lookupsAfterPost(makini: FakeMakini): number[] {
  const post = makini.callsOf('createPurchaseOrder')[0]!.at;
  return makini
    .callsOf('findPurchaseOrderByReference')
    .filter((c) => c.at > post)
    .map((c) => Math.round((c.at - post) / 1000));
}

it('a PO committed 90 s after the timeout is found by the 2-minute lookup: the wait ends there and nothing is sent again', async () => {
  await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
    makini.failNext('createPurchaseOrder', answers.commitsLate(90_000));
    const handle = await startCreatePurchaseOrder(client, poInput('acme-sap', 'horizon-found', { lines: 2 }), { taskQueue });
    // While it waits (the test holds no result: the server does not skip), ops see why.
    await makini.called('createPurchaseOrder');
    await expect.poll(async () => (await handle.describe()).typedSearchAttributes.get(SA_WAITING_FOR)).toBe('commit-horizon');
    const result = await handle.result();

    expect(makini.callsOf('createPurchaseOrder')).toHaveLength(1);
    // Looked after the settle delay, at 30 s and at 2 min (found): no look after that, no resend.
    expect(lookupsAfterPost(makini)).toEqual([5, 30, 120]);
    expect(result).toMatchObject({ purchaseOrderKey: 'po_1', foundExisting: false });
    expect(result.duplicatesUndone).toBeUndefined();
    expect(makini.purchaseOrders.size).toBe(1);
    // Ended at the finding lookup, not at the horizon (20 min).
    const { startTime, closeTime } = await handle.describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeLessThan(3 * MIN);
    const create = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(create.note).toMatch(/found it/);
    expect(create.waits.map((w) => w.cause)).toEqual([
      expect.stringContaining(
        'letting the write settle 5.0 s before looking; sap may commit a write up to 20 min late (its commit horizon)',
      ),
      expect.stringContaining('not found yet'),
      expect.stringContaining('not found yet'),
    ]);
    // Each wait is a durable timer whose summary (the UI's) says the same.
    const timers = ((await handle.fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes);
    const summaries = timers.map((e) => Buffer.from(e.userMetadata?.summary?.data ?? new Uint8Array()).toString());
    expect(summaries.filter((t) => t.includes('sap may commit a write up to 20 min late (its commit horizon)'))).toHaveLength(3);
    expect((await handle.describe()).typedSearchAttributes.get(SA_WAITING_FOR)).toBeUndefined();
  });
});

/** A PO create whose first request the system commits 25 min late (past its 20-minute horizon). */
async function commitBeyondHorizon(
  client: Parameters<typeof startCreatePurchaseOrder>[0],
  taskQueue: string,
  makini: FakeMakini,
  key: string,
  connectionId = 'acme-sap',
) {
  makini.failNext('createPurchaseOrder', answers.commitsLate(25 * MIN));
  return startCreatePurchaseOrder(client, poInput(connectionId, key, { lines: 2 }), { taskQueue });
}

/** No resend before the horizon's last look: exactly one more POST, after every lookup up to the horizon. */
function expectResentOnlyAfterHorizon(makini: FakeMakini): void {
  const posts = makini.callsOf('createPurchaseOrder');
  expect(posts.map((p) => p.answer)).toEqual(['timeout after 20000 ms', 'ok']);
  expect(lookupsAfterPost(makini).slice(0, 4)).toEqual([5, 30, 120, HORIZON / 1000]);
  const lastLook = makini.callsOf('findPurchaseOrderByReference')[4]!.at;
  expect(posts[1]!.at).toBeGreaterThanOrEqual(lastLook);
  expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(HORIZON);
}

it('a PO committed 25 min late (past the horizon) is sent again only after the last look at 20 min, and the sweep cancels the late duplicate (duplicatesUndone)', async () => {
  await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
    const handle = await commitBeyondHorizon(client, taskQueue, makini, 'horizon-undone');
    const result = await handle.result();

    expectResentOnlyAfterHorizon(makini);
    // The sweep looked once more a horizon after the resend, found the late PO and cancelled it.
    const sweep = makini.callsOf('listPurchaseOrdersByReference');
    expect(sweep).toHaveLength(1);
    expect(sweep[0]!.at - makini.callsOf('createPurchaseOrder')[1]!.at).toBeGreaterThanOrEqual(HORIZON);
    expect(result).toMatchObject({ purchaseOrderKey: 'po_2', duplicatesUndone: ['po_1'] });
    expect(makini.purchaseOrders.get('po_1')?.status).toBe('cancelled');
    expect(makini.purchaseOrders.get('po_2')?.status).toBe('open');
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('undone');
  });
});

it('a late duplicate the system refuses to cancel fails LateDuplicateLeft naming the PO left', async () => {
  await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
    makini.when('setPurchaseOrderStatus', () => answers.refused('purchase order has goods receipts'));
    const handle = await commitBeyondHorizon(client, taskQueue, makini, 'horizon-left');
    const failure = await failureOf(handle.result());

    expectResentOnlyAfterHorizon(makini);
    expect(failure.type).toBe(WriteFailureType.lateDuplicateLeft);
    expect(failure.message).toContain('po_1 NOT undone');
    expect(failure.details?.[0]).toMatchObject({ kept: 'po_2', leftInSystem: ['po_1'], duplicatesUndone: [] });
    expect(makini.purchaseOrders.get('po_1')?.status).toBe('open');
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('left');
  });
});

it('a late duplicate on a system that cannot undo (profile delete: impossible) fails LateDuplicateLeft naming the PO left and the one kept', async () => {
  const noUndo = [
    {
      id: 'acme-sap-no-undo',
      system: 'sap',
      token: { env: 'ACME_SAP_TOKEN' },
      overrides: { purchaseOrder: { delete: { by: 'impossible' as const, reason: 'this SAP has no deletion indicator' } } },
    },
  ];
  await withStack(env(), { connections: noUndo }, async ({ client, taskQueue, makini }) => {
    const handle = await commitBeyondHorizon(client, taskQueue, makini, 'horizon-no-undo', 'acme-sap-no-undo');
    const failure = await failureOf(handle.result());

    expectResentOnlyAfterHorizon(makini);
    expect(failure.type).toBe(WriteFailureType.lateDuplicateLeft);
    expect(failure.message).toContain('po_1 NOT undone (sap cannot undo a purchase order: this SAP has no deletion indicator)');
    expect(failure.details?.[0]).toMatchObject({ kept: 'po_2', leftInSystem: ['po_1'], duplicatesUndone: [] });
    // Nothing was tried: no status write at all.
    expect(makini.callsOf('setPurchaseOrderStatus')).toEqual([]);
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(SA_LATE_DUPLICATE)).toBe('left');
  });
});
