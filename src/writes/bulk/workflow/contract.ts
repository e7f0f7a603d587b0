// Inputs, progress and results of `bulkWrite`: many writes run as child workflows (the same
// workflow ids as single writes, so a write is never done twice), bounded per connection.
import { z } from 'zod';
import { WriteFailureType } from '../../../failures/workflow/failure-types.js';
import { connectionIdSchema, idempotencyKeySchema, rule, withinPayloadLimit } from '../../workflow/engine/input.js';
import { WRITE_TYPE_NAMES } from '../../workflow/catalog.js';

/** One write of a bulk: a write workflow type and its input (validated again by that workflow). */
export const bulkItemSchema = z.object({
  type: z.string(),
  input: z.unknown(),
});
export type BulkItem = z.infer<typeof bulkItemSchema>;

/** The types a bulk item may have. */
export const bulkItemTypeSchema = z.enum(WRITE_TYPE_NAMES);

/**
 * What a bulk item must carry for its workflow id, checked before its child starts: the same
 * rules as a single write's (the id is built from them; its other fields are the item's own workflow's to check).
 */
export const bulkItemKeysSchema = z.object({
  connectionId: connectionIdSchema,
  idempotencyKey: idempotencyKeySchema,
});

/** Most items one bulk takes (input and results travel in one payload each). */
export const MAX_BULK_ITEMS = 5_000;

export const bulkWriteInputSchema = z
  .strictObject({
    /** Names the bulk; its workflow id is `bulk/<bulkId>`. */
    bulkId: idempotencyKeySchema,
    items: z.array(bulkItemSchema).min(1, 'a bulk needs at least one item').max(MAX_BULK_ITEMS),
    /** Writes running at once per connection (each customer system gets the same fair share). */
    concurrencyPerConnection: z.number().int().min(1).max(200).default(10),
    /** Items started per run before continue-as-new (keeps each run's history small). */
    itemsPerRun: z.number().int().min(1).max(MAX_BULK_ITEMS).default(500),
    /** Task queue of the item workflows (default: the bulk's own). */
    taskQueue: z
      .string()
      .min(1)
      .max(200)
      .refine((q) => /^[\x21-\x7e]+$/.test(q), rule('name-characters', 'a task queue name: printable ASCII, no spaces'))
      .optional(),
  })
  // The whole bulk is one payload, and is carried again by every continue-as-new.
  .superRefine(withinPayloadLimit());
export type BulkWriteInput = z.input<typeof bulkWriteInputSchema>;

export const bulkItemOutcomeSchema = z.enum(['succeeded', 'failed', 'rejected', 'invalid']);
export type BulkItemOutcome = z.infer<typeof bulkItemOutcomeSchema>;

/** The result of one item. */
export const bulkItemResultSchema = z.object({
  index: z.number().int().nonnegative(),
  type: z.string(),
  /** The item's workflow id (the same as a single write's); absent for an invalid item. */
  workflowId: z.string().optional(),
  outcome: bulkItemOutcomeSchema,
  /** The item workflow's result without its step table. */
  value: z.record(z.string(), z.unknown()).optional(),
  failure: z.object({ type: z.string(), message: z.string() }).optional(),
});
export type BulkItemResult = z.infer<typeof bulkItemResultSchema>;

/** What a continued run carries over from the previous ones. */
export const bulkCarrySchema = z.object({
  run: z.number().int().positive(),
  /** Results so far, by item index (null = not done yet). */
  results: z.array(bulkItemResultSchema.nullable()),
});
export type BulkCarry = z.infer<typeof bulkCarrySchema>;

/** The workflow's argument: the input, plus the carried state after continue-as-new. */
export type BulkWriteArgs = BulkWriteInput & { carry?: BulkCarry };

/** Answer of the `progress` query. */
export interface BulkProgress {
  bulkId: string;
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  rejected: number;
  invalid: number;
  /** Item workflows running now, by connection. */
  runningByConnection: Record<string, number>;
  /** 1 for the first run, +1 per continue-as-new. */
  run: number;
}

/** Result of `bulkWrite`: one entry per item, in input order. */
export interface BulkWriteResult {
  bulkId: string;
  total: number;
  succeeded: number;
  failed: number;
  rejected: number;
  invalid: number;
  runs: number;
  items: BulkItemResult[];
}

/** Id of `bulkWrite`. */
export const bulkWriteWorkflowId = (bulkId: string) => `bulk/${bulkId}`;

/** A refused write (rules or input) versus one that failed while running. */
export function outcomeOfFailure(failureType: string): 'rejected' | 'failed' {
  return failureType === WriteFailureType.restrictionViolated || failureType === WriteFailureType.invalidInput ? 'rejected' : 'failed';
}

/** An item workflow's result without its step table (which `status <workflowId>` shows). */
export function withoutSteps(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { steps: _steps, ...rest } = value as Record<string, unknown>;
  return rest;
}

const MAX_FAILURE_MESSAGE = 1_000;

/** A failure as a bulk result carries it (message capped: thousands of them share one payload). */
export function itemFailure(type: string, message: string): { type: string; message: string } {
  return { type, message: message.length > MAX_FAILURE_MESSAGE ? `${message.slice(0, MAX_FAILURE_MESSAGE)}…` : message };
}

/** How a write started elsewhere ended, as `awaitWriteResult` reports it. */
export interface ExistingWriteOutcome {
  outcome: 'succeeded' | 'failed' | 'rejected';
  value?: Record<string, unknown>;
  failure?: { type: string; message: string };
}
