// The sandbox's NetSuite stand-in behind /api/passthrough, over real HTTP: Makini's 200 around the
// system's answer, NetSuite's shapes (204 + Location, o:errorDetails), an upsert by external id
// that never makes a second record, a refused line that stores nothing, and the record visible
// through the unified endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MakiniErrorCode, MakiniPath } from '../../src/makini/workflow/contract.js';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { caller, uniqueCode, type Call } from './helpers.js';

const upsert = (eid: string, items: object[], extra: object = {}) => ({
  path: `record/v1/purchaseOrder/eid:${eid}`,
  method: 'put',
  query: { replace: 'item' },
  body: { externalId: eid, entity: { id: 'V-100' }, item: { items }, ...extra },
});
const items = [
  { line: 1, item: { id: 'mat-1' }, quantity: 2, rate: 5 },
  { line: 2, item: { id: 'mat-2' }, quantity: 1, rate: 7 },
];

describe('sandbox passthrough: NetSuite REST record service', () => {
  let sb: StartedSandbox;
  let ns: Call;
  let maximo: Call;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 7,
      connections: [
        { id: 'ns-1', token: 'tok-ns', system: 'netsuite' },
        { id: 'max-1', token: 'tok-max', system: 'maximo' },
      ],
    });
    ns = caller(sb, 'tok-ns');
    maximo = caller(sb, 'tok-max');
  });
  afterAll(() => sb?.close());

  const withCode = async (code: string) => (await sb.admin.state('ns-1')).purchaseOrders.filter((p) => p.code === code);

  it('an upsert creates the PO with its lines (204 + Location); the same upsert again changes nothing and makes no second record', async () => {
    const eid = uniqueCode('ns-up');
    const first = await ns('POST', MakiniPath.passthrough(), upsert(eid, items));
    expect(first.status).toBe(200);
    expect(first.json.data).toMatchObject({ status: 204, body: null });
    const [po] = await withCode(eid);
    expect(first.json.data.headers.location).toBe(`record/v1/purchaseOrder/${po!.key}`);
    expect(po!.lineItems).toHaveLength(2);
    const again = await ns('POST', MakiniPath.passthrough(), upsert(eid, items));
    expect(again.json.data.status).toBe(204);
    expect(await withCode(eid)).toHaveLength(1);
    expect((await withCode(eid))[0]!.lineItems).toHaveLength(2);
    const log = await sb.admin.requestLog('ns-1');
    expect(log.filter((r) => r.operation === 'passthrough').map((r) => r.writeApplied)).toEqual([true, false]);
    // The unified endpoint shows the same record (Makini's code = NetSuite's external id).
    const unified = await ns('GET', MakiniPath.purchaseOrder(po!.key));
    expect(unified.json.data).toMatchObject({ key: po!.key, code: eid });
  });

  it('GET by external id returns the record with its item lines; an unknown one is NetSuite’s 404', async () => {
    const eid = uniqueCode('ns-get');
    await ns('POST', MakiniPath.passthrough(), upsert(eid, items, { memo: 'pumps' }));
    const got = await ns('POST', MakiniPath.passthrough(), {
      path: `record/v1/purchaseOrder/eid:${eid}`,
      method: 'get',
      query: { expandSubResources: 'true' },
    });
    expect(got.json.data.status).toBe(200);
    expect(got.json.data.body).toMatchObject({
      externalId: eid,
      memo: 'pumps',
      entity: { id: 'V-100' },
      status: { refName: 'Pending Supervisor Approval' },
    });
    expect(got.json.data.body.item.items.map((l: { line: number }) => l.line)).toEqual([1, 2]);
    const none = await ns('POST', MakiniPath.passthrough(), { path: 'record/v1/purchaseOrder/eid:nobody-has-it', method: 'get' });
    expect(none.json.data.status).toBe(404);
    expect(none.json.data.body['o:errorDetails'][0]['o:errorCode']).toBe('NONEXISTENT_ID');
  });

  it('one refused line refuses the whole PO, naming every invalid value by its path; nothing is stored', async () => {
    const eid = uniqueCode('ns-bad');
    const bad = [items[0]!, { line: 2, item: { id: 'mat-nope' }, quantity: 0 }];
    const r = await ns('POST', MakiniPath.passthrough(), upsert(eid, bad));
    expect(r.status).toBe(200);
    expect(r.json.data.status).toBe(400);
    expect(r.json.data.body['o:errorDetails'].map((d: Record<string, string>) => d['o:errorPath'])).toEqual([
      'item.items[1].item',
      'item.items[1].quantity',
    ]);
    expect(await withCode(eid)).toEqual([]);
  });

  it('a malformed passthrough body is Makini’s own 400; a system without a stand-in says so', async () => {
    const r = await ns('POST', MakiniPath.passthrough(), { method: 'patch' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(MakiniErrorCode.validationFailed);
    expect(r.json.error.message).toMatch(/path: is required.*method: must be one of get, post, put, delete/);
    const s = await maximo('POST', MakiniPath.passthrough(), { path: 'maximo/oslc/os/mxapipo', method: 'get' });
    expect(s.status).toBe(400);
  });

  it('a fault script can aim at the native create alone (/api/passthrough/put/...), and answer inside the envelope', async () => {
    const eid = uniqueCode('ns-fault');
    await sb.admin.scriptFaults('ns-1', [
      { kind: 'commit-then-fail', status: 500, inner: true, pathPrefix: `${MakiniPath.passthrough()}/put/` },
    ]);
    const get = await ns('POST', MakiniPath.passthrough(), { path: `record/v1/purchaseOrder/eid:${eid}`, method: 'get' });
    expect(get.json.data.status).toBe(404);
    const put = await ns('POST', MakiniPath.passthrough(), upsert(eid, items));
    expect(put.status).toBe(200);
    expect(put.json.data.status).toBe(500);
    expect(await withCode(eid)).toHaveLength(1);
  });
});
