// The step table every write workflow reports (result, query, UI details).
import { z } from 'zod';
import { wholeNumber } from './input.js';

export const stepWaitSchema = z.object({ cause: z.string(), ms: z.number() });

export const stepRecordSchema = z.object({
  name: z.string(),
  /** ISO time the first attempt started (workflow time). */
  startedAt: z.string(),
  durationMs: z.number(),
  attempts: z.number().int(),
  requestIds: z.array(z.string()),
  /** Sum of Makini's X-Processing-Time-Ms over the attempts. */
  makiniProcessingMs: z.number(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'skipped']),
  waits: z.array(stepWaitSchema),
  note: z.string().optional(),
});
export type StepRecord = z.infer<typeof stepRecordSchema>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Bounds of a retry budget, and why: a caller may shorten or lengthen a write's patience, never
 * turn it into a busy loop (tiny backoff, no settle before the lookup) or into an execution that
 * never ends (each attempt costs history events; waits hold a workflow and its connection's share).
 */
export const RETRY_BUDGET_BOUNDS = {
  /** Attempts per step: 50 at most keeps a step's history to a few hundred events. */
  maxAttempts: { min: 1, max: 50 },
  /** A step's time in all, waits included: at least a second, at most a week. */
  maxTotalMs: { min: SECOND, max: 7 * DAY },
  /** First backoff: at least 50 ms (no busy retry against a failing system). */
  baseBackoffMs: { min: 50, max: HOUR },
  /** Longest backoff: at least the first one, at most an hour (a longer wait is a Retry-After or the connection's). */
  maxBackoffMs: { min: 50, max: HOUR },
  /**
   * Settle before looking whether an ambiguous write landed: at least 100 ms (0 would look before
   * a write still in flight lands, and the retry would write twice), at most 10 minutes.
   */
  ambiguousSettleMs: { min: 100, max: 10 * MINUTE },
  /** Waiting for the connection (reauthorization, breaker): at least a second, at most 30 days. */
  maxConnectionWaitMs: { min: SECOND, max: 30 * DAY },
} as const;

type BudgetField = keyof typeof RETRY_BUDGET_BOUNDS;
const bounded = (field: BudgetField) => wholeNumber(RETRY_BUDGET_BOUNDS[field].min, RETRY_BUDGET_BOUNDS[field].max);

const budgetFields = {
  maxAttempts: bounded('maxAttempts'),
  /** Total time a step may spend, waits included. */
  maxTotalMs: bounded('maxTotalMs'),
  baseBackoffMs: bounded('baseBackoffMs'),
  maxBackoffMs: bounded('maxBackoffMs'),
  /**
   * After an ambiguous write (timeout, dropped connection, 502/504), how long to wait before
   * looking whether it landed: a request the client gave up on may still be applied a moment
   * later, and a retry sent before that would write twice.
   */
  ambiguousSettleMs: bounded('ambiguousSettleMs'),
  /**
   * How long a write waits, in all, for its connection to be reauthorized or to answer again
   * (breaker open) before it fails; these waits do not count against the budgets above.
   */
  maxConnectionWaitMs: bounded('maxConnectionWaitMs'),
};

const DEFAULTS = {
  maxAttempts: 8,
  maxTotalMs: 15 * MINUTE,
  baseBackoffMs: SECOND,
  maxBackoffMs: MINUTE,
  ambiguousSettleMs: 5 * SECOND,
  maxConnectionWaitMs: DAY,
} as const satisfies Record<BudgetField, number>;

/** The backoff grows from baseBackoffMs to maxBackoffMs: the first may not exceed the last (defaults count for fields left out). */
function backoffInOrder(b: { baseBackoffMs?: number; maxBackoffMs?: number }, ctx: z.RefinementCtx): void {
  const base = b.baseBackoffMs ?? DEFAULTS.baseBackoffMs;
  const max = b.maxBackoffMs ?? DEFAULTS.maxBackoffMs;
  if (base <= max) return;
  const given = (f: 'baseBackoffMs' | 'maxBackoffMs', v: number) => (b[f] === undefined ? `${v} by default` : `${v}`);
  ctx.addIssue({
    code: 'custom',
    path: [b.baseBackoffMs === undefined ? 'maxBackoffMs' : 'baseBackoffMs'],
    params: { rule: 'backoff-order' },
    message: `baseBackoffMs (${given('baseBackoffMs', base)}) must not exceed maxBackoffMs (${given('maxBackoffMs', max)})`,
  });
}

/** Retry budget of one step (every field bounded: RETRY_BUDGET_BOUNDS). */
export const retryBudgetSchema = z
  .object({
    maxAttempts: budgetFields.maxAttempts.default(DEFAULTS.maxAttempts),
    maxTotalMs: budgetFields.maxTotalMs.default(DEFAULTS.maxTotalMs),
    baseBackoffMs: budgetFields.baseBackoffMs.default(DEFAULTS.baseBackoffMs),
    maxBackoffMs: budgetFields.maxBackoffMs.default(DEFAULTS.maxBackoffMs),
    ambiguousSettleMs: budgetFields.ambiguousSettleMs.default(DEFAULTS.ambiguousSettleMs),
    maxConnectionWaitMs: budgetFields.maxConnectionWaitMs.default(DEFAULTS.maxConnectionWaitMs),
  })
  .superRefine(backoffInOrder);
export type RetryBudget = z.infer<typeof retryBudgetSchema>;
export const DEFAULT_RETRY_BUDGET: RetryBudget = retryBudgetSchema.parse({});

/**
 * A write's override of its steps' retry budget (`retryBudget` of every write input): any of the
 * fields, each within its bounds, the others default; unknown fields are refused, not ignored.
 */
export const retryBudgetOverrideSchema = z.strictObject(budgetFields).partial().superRefine(backoffInOrder);
