// Per-connection switches for what Makini leaves open: what the system does with the reference
// field on create, how list filters match, and how big pages are. Defaults are the old behaviour.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MakiniPath, MakiniQuery } from '../../src/makini/workflow/contract.js';
import { DEFAULT_BEHAVIOUR, startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { caller, lines, uniqueCode, type Call } from './helpers.js';

describe('sandbox behaviour switches', () => {
  let sb: StartedSandbox;
  let dyn: Call;
  let mx: Call;

  beforeAll(async () => {
    sb = await startSandbox({
      connections: [
        { id: 'dyn-1', token: 'tok-dyn', system: 'dynamics' },
        { id: 'mx-1', token: 'tok-mx', system: 'maintain-x' },
      ],
    });
    dyn = caller(sb, 'tok-dyn');
    mx = caller(sb, 'tok-mx');
  });
  afterAll(() => sb?.close());
  beforeEach(() => sb.admin.reset());

  const f = MakiniQuery.filter;
  const poCodes = async (call: Call, query: string) =>
    (await call('GET', `${MakiniPath.purchaseOrders()}?${query}`)).json.data.map((p: { code?: string }) => p.code);
  const createPo = (call: Call, code: string) =>
    call('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-100', lineItems: lines(1) });

  it('defaults to kept / exact / 15 per page / at most 200, changes only what a PUT names, and resets', async () => {
    expect(DEFAULT_BEHAVIOUR).toEqual({
      referenceField: 'kept',
      referenceFieldName: 'code',
      listFilter: 'exact',
      defaultPerPage: 15,
      maxPerPage: 200,
      customFields: 'replace',
      pagination: 'pages',
      pageLinks: 'absolute',
      decimalsAsStrings: false,
      statusLabels: 'makini',
      repeatedLines: 'refused',
    });
    expect(await sb.admin.behaviour('dyn-1')).toEqual(DEFAULT_BEHAVIOUR);
    expect(await sb.admin.setBehaviour('dyn-1', { listFilter: 'loose' })).toEqual({ ...DEFAULT_BEHAVIOUR, listFilter: 'loose' });
    expect(await sb.admin.setBehaviour('dyn-1', { maxPerPage: 3 })).toEqual({ ...DEFAULT_BEHAVIOUR, listFilter: 'loose', maxPerPage: 3 });
    expect((await sb.admin.state('dyn-1')).behaviour).toMatchObject({ listFilter: 'loose', maxPerPage: 3 });
    expect(await sb.admin.behaviour('mx-1')).toEqual(DEFAULT_BEHAVIOUR); // per connection
    await sb.admin.reset();
    expect(await sb.admin.behaviour('dyn-1')).toEqual(DEFAULT_BEHAVIOUR);
  });

  it('repeatedLines accepted: a second line of a lineNo and a second material of a materialKey are stored, not refused with 409', async () => {
    const po = (await createPo(dyn, uniqueCode('rl'))).json.data;
    const wo = (await dyn('POST', MakiniPath.workOrders(), { title: 'Swap belt' })).json.data;
    const line = { lineNo: 1, materialKey: 'mat-2', quantity: 1, price: 3 };
    const material = { materialKey: 'mat-3', quantity: 2 };
    await dyn('POST', MakiniPath.workOrderMaterials(wo.key), material);
    // Default: refused, nothing stored.
    expect((await dyn('POST', MakiniPath.purchaseOrderLineItemsOf(po.key), line)).status).toBe(409);
    expect((await dyn('POST', MakiniPath.workOrderMaterials(wo.key), material)).status).toBe(409);
    await sb.admin.setBehaviour('dyn-1', { repeatedLines: 'accepted' });
    const second = await dyn('POST', MakiniPath.purchaseOrderLineItemsOf(po.key), line);
    expect(second.status).toBe(200);
    const again = await dyn('POST', MakiniPath.workOrderMaterials(wo.key), material);
    expect(again.status).toBe(200);
    const state = await sb.admin.state('dyn-1');
    const lineNos = state.purchaseOrders.find((p) => p.key === po.key)!.lineItems.map((l) => Number(l.lineNo));
    expect(lineNos).toEqual([1, 1]);
    const materials = state.workOrders.find((w) => w.key === wo.key)!.materials;
    expect(materials.map((m) => m.materialKey)).toEqual(['mat-3', 'mat-3']);
    expect(new Set(materials.map((m) => m.key)).size).toBe(2);
    expect(second.json.data.key).not.toBe(po.lineItems[0].key);
  });

  it('statusLabels system: keys, codes and names all differ; records read back the name and the key; the PO status PUT takes the code', async () => {
    await sb.admin.setBehaviour('dyn-1', { statusLabels: 'system' });
    const rows = (await dyn('GET', MakiniPath.statuses('purchase-orders'))).json.data;
    expect(rows).toContainEqual(expect.objectContaining({ key: 'PS-90', code: 'CAN', name: 'Cancelled' }));
    const created = (await createPo(dyn, uniqueCode('st'))).json.data;
    expect(created).toMatchObject({ status: 'Draft', statusKey: 'PS-10' });
    for (const notACode of ['cancelled', 'Cancelled', 'PS-90']) {
      expect((await dyn('PUT', MakiniPath.purchaseOrderStatus(created.key), { status: notACode })).status, notACode).toBe(400);
    }
    const cancelled = await dyn('PUT', MakiniPath.purchaseOrderStatus(created.key), { status: 'CAN' });
    expect(cancelled.json.data).toMatchObject({ status: 'Cancelled', statusKey: 'PS-90' });
    // The admin state keeps the stored (canonical) form.
    expect((await sb.admin.state('dyn-1')).purchaseOrders.find((p) => p.key === created.key)).toMatchObject({ status: 'cancelled' });

    const wo = (await dyn('POST', MakiniPath.workOrders(), { title: 'pump' })).json.data;
    expect(wo).toMatchObject({ status: 'Open', statusKey: 'WS-10' });
    expect((await dyn('PUT', MakiniPath.workOrderStatus(wo.key), { statusKey: 'wo-status-completed' })).status).toBe(400);
    const done = await dyn('PUT', MakiniPath.workOrderStatus(wo.key), { statusKey: 'WS-30' });
    expect(done.json.data).toMatchObject({ status: 'Completed', statusKey: 'WS-30' });
    expect((await dyn('GET', MakiniPath.workOrder(wo.key))).json.data).toMatchObject({ status: 'Completed', statusKey: 'WS-30' });
  });

  it('refuses unknown switches and values, and a reference field the sandbox manages', async () => {
    await expect(sb.admin.setBehaviour('dyn-1', { referenceField: 'ignored' as 'kept' })).rejects.toThrow(/referenceField/);
    await expect(sb.admin.setBehaviour('dyn-1', { listFilter: 'fuzzy' as 'loose' })).rejects.toThrow(/listFilter/);
    await expect(sb.admin.setBehaviour('dyn-1', { maxPerPage: 0 })).rejects.toThrow(/maxPerPage/);
    await expect(sb.admin.setBehaviour('dyn-1', { referenceFieldName: 'key' })).rejects.toThrow(
      /referenceFieldName: must not be a field the sandbox manages/,
    );
    await expect(sb.admin.setBehaviour('dyn-1', { pageSize: 3 } as never)).rejects.toThrow(/pageSize/);
    expect(await sb.admin.behaviour('dyn-1')).toEqual(DEFAULT_BEHAVIOUR);
  });

  describe('referenceField', () => {
    it('kept: the code sent is stored and found by filter[code]', async () => {
      const code = uniqueCode('kept');
      expect((await createPo(dyn, code)).json.data.code).toBe(code);
      expect(await poCodes(dyn, `${f('code')}=${code}`)).toEqual([code]);
    });

    it('dropped: the system ignores the code sent; nothing has it, the record has no code', async () => {
      await sb.admin.setBehaviour('dyn-1', { referenceField: 'dropped' });
      const code = uniqueCode('dropped');
      const created = (await createPo(dyn, code)).json.data;
      expect(created).not.toHaveProperty('code');
      expect(await poCodes(dyn, `${f('code')}=${code}`)).toEqual([]);
      expect((await sb.admin.state('dyn-1')).purchaseOrders.find((p) => p.key === created.key)).not.toHaveProperty('code');
      // The write itself landed: it is there by key, with its lines.
      expect((await dyn('GET', MakiniPath.purchaseOrder(created.key))).json.data.lineItems).toHaveLength(1);

      const wo = (await dyn('POST', MakiniPath.workOrders(), { title: 'Dropped reference', code })).json.data;
      expect(wo).not.toHaveProperty('code');
      expect((await dyn('GET', `${MakiniPath.workOrders()}?${f('code')}=${code}`)).json.data).toEqual([]);
    });

    it('rewritten: the system stores its own number in code (PO: its order number; WO: its WO number)', async () => {
      await sb.admin.setBehaviour('dyn-1', { referenceField: 'rewritten' });
      const code = uniqueCode('rewritten');
      const po = (await createPo(dyn, code)).json.data;
      expect(po.code).toMatch(/^45\d{8}$/);
      expect(po.code).toBe(po.orderNo);
      expect(await poCodes(dyn, `${f('code')}=${code}`)).toEqual([]);
      expect(await poCodes(dyn, `${f('code')}=${po.code}`)).toEqual([po.code]);
      // With an orderNo of the client's own, the code is still the system's number.
      const withOrderNo = (await dyn('POST', MakiniPath.purchaseOrders(), { code, orderNo: 'PO-CLIENT-1', vendorKey: 'V-100' })).json.data;
      expect(withOrderNo).toMatchObject({ orderNo: 'PO-CLIENT-1', code: expect.stringMatching(/^45\d{8}$/) });
      expect(withOrderNo.code).not.toBe(po.code);

      const wos = [];
      for (const title of ['first', 'second']) wos.push((await dyn('POST', MakiniPath.workOrders(), { title, code })).json.data);
      expect(wos.map((w) => w.code)).toEqual(['100001', '100002']);
      expect((await dyn('GET', `${MakiniPath.workOrders()}?${f('code')}=${code}`)).json.data).toEqual([]);
      // Even a create without a code gets the system's number.
      expect((await dyn('POST', MakiniPath.workOrders(), { title: 'no code' })).json.data.code).toBe('100003');
    });

    it('referenceFieldName: the switch applies to the field a profile uses, others are kept', async () => {
      await sb.admin.setBehaviour('mx-1', { referenceField: 'dropped', referenceFieldName: 'description' });
      const wo = (await mx('POST', MakiniPath.workOrders(), { title: 't', siteKey: 'S1', code: 'WO-7', description: 'marker [mw:abc]' }))
        .json.data;
      expect(wo).toMatchObject({ code: 'WO-7', title: 't' });
      expect(wo).not.toHaveProperty('description');
    });
  });

  describe('listFilter', () => {
    it('exact (default): filter[code]=v is string equality', async () => {
      const prefix = uniqueCode('ABC');
      for (const code of [prefix, `${prefix}0`, `x-${prefix.toLowerCase()}`]) await createPo(dyn, code);
      expect(await poCodes(dyn, `${f('code')}=${prefix}`)).toEqual([prefix]);
      expect(await poCodes(dyn, `${f('code')}=${prefix.toLowerCase()}`)).toEqual([]);
    });

    it('loose: filter[code]=v matches case-insensitively and as a substring; the client must compare itself', async () => {
      await sb.admin.setBehaviour('dyn-1', { listFilter: 'loose' });
      const prefix = uniqueCode('ABC');
      const other = uniqueCode('other');
      for (const code of [prefix, `${prefix}0`, `x-${prefix.toLowerCase()}`, other]) await createPo(dyn, code);
      expect(await poCodes(dyn, `${f('code')}=${prefix}`)).toEqual([prefix, `${prefix}0`, `x-${prefix.toLowerCase()}`]);
      expect(await poCodes(dyn, `${f('code')}=${prefix.toLowerCase()}`)).toHaveLength(3);
      // Vendors too: a prefix of the codes finds all three, a key still finds none.
      expect((await dyn('GET', `${MakiniPath.vendors()}?${f('code')}=0000100`)).json.meta.total).toBe(3);
      expect((await dyn('GET', `${MakiniPath.vendors()}?${f('code')}=V-100`)).json.data).toEqual([]);
      // Only the plain filter is loose: explicit operators keep their meaning.
      expect(await poCodes(dyn, `${f('code', 'contains')}=${other}`)).toEqual([other]);
      expect(await poCodes(dyn, `filter[code:startsWith]=x-`)).toEqual([`x-${prefix.toLowerCase()}`]);
      // The other connection is exact still.
      await createPo(mx, `${prefix}-em`);
      expect((await mx('GET', `${MakiniPath.purchaseOrders()}?${f('code')}=${prefix}`)).json.data).toEqual([]);
    });
  });

  describe('page sizes', () => {
    it('maxPerPage: a lookup asking for 50 gets pages of 2 and must follow links.next to find its record', async () => {
      const prefix = uniqueCode('page');
      for (let i = 1; i <= 5; i++) await createPo(dyn, `${prefix}-${i}`);
      await sb.admin.setBehaviour('dyn-1', { maxPerPage: 2, listFilter: 'loose' });
      const broad = await dyn('GET', `${MakiniPath.purchaseOrders()}?${f('code')}=${prefix}&${MakiniQuery.perPage}=50`);
      expect(broad.json.meta).toMatchObject({ per_page: 2, total: 5, last_page: 3 });
      expect(broad.json.data.map((p: { code: string }) => p.code)).not.toContain(`${prefix}-5`);
      const found: string[] = [];
      let next: string | null = `${MakiniPath.purchaseOrders()}?${f('code')}=${prefix}&${MakiniQuery.perPage}=50`;
      while (next) {
        const page: { data: { code: string }[]; links: { next: string | null } } = (await dyn('GET', next)).json;
        found.push(...page.data.map((p) => p.code));
        const url: URL | null = page.links.next ? new URL(page.links.next) : null;
        next = url ? `${url.pathname}${url.search}` : null;
      }
      expect(found).toEqual([1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`));
    });

    it('defaultPerPage: a list without per_page gets that many', async () => {
      await sb.admin.setBehaviour('dyn-1', { defaultPerPage: 1 });
      const r = await dyn('GET', MakiniPath.vendors());
      expect(r.json.data.map((v: { key: string }) => v.key)).toEqual(['V-100']);
      expect(r.json.meta).toMatchObject({ per_page: 1, total: 3, last_page: 3 });
      expect((await dyn('GET', `${MakiniPath.vendors()}?${MakiniQuery.perPage}=3`)).json.data).toHaveLength(3);
      expect((await mx('GET', MakiniPath.vendors())).json.meta.per_page).toBe(15);
    });
  });

  describe('pagination and pageLinks', () => {
    const vendorsPage = (query: string) => dyn('GET', `${MakiniPath.vendors()}?${MakiniQuery.perPage}=1${query}`);

    it('cursor: no page numbers or total, links.next and meta.next_cursor name the next page, and page is ignored', async () => {
      await sb.admin.setBehaviour('dyn-1', { pagination: 'cursor' });
      const first = (await vendorsPage('')).json;
      expect(first.meta).not.toHaveProperty('current_page');
      expect(first.meta).not.toHaveProperty('last_page');
      expect(first.meta).not.toHaveProperty('total');
      expect(first.meta).toMatchObject({ per_page: 1, next_cursor: expect.any(String), prev_cursor: null });
      expect(new URL(first.links.next).searchParams.get(MakiniQuery.cursor)).toBe(first.meta.next_cursor);
      // Asking by number gets the first page again, as a cursor API does.
      expect((await vendorsPage(`&${MakiniQuery.page}=2`)).json.data).toEqual(first.data);
      const keys: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: { key: string }[]; meta: { next_cursor: string | null } } = (
          await vendorsPage(cursor ? `&${MakiniQuery.cursor}=${cursor}` : '')
        ).json;
        keys.push(...page.data.map((v) => v.key));
        cursor = page.meta.next_cursor;
      } while (cursor);
      expect(keys).toHaveLength(3);
      expect(new Set(keys).size).toBe(3);
      const bad = await vendorsPage(`&${MakiniQuery.cursor}=not-one`);
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/cursor.*is not a cursor this list gave/);
    });

    it('pageLinks: relative, none or on another origin, in either style', async () => {
      await sb.admin.setBehaviour('dyn-1', { pageLinks: 'relative' });
      expect((await vendorsPage('')).json.links.next).toMatch(new RegExp(`^${MakiniPath.vendors()}\\?.*page=2`));
      await sb.admin.setBehaviour('dyn-1', { pageLinks: 'none' });
      const bare = (await vendorsPage('')).json;
      expect(bare).not.toHaveProperty('links');
      expect(bare.meta).toMatchObject({ current_page: 1, last_page: 3 });
      await sb.admin.setBehaviour('dyn-1', { pageLinks: 'other-origin', pagination: 'cursor' });
      expect(new URL((await vendorsPage('')).json.links.next).origin).toBe('http://elsewhere.invalid');
    });
  });

  describe('decimalsAsStrings', () => {
    it('answers every quantity and amount as a numeric string with three decimals; the stored record is unchanged', async () => {
      await sb.admin.setBehaviour('dyn-1', { decimalsAsStrings: true });
      const inv = (await dyn('GET', MakiniPath.inventory('inv-1'))).json.data;
      expect(inv.quantity).toMatch(/^\d+\.000$/);
      expect(typeof inv.unitCost).toBe('string');
      const put = (await dyn('PUT', MakiniPath.inventory('inv-1'), { quantity: 7 })).json.data;
      expect(put.quantity).toBe('7.000');
      expect((await sb.admin.state('dyn-1')).inventories.find((i) => i.key === 'inv-1')!.quantity).toBe(7);
      const po = (await dyn('POST', MakiniPath.purchaseOrders(), { code: uniqueCode('dec'), vendorKey: 'V-100', lineItems: lines(1) })).json
        .data;
      expect(po.lineItems[0]).toMatchObject({ quantity: '1.000', price: '10.000' });
      expect(po.lineItems[0].lineNo).toBe(1);
      expect(await sb.admin.behaviour('mx-1')).toMatchObject({ decimalsAsStrings: false }); // per connection
    });
  });

  describe('customFields', () => {
    it("replace (default): a PUT's customFields replace the record's; merge: they join those it has", async () => {
      const created = (
        await dyn('POST', MakiniPath.purchaseOrders(), {
          code: uniqueCode('cf'),
          vendorKey: 'V-100',
          customFields: { a: '1', b: '2' },
          lineItems: lines(1),
        })
      ).json.data;
      const put = async (customFields: Record<string, string>) =>
        (await dyn('PUT', MakiniPath.purchaseOrder(created.key), { customFields })).json.data.customFields;
      expect(await put({ a: 'x' })).toEqual({ a: 'x' });
      await sb.admin.setBehaviour('dyn-1', { customFields: 'merge' });
      expect(await put({ b: 'y' })).toEqual({ a: 'x', b: 'y' });
      await sb.admin.reset();
    });
  });
});
