// Lists as Makini may serve them: by page number with links and meta (its OpenAPI files), or by
// cursor (its FAQ pages: meta.next_cursor, ?cursor=, no page numbers or totals, `page` ignored).
// Every list-reading path (PO lookup and lines, work orders and their materials, vendors,
// statuses) reads every page in both styles, through the workflows and the client, over HTTP.
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startAddWorkOrderMaterials,
  startAdjustInventory,
  startChangeWorkOrderStatus,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
} from '../../src/client/index.js';
import { createTokenSource } from '../../src/config/token-source.js';
import { MakiniPath, MakiniQuery } from '../../src/makini/workflow/contract.js';
import { MakiniClient } from '../../src/makini/client.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { poInput } from '../support/po-input.js';

const LINES = 250;
const makiniFor = (sb: TestSandbox) =>
  new MakiniClient({
    baseUrl: sb.sandbox.url,
    timeoutMs: 5_000,
    tokenSource: createTokenSource(sb.connections.connections, { env: sb.env }),
  });
const query = (r: { query: string }) => new URLSearchParams(r.query);

describe.each(['pages', 'cursor'] as const)('lists served by %s', (pagination) => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  let seq = 0;
  const key = (label: string) => `${label}-${pagination}-${Date.now().toString(36)}-${seq++}`;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: `pages-${pagination}`,
      connections: [
        { id: 'sap-1', system: 'sap' },
        // Pages of 2 and a filter that matches loosely: every lookup needs more than one page.
        { id: 'sap-small', system: 'sap' },
      ],
    });
    ({ sb, client, taskQueue } = stack);
    await sb.sandbox.admin.setBehaviour('sap-1', { pagination });
    await sb.sandbox.admin.setBehaviour('sap-small', { pagination, maxPerPage: 2, listFilter: 'loose' });
  });
  afterAll(() => stack?.stop());

  it(`creates a PO with ${LINES} lines and reads back every line, also through the lookup after a lost answer`, async () => {
    const k = key('po');
    // The create lands but its answer is lost: the workflow finds the PO by its code and reads its lines, page by page.
    await sb.sandbox.admin.scriptFaults('sap-1', [
      { kind: 'commit-then-fail', status: 504, method: 'POST', pathPrefix: MakiniPath.purchaseOrders() },
    ]);
    const result = await (await startCreatePurchaseOrder(client, poInput('sap-1', k, { lines: LINES }), { taskQueue })).result();
    expect(result.foundExisting).toBe(false);
    expect(result.lineItemKeys).toHaveLength(LINES);
    expect(new Set(result.lineItemKeys).size).toBe(LINES);
    const created = result.steps.find((x) => x.name.startsWith('create'))!;
    const lookup = result.steps.find((s) => s.name === 'look up by idempotency key' && s.startedAt > created.startedAt);
    expect(lookup?.requestIds).toHaveLength(3); // the PO list, then two pages of lines
    const log = await sb.sandbox.admin.requestLog('sap-1');
    expect(log.filter((r) => r.method === 'POST')).toHaveLength(1);
    const linePages = log.filter((r) => r.path === MakiniPath.purchaseOrderLineItems()).map(query);
    // The second page is the one the first named: by number, or by its cursor (never page=2 to a cursor list).
    const second = linePages.find((q) => q.has(pagination === 'pages' ? MakiniQuery.page : MakiniQuery.cursor));
    expect(second?.get(pagination === 'pages' ? MakiniQuery.page : MakiniQuery.cursor)).toEqual(
      pagination === 'pages' ? '2' : expect.any(String),
    );
    expect(second?.get(MakiniQuery.filter('purchaseOrderKey'))).toBe(result.purchaseOrderKey);
    if (pagination === 'cursor') expect(linePages.some((q) => q.has(MakiniQuery.page))).toBe(false);

    const makini = makiniFor(sb);
    const { key: poKey } = (await makini.findPurchaseOrders('sap-1', { code: k })).data.data[0]!;
    const all = await makini.listPurchaseOrderLines('sap-1', poKey);
    expect(all.data.data.map((l) => Number(l.lineNo)).sort((a, b) => a - b)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
    expect(all.pages).toHaveLength(2);
    expect(all.pages.every((p) => p.requestId?.startsWith('req_'))).toBe(true);
  });

  it('finds a work order after a lost answer, adds materials once and changes its status, on pages of 2', async () => {
    const k = key('wo');
    const create = async (idempotencyKey: string) =>
      (
        await startCreateWorkOrder(
          client,
          { connectionId: 'sap-small', idempotencyKey, workOrder: { title: 'Inspect pump' } },
          { taskQueue },
        )
      ).result();
    // Two work orders whose codes the loose filter also matches, listed before the one looked up.
    for (const suffix of ['-a', '-b']) await create(`${k}${suffix}`);
    await sb.sandbox.admin.scriptFaults('sap-small', [
      { kind: 'commit-then-fail', status: 504, method: 'POST', pathPrefix: MakiniPath.workOrders() },
    ]);
    const wo = await create(k);
    const workOrders = (await sb.sandbox.admin.state('sap-small')).workOrders;
    expect(workOrders.filter((w) => w.code === k).map((w) => w.key)).toEqual([wo.workOrderKey]);
    expect(wo.steps.find((s) => s.name === 'create work order')?.note).toMatch(/504.*landed/);

    const materials = [
      { materialKey: 'mat-1', requiredQuantity: 2 },
      { materialKey: 'mat-2', requiredQuantity: 1 },
      { materialKey: 'mat-3', requiredQuantity: 4 },
    ];
    const add = async (idempotencyKey: string) =>
      (
        await startAddWorkOrderMaterials(
          client,
          { connectionId: 'sap-small', idempotencyKey, workOrderKey: wo.workOrderKey, materials },
          { taskQueue },
        )
      ).result();
    expect((await add(key('m1'))).materials.map((m) => m.added)).toEqual([true, true, true]);
    // The second run reads both pages of materials and writes nothing.
    expect((await add(key('m2'))).materials.map((m) => m.added)).toEqual([false, false, false]);

    // `completed` is the 4th of 5 statuses: on the second page of 2.
    const status = await (
      await startChangeWorkOrderStatus(
        client,
        { connectionId: 'sap-small', idempotencyKey: key('st'), workOrderKey: wo.workOrderKey, status: 'completed' },
        { taskQueue },
      )
    ).result();
    expect(status).toMatchObject({ status: 'completed', alreadyApplied: false });
  });

  it('adjusts the inventory of a material (its inventory records come with the material, no list)', async () => {
    const result = await (
      await startAdjustInventory(
        client,
        { connectionId: 'sap-small', idempotencyKey: key('adj'), materialKey: 'mat-2', delta: 3 },
        { taskQueue },
      )
    ).result();
    expect(result.quantity).toBe(result.previousQuantity + 3);
  });

  it('reads every list through the client to its end, whatever the filter matched', async () => {
    const makini = makiniFor(sb);
    const k = key('list');
    for (const suffix of ['-1', '-2', '-3']) {
      await (await startCreatePurchaseOrder(client, poInput('sap-small', `${k}${suffix}`, { lines: 3 }), { taskQueue })).result();
    }
    const pos = await makini.findPurchaseOrders('sap-small', { code: k });
    expect(pos.data.data.map((p) => p.code)).toEqual(['-1', '-2', '-3'].map((s) => `${k}${s}`));
    expect(pos.pages).toHaveLength(2);
    const poLines = await makini.listPurchaseOrderLines('sap-small', pos.data.data[2]!.key);
    expect(poLines.data.data).toHaveLength(3);
    expect(poLines.pages).toHaveLength(2);

    // A vendor code the loose filter matches three times: all three come back, over two pages.
    const vendors = await makini.findVendorsByCode('sap-small', '00001');
    expect(vendors.data.data.map((v) => v.key)).toEqual(['V-100', 'V-200', 'V-300']);
    expect(vendors.pages).toHaveLength(2);
    const statuses = await makini.listStatuses('sap-small', 'work-orders');
    expect(statuses.data.data.map((s) => s.code)).toEqual(['open', 'in-progress', 'on-hold', 'completed', 'cancelled']);
    expect(statuses.pages).toHaveLength(3);

    const wos = await makini.findWorkOrders('sap-small', [{ field: 'title', op: 'contains', value: 'Inspect pump' }]);
    expect(wos.data.data.length).toBeGreaterThanOrEqual(3);
    expect(wos.pages.length).toBe(Math.ceil(wos.data.data.length / 2));
    const withMaterials = wos.data.data.find((w) => Number(w.materialCount) === 3)!;
    const materials = await makini.listWorkOrderMaterials('sap-small', withMaterials.key);
    expect(materials.data.data.map((m) => m.materialKey)).toEqual(['mat-1', 'mat-2', 'mat-3']);
    expect(materials.pages).toHaveLength(2);
  });
});

