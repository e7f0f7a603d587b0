// What an injected fault answers instead of (or after) the system: JSON errors, proxy pages,
// empty or garbled bodies, or nothing at all. Pure: the server sends what this describes.
import { STATUS_CODES } from 'node:http';
import { MakiniErrorCode, MakiniHeader } from '../src/makini/workflow/contract.js';
import { codeForStatus } from './errors.js';
import type { ActiveFault } from './faults.js';
import { imfFixdate } from './respond.js';

export type FaultAnswer =
  | { type: 'error'; status: number; code: string; message: string; headers: Record<string, string> }
  | { type: 'raw'; status: number; body: string; contentType: string | undefined; headers: Record<string, string> }
  | { type: 'drop' }
  /** 401 now and on every later call, until the connection is reauthorized. */
  | { type: 'needs-reauthorization' };

/** Retry-After as delta-seconds, as an HTTP-date, or absent, as the fault says. */
export function retryAfterHeader(f: Pick<ActiveFault, 'retryAfterSeconds' | 'retryAfterDate'>, now = Date.now()): Record<string, string> {
  if (f.retryAfterDate) {
    // Rounded up to a whole second: waiting until the date always waits at least the seconds.
    const at = Math.ceil((now + (f.retryAfterSeconds ?? 1) * 1000) / 1000) * 1000;
    return { [MakiniHeader.retryAfter]: imfFixdate(at) };
  }
  return f.retryAfterSeconds === undefined ? {} : { [MakiniHeader.retryAfter]: String(f.retryAfterSeconds) };
}

const GATEWAY_MESSAGES: Record<number, string> = {
  500: 'The connected system failed to process the request',
  502: 'Bad gateway: the connected system returned an invalid answer',
  503: 'The service is temporarily unavailable',
  504: 'Gateway timeout: the connected system did not answer in time',
};
const gatewayMessage = (status: number) => GATEWAY_MESSAGES[status] ?? STATUS_CODES[status] ?? 'Error';

export const htmlPage = (status: number) => {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
};

export const MALFORMED_DEFAULT_BODY = '{"data":{"nokey":true}}';
/** Where a redirect points by default: another host, which never resolves (RFC 2606). */
export const REDIRECT_DEFAULT_LOCATION = 'https://elsewhere.invalid/';

/**
 * Makini's 200 around the system's own 5xx (the passthrough envelope, MakiniPassthrough in
 * src/makini/workflow/contract.ts), the system's body in NetSuite's error shape.
 */
function innerServerError(status: number, message: string | undefined): FaultAnswer {
  const body = {
    data: {
      status,
      headers: { 'content-type': 'application/vnd.oracle.resource+json; type=error' },
      body: {
        type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1',
        title: STATUS_CODES[status] ?? 'Error',
        status,
        'o:errorDetails': [{ detail: message ?? 'An unexpected error occurred.', 'o:errorCode': 'UNEXPECTED_ERROR' }],
      },
    },
  };
  return { type: 'raw', status: 200, body: JSON.stringify(body), contentType: 'application/json; charset=utf-8', headers: {} };
}

/** The answer of a fault (kinds `slow` and `late` have none: the system answers). */
export function faultAnswer(f: ActiveFault): FaultAnswer | undefined {
  // Proxies and gateways send Retry-After with a 503 too; the fault says whether this one does.
  const on503 = (status: number) => (status === 503 ? retryAfterHeader(f) : {});
  const gatewayError = (status: number): FaultAnswer => (f.inner ? innerServerError(status, f.message) : outerError(status));
  const outerError = (status: number): FaultAnswer => ({
    type: 'error',
    status,
    code: codeForStatus(status),
    message: f.message ?? gatewayMessage(status),
    headers: on503(status),
  });
  switch (f.kind) {
    case 'rate-limit':
      return {
        type: 'error',
        status: 429,
        code: MakiniErrorCode.rateLimitExceeded,
        message: 'Too many requests for this connection; retry later',
        headers: retryAfterHeader(f),
      };
    case 'server-error':
      return gatewayError(f.status ?? 500);
    case 'commit-then-fail':
      return gatewayError(f.status ?? 504);
    case 'html-error': {
      const status = f.status ?? 502;
      return { type: 'raw', status, body: htmlPage(status), contentType: 'text/html', headers: on503(status) };
    }
    case 'empty-error': {
      const status = f.status ?? 502;
      return { type: 'raw', status, body: '', contentType: undefined, headers: on503(status) };
    }
    case 'malformed-success':
      return {
        type: 'raw',
        status: f.status ?? 200,
        body: f.body ?? MALFORMED_DEFAULT_BODY,
        contentType: 'application/json; charset=utf-8',
        headers: {},
      };
    case 'drop':
    case 'commit-then-drop':
      return { type: 'drop' };
    case 'unauthorized':
      return { type: 'needs-reauthorization' };
    case 'redirect':
      return {
        type: 'raw',
        status: f.status ?? 307,
        body: '',
        contentType: undefined,
        headers: { location: f.location ?? REDIRECT_DEFAULT_LOCATION },
      };
    case 'reject': {
      const status = f.status ?? 400;
      return {
        type: 'error',
        status,
        code: f.code ?? codeForStatus(status),
        message: f.message ?? 'The connected system refused the request',
        headers: {},
      };
    }
    case 'slow':
    case 'late':
      return undefined;
  }
}
