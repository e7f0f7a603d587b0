// The classification table: one Makini answer (or the lack of one) → a typed, retry-aware failure.
import { MakiniErrorCode } from './workflow/contract.js';
import { MakiniFailureType, type MakiniFailureInfo } from '../failures/workflow/failure-types.js';
import { outcomeOfErrorAnswer, outcomeOfNoAnswer, REFUSAL_STATUSES } from './outcome.js';
import { printable } from '../observability/printable.js';

export interface HttpAnswer {
  method: string;
  path: string;
  status: number;
  /** Parsed `{ error: {...} }` fields, when the body had them. */
  code?: string;
  errorType?: string;
  /** Makini's message (or what the client says about the body), already redacted: cut here to MAX_MESSAGE_CHARS. */
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

/** By status, where one says more than its class (HTML pages, empty bodies, unknown codes, 5xx). */
const BY_STATUS: ReadonlyMap<number, Rule> = new Map([
  [429, { type: MakiniFailureType.rateLimited, retryable: true }],
  [401, { type: MakiniFailureType.authentication, retryable: false }],
  [408, { type: MakiniFailureType.network, retryable: true }],
  // Permanent 5xx: the method is not implemented (501), the HTTP version is refused (505), a proxy
  // on the way wants its own login (511). Repeating cannot help; whether a write landed is still
  // the outcome model's call (every 5xx may have landed), so the step runner looks before failing.
  [501, { type: MakiniFailureType.serverError, retryable: false }],
  [505, { type: MakiniFailureType.serverError, retryable: false }],
  [511, { type: MakiniFailureType.serverError, retryable: false }],
]);

/** By status, when the code is unknown or absent or the status is not a refusal; any other 4xx or 3xx is a refusal for good. */
function byStatus(status: number): Rule {
  return (
    BY_STATUS.get(status) ??
    (status >= 500 ? { type: MakiniFailureType.serverError, retryable: true } : { type: MakiniFailureType.rejected, retryable: false })
  );
}

/**
 * How much of Makini's error message goes into a failure: it is copied into workflow history,
 * logs and the UI on every attempt, and a system's message can be a whole stack trace or page.
 */
const MAX_MESSAGE_CHARS = 500;
/** Codes, error types and request ids are short; a longer one is cut to this. */
const MAX_FIELD_CHARS = 200;

/**
 * Makini's text, made printable (control characters as visible escapes: an upstream ESC sequence
 * or `\r\n` must not reach a terminal or forge a log line) and then cut.
 */
const clipMessage = (raw: string) => {
  const text = printable(raw);
  return text.length <= MAX_MESSAGE_CHARS
    ? text
    : `${text.slice(0, MAX_MESSAGE_CHARS)}… (${text.length - MAX_MESSAGE_CHARS} more characters)`;
};
const clipField = (raw: string | undefined) => {
  const text = raw === undefined ? undefined : printable(raw);
  return text === undefined || text.length <= MAX_FIELD_CHARS ? text : `${text.slice(0, MAX_FIELD_CHARS - 1)}…`;
};

/**
 * Classifies a non-2xx HTTP answer. Whether a write may have landed comes from the outcome model
 * (./outcome.ts) alone: a known code refines the failure type of a refusal, never the outcome of a 5xx.
 */
export function classifyHttpFailure(a: HttpAnswer): MakiniFailureInfo {
  const refusal = a.status === 429 || REFUSAL_STATUSES.has(a.status);
  const rule = (refusal && a.code !== undefined ? BY_CODE.get(a.code) : undefined) ?? byStatus(a.status);
  const outcome = outcomeOfErrorAnswer(a.status, !a.opaqueBody && a.code !== undefined);
  const code = clipField(a.code);
  const described = code ? `${a.status} ${code}` : `${a.status}${a.opaqueBody ? ' (no error body)' : ''}`;
  return {
    type: rule.type,
    status: a.status,
    code,
    errorType: clipField(a.errorType),
    message: `${a.method} ${a.path} → ${described}${a.message ? `: ${clipMessage(a.message)}` : ''}`,
    requestId: clipField(a.requestId),
    retryAfterMs: a.retryAfterMs,
    retryable: rule.retryable,
    ambiguous: isWrite(a.method) && outcome === 'may-have-landed',
    method: a.method,
    path: a.path,
    processingTimeMs: a.processingTimeMs,
  };
}

/**
 * Classifies a redirect, which is never followed: a 307/308 would send the write again to wherever
 * it points, with the token. Repeating gets the same redirect, so it fails for good; which status
 * it was is not known (fetch refuses it), and an answer without Makini's error body may have landed
 * on a write like any other (./outcome.ts): the request reached a server before it was redirected.
 */
export function classifyRedirect(method: string, path: string): MakiniFailureInfo {
  return {
    type: MakiniFailureType.rejected,
    message: `${method} ${path} → a redirect, not followed (it would send the request and its token elsewhere): MAKINI_BASE_URL must name Makini's API itself`,
    retryable: false,
    ambiguous: isWrite(method) && outcomeOfNoAnswer(true) === 'may-have-landed',
    method,
    path,
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
