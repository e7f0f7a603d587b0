// Failure types: exported constants used as `ApplicationFailure.type`, and the data they carry.
import { z } from 'zod';

/** Failure types of one Makini call, as classified by `classifyHttpFailure` and `classifyNetworkFailure` (src/makini/classify-failure.ts). */
export const MakiniFailureType = {
  /** 429: wait for Retry-After. */
  rateLimited: 'MakiniRateLimited',
  /** 500/502/503/504 and HTML/empty 5xx bodies: retry with backoff. */
  serverError: 'MakiniServerError',
  /** Timeout, dropped connection, DNS or socket failure: no HTTP answer at all. */
  network: 'MakiniNetworkError',
  /** 401: the connection needs reauthorization. */
  authentication: 'MakiniAuthenticationFailed',
  /** 400/403/404/409 and other 4xx: Makini or the system refused the request for good. */
  rejected: 'MakiniRequestRejected',
  /** A 2xx whose body does not match the contract. */
  malformedResponse: 'MakiniMalformedResponse',
  /** The connection id is unknown, or its token cannot be resolved. */
  connectionConfig: 'MakiniConnectionConfigError',
  /**
   * No request was sent: its activity attempt would have ended (or was cancelled) before the answer
   * could come (src/makini/send-window.ts). Nothing reached Makini: scheduled again without a
   * lookup; `retryAfterMs` says when a slot of the connection's send spacing is free.
   */
  notSent: 'MakiniCallNotSent',
  /** No call was made: the connection's gate held it back (reauthorization, breaker, rate); details say why. */
  connectionBlocked: 'ConnectionBlocked',
} as const;
export type MakiniFailureType = (typeof MakiniFailureType)[keyof typeof MakiniFailureType];

/** Failure types raised by workflows. */
export const WriteFailureType = {
  /** The input does not match the write's schema; details list every problem. */
  invalidInput: 'InvalidWriteInput',
  /** The target system forbids the write; details list every violated rule. */
  restrictionViolated: 'WriteRestrictionViolated',
  /** A step's retry budget (attempts or total time) ran out; names the last cause. */
  retryBudgetExhausted: 'RetryBudgetExhausted',
  /** A step failed for good and what was already written has been undone. */
  compensated: 'WriteCompensated',
  /**
   * A step failed for good and undoing what was already written failed too: a record this write
   * created is (or may still be) in the system. A person must finish the undo or fix the cause and
   * re-run; details name the record and each undo that failed.
   */
  compensationFailed: 'WriteCompensationFailed',
  /**
   * The write succeeded, and a late duplicate of it (its first request, committed past the system's
   * commit horizon) is in the system and could not be undone: details name the record kept and
   * each one left (`leftInSystem`) for someone to cancel.
   */
  lateDuplicateLeft: 'LateDuplicateLeft',
  /** The idempotency key already names a record that was cancelled: a new write needs a new key. */
  idempotencyKeyUsed: 'IdempotencyKeyAlreadyUsed',
  /** The write was applied but reading it back shows something else. */
  verificationFailed: 'WriteVerificationFailed',
  /** A write may or may not have happened and the system offers no way to tell: a person must check before any retry. */
  outcomeUnknown: 'WriteOutcomeUnknown',
  /** The connection still needed reauthorization when the write's maximum connection wait ran out. */
  reauthorizationTimedOut: 'ConnectionReauthorizationTimedOut',
  /** The write was started under a workflow id other than the one derived from its type, connection and idempotency key; nothing was sent (details: expectedWorkflowId). */
  workflowIdNotDerived: 'WorkflowIdNotDerived',
  /** The connection's circuit breaker was still open when the write's maximum connection wait ran out. */
  connectionUnavailable: 'ConnectionUnavailable',
} as const;
export type WriteFailureType = (typeof WriteFailureType)[keyof typeof WriteFailureType];

/** Failure types raised by the `connectionControl` workflow. */
export const ConnectionControlFailureType = {
  /** Its input (connection id, policy) does not match its schema. */
  invalidInput: 'InvalidConnectionControlInput',
} as const;

/** Failure types raised by the worker before a Makini activity runs (src/activities/positional.ts). */
export const ActivityFailureType = {
  /** The activity's input is not its one input object (no `connectionId`, a field missing or mistyped); nothing was sent. */
  invalidInput: 'InvalidActivityInput',
} as const;

export const CONNECTION_BLOCKS = ['reauthorization', 'connection-down', 'rate-paused', 'rate-reduced'] as const;
export type ConnectionBlockKind = (typeof CONNECTION_BLOCKS)[number];

/** Why the connection's gate held a call back (src/connections/workflow/gate-policy.ts; carried in the failure details of the activity). */
export const connectionBlockSchema = z.object({
  block: z.enum(CONNECTION_BLOCKS),
  /** rate-paused: how long until writes may go again. */
  retryAfterMs: z.number().nonnegative().optional(),
  /** rate-paused / rate-reduced: the connection's current adaptive rate. */
  capPerSecond: z.number().positive().optional(),
});
export type ConnectionBlock = z.infer<typeof connectionBlockSchema>;

/** What every classified Makini failure carries (safe for history: never a token). */
export const makiniFailureInfoSchema = z.object({
  type: z.enum(Object.values(MakiniFailureType) as [MakiniFailureType, ...MakiniFailureType[]]),
  status: z.number().int().optional(),
  code: z.string().optional(),
  errorType: z.string().optional(),
  message: z.string(),
  requestId: z.string().optional(),
  retryAfterMs: z.number().nonnegative().optional(),
  retryable: z.boolean(),
  /** The write may have happened although no success answer arrived. */
  ambiguous: z.boolean(),
  method: z.string().optional(),
  path: z.string().optional(),
  processingTimeMs: z.number().optional(),
  /** connectionBlocked: what held the call back. */
  connection: connectionBlockSchema.optional(),
  /** A 429 on a paced write: the connection's adaptive write rate from now on (writes/s). */
  /**
   * A 429 whose Retry-After was longer than the connection policy's maxRetryAfterMs: the value Makini
   * sent (ms); `retryAfterMs` is then the cap, which the connection's pause and the write's wait honour.
   */
  retryAfterCappedFromMs: z.number().nonnegative().optional(),
  rateCapPerSecond: z.number().positive().optional(),
  /** A 401 on a connection whose OAuth token the worker can refresh: the write tries one refresh before waiting. */
  tokenRefreshable: z.boolean().optional(),
  /** A native refusal through the passthrough: the input fields it names (`lineItems.1.quantity`). */
  fields: z.array(z.string()).optional(),
});
export type MakiniFailureInfo = z.infer<typeof makiniFailureInfoSchema>;

/** One violated rule of a write, as reported to the caller. */
export const violationSchema = z.object({
  field: z.string(),
  rule: z.string(),
  system: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});
export type Violation = z.infer<typeof violationSchema>;
