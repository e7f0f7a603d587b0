// The classification table: one Makini answer (or the lack of one) → a typed, retry-aware failure.
import { MakiniErrorCode } from './contract.js';
import { MakiniFailureType, type MakiniFailureInfo } from '../failures.js';

export interface HttpAnswer {
  method: string;
  path: string;
  status: number;
  /** Parsed `{ error: {...} }` fields, when the body had them. */
  code?: string;
  errorType?: string;
  message?: string;
  requestId?: string;
  retryAfterMs?: number;
  processingTimeMs?: number;
  /** True when the body was HTML, empty or not the error shape. */
  opaqueBody?: boolean;
}

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD';

interface Rule {
  type: MakiniFailureType;
  retryable: boolean;
  /** Whether a write answered with this may nevertheless have been applied. */
  ambiguousOnWrite: boolean;
}

/** By error code first: a known code says more than the status. */
const BY_CODE: Record<string, Rule> = {
  [MakiniErrorCode.rateLimitExceeded]: { type: MakiniFailureType.rateLimited, retryable: true, ambiguousOnWrite: false },
  [MakiniErrorCode.authenticationFailed]: { type: MakiniFailureType.authentication, retryable: false, ambiguousOnWrite: false },
  [MakiniErrorCode.validationFailed]: { type: MakiniFailureType.rejected, retryable: false, ambiguousOnWrite: false },
  [MakiniErrorCode.permissionDenied]: { type: MakiniFailureType.rejected, retryable: false, ambiguousOnWrite: false },
  [MakiniErrorCode.notFound]: { type: MakiniFailureType.rejected, retryable: false, ambiguousOnWrite: false },
  [MakiniErrorCode.writeNotAllowed]: { type: MakiniFailureType.rejected, retryable: false, ambiguousOnWrite: false },
};

/** By status when the code is unknown or absent (HTML pages, empty bodies). */
function byStatus(status: number): Rule {
  if (status === 429) return { type: MakiniFailureType.rateLimited, retryable: true, ambiguousOnWrite: false };
  if (status === 401) return { type: MakiniFailureType.authentication, retryable: false, ambiguousOnWrite: false };
  // A gateway failed between us and the system: the write may have landed.
  if (status === 502 || status === 504) return { type: MakiniFailureType.serverError, retryable: true, ambiguousOnWrite: true };
  if (status === 500 || status === 503) return { type: MakiniFailureType.serverError, retryable: true, ambiguousOnWrite: false };
  if (status >= 500) return { type: MakiniFailureType.serverError, retryable: true, ambiguousOnWrite: true };
  if (status === 408) return { type: MakiniFailureType.network, retryable: true, ambiguousOnWrite: true };
  return { type: MakiniFailureType.rejected, retryable: false, ambiguousOnWrite: false };
}

/** Classifies a non-2xx HTTP answer. 502/504 codes never override the gateway meaning. */
export function classifyHttpFailure(a: HttpAnswer): MakiniFailureInfo {
  const statusRule = byStatus(a.status);
  const rule = (a.status !== 502 && a.status !== 504 && a.code && BY_CODE[a.code]) || statusRule;
  const described = a.code ? `${a.status} ${a.code}` : `${a.status}${a.opaqueBody ? ' (no error body)' : ''}`;
  return {
    type: rule.type,
    status: a.status,
    code: a.code,
    errorType: a.errorType,
    message: `${a.method} ${a.path} → ${described}${a.message ? `: ${a.message}` : ''}`,
    requestId: a.requestId,
    retryAfterMs: a.retryAfterMs,
    retryable: rule.retryable,
    ambiguous: rule.ambiguousOnWrite && isWrite(a.method),
    method: a.method,
    path: a.path,
    processingTimeMs: a.processingTimeMs,
  };
}

/** Classifies a call that got no HTTP answer: timeout, reset, refused. */
export function classifyNetworkFailure(method: string, path: string, reason: string, connectedBeforeFailure: boolean): MakiniFailureInfo {
  return {
    type: MakiniFailureType.network,
    message: `${method} ${path} → no answer: ${reason}`,
    retryable: true,
    // A refused connection never reached Makini; anything later may have been applied.
    ambiguous: isWrite(method) && connectedBeforeFailure,
    method,
    path,
  };
}
