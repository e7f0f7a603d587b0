// What a passthrough answer means, for every dialect alike: the system's own status and error body
// are judged by the same outcome model as Makini's answers (src/makini/outcome.ts through
// classifyHttpFailure). A 2xx inner answer is a success; an inner 5xx, or a 4xx whose body is not the
// system's error shape, may have landed; a 4xx with the system's error body is a refusal naming the
// fields it names; an inner 429 (the system's own concurrency limit) was not written.
import { classifyHttpFailure } from '../classify-failure.js';
import type { PassthroughRequest } from '../client.js';
import { MakiniPath } from '../workflow/contract.js';
import type { PassthroughAnswer } from '../workflow/entities.js';
import { makiniErrorFrom, type MakiniError } from '../errors.js';
import type { CallMeta } from '../http.js';
import { parseRetryAfter } from '../retry-after.js';
import { MakiniFailureType } from '../../failures/workflow/failure-types.js';
import type { PassthroughDialect } from './dialect.js';

/** Code of a native error body whose problems name no code of their own. */
export const NATIVE_REFUSAL_CODE = 'NATIVE_REFUSAL';

/** How a passthrough call is named in failures and step notes: `POST /api/passthrough → PUT record/v1/…`. */
export const describePassthrough = (req: PassthroughRequest) =>
  `POST ${MakiniPath.passthrough()} → ${req.method.toUpperCase()} ${req.path}`;

/** The failure of an inner answer that is not a 2xx (undefined for a 2xx). */
export function innerFailure(
  dialect: PassthroughDialect,
  req: PassthroughRequest,
  answer: PassthroughAnswer,
  meta: CallMeta,
): MakiniError | undefined {
  if (answer.status >= 200 && answer.status < 300) return undefined;
  const refusal = dialect.problemsOf(answer.body);
  const info = classifyHttpFailure({
    method: req.method.toUpperCase(),
    path: `${MakiniPath.passthrough()} → ${req.path}`,
    status: answer.status,
    code: refusal ? (refusal.code ?? NATIVE_REFUSAL_CODE) : undefined,
    message: refusal
      ? `${dialect.name}: ${refusal.message}: ${refusal.problems
          .map((p) => `${p.field}${p.nativeField && p.nativeField !== p.field ? ` (${p.nativeField})` : ''}: ${p.message}`)
          .join('; ')}`
      : `${dialect.name}: the system answered ${answer.status} without its error body`,
    requestId: meta.requestId,
    retryAfterMs: parseRetryAfter(answer.headers['retry-after'] ?? null),
    processingTimeMs: meta.processingTimeMs,
    opaqueBody: !refusal,
  });
  const fields = refusal?.problems.map((p) => p.field).filter((f) => f !== '(record)');
  return makiniErrorFrom({ ...info, ...(refusal?.retryable ? { retryable: true } : {}), ...(fields?.length ? { fields } : {}) });
}

/** A 2xx the dialect cannot read: the write may have landed (the step runner looks it up). */
export function unreadableAnswer(
  dialect: PassthroughDialect,
  req: PassthroughRequest,
  status: number,
  meta: CallMeta,
  why: string,
): MakiniError {
  return makiniErrorFrom({
    type: MakiniFailureType.malformedResponse,
    status,
    message: `${describePassthrough(req)} → ${status}: ${dialect.name} answer ${why}`,
    requestId: meta.requestId,
    retryable: true,
    ambiguous: req.method !== 'get',
    method: req.method.toUpperCase(),
    path: `${MakiniPath.passthrough()} → ${req.path}`,
    processingTimeMs: meta.processingTimeMs,
  });
}
