// Starting, seeding, resetting and closing the sandbox as its users (npm start, tests) do.
import { describe, expect, it } from 'vitest';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { startSandbox } from '../../sandbox/index.js';
import { DEMO_CONNECTIONS } from '../../scripts/lib/demo-connections.js';
import { caller, header, lines } from './helpers.js';

describe('sandbox lifecycle', () => {
  it('starts with the demo connections, each its own system', async () => {
    const sb = await startSandbox({ connections: DEMO_CONNECTIONS });
    try {
      expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
      for (const c of DEMO_CONNECTIONS) {
        const r = await caller(sb, c.token)('GET', MakiniPath.integrationCurrent());
        expect(r.json.data).toMatchObject({ id: c.id, provider: c.system });
      }
    } finally {
      await sb.close();
    }
  });

  it('adds connections at run time, refuses a duplicate id or token, resets to the seed', async () => {
    const sb = await startSandbox();
    try {
      await sb.admin.addConnection({ id: 'nx-1', token: 'tok-nx', system: 'netsuite', writesPerMinute: 10 });
      await expect(sb.admin.addConnection({ id: 'nx-1', token: 'other', system: 'sap' })).rejects.toThrow(/409/);
      await expect(sb.admin.addConnection({ id: 'nx-2', token: 'tok-nx', system: 'sap' })).rejects.toThrow(/409/);
      const nx = caller(sb, 'tok-nx');
      // NetSuite-like: at least one line with the header, more lines later.
      expect((await nx('POST', MakiniPath.purchaseOrders(), { code: 'a', vendorKey: 'V-100' })).status).toBe(400);
      const po = (await nx('POST', MakiniPath.purchaseOrders(), { ...header('a'), lineItems: lines(1) })).json.data;
      expect((await nx('POST', MakiniPath.purchaseOrderLineItemsOf(po.key), { quantity: 2 })).json.data.lineNo).toBe(2);
      await sb.admin.setRateLimit('nx-1', 1);
      await sb.admin.reauthorize('nx-1', 'tok-nx-new');
      await sb.admin.reset();
      const state = await sb.admin.state('nx-1');
      expect(state.connection).toEqual({ id: 'nx-1', system: 'netsuite', writesPerMinute: 10, needsReauthorization: false });
      expect(state.purchaseOrders).toEqual([]);
      expect(await sb.admin.requestLog('nx-1')).toEqual([]);
      expect((await nx('GET', MakiniPath.vendors())).status).toBe(200); // the seeded token again
    } finally {
      await sb.close();
    }
  });

  it('generates the same keys for the same seed', async () => {
    const keys = async () => {
      const sb = await startSandbox({ seed: 99, connections: [{ id: 's', token: 't', system: 'sap' }] });
      try {
        const r = await caller(sb, 't')('POST', MakiniPath.purchaseOrders(), { ...header('k'), lineItems: lines(2) });
        return [r.json.data.key, ...r.json.data.lineItems.map((l: { key: string }) => l.key)] as string[];
      } finally {
        await sb.close();
      }
    };
    const a = await keys();
    expect(a).toEqual(await keys());
    expect(a[0]).toMatch(/^\d{14}$/);
  });

  it('closes promptly even with a slow request in flight', async () => {
    const sb = await startSandbox({ connections: [{ id: 's', token: 't', system: 'sap' }] });
    await sb.admin.scriptFaults('s', [{ kind: 'slow', delayMs: 60_000 }]);
    const pending = caller(sb, 't')('GET', MakiniPath.vendors()).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await sb.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(Error);
    await sb.close(); // idempotent
  });
});
