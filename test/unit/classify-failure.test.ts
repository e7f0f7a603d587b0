import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, classifyNetworkFailure } from '../../src/makini/classify-failure.js';
import { MakiniFailureType } from '../../src/failures.js';

const post = { method: 'POST', path: '/api/eam/purchase-orders' };
const get = { method: 'GET', path: '/api/eam/purchase-orders/1' };

describe('classification table', () => {
  it.each([
    [post, 429, 'RATE_LIMIT_EXCEEDED', MakiniFailureType.rateLimited, true, false],
    [post, 500, 'INTERNAL_ERROR', MakiniFailureType.serverError, true, false],
    [post, 503, 'SERVICE_UNAVAILABLE', MakiniFailureType.serverError, true, false],
    [post, 502, undefined, MakiniFailureType.serverError, true, true],
    [post, 504, 'INTERNAL_ERROR', MakiniFailureType.serverError, true, true],
    [get, 504, undefined, MakiniFailureType.serverError, true, false],
    [post, 401, 'AUTHENTICATION_FAILED', MakiniFailureType.authentication, false, false],
    [post, 400, 'VALIDATION_FAILED', MakiniFailureType.rejected, false, false],
    [post, 403, 'PERMISSION_DENIED', MakiniFailureType.rejected, false, false],
    [post, 409, 'WRITE_NOT_ALLOWED', MakiniFailureType.rejected, false, false],
    [post, 418, 'SOMETHING_NEW', MakiniFailureType.rejected, false, false],
    [post, 599, undefined, MakiniFailureType.serverError, true, true],
    [post, 400, 'RATE_LIMIT_EXCEEDED', MakiniFailureType.rateLimited, true, false], // a known code wins over an odd status
  ])('%o %d %s → %s', (req, status, code, type, retryable, ambiguous) => {
    const info = classifyHttpFailure({ ...req, status, code, requestId: 'req_1' });
    expect(info).toMatchObject({ type, retryable, ambiguous, status, requestId: 'req_1' });
    expect(info.message).toContain(String(status));
  });
  it('network failures are ambiguous only for writes that reached the server', () => {
    expect(classifyNetworkFailure('POST', '/x', 'timed out', true)).toMatchObject({ type: MakiniFailureType.network, retryable: true, ambiguous: true });
    expect(classifyNetworkFailure('POST', '/x', 'ECONNREFUSED', false).ambiguous).toBe(false);
    expect(classifyNetworkFailure('GET', '/x', 'reset', true).ambiguous).toBe(false);
  });
});
