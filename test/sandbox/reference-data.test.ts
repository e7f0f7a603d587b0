// Seeded reference data as Makini serves it: opaque keys that never equal codes, lookups by key
// (200/404) and by code (a key in the code filter finds nothing), over real HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MakiniErrorCode, MakiniPath, MakiniQuery } from '../../src/makini/workflow/contract.js';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { caller, type Call } from './helpers.js';

interface Coded {
  key: string;
  code: string;
}

describe('sandbox reference data', () => {
  let sb: StartedSandbox;
  let sap: Call;

  beforeAll(async () => {
    sb = await startSandbox({
      connections: [
        { id: 'sap-1', token: 'tok-sap', system: 'sap' },
        { id: 'em-1', token: 'tok-em', system: 'emaint' },
      ],
    });
    sap = caller(sb, 'tok-sap');
  });
  afterAll(() => sb?.close());
  beforeEach(() => sb.admin.reset());

  const byCode = (list: string, code: string) => sap('GET', `${list}?${MakiniQuery.filter('code')}=${encodeURIComponent(code)}`);

  // Every list of seeded records: keys stay what tests and examples send, codes are the system's own.
  const LISTS = [
    ['vendors', MakiniPath.vendors(), ['V-100', 'V-200', 'V-300']],
    ['sites', MakiniPath.sites(), ['1000', 'S1', 'S2']],
    ['inventories', MakiniPath.inventories(), ['inv-1', 'inv-2', 'inv-3']],
    ['units of measure', MakiniPath.unitsOfMeasure(), ['EA']],
    [
      'purchase-order statuses',
      MakiniPath.statuses('purchase-orders'),
      ['po-status-draft', 'po-status-pending-approval', 'po-status-approved', 'po-status-cancelled', 'po-status-closed'],
    ],
    [
      'work-order statuses',
      MakiniPath.statuses('work-orders'),
      ['wo-status-open', 'wo-status-in-progress', 'wo-status-on-hold', 'wo-status-completed', 'wo-status-cancelled'],
    ],
  ] as const;

  it.each(LISTS)('%s: the seeded keys, each with a code that differs from it', async (_name, list, keys) => {
    const rows = (await sap('GET', `${list}?${MakiniQuery.perPage}=50`)).json.data as Coded[];
    expect(rows.map((r) => r.key)).toEqual(keys);
    for (const r of rows) {
      expect(r.code).toEqual(expect.any(String));
      expect(r.code).not.toBe(r.key);
    }
  });

  it.each(LISTS)('%s: filter[code] finds a record by its code and nothing by its key', async (_name, list, keys) => {
    const rows = (await sap('GET', `${list}?${MakiniQuery.perPage}=50`)).json.data as Coded[];
    for (const key of keys) {
      const { code } = rows.find((r) => r.key === key)!;
      expect((await byCode(list, code)).json.data.map((r: Coded) => r.key)).toEqual([key]);
      expect((await byCode(list, key)).json).toMatchObject({ data: [], meta: { total: 0 } });
    }
  });

  it('materials: keys mat-1..3 with codes M-6204, M-2035, M-1250, each with its inventory', async () => {
    for (const [key, code, inventoryKey] of [
      ['mat-1', 'M-6204', 'inv-1'],
      ['mat-2', 'M-2035', 'inv-2'],
      ['mat-3', 'M-1250', 'inv-3'],
    ] as const) {
      const material = (await sap('GET', MakiniPath.material(key))).json.data;
      expect(material).toMatchObject({
        key,
        code,
        uomKey: 'EA',
        inventoryKey,
        inventories: [expect.objectContaining({ key: inventoryKey })],
      });
      expect(material.code).not.toBe(material.key);
    }
    const unit = (await sap('GET', MakiniPath.unitOfMeasure('EA'))).json.data;
    expect(unit).toMatchObject({ key: 'EA', code: 'PCE' });
  });

  it('seeded vendor codes: 0000100100, 0000100200, 0000100300', async () => {
    const rows = (await sap('GET', MakiniPath.vendors())).json.data as Coded[];
    expect(rows.map((r) => `${r.key}=${r.code}`)).toEqual(['V-100=0000100100', 'V-200=0000100200', 'V-300=0000100300']);
  });

  it('GET /vendors/{key}: 200 with the vendor, 404 NOT_FOUND for a missing key or a code', async () => {
    const found = await sap('GET', MakiniPath.vendor('V-200'));
    expect(found.status).toBe(200);
    expect(found.json.data).toEqual({
      key: 'V-200',
      code: '0000100200',
      name: 'Nordic Bearings AB',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    for (const missing of ['V-404', '0000100200', 'v-200']) {
      const r = await sap('GET', MakiniPath.vendor(missing));
      expect(r.status).toBe(404);
      expect(r.json.error).toMatchObject({ code: MakiniErrorCode.notFound, message: expect.stringContaining(missing) });
    }
    expect((await sap('PUT', MakiniPath.vendor('V-200'), { name: 'x' })).status).toBe(405);
    const log = (await sb.admin.requestLog('sap-1')).filter((e) => e.operation === 'vendor.get');
    expect(log.map((e) => e.status)).toEqual([200, 404, 404, 404]);
  });

  it('GET /sites/{key} and /uom/{key}: 200 or 404', async () => {
    expect((await sap('GET', MakiniPath.site('1000'))).json.data).toMatchObject({ key: '1000', code: 'DE-HAM-01' });
    expect((await sap('GET', MakiniPath.site('DE-HAM-01'))).status).toBe(404);
    expect((await sap('GET', MakiniPath.unitOfMeasure('PCE'))).status).toBe(404);
  });

  it('added reference data: generated keys unless given, and never a key equal to its code', async () => {
    await expect(sb.admin.addReferenceData('em-1', { vendors: [{ key: 'V-9', code: 'V-9' }] })).rejects.toThrow(
      /vendors\.0\.key: key must differ from code/,
    );
    await expect(sb.admin.addReferenceData('em-1', { materials: [{ key: 'm', code: 'm' }] })).rejects.toThrow(/materials\.0\.key/);
    await sb.admin.addReferenceData('em-1', {
      vendors: [
        { code: '0000200100', name: 'Generated key' },
        { key: 'V-900', code: '0000900900' },
      ],
      sites: [{ code: 'SE-GOT-01', name: 'Gothenburg' }],
      materials: [{ key: 'mat-9', quantity: 3 }],
    });
    const state = await sb.admin.state('em-1');
    const generated = state.vendors.find((v) => v.code === '0000200100')!;
    expect(generated.key).toMatch(/^\d{14}$/);
    expect(state.vendors.find((v) => v.key === 'V-900')?.code).toBe('0000900900');
    expect(state.sites.find((s) => s.code === 'SE-GOT-01')?.key).toMatch(/^\d{14}$/);
    expect(state.materials.find((m) => m.key === 'mat-9')).toMatchObject({ code: 'M-mat-9', inventoryKey: 'inv-mat-9' });
    const em = caller(sb, 'tok-em');
    expect((await em('GET', MakiniPath.vendor(generated.key))).json.data.code).toBe('0000200100');
    // Another connection's system knows nothing of it.
    expect((await sap('GET', MakiniPath.vendor(generated.key))).status).toBe(404);
  });
});
