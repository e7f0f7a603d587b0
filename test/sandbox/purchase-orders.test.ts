// Purchase orders through the sandbox's public API, over real HTTP: per-system line rules,
// state locks, one-transaction creates, lists with filters and pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MakiniErrorCode, MakiniHeader, MakiniPath, MakiniQuery } from '../../src/makini/workflow/contract.js';
import { SANDBOX_METHOD_NOT_ALLOWED, startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { caller, header, lines, uniqueCode, type Call } from './helpers.js';

describe('sandbox purchase orders', () => {
  let sb: StartedSandbox;
  let sap: Call;
  let dyn: Call;
  let maximo: Call;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 42,
      connections: [
        { id: 'sap-1', token: 'tok-sap', system: 'sap' },
        { id: 'dyn-1', token: 'tok-dyn', system: 'dynamics' },
        { id: 'max-1', token: 'tok-max', system: 'maximo' },
      ],
    });
    sap = caller(sb, 'tok-sap');
    dyn = caller(sb, 'tok-dyn');
    maximo = caller(sb, 'tok-max');
  });
  afterAll(() => sb?.close());

  const withCode = async (connectionId: string, code: string) =>
    (await sb.admin.state(connectionId)).purchaseOrders.filter((p) => p.code === code);

  it('names the system in /integrations/current', async () => {
    const r = await sap('GET', MakiniPath.integrationCurrent());
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ id: 'sap-1', provider: 'sap', sync_status: 'completed' });
    expect(r.json.data.company_name).toEqual(expect.any(String));
  });

  it('creates an SAP PO with 20 lines in one request: it exists once with all 20 lines', async () => {
    const code = uniqueCode('sap20');
    const r = await sap('POST', MakiniPath.purchaseOrders(), { ...header(code), lineItems: lines(20) });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ code, status: 'draft', statusKey: expect.any(String) });
    expect(r.json.data.lineItems).toHaveLength(20);
    const [po, ...others] = await withCode('sap-1', code);
    expect(others).toEqual([]);
    expect(po?.lineItems.map((l) => l.lineNo)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(po?.lineItems.map((l) => l.key)).size).toBe(20);
    // Read back through the API too: by key (with lines) and the lines endpoint.
    const got = await sap('GET', MakiniPath.purchaseOrder(po!.key));
    expect(got.json.data.lineItems).toHaveLength(20);
    const listed = await sap(
      'GET',
      `${MakiniPath.purchaseOrderLineItems()}?${MakiniQuery.filter('purchaseOrderKey')}=${po!.key}&${MakiniQuery.perPage}=50`,
    );
    expect(listed.json.meta.total).toBe(20);
    const one = await sap('GET', MakiniPath.purchaseOrderLineItem(po!.lineItems[3]!.key));
    expect(one.json.data).toMatchObject({ lineNo: 4, purchaseOrderKey: po!.key });
  });

  it('refuses adding a line separately on SAP (409, says lines come with the header), allows it on Dynamics', async () => {
    const sapPo = (await sap('POST', MakiniPath.purchaseOrders(), { ...header(uniqueCode('sapadd')), lineItems: lines(1) })).json.data;
    const refused = await sap('POST', MakiniPath.purchaseOrderLineItemsOf(sapPo.key), { quantity: 1, price: 1 });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe(MakiniErrorCode.writeNotAllowed);
    expect(refused.json.error.message).toMatch(/lines to be created with the header, in the same request/);
    expect((await sb.admin.state('sap-1')).purchaseOrders.find((p) => p.key === sapPo.key)?.lineItems).toHaveLength(1);

    const code = uniqueCode('dynadd');
    const dynPo = (await dyn('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-200' })).json.data;
    expect(dynPo.lineItems).toEqual([]);
    for (const line of lines(3)) {
      const added = await dyn('POST', MakiniPath.purchaseOrderLineItemsOf(dynPo.key), line);
      expect(added.status).toBe(200);
      expect(added.json.data).toMatchObject({ lineNo: line.lineNo, purchaseOrderKey: dynPo.key, key: expect.any(String) });
    }
    // A line number twice is a conflict, not a second line.
    const again = await dyn('POST', MakiniPath.purchaseOrderLineItemsOf(dynPo.key), lines(1)[0]);
    expect(again.status).toBe(409);
    const [stored] = await withCode('dyn-1', code);
    expect(stored?.lineItems.map((l) => l.lineNo)).toEqual([1, 2, 3]);
  });

  it('refuses an SAP PO without lines, and names every problem of a bad create at once', async () => {
    const code = uniqueCode('nolines');
    const r = await sap('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-404', totalNetValue: 3 });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(MakiniErrorCode.validationFailed);
    const fields = (r.json.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['currencyKey', 'lineItems', 'siteKey', 'totalNetValue', 'vendorKey']);
    expect(r.json.error.message).toMatch(/at least one line item in the same request/);
    expect(await withCode('sap-1', code)).toEqual([]);
  });

  it('stores nothing when one line of a create is invalid (one transaction)', async () => {
    const code = uniqueCode('badline');
    const bad = lines(5);
    bad[3] = { ...bad[3]!, quantity: -2 };
    const before = (await sb.admin.state('sap-1')).writes;
    const r = await sap('POST', MakiniPath.purchaseOrders(), {
      ...header(code),
      lineItems: [...bad, { quantity: 1, price: 1, materialKey: 'mat-99' }],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/lineItems\.3\.quantity/);
    expect(r.json.error.message).toMatch(/lineItems\.5\.materialKey: material "mat-99" does not exist/);
    expect(await withCode('sap-1', code)).toEqual([]);
    const state = await sb.admin.state('sap-1');
    expect(state.writes.refused).toBe(before.refused + 1);
    expect(state.writes.applied).toBe(before.applied);
    const last = (await sb.admin.requestLog('sap-1')).at(-1);
    expect(last).toMatchObject({
      method: 'POST',
      path: MakiniPath.purchaseOrders(),
      status: 400,
      writeApplied: false,
      errorCode: 'VALIDATION_FAILED',
    });
  });

  it('locks approved POs: SAP refuses PUT and lines and allows only closing; Dynamics also allows cancelling', async () => {
    const sapPo = (await sap('POST', MakiniPath.purchaseOrders(), { ...header(uniqueCode('sapappr')), lineItems: lines(2) })).json.data;
    const upd = await sap('PUT', MakiniPath.purchaseOrder(sapPo.key), { title: 'before approval' });
    expect(upd.status).toBe(200);
    expect(upd.json.data.title).toBe('before approval');
    const approved = await sap('PUT', MakiniPath.purchaseOrderStatus(sapPo.key), { status: 'approved' });
    expect(approved.status).toBe(200);
    expect(approved.json.data).toMatchObject({ status: 'approved', approvedAt: expect.any(String) });

    const locked = await sap('PUT', MakiniPath.purchaseOrder(sapPo.key), { title: 'after approval' });
    expect(locked.status).toBe(409);
    expect(locked.json.error).toMatchObject({ code: MakiniErrorCode.writeNotAllowed, type: 'invalid_request_error' });
    expect(locked.json.error.message).toMatch(/is approved/);
    const cancel = await sap('PUT', MakiniPath.purchaseOrderStatus(sapPo.key), { status: 'cancelled' });
    expect(cancel.status).toBe(409);
    expect(cancel.json.error.message).toMatch(/allowed: closed/);
    expect((await sap('PUT', MakiniPath.purchaseOrderStatus(sapPo.key), { status: 'closed' })).json.data.status).toBe('closed');
    expect((await sap('GET', MakiniPath.purchaseOrder(sapPo.key))).json.data.title).toBe('before approval');

    const dynPo = (await dyn('POST', MakiniPath.purchaseOrders(), { ...header(uniqueCode('dynappr')), lineItems: lines(1) })).json.data;
    await dyn('PUT', MakiniPath.purchaseOrderStatus(dynPo.key), { status: 'approved' });
    expect((await dyn('POST', MakiniPath.purchaseOrderLineItemsOf(dynPo.key), { quantity: 1 })).status).toBe(409);
    expect((await dyn('PUT', MakiniPath.purchaseOrder(dynPo.key), { notes: 'x' })).status).toBe(409);
    expect((await dyn('PUT', MakiniPath.purchaseOrderStatus(dynPo.key), { status: 'cancelled' })).json.data.status).toBe('cancelled');
  });

  it('makes cancelled POs final, and a repeated status PUT a no-op', async () => {
    const po = (await dyn('POST', MakiniPath.purchaseOrders(), { ...header(uniqueCode('cancel')) })).json.data;
    expect((await dyn('PUT', MakiniPath.purchaseOrderStatus(po.key), { status: 'cancelled' })).status).toBe(200);
    const applied = (await sb.admin.state('dyn-1')).writes.applied;
    expect((await dyn('PUT', MakiniPath.purchaseOrderStatus(po.key), { status: 'cancelled' })).status).toBe(200);
    expect((await sb.admin.state('dyn-1')).writes.applied).toBe(applied);
    for (const [method, path, body] of [
      ['PUT', MakiniPath.purchaseOrder(po.key), { title: 'x' }],
      ['POST', MakiniPath.purchaseOrderLineItemsOf(po.key), { quantity: 1 }],
      ['PUT', MakiniPath.purchaseOrderStatus(po.key), { status: 'draft' }],
    ] as const) {
      const r = await dyn(method, path, body);
      expect(r.status).toBe(409);
      expect(r.json.error.message).toMatch(/cancelled purchase order refuses every further change/);
    }
  });

  it('refuses approving a PO without lines, and unknown statuses', async () => {
    const po = (await maximo('POST', MakiniPath.purchaseOrders(), { ...header(uniqueCode('empty')) })).json.data;
    expect((await maximo('PUT', MakiniPath.purchaseOrderStatus(po.key), { status: 'approved' })).status).toBe(409);
    const bad = await maximo('PUT', MakiniPath.purchaseOrderStatus(po.key), { status: 'released' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/unknown status "released"/);
  });

  it('refuses read-only and unknown fields, and fields fixed after create', async () => {
    const po = (await sap('POST', MakiniPath.purchaseOrders(), { ...header(uniqueCode('ro')), lineItems: lines(1) })).json.data;
    const r = await sap('PUT', MakiniPath.purchaseOrder(po.key), { statusKey: 'x', vendorKey: 'V-200', titel: 'typo' });
    expect(r.status).toBe(400);
    expect(Object.fromEntries((r.json.error.details as { field: string; message: string }[]).map((d) => [d.field, d.message]))).toEqual({
      statusKey: expect.stringMatching(/read-only/),
      vendorKey: expect.stringMatching(/cannot be changed after the purchase order is created/),
      titel: 'is not a field of this entity',
    });
  });

  it('answers 405 to DELETE everywhere, with the error shape, and 404 to unknown paths and keys', async () => {
    const po = (await sap('POST', MakiniPath.purchaseOrders(), { ...header(uniqueCode('del')), lineItems: lines(1) })).json.data;
    for (const path of [
      MakiniPath.purchaseOrder(po.key),
      MakiniPath.purchaseOrders(),
      MakiniPath.inventory('inv-1'),
      MakiniPath.workOrders(),
    ]) {
      const r = await sap('DELETE', path);
      expect(r.status).toBe(405);
      expect(r.json.error).toMatchObject({
        code: SANDBOX_METHOD_NOT_ALLOWED,
        type: 'invalid_request_error',
        request_id: r.headers.get(MakiniHeader.requestId),
      });
      expect(r.headers.get('allow')).toBeTruthy();
    }
    expect((await sap('GET', MakiniPath.purchaseOrder(po.key))).status).toBe(200);
    expect((await sap('GET', MakiniPath.purchaseOrder('nope'))).json.error.code).toBe(MakiniErrorCode.notFound);
    expect((await sap('GET', '/api/eam/nothing-here')).status).toBe(404);
  });

  it('lists with Makini pagination, filters by code (exact, contains, comparisons) and sorts', async () => {
    const prefix = uniqueCode('page');
    for (let i = 1; i <= 7; i++) {
      await dyn('POST', MakiniPath.purchaseOrders(), { ...header(`${prefix}-${i}`), title: `t${i}`, lineItems: lines(i) });
    }
    const f = MakiniQuery.filter;
    const byCode = await dyn('GET', `${MakiniPath.purchaseOrders()}?${f('code')}=${prefix}-3`);
    expect(byCode.json.data.map((p: { code: string }) => p.code)).toEqual([`${prefix}-3`]);
    expect(byCode.json.meta).toMatchObject({ total: 1, current_page: 1, last_page: 1 });

    const page2 = await dyn(
      'GET',
      `${MakiniPath.purchaseOrders()}?${f('code', 'contains')}=${prefix}&${MakiniQuery.perPage}=3&${MakiniQuery.page}=2`,
    );
    expect(page2.json.data.map((p: { code: string }) => p.code)).toEqual([4, 5, 6].map((i) => `${prefix}-${i}`));
    expect(page2.json.meta).toMatchObject({ current_page: 2, from: 4, to: 6, last_page: 3, per_page: 3, total: 7 });
    expect(page2.json.meta.path).toMatch(new RegExp(`${MakiniPath.purchaseOrders()}$`));
    const next = new URL(page2.json.links.next as string);
    expect(next.searchParams.get(MakiniQuery.page)).toBe('3');
    expect(next.searchParams.get(f('code', 'contains'))).toBe(prefix);
    expect(page2.json.links.prev).toMatch(/page=1/);
    expect((await dyn('GET', `${next.pathname}${next.search}`)).json.data).toHaveLength(1);

    const sorted = await dyn(
      'GET',
      `${MakiniPath.purchaseOrders()}?filter[code:startsWith]=${prefix}&${MakiniQuery.sort('totalNetValue')}=1&${MakiniQuery.perPage}=2`,
    );
    expect(sorted.json.data.map((p: { code: string }) => p.code)).toEqual([`${prefix}-7`, `${prefix}-6`]);
    const gte = await dyn(
      'GET',
      `${MakiniPath.purchaseOrders()}?${f('code', 'contains')}=${prefix}&${f('totalNetValue', 'gte')}=${(await withCode('dyn-1', `${prefix}-5`))[0]!.totalNetValue}`,
    );
    expect(gte.json.meta.total).toBe(3);
    const any = await dyn('GET', `${MakiniPath.purchaseOrders()}?${f('code')}=${prefix}-1&${f('title')}=t2&filterMatch=any`);
    expect(any.json.meta.total).toBe(2);

    expect((await dyn('GET', `${MakiniPath.purchaseOrders()}?${f('code')}=does-not-exist`)).json).toMatchObject({
      data: [],
      meta: { total: 0, from: null },
    });
    expect((await dyn('GET', `${MakiniPath.purchaseOrders()}?${MakiniQuery.perPage}=0`)).status).toBe(400);
    expect((await dyn('GET', `${MakiniPath.purchaseOrders()}?filter[code:like]=x`)).status).toBe(400);
  });

  it('finds a vendor by its code, never by its key in the code filter', async () => {
    const r = await sap('GET', `${MakiniPath.vendors()}?${MakiniQuery.filter('code')}=0000100100`);
    expect(r.json.data).toEqual([expect.objectContaining({ key: 'V-100', code: '0000100100' })]);
    expect((await sap('GET', `${MakiniPath.vendors()}?${MakiniQuery.filter('code')}=V-100`)).json.data).toEqual([]);
    expect((await sap('GET', `${MakiniPath.vendors()}?${MakiniQuery.filter('code')}=V-404`)).json.data).toEqual([]);
  });

  it('lists PO statuses with their keys', async () => {
    const r = await sap('GET', MakiniPath.statuses('purchase-orders'));
    expect(r.json.data.map((s: { code: string }) => s.code)).toEqual(['draft', 'pending-approval', 'approved', 'cancelled', 'closed']);
    expect(r.json.data[0].key).not.toBe('draft');
  });
});
