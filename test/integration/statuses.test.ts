// Systems whose statuses have a key, a code and a name that all differ (Maximo-like: key `WS-30`,
// code `COMPL`, name `Completed`), and whose records read back `status: "Completed"` with
// `statusKey: "WS-30"`: every status write and check compares through the one status comparison
// (src/profiles/workflow/status-names.ts). Real Temporal dev server, production worker, sandbox over HTTP.
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCancelPurchaseOrder,
  startChangeWorkOrderStatus,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdatePurchaseOrder,
  startUpdateWorkOrder,
  WriteFailureType,
} from '../../src/client/index.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { failureOf, violatedRules as rules } from '../support/failures.js';
import { uniqueKey } from '../support/production-worker.js';
import { poInput } from '../support/po-input.js';

const po = (connectionId: string, idempotencyKey: string, lines = 3) =>
  poInput(connectionId, idempotencyKey, { lines, title: `PO ${idempotencyKey}` });

describe('statuses whose key, code and name all differ', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  const key = uniqueKey;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'status',
      connections: [
        { id: 'em-sys', system: 'emaint' },
        { id: 'sap-sys', system: 'sap' },
        { id: 'dyn-sys', system: 'dynamics' },
        { id: 'sap-codes', system: 'sap' },
        { id: 'em-codes', system: 'emaint' },
      ],
    });
    ({ sb, client, taskQueue } = stack);
    for (const id of ['em-sys', 'sap-sys', 'dyn-sys']) await sb.sandbox.admin.setBehaviour(id, { statusLabels: 'system' });
    // Records read back the code (`APPR`, `CAN`): only the statusKey, resolved through the list, names the state.
    for (const id of ['sap-codes', 'em-codes']) await sb.sandbox.admin.setBehaviour(id, { statusLabels: 'system-codes' });
  });
  afterAll(() => stack?.stop());

  const admin = () => sb.sandbox.admin;
  const asMakini = (connectionId: string, method: string, path: string, body?: unknown) =>
    fetch(`${sb.sandbox.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sb.tokens[connectionId]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const newWorkOrder = async () => {
    const k = key('wo');
    const handle = await startCreateWorkOrder(
      client,
      { connectionId: 'em-sys', idempotencyKey: k, workOrder: { title: `WO ${k}`, assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' } },
      { taskQueue },
    );
    const created = await handle.result();
    expect(created.status).toBe('open');
    return created.workOrderKey;
  };
  const changeStatus = async (workOrderKey: string, status: string) =>
    (
      await startChangeWorkOrderStatus(client, { connectionId: 'em-sys', idempotencyKey: key('st'), workOrderKey, status }, { taskQueue })
    ).result();
  const storedWo = async (woKey: string) => (await admin().state('em-sys')).workOrders.find((w) => w.key === woKey);

  it('the sandbox names statuses as such a system does: WS-30 / COMPL / Completed, records read back the name', async () => {
    const res = await asMakini('em-sys', 'GET', '/api/eam/statuses/work-orders');
    const rows = ((await res.json()) as { data: { key: string; code: string; name: string }[] }).data;
    expect(rows).toContainEqual(expect.objectContaining({ key: 'WS-30', code: 'COMPL', name: 'Completed' }));
    const woKey = await newWorkOrder();
    const wo = (await (await asMakini('em-sys', 'GET', `/api/eam/work-orders/${woKey}`)).json()) as { data: Record<string, unknown> };
    expect(wo.data).toMatchObject({ status: 'Open', statusKey: 'WS-10' });
  });

  it('changeWorkOrderStatus by name, by code and by key each sets the status and reports it; a repeat is alreadyApplied', async () => {
    const [byName, byCode, byKey] = [await newWorkOrder(), await newWorkOrder(), await newWorkOrder()];
    for (const [woKey, status] of [
      [byName, 'completed'],
      [byCode, 'COMPL'],
      [byKey, 'WS-30'],
    ] as const) {
      expect(await changeStatus(woKey, status), status).toMatchObject({
        workOrderKey: woKey,
        previousStatus: 'open',
        status: 'completed',
        statusKey: 'WS-30',
        alreadyApplied: false,
      });
      expect((await storedWo(woKey))?.status).toBe('completed');
    }
    const before = (await admin().requestLog('em-sys')).length;
    for (const status of ['Completed', 'compl', 'WS-30']) {
      expect(await changeStatus(byName, status), status).toMatchObject({ status: 'completed', statusKey: 'WS-30', alreadyApplied: true });
    }
    expect((await admin().requestLog('em-sys')).slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('state rules see the status the record is in: a cancelled work order refuses a change, before any write', async () => {
    const woKey = await newWorkOrder();
    expect(await changeStatus(woKey, 'CAN')).toMatchObject({ status: 'cancelled', statusKey: 'WS-90', alreadyApplied: false });
    const before = (await admin().requestLog('em-sys')).length;
    const locked = await failureOf(changeStatus(woKey, 'In Progress'));
    expect(locked.type).toBe(WriteFailureType.restrictionViolated);
    expect(rules(locked)).toEqual(['status:state-locked']);
    expect((await admin().requestLog('em-sys')).slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a status PUT that commits then answers 504 is found landed by its key: one PUT, for a work order and a PO cancel', async () => {
    const woKey = await newWorkOrder();
    await admin().scriptFaults('em-sys', [{ kind: 'commit-then-fail', status: 504, method: 'PUT', pathPrefix: '/api/eam/work-orders/' }]);
    const moved = await changeStatus(woKey, 'INPRG');
    expect(moved).toMatchObject({ status: 'in-progress', statusKey: 'WS-20', alreadyApplied: false });
    const step = moved.steps.find((s) => s.name === 'change status')!;
    expect(step).toMatchObject({ attempts: 1, outcome: 'succeeded' });
    expect(step.note).toMatch(/504.*landed/);
    expect((await admin().requestLog('em-sys')).filter((r) => r.method === 'PUT' && r.path.includes(woKey))).toHaveLength(1);

    const k = key('cancel504');
    const created = await (await startCreatePurchaseOrder(client, po('sap-sys', k), { taskQueue })).result();
    await admin().scriptFaults('sap-sys', [
      { kind: 'commit-then-fail', status: 504, method: 'PUT', pathPrefix: '/api/eam/purchase-orders/' },
    ]);
    const cancelled = await (
      await startCancelPurchaseOrder(
        client,
        { connectionId: 'sap-sys', idempotencyKey: `${k}-c`, purchaseOrderKey: created.purchaseOrderKey },
        { taskQueue },
      )
    ).result();
    expect(cancelled).toMatchObject({ status: 'cancelled', alreadyApplied: false });
    const puts = (await admin().requestLog('sap-sys')).filter((r) => r.method === 'PUT' && r.path.includes(created.purchaseOrderKey));
    expect(puts).toHaveLength(1);
  });

  it('a work order an earlier run created and that was cancelled since is recognised as cancelled: the key is refused as used', async () => {
    const k = key('used');
    const input = {
      connectionId: 'em-sys',
      idempotencyKey: k,
      workOrder: { title: `WO ${k}`, assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' },
    };
    // The first run creates the work order, then fails for good on its read-back.
    await admin().scriptFaults('em-sys', [{ kind: 'reject', status: 404, method: 'GET', pathPrefix: '/api/eam/work-orders/' }]);
    await failureOf((await startCreateWorkOrder(client, input, { taskQueue })).result());
    const [stored] = (await admin().state('em-sys')).workOrders.filter((w) => String(w.description).includes(`[makini-writes:${k}]`));
    expect(stored).toBeDefined();
    await changeStatus(stored!.key, 'Cancelled');
    const again = await failureOf((await startCreateWorkOrder(client, input, { taskQueue })).result());
    expect(again.type).toBe(WriteFailureType.idempotencyKeyUsed);
  });

  it('cancelPurchaseOrder cancels, reads back the cancel status by its key, and a repeat is alreadyApplied', async () => {
    const k = key('cancel');
    const created = await (await startCreatePurchaseOrder(client, po('sap-sys', k), { taskQueue })).result();
    const cancel = async (suffix: string) =>
      (
        await startCancelPurchaseOrder(
          client,
          { connectionId: 'sap-sys', idempotencyKey: `${k}-${suffix}`, purchaseOrderKey: created.purchaseOrderKey },
          { taskQueue },
        )
      ).result();
    expect(await cancel('c1')).toMatchObject({ status: 'cancelled', changedFields: ['status'], alreadyApplied: false });
    const [stored] = (await admin().state('sap-sys')).purchaseOrders.filter((p) => p.code === k);
    expect(stored?.status).toBe('cancelled');
    const puts = (await admin().requestLog('sap-sys')).filter((r) => r.method === 'PUT' && r.path.includes(created.purchaseOrderKey));
    expect(puts.map((r) => r.path)).toEqual([`/api/eam/purchase-orders/${created.purchaseOrderKey}/status`]);
    expect(await cancel('c2')).toMatchObject({ status: 'cancelled', changedFields: [], alreadyApplied: true });
  });

  it('an approved purchase order refuses update and cancel by the state rule, before any write', async () => {
    const k = key('approved');
    const created = await (await startCreatePurchaseOrder(client, po('sap-sys', k), { taskQueue })).result();
    const approve = await asMakini('sap-sys', 'PUT', `/api/eam/purchase-orders/${created.purchaseOrderKey}/status`, { status: 'APPR' });
    expect(approve.status).toBe(200);
    const before = (await admin().requestLog('sap-sys')).length;
    const base = { connectionId: 'sap-sys', purchaseOrderKey: created.purchaseOrderKey };
    const upd = await failureOf(
      (await startUpdatePurchaseOrder(client, { ...base, idempotencyKey: `${k}-u`, changes: { title: 'late' } }, { taskQueue })).result(),
    );
    expect(rules(upd)).toEqual(['status:state-locked']);
    const cancel = await failureOf((await startCancelPurchaseOrder(client, { ...base, idempotencyKey: `${k}-c` }, { taskQueue })).result());
    expect(rules(cancel)).toEqual(['status:state-locked']);
    expect((await admin().requestLog('sap-sys')).slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a line refused for good cancels the header line by line: compensated, and the header reads back cancelled', async () => {
    const k = key('dynrefused');
    await admin().scriptFaults('dyn-sys', [
      { kind: 'reject', method: 'POST', pathPrefix: '/api/eam/purchase-orders/', status: 400, code: 'VALIDATION_FAILED', skip: 1 },
    ]);
    const failure = await failureOf((await startCreatePurchaseOrder(client, po('dyn-sys', k, 3), { taskQueue })).result());
    expect(failure.type).toBe(WriteFailureType.compensated);
    expect(failure.message).toMatch(/line 2 failed for good.*compensated: cancelled purchase order/);
    const [stored, ...others] = (await admin().state('dyn-sys')).purchaseOrders.filter((p) => p.code === k);
    expect(others).toEqual([]);
    expect(stored?.status).toBe('cancelled');
  });

  it('where records read back only a code, the state rules resolve the status by its key: refusals before any write', async () => {
    const k = key('codes');
    const created = await (await startCreatePurchaseOrder(client, po('sap-codes', k), { taskQueue })).result();
    expect(
      (await asMakini('sap-codes', 'PUT', `/api/eam/purchase-orders/${created.purchaseOrderKey}/status`, { status: 'APPR' })).status,
    ).toBe(200);
    const readBack = (await (await asMakini('sap-codes', 'GET', `/api/eam/purchase-orders/${created.purchaseOrderKey}`)).json()) as {
      data: Record<string, unknown>;
    };
    expect(readBack.data).toMatchObject({ status: 'APPR', statusKey: 'PS-20' });
    const before = (await admin().requestLog('sap-codes')).length;
    const upd = await failureOf(
      (
        await startUpdatePurchaseOrder(
          client,
          { connectionId: 'sap-codes', idempotencyKey: `${k}-u`, purchaseOrderKey: created.purchaseOrderKey, changes: { title: 'late' } },
          { taskQueue },
        )
      ).result(),
    );
    expect(rules(upd)).toEqual(['status:state-locked']);
    expect(upd.message).toMatch(/status approved/);
    expect((await admin().requestLog('sap-codes')).slice(before).filter((r) => r.method !== 'GET')).toEqual([]);

    const wk = key('wo-codes');
    const wo = await (
      await startCreateWorkOrder(
        client,
        {
          connectionId: 'em-codes',
          idempotencyKey: wk,
          workOrder: { title: `WO ${wk}`, assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' },
        },
        { taskQueue },
      )
    ).result();
    const cancelled = await (
      await startChangeWorkOrderStatus(
        client,
        { connectionId: 'em-codes', idempotencyKey: `${wk}-c`, workOrderKey: wo.workOrderKey, status: 'cancelled' },
        { taskQueue },
      )
    ).result();
    expect(cancelled).toMatchObject({ previousStatus: 'open', status: 'cancelled', statusKey: 'WS-90', alreadyApplied: false });
    const woBefore = (await admin().requestLog('em-codes')).length;
    const woUpd = await failureOf(
      (
        await startUpdateWorkOrder(
          client,
          { connectionId: 'em-codes', idempotencyKey: `${wk}-u`, workOrderKey: wo.workOrderKey, changes: { title: 'late' } },
          { taskQueue },
        )
      ).result(),
    );
    expect(rules(woUpd)).toEqual(['status:state-locked']);
    expect((await admin().requestLog('em-codes')).slice(woBefore).filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
