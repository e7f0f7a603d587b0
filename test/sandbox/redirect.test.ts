// The redirect fault: a 3xx with a Location, answered instead of the system (or after it, with
// commit), so a client can be tested for never following it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MakiniHeader, MakiniPath } from '../../src/makini/workflow/contract.js';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { header, lines, uniqueCode } from './helpers.js';

describe('sandbox redirect fault', () => {
  let sb: StartedSandbox;

  beforeAll(async () => {
    sb = await startSandbox({ connections: [{ id: 'sap-1', token: 'tok-sap', system: 'sap' }] });
  });
  afterAll(() => sb?.close());
  beforeEach(() => sb.admin.reset());

  /** One POST that does not follow redirects, so the answer itself can be read. */
  const post = (code: string) =>
    fetch(new URL(MakiniPath.purchaseOrders(), sb.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { [MakiniHeader.authorization]: 'Bearer tok-sap', 'content-type': 'application/json' },
      body: JSON.stringify({ ...header(code), lineItems: lines(1) }),
    });
  const stored = async (code: string) => (await sb.admin.state('sap-1')).purchaseOrders.filter((p) => p.code === code);

  it('answers 307 to another host by default, without reaching the system', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'redirect', method: 'POST' }]);
    const code = uniqueCode('redirect');
    const r = await post(code);
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe('https://elsewhere.invalid/');
    expect(r.headers.get(MakiniHeader.requestId)).toMatch(/^req_/);
    expect(await stored(code)).toEqual([]);
    const [entry] = await sb.admin.requestLog('sap-1');
    expect(entry).toMatchObject({ status: 307, fault: 'script:redirect', writeApplied: false });
  });

  it('takes any redirect status and Location; with commit the write lands first', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'redirect', method: 'POST', status: 308, location: '/elsewhere', commit: true }]);
    const code = uniqueCode('redirect');
    const r = await post(code);
    expect(r.status).toBe(308);
    expect(r.headers.get('location')).toBe('/elsewhere');
    expect(await stored(code)).toHaveLength(1);
  });

  it('refuses a status that is not a redirect', async () => {
    await expect(sb.admin.scriptFaults('sap-1', [{ kind: 'redirect', status: 200 }])).rejects.toThrow(/status: redirect takes 301/);
    await expect(sb.admin.scriptFaults('sap-1', [{ kind: 'redirect', status: 300 }])).rejects.toThrow(/status: redirect takes 301/);
  });
});
