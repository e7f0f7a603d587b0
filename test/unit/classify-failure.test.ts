import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, classifyNetworkFailure, classifyRedirect } from '../../src/makini/classify-failure.js';
import { MakiniFailureType } from '../../src/failures/workflow/failure-types.js';

const post = { method: 'POST', path: '/api/eam/purchase-orders' };
const get = { method: 'GET', path: '/api/eam/purchase-orders/1' };

describe('classification table', () => {
  it.each([
    // [request, status, Makini code, type, retryable, may have landed]
    [post, 429, 'RATE_LIMIT_EXCEEDED', MakiniFailureType.rateLimited, true, false],
    [post, 500, 'INTERNAL_ERROR', MakiniFailureType.serverError, true, true], // "or with the connected system"
    [post, 503, 'SERVICE_UNAVAILABLE', MakiniFailureType.serverError, true, true],
    [post, 502, undefined, MakiniFailureType.serverError, true, true],
    [post, 504, 'INTERNAL_ERROR', MakiniFailureType.serverError, true, true],
    [post, 520, undefined, MakiniFailureType.serverError, true, true],
    [post, 500, 'VALIDATION_FAILED', MakiniFailureType.serverError, true, true], // a known code never removes a 5xx's uncertainty
    [get, 504, undefined, MakiniFailureType.serverError, true, false],
    [get, 500, 'INTERNAL_ERROR', MakiniFailureType.serverError, true, false],
    [post, 401, 'AUTHENTICATION_FAILED', MakiniFailureType.authentication, false, false],
    [post, 400, 'VALIDATION_FAILED', MakiniFailureType.rejected, false, false],
    [post, 403, 'PERMISSION_DENIED', MakiniFailureType.rejected, false, false],
    [post, 404, 'NOT_FOUND', MakiniFailureType.rejected, false, false],
    [post, 409, 'WRITE_NOT_ALLOWED', MakiniFailureType.rejected, false, false],
    [post, 422, 'VALIDATION_FAILED', MakiniFailureType.rejected, false, false],
    [post, 418, 'SOMETHING_NEW', MakiniFailureType.rejected, false, true], // an unknown status: may have landed
    [post, 408, undefined, MakiniFailureType.network, true, true],
    [post, 599, undefined, MakiniFailureType.serverError, true, true],
    [post, 400, 'RATE_LIMIT_EXCEEDED', MakiniFailureType.rateLimited, true, false], // a known code refines a refusal
    // Permanent 5xx: not implemented, HTTP version, a proxy wanting its own login. Retrying cannot
    // help, but on a write they still may have landed (the outcome model: every 5xx).
    [post, 501, undefined, MakiniFailureType.serverError, false, true],
    [post, 505, 'INTERNAL_ERROR', MakiniFailureType.serverError, false, true],
    [post, 511, undefined, MakiniFailureType.serverError, false, true],
    [get, 501, 'INTERNAL_ERROR', MakiniFailureType.serverError, false, false],
    [get, 511, undefined, MakiniFailureType.serverError, false, false],
    [post, 307, undefined, MakiniFailureType.rejected, false, true], // a redirect is never followed
  ])('%o %d %s → %s', (req, status, code, type, retryable, ambiguous) => {
    const info = classifyHttpFailure({ ...req, status, code, requestId: 'req_1' });
    expect(info).toMatchObject({ type, retryable, ambiguous, status, requestId: 'req_1' });
    expect(info.message).toContain(String(status));
  });
  it("a body without Makini's error shape leaves any status uncertain on a write", () => {
    for (const status of [400, 404, 409, 429, 500]) {
      expect(classifyHttpFailure({ ...post, status, opaqueBody: true }).ambiguous, String(status)).toBe(true);
      expect(classifyHttpFailure({ ...get, status, opaqueBody: true }).ambiguous, `GET ${status}`).toBe(false);
    }
  });
  it('codes named like Object.prototype members classify by status without throwing', () => {
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(classifyHttpFailure({ ...post, status: 400, code })).toMatchObject({ type: MakiniFailureType.rejected, ambiguous: false });
      expect(classifyHttpFailure({ ...post, status: 500, code })).toMatchObject({ type: MakiniFailureType.serverError, ambiguous: true });
    }
  });
  it('permanent 5xx are not retried whatever the body says', () => {
    for (const status of [501, 505, 511])
      for (const opaqueBody of [true, false]) {
        expect(classifyHttpFailure({ ...post, status, code: 'SERVICE_UNAVAILABLE', opaqueBody }), `${status}`).toMatchObject({
          type: MakiniFailureType.serverError,
          retryable: false,
          ambiguous: true,
        });
      }
  });
  it("caps what Makini's answer puts in history: message, code, type and request id", () => {
    const info = classifyHttpFailure({
      ...post,
      status: 400,
      code: `C${'X'.repeat(5000)}`,
      errorType: 'T'.repeat(5000),
      message: `orderDate is required ${'y'.repeat(10_000)}`,
      requestId: `req_${'9'.repeat(5000)}`,
    });
    expect(info.message).toMatch(/^POST \/api\/eam\/purchase-orders → 400 CX+…: orderDate is required y+… \(\d+ more characters\)$/);
    expect(info.message.length).toBeLessThan(900);
    expect(info.code!.length).toBeLessThanOrEqual(200);
    expect(info.errorType!.length).toBeLessThanOrEqual(200);
    expect(info.requestId!.length).toBeLessThanOrEqual(200);
    const short = classifyHttpFailure({ ...post, status: 400, code: 'VALIDATION_FAILED', message: 'orderDate is required' });
    expect(short.message).toBe('POST /api/eam/purchase-orders → 400 VALIDATION_FAILED: orderDate is required');
  });
  it("escapes the control characters of Makini's answer (C0, C1, \\n and \\r too) as visible escapes", () => {
    const forged = 'refused \u001b[2J\u001b[31mred\u001b[0m\r\n[worker] all good\u009b6n\u0007';
    const info = classifyHttpFailure({
      ...post,
      status: 422,
      code: 'BAD\u001b[0m',
      errorType: 'x\ny',
      message: forged,
      requestId: 'req_1\r\n',
    });
    for (const text of [info.message, info.code, info.errorType, info.requestId]) {
      // eslint-disable-next-line no-control-regex -- what must not reach a terminal
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(info.message).toBe(
      'POST /api/eam/purchase-orders → 422 BAD\\u001b[0m: refused \\u001b[2J\\u001b[31mred\\u001b[0m\\r\\n[worker] all good\\u009b6n\\u0007',
    );
    expect(info.requestId).toBe('req_1\\r\\n');
  });
  it('a redirect is classified as one, for good, and may have landed on a write', () => {
    expect(classifyRedirect('POST', '/x')).toMatchObject({ type: MakiniFailureType.rejected, retryable: false, ambiguous: true });
    expect(classifyRedirect('GET', '/x')).toMatchObject({ type: MakiniFailureType.rejected, retryable: false, ambiguous: false });
    expect(classifyRedirect('PUT', '/x').message).toMatch(/^PUT \/x → a redirect, not followed/);
  });
  it('network failures are ambiguous only for writes that reached the server', () => {
    expect(classifyNetworkFailure('POST', '/x', 'timed out', true)).toMatchObject({
      type: MakiniFailureType.network,
      retryable: true,
      ambiguous: true,
    });
    expect(classifyNetworkFailure('POST', '/x', 'ECONNREFUSED', false).ambiguous).toBe(false);
    expect(classifyNetworkFailure('GET', '/x', 'reset', true).ambiguous).toBe(false);
  });
});
