// What a trace may say about a failure: its type and Makini's error code, never its message or
// stack. A failure's message can quote the connected system (a 422 naming a record, a supplier, an
// IBAN, an amount); history holds it encrypted, an exporter would get it in clear. Pure code: the
// workflow interceptors (./tracing-workflow-interceptors.ts) use it inside the workflow sandbox,
// the activity interceptor and the span scrubber (./tracing.ts) on the worker.
import type { Attributes, Span } from '@opentelemetry/api';

/** Span attributes naming a failure; the Makini call spans (src/makini/http.ts) use the same names. */
export const FailureSpanAttr = {
  /** A failure type (`MakiniRequestRejected`, `WriteCompensated`) or, for other errors, the error's class name. */
  type: 'makini.failure.type',
  /** Makini's error code (`VALIDATION_FAILED`). */
  code: 'makini.error.code',
} as const;

/** A failure as a trace may show it. */
export interface FailureLabel {
  type: string;
  code?: string;
}

/** Identifier-like text only: anything else (a "type" or "code" that is really a sentence) is not shown. */
const NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
const asName = (v: unknown): string | undefined => (typeof v === 'string' && NAME.test(v) ? v : undefined);

/** Failures that only wrap the one that matters (an activity's, a child workflow's): labelled by their cause. */
const WRAPPERS = new Set(['ActivityFailure', 'ChildWorkflowFailure']);

/**
 * The type of `err` (an ApplicationFailure's `type`, else its class name; a wrapping ActivityFailure
 * or ChildWorkflowFailure is labelled by its cause) and Makini's code from its details: `details[0].code`
 * (an activity's classified failure) or `details[0].failure.code` (a write's failure).
 */
export function failureLabelOf(err: unknown): FailureLabel {
  if (typeof err !== 'object' || err === null) return { type: 'Error' };
  const e = err as { name?: unknown; type?: unknown; details?: unknown; cause?: unknown };
  if (typeof e.name === 'string' && WRAPPERS.has(e.name) && typeof e.cause === 'object' && e.cause !== null) return failureLabelOf(e.cause);
  const type = asName(e.type) ?? asName(e.name) ?? 'Error';
  const first = (Array.isArray(e.details) ? e.details[0] : undefined) as { code?: unknown; failure?: { code?: unknown } } | undefined;
  const code = asName(first?.code) ?? asName(first?.failure?.code);
  return code ? { type, code } : { type };
}

/**
 * The failure a finished span names: its failure attributes (set by `labelSpanFailure`), else the
 * type the SDK recorded with the exception (an error's class name), else none.
 */
export function spanFailureLabel(attributes: Attributes, recordedType: unknown): FailureLabel | undefined {
  const type = asName(attributes[FailureSpanAttr.type]);
  if (type) {
    const code = asName(attributes[FailureSpanAttr.code]);
    return code ? { type, code } : { type };
  }
  if (recordedType === undefined) return undefined;
  return { type: asName(recordedType) ?? 'Error' };
}

/** `MakiniRequestRejected VALIDATION_FAILED`: a span's status message. */
export const failureLabelText = (l: FailureLabel): string => (l.code ? `${l.type} ${l.code}` : l.type);

/** Names `err`'s type and code on `span` (attributes), for the scrubber to keep when it drops the text. */
export function labelSpanFailure(span: Pick<Span, 'setAttribute'>, err: unknown): void {
  const label = failureLabelOf(err);
  span.setAttribute(FailureSpanAttr.type, label.type);
  if (label.code) span.setAttribute(FailureSpanAttr.code, label.code);
}
