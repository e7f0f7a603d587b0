// Seeded chaos plays both sides of every failure the docs leave open: the server-error family
// commits the write on a seeded share of hits (commit-then-500 included), the same for the same seed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MakiniHeader, MakiniPath } from '../../src/makini/workflow/contract.js';
import { startSandbox, type ChaosConfig, type StartedSandbox } from '../../sandbox/index.js';
import { dynamicsBatch } from '../../src/makini/passthrough/dynamics-batch.js';
import { caller, uniqueCode, type Call } from './helpers.js';

const CONN = 'dyn-1';
const SEED = 2024;

describe('sandbox chaos', () => {
  let sb: StartedSandbox;
  let dyn: Call;

  beforeAll(async () => {
    sb = await startSandbox({ connections: [{ id: CONN, token: 'tok-dyn', system: 'dynamics' }] });
    dyn = caller(sb, 'tok-dyn');
  });
  afterAll(() => sb?.close());
  beforeEach(() => sb.admin.reset());

  /** `n` PO creates under `chaos`; each request's log entry and whether its PO is stored. */
  async function run(chaos: ChaosConfig, n: number) {
    await sb.admin.reset();
    await sb.admin.setChaos(CONN, chaos);
    const codes: string[] = [];
    for (let i = 0; i < n; i++) {
      const code = uniqueCode('chaos');
      codes.push(code);
      await dyn('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-100' }).catch(() => undefined); // drops reject
    }
    const [log, state] = [await sb.admin.requestLog(CONN), await sb.admin.state(CONN)];
    const posts = log.filter((e) => e.method === 'POST');
    expect(posts).toHaveLength(n);
    return posts.map((e, i) => ({
      status: e.status,
      fault: e.fault,
      writeApplied: e.writeApplied,
      outcome: e.outcome,
      stored: state.purchaseOrders.filter((p) => p.code === codes[i]).length,
    }));
  }

  it(`seed ${SEED}: server errors on writes are commit-then-500 (and 502/503/504) on some hits, not-reached on others`, async () => {
    const hits = await run({ seed: SEED, rates: { serverError: 0.6 }, methods: ['POST'] }, 40);
    const committed500 = hits.filter((h) => h.fault === 'chaos:server-error+commit' && h.status === 500);
    const notReached = hits.filter((h) => h.fault === 'chaos:server-error');
    expect(committed500.length).toBeGreaterThan(0);
    expect(notReached.filter((h) => h.status === 500).length).toBeGreaterThan(0);
    for (const h of hits) {
      // The log, the store and the answer agree: a committed hit stored its PO once, a not-reached one nothing.
      expect(h.stored).toBe(h.writeApplied ? 1 : 0);
      if (h.fault === 'chaos:server-error+commit') expect(h).toMatchObject({ writeApplied: true, stored: 1 });
      if (h.fault === 'chaos:server-error') expect(h).toMatchObject({ writeApplied: false, stored: 0 });
      if (h.fault === undefined) expect(h).toMatchObject({ status: 200, stored: 1 });
      if (h.fault !== undefined) expect([500, 502, 503, 504]).toContain(h.status);
    }
    // The same seed replays exactly; another seed does not.
    expect(await run({ seed: SEED, rates: { serverError: 0.6 }, methods: ['POST'] }, 40)).toEqual(hits);
    expect(await run({ seed: SEED + 1, rates: { serverError: 0.6 }, methods: ['POST'] }, 40)).not.toEqual(hits);
  });

  it('commitShare 0 never commits a server error, 1 always does', async () => {
    const never = await run({ seed: SEED, rates: { serverError: 1 }, commitShare: 0 }, 15);
    expect(never.every((h) => h.fault === 'chaos:server-error' && !h.writeApplied && h.stored === 0)).toBe(true);
    const always = await run({ seed: SEED, rates: { serverError: 1 }, commitShare: 1 }, 15);
    expect(always.every((h) => h.fault === 'chaos:server-error+commit' && h.writeApplied && h.stored === 1)).toBe(true);
    expect(always.some((h) => h.status === 500)).toBe(true);
  });

  it('html pages, empty bodies and drops commit on a share of hits too', async () => {
    const hits = await run({ seed: SEED, rates: { htmlError: 0.3, emptyError: 0.3, drop: 0.3 } }, 60);
    for (const kind of ['html-error', 'empty-error', 'drop']) {
      expect(hits.filter((h) => h.fault === `chaos:${kind}+commit` && h.stored === 1).length, kind).toBeGreaterThan(0);
      expect(hits.filter((h) => h.fault === `chaos:${kind}` && h.stored === 0).length, kind).toBeGreaterThan(0);
    }
    expect(hits.filter((h) => h.fault?.startsWith('chaos:drop')).every((h) => h.outcome === 'dropped')).toBe(true);
  });

  it('commit-then-fail answers any gateway status, 503 with Retry-After', async () => {
    await sb.admin.setChaos(CONN, { seed: SEED, rates: { commitThenFail: 1 }, retryAfterSeconds: 3 });
    const seen = new Map<number, string | null>();
    for (let i = 0; i < 30; i++) {
      const r = await dyn('POST', MakiniPath.purchaseOrders(), { code: uniqueCode('ctf'), vendorKey: 'V-100' });
      seen.set(r.status, r.headers.get(MakiniHeader.retryAfter));
    }
    expect([...seen.keys()].sort()).toEqual([500, 502, 503, 504]);
    expect(seen.get(503)).toBe('3');
    expect((await sb.admin.state(CONN)).purchaseOrders).toHaveLength(30);
  });

  it('late: applied at once, answered after slowMs', async () => {
    await sb.admin.setChaos(CONN, { seed: SEED, rates: { late: 1 }, slowMs: 200 });
    const code = uniqueCode('late');
    const started = Date.now();
    const r = await dyn('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-100' });
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await sb.admin.requestLog(CONN)).at(-1)).toMatchObject({ fault: 'chaos:late', writeApplied: true });
  });

  // A passthrough call is Makini's POST whatever it asks the system: chaos must tell the system's
  // reads from its writes by the inner request, and play the system's own 5xx inside the envelope.
  it('passthrough: faults the native write, not the native read; innerShare answers inside the envelope', async () => {
    const reference = 'CHAOS-PT-1';
    const create = dynamicsBatch.createPurchaseOrder({
      reference,
      header: { vendorKey: 'V-100', currencyKey: 'EUR' },
      lines: [{ lineNo: 1, materialKey: 'mat-1', quantity: 2, price: 5, name: 'part 1', uomKey: 'EA' }],
    });
    await sb.admin.setChaos(CONN, { seed: SEED, rates: { commitThenFail: 1 }, methods: ['POST', 'PUT'], innerShare: 1 });
    const read = await dyn('POST', MakiniPath.passthrough(), dynamicsBatch.lookupByReference(reference));
    expect(read.status).toBe(200);
    const written = await dyn('POST', MakiniPath.passthrough(), create);
    // Makini's 200 around the system's 5xx, and the changeset committed (with its line's unit).
    expect(written.status).toBe(200);
    expect((written.json as { data: { status: number } }).data.status).toBeGreaterThanOrEqual(500);
    const [readEntry, writeEntry] = await sb.admin.requestLog(CONN);
    expect(readEntry!.fault).toBeUndefined();
    expect(writeEntry).toMatchObject({ fault: 'chaos:commit-then-fail', writeApplied: true, status: 200 });
    const po = (await sb.admin.state(CONN)).purchaseOrders.find((p) => p.code === reference);
    expect(po?.lineItems.map((l) => [l.materialKey, l.quantity, l.uomKey])).toEqual([['mat-1', 2, 'EA']]);

    // innerShare 0: Makini's own 5xx, as on the unified endpoints.
    await sb.admin.reset();
    await sb.admin.setChaos(CONN, { seed: SEED, rates: { commitThenFail: 1 }, innerShare: 0 });
    expect((await dyn('POST', MakiniPath.passthrough(), create)).status).toBeGreaterThanOrEqual(500);
  });

  it('refuses a commitShare outside 0..1', async () => {
    await expect(sb.admin.setChaos(CONN, { seed: 1, rates: {}, commitShare: 1.5 })).rejects.toThrow(/commitShare/);
  });
});
