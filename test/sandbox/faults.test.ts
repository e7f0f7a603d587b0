// Every injected fault does what it says; auth comes first; the write limit's Retry-After works.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MakiniErrorCode, MakiniHeader, MakiniPath } from '../../src/makini/workflow/contract.js';
import { parseRetryAfter } from '../../src/makini/retry-after.js';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { SlidingWindowLimiter } from '../../sandbox/rate-limit.js';
import { caller, header, lines, uniqueCode, type Call } from './helpers.js';

describe('sandbox faults, auth and limits', () => {
  let sb: StartedSandbox;
  let sap: Call;
  let dyn: Call;

  beforeAll(async () => {
    sb = await startSandbox({
      connections: [
        { id: 'sap-1', token: 'tok-sap', system: 'sap' },
        { id: 'dyn-1', token: 'tok-dyn', system: 'dynamics', writesPerMinute: 3 },
      ],
    });
    sap = caller(sb, 'tok-sap');
    dyn = caller(sb, 'tok-dyn');
  });
  afterAll(() => sb?.close());
  beforeEach(() => sb.admin.reset());

  const createPo = (code: string) => sap('POST', MakiniPath.purchaseOrders(), { ...header(code), lineItems: lines(3) });
  const withCode = async (code: string) => (await sb.admin.state('sap-1')).purchaseOrders.filter((p) => p.code === code);
  const rawPost = (code: string) =>
    fetch(new URL(MakiniPath.purchaseOrders(), sb.url), {
      method: 'POST',
      headers: { [MakiniHeader.authorization]: 'Bearer tok-sap', 'content-type': 'application/json' },
      body: JSON.stringify({ ...header(code), lineItems: lines(2) }),
    });

  it('puts X-Request-Id and X-Processing-Time-Ms on every answer, errors included', async () => {
    for (const r of [
      await sap('GET', MakiniPath.vendors()),
      await sap('GET', MakiniPath.purchaseOrder('x')),
      await caller(sb, undefined)('GET', MakiniPath.vendors()),
    ]) {
      expect(r.headers.get(MakiniHeader.requestId)).toMatch(/^req_[0-9a-f]{24}$/);
      expect(Number(r.headers.get(MakiniHeader.processingTimeMs))).toBeGreaterThanOrEqual(0);
      if (r.status >= 400) expect(r.json.error.request_id).toBe(r.headers.get(MakiniHeader.requestId));
    }
  });

  it('answers 401 to a missing or unknown token, whatever faults are scripted', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'server-error' }]);
    for (const r of [await caller(sb, undefined)('GET', MakiniPath.vendors()), await caller(sb, 'wrong')('GET', MakiniPath.vendors())]) {
      expect(r.status).toBe(401);
      expect(r.json.error).toMatchObject({ code: MakiniErrorCode.authenticationFailed, type: 'authentication_error' });
    }
    expect(await sb.admin.pendingFaults('sap-1')).toHaveLength(1); // not consumed by the 401s
    expect((await sap('GET', MakiniPath.vendors())).status).toBe(500);
  });

  it('answers 401 to every call until reauthorized; a new token retires the old one', async () => {
    await sb.admin.requireReauthorization('sap-1');
    expect((await sap('GET', MakiniPath.vendors())).json.error.code).toBe(MakiniErrorCode.authenticationFailed);
    expect((await createPo(uniqueCode('reauth'))).status).toBe(401);
    expect((await sb.admin.state('sap-1')).purchaseOrders).toEqual([]);
    await sb.admin.reauthorize('sap-1');
    expect((await sap('GET', MakiniPath.vendors())).status).toBe(200);

    await sb.admin.scriptFaults('sap-1', [{ kind: 'unauthorized' }]);
    expect((await sap('GET', MakiniPath.vendors())).status).toBe(401);
    expect((await sap('GET', MakiniPath.vendors())).status).toBe(401); // stays until reauthorized
    await sb.admin.reauthorize('sap-1', 'tok-sap-2');
    expect((await sap('GET', MakiniPath.vendors())).status).toBe(401);
    expect((await caller(sb, 'tok-sap-2')('GET', MakiniPath.vendors())).status).toBe(200);
  });

  it('rate-limit: 429 with Retry-After in seconds, as an HTTP-date, or none', async () => {
    await sb.admin.scriptFaults('sap-1', [
      { kind: 'rate-limit', retryAfterSeconds: 7 },
      { kind: 'rate-limit', retryAfterSeconds: 5, retryAfterDate: true },
      { kind: 'rate-limit' },
    ]);
    const code = uniqueCode('429');
    const seconds = await createPo(code);
    expect(seconds.status).toBe(429);
    expect(seconds.json.error).toMatchObject({ code: MakiniErrorCode.rateLimitExceeded, type: 'rate_limit_error' });
    expect(seconds.headers.get(MakiniHeader.retryAfter)).toBe('7');
    const date = await createPo(code);
    const value = date.headers.get(MakiniHeader.retryAfter)!;
    expect(value).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(parseRetryAfter(value)).toBeGreaterThanOrEqual(4000);
    expect(parseRetryAfter(value)).toBeLessThanOrEqual(6000);
    const none = await createPo(code);
    expect(none.status).toBe(429);
    expect(none.headers.get(MakiniHeader.retryAfter)).toBeNull();
    expect(await withCode(code)).toEqual([]);
    expect((await createPo(code)).status).toBe(200);
  });

  it('server-error without commit: the status with a JSON error body; 503 may carry Retry-After; the request did not reach the system', async () => {
    await sb.admin.scriptFaults('sap-1', [
      { kind: 'server-error', status: 503, retryAfterSeconds: 2, method: 'POST', times: 2 },
      { kind: 'server-error', status: 502, method: 'POST' },
      { kind: 'server-error', method: 'POST' },
    ]);
    const code = uniqueCode('5xx');
    const answers = [await createPo(code), await createPo(code), await createPo(code), await createPo(code)];
    expect(answers.map((a) => a.status)).toEqual([503, 503, 502, 500]);
    expect(answers[0]!.json.error).toMatchObject({ code: MakiniErrorCode.serviceUnavailable, type: 'api_error' });
    expect(answers[0]!.headers.get(MakiniHeader.retryAfter)).toBe('2');
    expect(answers[3]!.json.error.code).toBe(MakiniErrorCode.internalError);
    expect(await withCode(code)).toEqual([]);
    const log = (await sb.admin.requestLog('sap-1')).slice(-4);
    expect(log.map((e) => e.fault)).toEqual(Array(4).fill(expect.stringMatching(/^script:server-error$/)));
    expect(log.every((e) => !e.writeApplied)).toBe(true);
  });

  it('html-error and empty-error: proxy answers that are not JSON (without commit: not reached)', async () => {
    await sb.admin.scriptFaults('sap-1', [
      { kind: 'html-error', status: 502 },
      { kind: 'empty-error', status: 504 },
    ]);
    const html = await sap('GET', MakiniPath.vendors());
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.text).toMatch(/^<html>[\s\S]*502 Bad Gateway/);
    expect(html.json).toBeUndefined();
    const empty = await sap('GET', MakiniPath.vendors());
    expect(empty.status).toBe(504);
    expect(empty.text).toBe('');
  });

  it('slow: waits delayMs, then answers normally', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'slow', delayMs: 400 }]);
    const started = Date.now();
    const code = uniqueCode('slow');
    expect((await createPo(code)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(await withCode(code)).toHaveLength(1);
  });

  it('in-flight: a request is listed from its arrival until it is answered, with its body', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'slow', delayMs: 600 }]);
    const code = uniqueCode('flight');
    const answered = createPo(code);
    let seen = await sb.admin.inFlight('sap-1');
    while (!seen.length) seen = await sb.admin.inFlight('sap-1');
    expect(seen).toEqual([
      expect.objectContaining({ method: 'POST', path: MakiniPath.purchaseOrders(), body: expect.objectContaining({ code }) }),
    ]);
    expect(await withCode(code)).toHaveLength(0); // arrived, not yet applied
    expect((await answered).status).toBe(200);
    expect(await sb.admin.inFlight('sap-1')).toEqual([]);
  });

  it('commit-then-fail: the PO is really stored once, the answer is a 504 error', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'commit-then-fail', method: 'POST' }]);
    const code = uniqueCode('ctf');
    const r = await createPo(code);
    expect(r.status).toBe(504);
    expect(r.json.error.request_id).toMatch(/^req_/);
    const [po, ...others] = await withCode(code);
    expect(others).toEqual([]);
    expect(po?.lineItems).toHaveLength(3);
    expect((await sb.admin.requestLog('sap-1')).at(-1)).toMatchObject({
      status: 504,
      writeApplied: true,
      fault: 'script:commit-then-fail',
    });
  });

  it('commit-then-drop: the socket closes without an answer, but the PO is stored', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'commit-then-drop', method: 'POST' }]);
    const code = uniqueCode('ctd');
    await expect(rawPost(code)).rejects.toThrow();
    expect(await withCode(code)).toHaveLength(1);
    const posts = (await sb.admin.requestLog('sap-1')).filter((e) => e.method === 'POST');
    expect(posts).toEqual([expect.objectContaining({ status: 0, outcome: 'dropped', writeApplied: true })]);
  });

  it('drop: the socket closes without an answer and nothing is stored', async () => {
    await sb.admin.scriptFaults('sap-1', [{ kind: 'drop', method: 'POST' }]);
    const code = uniqueCode('drop');
    await expect(rawPost(code)).rejects.toThrow();
    expect(await withCode(code)).toEqual([]);
    expect((await sb.admin.requestLog('sap-1')).filter((e) => e.method === 'POST')).toEqual([
      expect.objectContaining({ outcome: 'dropped', writeApplied: false }),
    ]);
  });

  it('malformed-success: a 200 that breaks the contract, after applying the write', async () => {
    await sb.admin.scriptFaults('sap-1', [
      { kind: 'malformed-success', method: 'POST' },
      { kind: 'malformed-success', body: 'OK' },
    ]);
    const code = uniqueCode('malformed');
    const r = await createPo(code);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { nokey: true } });
    expect(await withCode(code)).toHaveLength(1);
    const notJson = await sap('GET', MakiniPath.vendors());
    expect(notJson.status).toBe(200);
    expect(notJson.text).toBe('OK');
  });

  it('reject: a permanent refusal after letting `skip` matching requests through', async () => {
    const po = (await dyn('POST', MakiniPath.purchaseOrders(), { code: uniqueCode('rej'), vendorKey: 'V-100' })).json.data;
    await sb.admin.scriptFaults('dyn-1', [
      {
        kind: 'reject',
        method: 'POST',
        pathPrefix: MakiniPath.purchaseOrderLineItemsOf(po.key),
        skip: 1,
        code: 'VALIDATION_FAILED',
        message: 'material mat-2 is blocked',
      },
    ]);
    expect((await dyn('POST', MakiniPath.purchaseOrderLineItemsOf(po.key), { quantity: 1 })).status).toBe(200);
    const refused = await dyn('POST', MakiniPath.purchaseOrderLineItemsOf(po.key), { quantity: 1 });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'material mat-2 is blocked' });
    expect((await sb.admin.state('dyn-1')).purchaseOrders[0]?.lineItems).toHaveLength(1);
  });

  it('consumes scripts in order, each only by requests matching its method and path prefix', async () => {
    await sb.admin.scriptFaults('sap-1', [
      { kind: 'server-error', method: 'PUT' },
      { kind: 'empty-error', status: 500, pathPrefix: MakiniPath.inventory('inv-1') },
      { kind: 'html-error', times: 2 },
    ]);
    expect((await sap('GET', MakiniPath.vendors())).headers.get('content-type')).toMatch(/html/);
    expect((await sap('GET', MakiniPath.inventory('inv-1'))).text).toBe('');
    expect((await sap('GET', MakiniPath.vendors())).headers.get('content-type')).toMatch(/html/);
    expect((await sap('GET', MakiniPath.vendors())).status).toBe(200);
    expect(await sb.admin.pendingFaults('sap-1')).toEqual([expect.objectContaining({ kind: 'server-error', method: 'PUT', remaining: 1 })]);
    expect((await sap('PUT', MakiniPath.inventory('inv-1'), { quantity: 1 })).status).toBe(500);
    expect((await sap('GET', MakiniPath.inventory('inv-1'))).json.data.quantity).toBe(120);
  });

  it('refuses an invalid fault script with every problem', async () => {
    await expect(sb.admin.scriptFaults('sap-1', [{ kind: 'explode' as 'drop' }, { kind: 'server-error', status: 418 }])).rejects.toThrow(
      /faults\.0\.kind[\s\S]*faults\.1\.status/,
    );
  });

  it('limits writes per minute with 429 and a Retry-After that frees a slot', async () => {
    const code = uniqueCode('rl');
    const post = () => dyn('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-100' });
    expect((await post()).status).toBe(200);
    expect((await dyn('GET', MakiniPath.vendors())).status).toBe(200); // reads do not count
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe(MakiniErrorCode.rateLimitExceeded);
    const retryAfter = Number(limited.headers.get(MakiniHeader.retryAfter));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const state = await sb.admin.state('dyn-1');
    expect(state.purchaseOrders).toHaveLength(3);
    expect(state.writes).toMatchObject({ applied: 3, rateLimited: 1 });
    await sb.admin.setRateLimit('dyn-1', null);
    expect((await post()).status).toBe(200);
  });

  it('frees a write slot exactly when Retry-After says (sliding window)', () => {
    const limiter = new SlidingWindowLimiter(2);
    expect(limiter.tryAcquire(0).ok).toBe(true);
    expect(limiter.tryAcquire(10_000).ok).toBe(true);
    expect(limiter.tryAcquire(20_500)).toEqual({ ok: false, retryAfterSeconds: 40 });
    expect(limiter.tryAcquire(20_500 + 40_000).ok).toBe(true); // the write at 0 left the window
    expect(limiter.tryAcquire(61_000)).toEqual({ ok: false, retryAfterSeconds: 9 }); // next frees at 70 s
    expect(limiter.tryAcquire(70_000).ok).toBe(true);
  });

  it('chaos: seeded faults at the configured rates, the same for the same seed', async () => {
    const outcomes = async (seed: number) => {
      await sb.admin.reset();
      await sb.admin.setChaos('sap-1', { seed, rates: { serverError: 0.3, rateLimit: 0.2, commitThenFail: 0.1 } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await sap('GET', MakiniPath.vendors())).status);
      return out;
    };
    const a = await outcomes(7);
    expect(await outcomes(7)).toEqual(a);
    expect(await outcomes(8)).not.toEqual(a);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(a.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(a.filter((s) => s >= 500).length).toBeGreaterThan(0);

    await sb.admin.setChaos('*', { seed: 1, rates: { commitThenFail: 1 }, methods: ['POST'] });
    await sb.admin.setChaos('sap-1', null);
    const code = uniqueCode('chaos');
    expect((await createPo(code)).status).toBeGreaterThanOrEqual(500);
    expect(await withCode(code)).toHaveLength(1);
    expect((await sap('GET', MakiniPath.vendors())).status).toBe(200); // GETs not covered
    await sb.admin.setChaos('*', null);
    expect((await createPo(uniqueCode('calm'))).status).toBe(200);
  });
});
