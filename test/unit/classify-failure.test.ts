import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, classifyNetworkFailure } from '../../src/makini/classify-failure.js';
import { MakiniFailureType } from '../../src/failures.js';

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
