// The Makini client's classification of every sandbox fault kind, over real HTTP: what the
// workflows decide on (type, retryable, Retry-After, ambiguous) must come out right per kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/observability/secret.js';
import { createTokenSource } from '../../src/config/token-source.js';
import type { TokenSource } from '../../src/makini/tokens.js';
import { MakiniFailureType, type MakiniFailureInfo } from '../../src/failures/workflow/failure-types.js';
import { MakiniClient } from '../../src/makini/client.js';
import { MakiniError } from '../../src/makini/errors.js';
import type { FaultScript } from '../../sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const TIMEOUT_MS = 400;
const header = (code: string) => ({
  code,
  vendorKey: 'V-100',
  siteKey: '1000',
  currencyKey: 'EUR',
  title: `PO ${code}`,
  lineItems: [{ lineNo: 1, materialKey: 'mat-1', name: 'part', quantity: 1, price: 10 }],
});

describe('Makini client: every fault kind classified (real HTTP against the sandbox)', () => {
  let sb: TestSandbox;
  let makini: MakiniClient;
  let n = 0;

  beforeAll(async () => {
    sb = await startTestSandbox([{ id: 'sap-1', system: 'sap' }]);
    makini = new MakiniClient({
      baseUrl: sb.sandbox.url,
      timeoutMs: TIMEOUT_MS,
      tokenSource: createTokenSource(sb.connections.connections, { env: sb.env }),
    });
  });
  afterAll(() => sb?.sandbox.close());
  const stored = async (code: string) => (await sb.sandbox.admin.state('sap-1')).purchaseOrders.filter((p) => p.code === code);

  /** Scripts one fault on the next POST, makes a create, returns the classified failure. */
  async function failedCreate(fault: Omit<FaultScript, 'method'>): Promise<{ info: MakiniFailureInfo; code: string; error: MakiniError }> {
    await sb.sandbox.admin.reset();
    await sb.sandbox.admin.scriptFaults('sap-1', [{ ...fault, method: 'POST' } as FaultScript]);
    const code = `fault-${n++}`;
    const error = await makini.createPurchaseOrder('sap-1', header(code)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `${fault.kind} must fail the call`).toBeInstanceOf(MakiniError);
    const info = (error as MakiniError).info;
    // Never a token in what goes to history.
    expect(JSON.stringify(info)).not.toContain(sb.tokens['sap-1']);
    return { info, code, error: error as MakiniError };
  }

  it('rate-limit, Retry-After in seconds → rateLimited, retryable, 2000 ms, not ambiguous', async () => {
    const { info, code } = await failedCreate({ kind: 'rate-limit', retryAfterSeconds: 2 });
    expect(info).toMatchObject({
      type: MakiniFailureType.rateLimited,
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      retryable: true,
      ambiguous: false,
      retryAfterMs: 2000,
    });
    expect(info.requestId).toMatch(/^req_/);
    expect(await stored(code)).toHaveLength(0);
  });

  it('rate-limit, Retry-After as an HTTP-date → the delay until that date', async () => {
    const { info } = await failedCreate({ kind: 'rate-limit', retryAfterSeconds: 5, retryAfterDate: true });
    expect(info.type).toBe(MakiniFailureType.rateLimited);
    // IMF-fixdate has one-second precision.
    expect(info.retryAfterMs).toBeGreaterThan(3000);
    expect(info.retryAfterMs).toBeLessThanOrEqual(6000);
  });

  it('rate-limit without Retry-After → retryable with no delay given (the workflow backs off)', async () => {
    const { info } = await failedCreate({ kind: 'rate-limit' });
    expect(info).toMatchObject({ type: MakiniFailureType.rateLimited, retryable: true });
    expect(info.retryAfterMs).toBeUndefined();
  });

  it.each([
    // Every 5xx may have landed on a write (500: "issues on Makini's side or with the connected system").
    [500, true],
    [503, true],
    [502, true],
    [504, true],
  ] as const)('server-error %i → serverError, retryable, ambiguous=%s on a write', async (status, ambiguous) => {
    const { info, code } = await failedCreate({ kind: 'server-error', status });
    expect(info).toMatchObject({ type: MakiniFailureType.serverError, status, retryable: true, ambiguous });
    expect(await stored(code)).toHaveLength(0);
  });

  it('503 with Retry-After carries the delay', async () => {
    const { info } = await failedCreate({ kind: 'server-error', status: 503, retryAfterSeconds: 3 });
    expect(info).toMatchObject({ type: MakiniFailureType.serverError, retryAfterMs: 3000, retryable: true });
  });

  it('html-error and empty-error: classified by status, the body does not crash anything', async () => {
    const html = await failedCreate({ kind: 'html-error', status: 502 });
    expect(html.info).toMatchObject({ type: MakiniFailureType.serverError, status: 502, retryable: true, ambiguous: true });
    expect(html.info.message).toContain('no error body');
    const empty = await failedCreate({ kind: 'empty-error', status: 503 });
    expect(empty.info).toMatchObject({ type: MakiniFailureType.serverError, status: 503, retryable: true, ambiguous: true });
  });

  it('slow beyond the client timeout → network, retryable, ambiguous (the write may land)', async () => {
    const { info, code } = await failedCreate({ kind: 'slow', delayMs: TIMEOUT_MS * 3 });
    expect(info).toMatchObject({ type: MakiniFailureType.network, retryable: true, ambiguous: true });
    // The sandbox finishes the write after the client gave up: exactly why it is ambiguous.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 3));
    expect(await stored(code)).toHaveLength(1);
  });

  it('commit-then-fail (504) → serverError, ambiguous, and the PO really exists', async () => {
    const { info, code } = await failedCreate({ kind: 'commit-then-fail' });
    expect(info).toMatchObject({ type: MakiniFailureType.serverError, status: 504, retryable: true, ambiguous: true });
    expect(await stored(code)).toHaveLength(1);
  });

  it('commit-then-drop → network, ambiguous, and the PO really exists', async () => {
    const { info, code } = await failedCreate({ kind: 'commit-then-drop' });
    expect(info).toMatchObject({ type: MakiniFailureType.network, retryable: true, ambiguous: true });
    expect(await stored(code)).toHaveLength(1);
  });

  it('drop → network, ambiguous (the client cannot know), nothing stored', async () => {
    const { info, code } = await failedCreate({ kind: 'drop' });
    expect(info).toMatchObject({ type: MakiniFailureType.network, retryable: true, ambiguous: true });
    expect(await stored(code)).toHaveLength(0);
  });

  it('malformed-success → malformedResponse, never a crash, names what broke', async () => {
    const { info } = await failedCreate({ kind: 'malformed-success' });
    // It may have landed (it did here): the workflow looks it up before any repeat.
    expect(info).toMatchObject({ type: MakiniFailureType.malformedResponse, retryable: true, ambiguous: true });
    expect(info.message).toMatch(/key/);
  });

  it('malformed-success on a read → retryable (repeating a read is safe)', async () => {
    await sb.sandbox.admin.reset();
    const created = await makini.createPurchaseOrder('sap-1', header(`read-${n++}`));
    await sb.sandbox.admin.scriptFaults('sap-1', [{ kind: 'malformed-success', method: 'GET' }]);
    const error = await makini.getPurchaseOrder('sap-1', created.data.data.key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as MakiniError).info).toMatchObject({ type: MakiniFailureType.malformedResponse, retryable: true, ambiguous: false });
  });

  it('unauthorized → authentication, not retryable by backoff, no token in the message', async () => {
    const { info, error } = await failedCreate({ kind: 'unauthorized' });
    expect(info).toMatchObject({ type: MakiniFailureType.authentication, status: 401, code: 'AUTHENTICATION_FAILED', retryable: false });
    expect(error.message).not.toContain(sb.tokens['sap-1']);
    expect(error.stack ?? '').not.toContain(sb.tokens['sap-1']);
    await sb.sandbox.admin.reauthorize('sap-1', sb.tokens['sap-1']);
  });

  it("reject (400 VALIDATION_FAILED) → rejected, not retryable, with Makini's message", async () => {
    const { info } = await failedCreate({ kind: 'reject', status: 400, code: 'VALIDATION_FAILED', message: 'orderDate is required' });
    expect(info).toMatchObject({
      type: MakiniFailureType.rejected,
      status: 400,
      code: 'VALIDATION_FAILED',
      retryable: false,
      ambiguous: false,
    });
    expect(info.message).toContain('orderDate is required');
  });

  it('an unknown error code is classified by its status', async () => {
    const gone = await failedCreate({ kind: 'reject', status: 409, code: 'SOMETHING_NEW' });
    expect(gone.info).toMatchObject({ type: MakiniFailureType.rejected, retryable: false, code: 'SOMETHING_NEW' });
    const tooMany = await failedCreate({ kind: 'reject', status: 429, code: 'SOMETHING_NEW' });
    expect(tooMany.info).toMatchObject({ type: MakiniFailureType.rateLimited, retryable: true });
  });

  /** A client of the sandbox whose token comes from `tokenSource` (bypassing the checks of the real token sources). */
  const clientWith = (tokenSource: TokenSource) => new MakiniClient({ baseUrl: sb.sandbox.url, timeoutMs: TIMEOUT_MS, tokenSource });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => expect.unreachable('the call must fail'),
      (e: unknown) => {
        expect(e).toBeInstanceOf(MakiniError);
        return e as MakiniError;
      },
    );
  const shown = (error: MakiniError) => [error.message, error.stack ?? '', JSON.stringify(error.info)].join('\n');

  it('a token that is no valid header value → connectionConfig, nothing sent, no part of the token shown', async () => {
    await sb.sandbox.admin.reset();
    for (const tail of ['\nSECRETPART2', '\rSECRETPART2', '\u0100SECRETPART2']) {
      const token = new Secret(`${sb.tokens['sap-1']}${tail}`);
      const error = await failure(clientWith({ tokenFor: async () => token }).createPurchaseOrder('sap-1', header(`bad-token-${n++}`)));
      expect(error.info).toMatchObject({ type: MakiniFailureType.connectionConfig, retryable: false, ambiguous: false });
      expect(error.message).toMatch(/not sent/);
      expect(shown(error)).not.toContain('SECRETPART2');
      expect(shown(error)).not.toContain(sb.tokens['sap-1']);
    }
    expect(await sb.sandbox.admin.requestLog('sap-1')).toEqual([]);
  });

  it('a token source that fails → connectionConfig with a generic message, never its error text', async () => {
    const error = await failure(
      clientWith({
        tokenFor: async () => {
          throw new Error('vault: lease expired for s.SECRETPART2');
        },
      }).getIntegration('sap-1'),
    );
    expect(error.info).toMatchObject({ type: MakiniFailureType.connectionConfig, retryable: false, ambiguous: false });
    expect(error.message).toMatch(/connection "sap-1"/);
    expect(shown(error)).not.toContain('SECRETPART2');
  });

  it('a redirect is never followed (a 307 would send the write again): rejected for good, may have landed', async () => {
    const { info, code } = await failedCreate({ kind: 'redirect', status: 307, location: '/api/eam/purchase-orders' });
    expect(info).toMatchObject({ type: MakiniFailureType.rejected, retryable: false, ambiguous: true });
    expect(info.message).toMatch(/redirect, not followed/);
    expect(await stored(code)).toHaveLength(0);
    expect((await sb.sandbox.admin.requestLog('sap-1')).filter((r) => r.method === 'POST')).toHaveLength(1);
    // To another host: refused the same way (not taken for a host that cannot be reached, which is retried).
    const elsewhere = await failedCreate({ kind: 'redirect', status: 308 });
    expect(elsewhere.info).toMatchObject({ type: MakiniFailureType.rejected, retryable: false, ambiguous: true });
  });

  it('a 2xx body larger than 1 MiB is not read: malformedResponse, may have landed', async () => {
    const code = `big-${n++}`;
    const body = JSON.stringify({ data: { key: 'po-big', code, lineItems: [], padding: 'x'.repeat(1536 * 1024) } });
    const { info } = await failedCreate({ kind: 'malformed-success', body });
    expect(info).toMatchObject({ type: MakiniFailureType.malformedResponse, status: 200, retryable: true, ambiguous: true });
    expect(info.message).toMatch(/larger than 1 MiB/);
  });

  it('an error body larger than 1 MiB is opaque: classified by its status, may have landed', async () => {
    const { info } = await failedCreate({ kind: 'reject', status: 400, code: 'VALIDATION_FAILED', message: 'y'.repeat(2 * 1024 * 1024) });
    expect(info).toMatchObject({ type: MakiniFailureType.rejected, status: 400, retryable: false, ambiguous: true });
    expect(info.code).toBeUndefined();
    expect(info.message).toMatch(/larger than 1 MiB/);
    expect(info.message.length).toBeLessThan(300);
  });

  it("Makini's error message is cut to 500 characters in what goes to history", async () => {
    const message = `orderDate is required ${'z'.repeat(20_000)}`;
    const { info } = await failedCreate({ kind: 'reject', status: 422, code: 'VALIDATION_FAILED', message });
    expect(info).toMatchObject({ type: MakiniFailureType.rejected, code: 'VALIDATION_FAILED', ambiguous: false });
    expect(info.message).toContain('orderDate is required');
    expect(info.message).toMatch(/… \(\d+ more characters\)$/);
    expect(info.message.length).toBeLessThan(700);
  });

  it('records request id and processing time of a successful call', async () => {
    await sb.sandbox.admin.reset();
    const res = await makini.createPurchaseOrder('sap-1', header(`ok-${n++}`));
    expect(res.meta.requestId).toMatch(/^req_/);
    expect(res.meta.processingTimeMs).toEqual(expect.any(Number));
    expect(res.meta.durationMs).toBeGreaterThanOrEqual(0);
  });
});
