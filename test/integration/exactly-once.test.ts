// Exactly once against a Makini that does not share our beliefs: keys that are not codes, any
// workflow id, lookups that must read every page and compare exactly, systems that drop or rewrite
// the reference, custom fields merged by the system. Real dev server, production worker, sandbox.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startAdjustInventory,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdatePurchaseOrder,
  writeWorkflowId,
  WriteFailureType,
} from '../../src/client/index.js';
import { MakiniPath, MakiniQuery } from '../../src/makini/workflow/contract.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { uniqueKey } from '../support/production-worker.js';
import { poInput } from '../support/po-input.js';

const FAST = { ambiguousSettleMs: 100, baseBackoffMs: 100, maxBackoffMs: 400 };
const key = uniqueKey;
const po = (connectionId: string, idempotencyKey: string, vendorKey = 'V-100') =>
  poInput(connectionId, idempotencyKey, { fields: { vendorKey }, retryBudget: FAST });

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('exactly once against a stranger', () => {
  let stack: WriteStack;
  const opts = () => ({ taskQueue: stack.taskQueue });
  const state = (id: string) => stack.sb.sandbox.admin.state(id);
  const log = (id: string) => stack.sb.sandbox.admin.requestLog(id);

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'once',
      connections: [
        { id: 'dyn-keys', system: 'dynamics' },
        { id: 'sap-ids', system: 'sap' },
        { id: 'sap-loose', system: 'sap' },
        { id: 'sap-dropped', system: 'sap' },
        { id: 'sap-rewritten', system: 'sap' },
        {
          id: 'sap-merge',
          system: 'sap',
          overrides: { purchaseOrder: { customFieldMap: { costCenter: 'ZZ_KOSTL', project: 'ZZ_PROJ' } } },
        },
      ],
    });
  });
  afterAll(() => stack?.stop());

  describe('references by key', () => {
    it('finds a vendor by its key at its own endpoint, although its code differs', async () => {
      const k = key('vkey');
      const vendor = (await state('dyn-keys')).vendors.find((v) => v.key === 'V-100')!;
      expect(vendor.code).not.toBe(vendor.key);
      const done = await (await startCreatePurchaseOrder(stack.client, po('dyn-keys', k), opts())).result();
      expect(done.purchaseOrderKey).toBeTruthy();
      const lookups = (await log('dyn-keys')).filter((r) => r.method === 'GET' && r.path.startsWith(MakiniPath.vendors()));
      expect(lookups.map((r) => r.path)).toContain(MakiniPath.vendor('V-100'));
      expect(lookups.some((r) => r.query.includes('filter'))).toBe(false);
    });

    it('refuses a vendor code where a key is expected, before any write', async () => {
      const code = (await state('dyn-keys')).vendors.find((v) => v.key === 'V-100')!.code;
      const k = key('vcode');
      const failure = await failureOf((await startCreatePurchaseOrder(stack.client, po('dyn-keys', k, code), opts())).result());
      expect(failure.type).toBe(WriteFailureType.restrictionViolated);
      expect(failure.message).toContain('vendorKey');
      expect((await state('dyn-keys')).purchaseOrders.filter((p) => p.code === k)).toHaveLength(0);
    });
  });

  describe('one key, one write, whatever the workflow id', () => {
    it('five concurrent starts through the start helper reach one execution and write one PO', async () => {
      const k = key('five-helper');
      const handles = await Promise.all(Array.from({ length: 5 }, () => startCreatePurchaseOrder(stack.client, po('sap-ids', k), opts())));
      expect(new Set(handles.map((h) => h.workflowId))).toEqual(new Set([writeWorkflowId('createPurchaseOrder', 'sap-ids', k)]));
      const results = await Promise.all(handles.map((h) => h.result()));
      expect(new Set(results.map((r) => r.purchaseOrderKey)).size).toBe(1);
      expect((await state('sap-ids')).purchaseOrders.filter((p) => p.code === k)).toHaveLength(1);
    });

    it('five concurrent starts under ids of their own are refused before any Makini call, naming the id', async () => {
      const k = key('five-own');
      const expected = writeWorkflowId('createPurchaseOrder', 'sap-ids', k);
      const before = (await log('sap-ids')).length;
      const handles = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          stack.client.workflow.start('createPurchaseOrder', {
            taskQueue: stack.taskQueue,
            workflowId: `my-own-id-${k}-${i}`,
            args: [po('sap-ids', k)],
          }),
        ),
      );
      const failures = await Promise.all(handles.map((h) => failureOf(h.result())));
      for (const f of failures) {
        expect(f.type).toBe(WriteFailureType.workflowIdNotDerived);
        expect(f.nonRetryable).toBe(true);
        expect(f.message).toContain(expected);
        expect(f.details?.[0]).toMatchObject({ expectedWorkflowId: expected });
      }
      expect((await state('sap-ids')).purchaseOrders.filter((p) => p.code === k)).toHaveLength(0);
      expect((await log('sap-ids')).slice(before)).toEqual([]);
    });

    it('an adjustment started under a second workflow id does not apply its delta again', async () => {
      const k = key('adj-two-ids');
      const input = { connectionId: 'sap-ids', idempotencyKey: k, inventoryKey: 'inv-2', delta: -3, retryBudget: FAST };
      const quantity = async () => (await state('sap-ids')).inventories.find((i) => i.key === 'inv-2')!.quantity;
      const start = await quantity();
      await (await startAdjustInventory(stack.client, input, opts())).result();
      const second = stack.client.workflow.start('adjustInventory', {
        taskQueue: stack.taskQueue,
        workflowId: `adjust-again-${k}`,
        args: [input],
      });
      expect((await failureOf((await second).result())).type).toBe(WriteFailureType.workflowIdNotDerived);
      expect(await quantity()).toBe(start - 3);
    });
  });

  describe('lookups that cannot miss', () => {
    it('finds the PO a committed-then-500 create wrote on page 2 of a loose filter, and writes no second one', async () => {
      const k = key('loose');
      await stack.sb.sandbox.admin.setBehaviour('sap-loose', { listFilter: 'loose', maxPerPage: 2 });
      // Three POs whose codes contain the key: a loose `filter[code]=<key>` returns them first.
      for (const suffix of ['a', 'b', 'c'])
        await (await startCreatePurchaseOrder(stack.client, po('sap-loose', `${k}-${suffix}`), opts())).result();
      await stack.sb.sandbox.admin.scriptFaults('sap-loose', [
        { kind: 'server-error', status: 500, commit: true, method: 'POST', pathPrefix: MakiniPath.purchaseOrders() },
      ]);
      const before = (await log('sap-loose')).length;
      const done = await (await startCreatePurchaseOrder(stack.client, po('sap-loose', k), opts())).result();
      const mine = (await state('sap-loose')).purchaseOrders.filter((p) => p.code === k);
      expect(mine).toHaveLength(1);
      expect(done.purchaseOrderKey).toBe(mine[0]!.key);
      const pages = (await log('sap-loose'))
        .slice(before)
        .filter((r) => r.method === 'GET' && r.path === MakiniPath.purchaseOrders())
        .map((r) => new URLSearchParams(r.query).get(MakiniQuery.page));
      expect(pages).toContain('2');
    });

    it.each([
      ['dropped', 'sap-dropped'],
      ['rewritten', 'sap-rewritten'],
    ] as const)('stops a PO create as WriteOutcomeUnknown when the system keeps its reference %s', async (how, connectionId) => {
      await stack.sb.sandbox.admin.setBehaviour(connectionId, { referenceField: how });
      const k = key(`ref-${how}`);
      const failure = await failureOf((await startCreatePurchaseOrder(stack.client, po(connectionId, k), opts())).result());
      expect(failure.type).toBe(WriteFailureType.outcomeUnknown);
      expect(failure.message).toContain(k);
      // It was written once, and nothing repeated it.
      const posts = (await log(connectionId)).filter((r) => r.method === 'POST' && r.path === MakiniPath.purchaseOrders());
      expect(posts.filter((r) => r.writeApplied)).toHaveLength(1);
    });

    it('stops a work-order create as WriteOutcomeUnknown when the system rewrites its code', async () => {
      await stack.sb.sandbox.admin.setBehaviour('sap-rewritten', { referenceField: 'rewritten' });
      const k = key('wo-rewritten');
      const before = (await log('sap-rewritten')).length;
      const created = startCreateWorkOrder(
        stack.client,
        { connectionId: 'sap-rewritten', idempotencyKey: k, workOrder: { title: 'Inspect pump' }, retryBudget: FAST },
        opts(),
      );
      const failure = await failureOf((await created).result());
      expect(failure.type).toBe(WriteFailureType.outcomeUnknown);
      const posts = (await log('sap-rewritten')).slice(before).filter((r) => r.method === 'POST' && r.path === MakiniPath.workOrders());
      expect(posts).toHaveLength(1);
    });
  });

  it('updates one custom field on a system that merges them, comparing custom fields one by one', async () => {
    await stack.sb.sandbox.admin.setBehaviour('sap-merge', { customFields: 'merge' });
    const k = key('merge');
    const input = po('sap-merge', k);
    input.purchaseOrder.customFields = { costCenter: '4711', project: 'P1' };
    const created = await (await startCreatePurchaseOrder(stack.client, input, opts())).result();
    const updated = await (
      await startUpdatePurchaseOrder(
        stack.client,
        {
          connectionId: 'sap-merge',
          idempotencyKey: `${k}-u`,
          purchaseOrderKey: created.purchaseOrderKey,
          changes: { customFields: { project: 'P2' } },
        },
        opts(),
      )
    ).result();
    expect(updated).toMatchObject({ changedFields: ['customFields'], alreadyApplied: false });
    const stored = (await state('sap-merge')).purchaseOrders.find((p) => p.key === created.purchaseOrderKey);
    expect(stored?.customFields).toEqual({ ZZ_KOSTL: '4711', ZZ_PROJ: 'P2' });
  });
});
