// Work orders (platform-specific required fields), their materials, and inventories.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MakiniErrorCode, MakiniPath } from '../../src/makini/workflow/contract.js';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { caller, type Call } from './helpers.js';

describe('sandbox work orders and inventory', () => {
  let sb: StartedSandbox;
  let emaint: Call;
  let maintainx: Call;
  let serviceChannel: Call;
  let sap: Call;

  beforeAll(async () => {
    sb = await startSandbox({
      connections: [
        { id: 'em-1', token: 'tok-em', system: 'emaint' },
        { id: 'mx-1', token: 'tok-mx', system: 'maintain-x' },
        { id: 'sc-1', token: 'tok-sc', system: 'service-channel' },
        { id: 'sap-1', token: 'tok-sap', system: 'sap' },
      ],
    });
    emaint = caller(sb, 'tok-em');
    maintainx = caller(sb, 'tok-mx');
    serviceChannel = caller(sb, 'tok-sc');
    sap = caller(sb, 'tok-sap');
  });
  afterAll(() => sb?.close());

  const missing = (r: { json: { error: { details: { field: string }[] } } }) => r.json.error.details.map((d) => d.field).sort();

  it('requires different fields on eMaint and MaintainX, naming every missing one', async () => {
    const body = { title: 'Replace bearing', siteKey: 'S1' };
    const em = await emaint('POST', MakiniPath.workOrders(), body);
    expect(em.status).toBe(400);
    expect(em.json.error.code).toBe(MakiniErrorCode.validationFailed);
    expect(missing(em)).toEqual(['assetKey', 'scheduledAt']);
    expect(em.json.error.message).toMatch(/assetKey: is required on emaint.*scheduledAt: is required on emaint/);

    const mx = await maintainx('POST', MakiniPath.workOrders(), body);
    expect(mx.status).toBe(200);
    expect(mx.json.data).toMatchObject({ title: 'Replace bearing', siteKey: 'S1', status: 'open' });

    const mxMissing = await maintainx('POST', MakiniPath.workOrders(), { assetKey: 'A1' });
    expect(missing(mxMissing)).toEqual(['siteKey', 'title']);
    const sc = await serviceChannel('POST', MakiniPath.workOrders(), { title: 'x' });
    expect(missing(sc)).toEqual(['accountKey', 'description', 'organizationKey', 'scheduledAt', 'severity', 'siteKey']);

    const ok = await emaint('POST', MakiniPath.workOrders(), { ...body, assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' });
    expect(ok.status).toBe(200);
  });

  it('accepts platform fields only where the platform publishes them', async () => {
    const parts = [{ partKey: 'mat-1', quantity: 2 }];
    expect((await maintainx('POST', MakiniPath.workOrders(), { title: 't', siteKey: 'S1', parts })).status).toBe(200);
    const em = await emaint('POST', MakiniPath.workOrders(), { title: 't', assetKey: 'A', scheduledAt: '2026-01-01', parts });
    expect(em.status).toBe(400);
    expect(em.json.error.details).toEqual([{ field: 'parts', message: 'is not a field of this entity' }]);
    const status = await emaint('POST', MakiniPath.workOrders(), { title: 't', assetKey: 'A', scheduledAt: '2026-01-01', status: 'open' });
    expect(status.json.error.details[0]).toMatchObject({ field: 'status', message: expect.stringMatching(/read-only/) });
    expect(
      (await emaint('POST', MakiniPath.workOrders(), { title: 't', assetKey: 'A', scheduledAt: 'tomorrow' })).json.error.details[0].field,
    ).toBe('scheduledAt');
  });

  it('enforces PUT required fields (MaintainX wants siteKey and title on every PUT)', async () => {
    const wo = (await maintainx('POST', MakiniPath.workOrders(), { title: 't', siteKey: 'S1' })).json.data;
    const partial = await maintainx('PUT', MakiniPath.workOrder(wo.key), { description: 'more' });
    expect(partial.status).toBe(400);
    expect(missing(partial)).toEqual(['siteKey', 'title']);
    const full = await maintainx('PUT', MakiniPath.workOrder(wo.key), { description: 'more', siteKey: 'S1', title: 't2' });
    expect(full.json.data).toMatchObject({ description: 'more', title: 't2' });

    const em = (await emaint('POST', MakiniPath.workOrders(), { title: 't', assetKey: 'A', scheduledAt: '2026-01-01' })).json.data;
    expect((await emaint('PUT', MakiniPath.workOrder(em.key), { description: 'only this' })).status).toBe(200);
  });

  it('changes status by statusKey from the statuses endpoint; cancelled work orders refuse changes', async () => {
    const statuses = (await sap('GET', MakiniPath.statuses('work-orders'))).json.data as { key: string; code: string }[];
    const key = (code: string) => statuses.find((s) => s.code === code)!.key;
    const wo = (await sap('POST', MakiniPath.workOrders(), { title: 'Inspect pump', code: 'WO-1' })).json.data;
    expect(wo.statusKey).toBe(key('open'));
    const bad = await sap('PUT', MakiniPath.workOrderStatus(wo.key), { statusKey: 'completed' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/unknown status key "completed"/);
    const done = await sap('PUT', MakiniPath.workOrderStatus(wo.key), { statusKey: key('completed') });
    expect(done.json.data).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect((await sap('PUT', MakiniPath.workOrder(wo.key), { title: 'x' })).status).toBe(409);
    await sap('PUT', MakiniPath.workOrderStatus(wo.key), { statusKey: key('cancelled') });
    expect((await sap('PUT', MakiniPath.workOrderStatus(wo.key), { statusKey: key('open') })).status).toBe(409);
    const listed = await sap('GET', `${MakiniPath.workOrders()}?filter[code]=WO-1`);
    expect(listed.json.data).toEqual([expect.objectContaining({ key: wo.key, status: 'cancelled' })]);
  });

  it('adds a material once and changes its quantity by PUT', async () => {
    const wo = (await sap('POST', MakiniPath.workOrders(), { title: 'Swap belt' })).json.data;
    const added = await sap('POST', MakiniPath.workOrderMaterials(wo.key), { materialKey: 'mat-3', quantity: 2 });
    expect(added.status).toBe(200);
    expect(added.json.data).toMatchObject({ materialKey: 'mat-3', quantity: 2, key: expect.any(String) });
    const twice = await sap('POST', MakiniPath.workOrderMaterials(wo.key), { materialKey: 'mat-3', quantity: 2 });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(/already on work order/);
    expect((await sap('POST', MakiniPath.workOrderMaterials(wo.key), { materialKey: 'mat-9', quantity: 1 })).json.error.message).toMatch(
      /mat-9" does not exist/,
    );
    expect((await sap('POST', MakiniPath.workOrderMaterials(wo.key), { materialKey: 'mat-1' })).json.error.details).toEqual([
      { field: 'quantity', message: 'is required' },
    ]);
    const changed = await sap('PUT', MakiniPath.workOrderMaterial(wo.key, 'mat-3'), { quantity: 5 });
    expect(changed.json.data).toMatchObject({ materialKey: 'mat-3', quantity: 5 });
    expect((await sap('PUT', MakiniPath.workOrderMaterial(wo.key, 'mat-2'), { quantity: 5 })).status).toBe(404);
    const state = await sb.admin.state('sap-1');
    expect(state.workOrders.find((w) => w.key === wo.key)?.materials).toEqual([
      expect.objectContaining({ materialKey: 'mat-3', quantity: 5 }),
    ]);
    expect((await sap('GET', MakiniPath.workOrder(wo.key))).json.data.materialCount).toBe(1);
    expect((await sap('GET', MakiniPath.workOrderMaterials(wo.key))).json.meta.total).toBe(1);
  });

  it('sets inventory quantities absolutely and moves updatedAt forward on every PUT', async () => {
    const before = (await sap('GET', MakiniPath.inventory('inv-1'))).json.data;
    expect(before).toMatchObject({ key: 'inv-1', quantity: 120 });
    const a = (await sap('PUT', MakiniPath.inventory('inv-1'), { quantity: 90 })).json.data;
    const b = (await sap('PUT', MakiniPath.inventory('inv-1'), { quantity: 90 })).json.data;
    expect(b.quantity).toBe(90);
    expect(Date.parse(a.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    expect(Date.parse(b.updatedAt)).toBeGreaterThan(Date.parse(a.updatedAt));
    expect((await sap('PUT', MakiniPath.inventory('inv-1'), { quantity: -1 })).status).toBe(400);
    expect((await sap('PUT', MakiniPath.inventory('inv-1'), { quantity: 1.5 })).status).toBe(400);
    expect((await sap('PUT', MakiniPath.inventory('inv-9'), { quantity: 1 })).status).toBe(404);

    const viaMaterial = await sap('PUT', MakiniPath.materialInventory('mat-2'), { quantity: 7 });
    expect(viaMaterial.json.data).toMatchObject({ key: 'inv-2', quantity: 7 });
    const all = await sap('GET', `${MakiniPath.inventory('inv-1').replace(/\/inv-1$/, '')}?sort[key]=0`);
    expect(all.json.data.map((i: { key: string; quantity: number }) => `${i.key}=${i.quantity}`)).toEqual([
      'inv-1=90',
      'inv-2=7',
      'inv-3=0',
    ]);
    // Each connection has its own system: eMaint's inventory is untouched.
    expect((await emaint('GET', MakiniPath.inventory('inv-1'))).json.data.quantity).toBe(120);
  });

  it('serves a material with its inventory records (what PUT /materials/{key}/inventory writes)', async () => {
    const material = await emaint('GET', MakiniPath.material('mat-3'));
    expect(material.status).toBe(200);
    expect(material.json.data).toMatchObject({ key: 'mat-3', code: 'M-1250', inventories: [{ key: 'inv-3', quantity: 0 }] });
    await emaint('PUT', MakiniPath.materialInventory('mat-3'), { quantity: 4 });
    expect((await emaint('GET', MakiniPath.material('mat-3'))).json.data.inventories[0].quantity).toBe(4);
    expect((await emaint('GET', MakiniPath.material('mat-9'))).status).toBe(404);
  });
});
