// The step table every write workflow reports (result, query, UI details).
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';

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

/** Retry budget of one step. */
export const retryBudgetSchema = z.object({
  maxAttempts: z.number().int().positive().default(8),
  /** Total time a step may spend, waits included. */
  maxTotalMs: z
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
  baseBackoffMs: z.number().int().positive().default(1_000),
  maxBackoffMs: z.number().int().positive().default(60_000),
  /**
   * After an ambiguous write (timeout, dropped connection, 502/504), how long to wait before
   * looking whether it landed: a request the client gave up on may still be applied a moment
   * later, and a retry sent before that would write twice.
   */
  ambiguousSettleMs: z.number().int().nonnegative().default(5_000),
  /**
   * How long a write waits, in all, for its connection to be reauthorized or to answer again
   * (breaker open) before it fails; these waits do not count against the budgets above.
   */
  maxConnectionWaitMs: z
    .number()
    .int()
    .positive()
    .default(24 * 3600_000),
});
export type RetryBudget = z.infer<typeof retryBudgetSchema>;
export const DEFAULT_RETRY_BUDGET: RetryBudget = retryBudgetSchema.parse({});

/** The step table of a write, at any moment: every write workflow answers it (client: `getSteps`). */
export const stepsQuery = defineQuery<StepRecord[]>('steps');