describe('the links a list names', () => {
  let sb: TestSandbox;
  let makini: MakiniClient;

  beforeAll(async () => {
    sb = await startTestSandbox([{ id: 'dyn-1', system: 'dynamics' }]);
    makini = makiniFor(sb);
  });
  afterAll(() => sb?.sandbox.close());

  it.each([
    ['pages', 'relative'],
    ['cursor', 'relative'],
    ['pages', 'none'], // page numbers from meta.current_page / last_page
    ['cursor', 'none'], // meta.next_cursor sent back as ?cursor=
  ] as const)('%s with %s links: every page is read', async (pagination, pageLinks) => {
    await sb.sandbox.admin.reset();
    await sb.sandbox.admin.setBehaviour('dyn-1', { maxPerPage: 1, listFilter: 'loose', pagination, pageLinks });
    const res = await makini.findVendorsByCode('dyn-1', '0000100');
    expect(res.data.data.map((v) => v.key)).toEqual(['V-100', 'V-200', 'V-300']);
    expect(res.pages).toHaveLength(3);
    const asked = (await sb.sandbox.admin.requestLog('dyn-1')).map(query);
    if (pagination === 'cursor') expect(asked.filter((q) => q.has(MakiniQuery.cursor))).toHaveLength(2);
    else expect(asked.map((q) => q.get(MakiniQuery.page))).toEqual([null, '2', '3']);
    expect(asked.every((q) => q.get(MakiniQuery.filter('code')) === '0000100')).toBe(true);
  });

  it.each(['pages', 'cursor'] as const)('%s: a next link on another origin is refused, and nothing is sent there', async (pagination) => {
    await sb.sandbox.admin.reset();
    await sb.sandbox.admin.setBehaviour('dyn-1', { maxPerPage: 1, listFilter: 'loose', pagination, pageLinks: 'other-origin' });
    const err = await makini.findVendorsByCode('dyn-1', '0000100').then(
      () => undefined,
      (e: unknown) => e as { info: { type: string; message: string; retryable: boolean } },
    );
    expect(err?.info).toMatchObject({ type: 'MakiniMalformedResponse', retryable: false });
    expect(err?.info.message).toMatch(/names its next page on http:\/\/elsewhere\.invalid, not on http:\/\/127\.0\.0\.1:\d+.*not followed/);
    expect(await sb.sandbox.admin.requestLog('dyn-1')).toHaveLength(1);
  });
});
