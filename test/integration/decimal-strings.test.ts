// Values as systems type them: a connection whose system keeps decimals as numeric strings
// (`"50.000"`, as SAP's OData does; Makini's spec types quantities and amounts loosely). Writes
// that landed must end as written, compared by value, with what the system said kept in history.
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startAddWorkOrderMaterials,
  startAdjustInventory,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdateInventory,
} from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { uniqueKey } from '../support/production-worker.js';

describe('a system that answers decimals as numeric strings', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  const key = uniqueKey;
  const stored = async (inventoryKey: string) => (await sb.sandbox.admin.state('sap-dec')).inventories.find((i) => i.key === inventoryKey)!;
  const appliedPuts = async (path: string) =>
    (await sb.sandbox.admin.requestLog('sap-dec')).filter((r) => r.method === 'PUT' && r.path === path && r.writeApplied);

  beforeAll(async () => {
    stack = await startWriteStack({ taskQueuePrefix: 'decimals', connections: [{ id: 'sap-dec', system: 'sap' }] });
    ({ sb, client, taskQueue } = stack);
    await sb.sandbox.admin.setBehaviour('sap-dec', { decimalsAsStrings: true });
  });
  afterAll(() => stack?.stop());

  it('updateInventory completes, also when the PUT lands and its answer is lost, and history keeps "57.000"', async () => {
    const put = MakiniPath.inventory('inv-1');
    await sb.sandbox.admin.scriptFaults('sap-dec', [{ kind: 'commit-then-fail', status: 504, method: 'PUT', pathPrefix: put }]);
    const handle = await startUpdateInventory(
      client,
      { connectionId: 'sap-dec', idempotencyKey: key('upd'), inventoryKey: 'inv-1', changes: { quantity: 57, unitCost: 12.5 } },
      { taskQueue },
    );
    const result = await handle.result();
    expect(result).toMatchObject({ inventoryKey: 'inv-1', quantity: 57, changedFields: ['quantity', 'unitCost'], alreadyApplied: false });
    expect(result.steps.find((s) => s.name === 'update inventory')?.note).toMatch(/504.*landed/);
    expect(await stored('inv-1')).toMatchObject({ quantity: 57, unitCost: 12.5 });
    expect(await appliedPuts(put)).toHaveLength(1);
    // What the system said is what the history holds: the record as read, numeric strings and all.
    const payloads = ((await handle.fetchHistory()).events ?? []).flatMap((e) => [
      ...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
      ...Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) => d.payloads ?? []),
    ]);
    const texts = payloads.map((p) => Buffer.from(p.data ?? []).toString('utf8'));
    expect(texts.some((t) => t.includes('"quantity":"57.000"') && t.includes('"unitCost":"12.500"'))).toBe(true);

    // The same values again: already applied, compared by value ("57.000" is 57).
    const again = await (
      await startUpdateInventory(
        client,
        { connectionId: 'sap-dec', idempotencyKey: key('upd2'), inventoryKey: 'inv-1', changes: { quantity: 57, unitCost: 12.5 } },
        { taskQueue },
      )
    ).result();
    expect(again).toMatchObject({ changedFields: [], alreadyApplied: true });
    expect(await appliedPuts(put)).toHaveLength(1);
  });

  it('adjustInventory applies its delta once, through the record and through its material', async () => {
    const before = (await stored('inv-2')).quantity;
    const byKey = await (
      await startAdjustInventory(
        client,
        { connectionId: 'sap-dec', idempotencyKey: key('adj'), inventoryKey: 'inv-2', delta: -3 },
        { taskQueue },
      )
    ).result();
    expect(byKey).toMatchObject({ previousQuantity: before, quantity: before - 3, appliedBy: 'this-run', rounds: 1 });
    const byMaterial = await (
      await startAdjustInventory(
        client,
        { connectionId: 'sap-dec', idempotencyKey: key('adjm'), materialKey: 'mat-2', delta: 5 },
        { taskQueue },
      )
    ).result();
    expect(byMaterial).toMatchObject({ previousQuantity: before - 3, quantity: before + 2 });
    expect((await stored('inv-2')).quantity).toBe(before + 2);
  });

  it('creates a purchase order and reads back its lines with string quantities and prices, also after a lost answer', async () => {
    await sb.sandbox.admin.scriptFaults('sap-dec', [
      { kind: 'commit-then-fail', status: 504, method: 'POST', pathPrefix: MakiniPath.purchaseOrders() },
    ]);
    const lineItems = [
      { materialKey: 'mat-1', quantity: 7.5, price: 12.25 },
      { materialKey: 'mat-2', quantity: 2, price: 3 },
    ];
    const result = await (
      await startCreatePurchaseOrder(
        client,
        {
          connectionId: 'sap-dec',
          idempotencyKey: key('po'),
          purchaseOrder: { vendorKey: 'V-100', siteKey: '1000', currencyKey: 'EUR', lineItems },
        },
        { taskQueue },
      )
    ).result();
    expect(result.lineItemKeys).toHaveLength(2);
    const po = (await sb.sandbox.admin.state('sap-dec')).purchaseOrders.find((p) => p.key === result.purchaseOrderKey)!;
    expect(po.lineItems.map((l) => [l.quantity, l.price])).toEqual([
      [7.5, 12.25],
      [2, 3],
    ]);
  });

  it('adds work-order materials once: a second run compares "2.000" with 2 and writes nothing', async () => {
    const wo = await (
      await startCreateWorkOrder(
        client,
        { connectionId: 'sap-dec', idempotencyKey: key('wo'), workOrder: { title: 'Inspect pump' } },
        { taskQueue },
      )
    ).result();
    const add = async (idempotencyKey: string) =>
      (
        await startAddWorkOrderMaterials(
          client,
          {
            connectionId: 'sap-dec',
            idempotencyKey,
            workOrderKey: wo.workOrderKey,
            materials: [{ materialKey: 'mat-1', requiredQuantity: 2 }],
          },
          { taskQueue },
        )
      ).result();
    expect((await add(key('m1'))).materials.map((m) => m.added)).toEqual([true]);
    expect((await add(key('m2'))).materials.map((m) => m.added)).toEqual([false]);
  });
});
