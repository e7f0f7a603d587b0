// The classification table: one Makini answer (or the lack of one) → a typed, retry-aware failure.
import { MakiniErrorCode } from './contract.js';
import { MakiniFailureType, type MakiniFailureInfo } from '../failures.js';
import { outcomeOfErrorAnswer, outcomeOfNoAnswer, REFUSAL_STATUSES } from './outcome.js';

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
}

/** By error code, for refusals only (429 and REFUSAL_STATUSES): there a known code says more than the status. */
const BY_CODE: ReadonlyMap<string, Rule> = new Map([
  [MakiniErrorCode.rateLimitExceeded, { type: MakiniFailureType.rateLimited, retryable: true }],
  [MakiniErrorCode.authenticationFailed, { type: MakiniFailureType.authentication, retryable: false }],
  [MakiniErrorCode.validationFailed, { type: MakiniFailureType.rejected, retryable: false }],
  [MakiniErrorCode.permissionDenied, { type: MakiniFailureType.rejected, retryable: false }],
  [MakiniErrorCode.notFound, { type: MakiniFailureType.rejected, retryable: false }],
  [MakiniErrorCode.writeNotAllowed, { type: MakiniFailureType.rejected, retryable: false }],
]);

/** By status, when the code is unknown or absent (HTML pages, empty bodies) or the status is not a refusal. */
function byStatus(status: number): Rule {
  if (status === 429) return { type: MakiniFailureType.rateLimited, retryable: true };
  if (status === 401) return { type: MakiniFailureType.authentication, retryable: false };
  if (status >= 500) return { type: MakiniFailureType.serverError, retryable: true };
  if (status === 408) return { type: MakiniFailureType.network, retryable: true };
  return { type: MakiniFailureType.rejected, retryable: false };
}

/**
 * Classifies a non-2xx HTTP answer. Whether a write may have landed comes from the outcome model
 * (./outcome.ts) alone: a known code refines the failure type of a refusal, never the outcome of a 5xx.
 */
export function classifyHttpFailure(a: HttpAnswer): MakiniFailureInfo {
  const refusal = a.status === 429 || REFUSAL_STATUSES.has(a.status);
  const rule = (refusal && a.code !== undefined ? BY_CODE.get(a.code) : undefined) ?? byStatus(a.status);
  const outcome = outcomeOfErrorAnswer(a.status, !a.opaqueBody && a.code !== undefined);
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
    ambiguous: isWrite(a.method) && outcome === 'may-have-landed',
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
    ambiguous: isWrite(method) && outcomeOfNoAnswer(connectedBeforeFailure) === 'may-have-landed',
    method,
    path,
  };
}
