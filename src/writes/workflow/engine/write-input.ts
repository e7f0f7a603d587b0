// What every write's input starts with: the connection it writes to, the caller's idempotency key
// (one key, one write) and an optional retry budget. Each contract spreads it first.
import { connectionIdSchema, idempotencyKeySchema } from './input.js';
import { retryBudgetOverrideSchema } from './steps.js';

/** The shape every write input schema begins with (`z.strictObject({ ...writeInputBase, ... })`). */
export const writeInputBase = {
  connectionId: connectionIdSchema,
  idempotencyKey: idempotencyKeySchema,
  retryBudget: retryBudgetOverrideSchema.optional(),
};
