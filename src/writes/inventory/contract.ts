// Inputs and results of the inventory workflows (exported for clients; the types come from here).
// An inventory record is addressed by its own key, or through the material it stocks
// (`PUT /materials/{key}/inventory` [spec]); Makini's `Inventory` has no custom fields.
import { z } from 'zod';
import { retryBudgetSchema, stepRecordSchema } from '../engine/steps.js';
import { connectionIdSchema, idempotencyKeySchema, keySchema } from '../engine/input.js';

const retryBudgetOverride = retryBudgetSchema.partial().optional();

/** Which inventory record: exactly one of `inventoryKey` and `materialKey`. */
export type InventoryTarget = { inventoryKey: string; materialKey?: undefined } | { materialKey: string; inventoryKey?: undefined };

const exactlyOneTarget = (i: { inventoryKey?: string; materialKey?: string }, ctx: z.RefinementCtx) => {
  if ((i.inventoryKey === undefined) === (i.materialKey === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['inventoryKey'], message: 'name exactly one of inventoryKey and materialKey' });
  }
};

/** Inventory fields a write may set (`PUT /inventories/{key}` body [spec]): absolute values. */
export const inventoryFieldsSchema = z.strictObject({
  code: z.string().max(100).optional(),
  name: z.string().max(500).optional(),
  quantity: z.number().int('must be a whole number').nonnegative().optional(),
  unitCost: z.number().nonnegative().finite().optional(),
  locationKey: keySchema.optional(),
});
export type InventoryFields = z.infer<typeof inventoryFieldsSchema>;

/** Input of `updateInventory`: absolute values (a repeated write leaves the same state). */
export const updateInventoryInputSchema = z
  .strictObject({
    connectionId: connectionIdSchema,
    idempotencyKey: idempotencyKeySchema,
    retryBudget: retryBudgetOverride,
    inventoryKey: keySchema.optional(),
    materialKey: keySchema.optional(),
    changes: inventoryFieldsSchema.refine((c) => Object.keys(c).length > 0, 'changes must name at least one field'),
  })
  .superRefine(exactlyOneTarget);
export type UpdateInventoryInput = z.infer<typeof updateInventoryInputSchema>;

/** Result of `updateInventory`. */
export const updateInventoryResultSchema = z.object({
  inventoryKey: z.string(),
  quantity: z.number(),
  changedFields: z.array(z.string()),
  alreadyApplied: z.boolean(),
  steps: z.array(stepRecordSchema),
});
export type UpdateInventoryResult = z.infer<typeof updateInventoryResultSchema>;

/** Input of `adjustInventory`: a signed change of the quantity on hand, applied exactly once per idempotency key. */
export const adjustInventoryInputSchema = z
  .strictObject({
    connectionId: connectionIdSchema,
    idempotencyKey: idempotencyKeySchema,
    retryBudget: retryBudgetOverride,
    inventoryKey: keySchema.optional(),
    materialKey: keySchema.optional(),
    delta: z
      .number()
      .int('must be a whole number')
      .refine((d) => d !== 0, 'must not be 0')
      .refine((d) => Math.abs(d) <= 1e12, 'is implausibly large'),
    /** Why (shown in the workflow's summary and steps; not written to the system). */
    reason: z.string().max(500).optional(),
  })
  .superRefine(exactlyOneTarget);
export type AdjustInventoryInput = z.infer<typeof adjustInventoryInputSchema>;

/** Result of `adjustInventory`. */
export const adjustInventoryResultSchema = z.object({
  inventoryKey: z.string(),
  /** Quantity the adjustment was computed from. */
  previousQuantity: z.number(),
  delta: z.number(),
  /** previousQuantity + delta, as written. */
  quantity: z.number(),
  /** `this-run`: the guarded write answered; `landed-before`: an attempt whose answer was lost had applied it. */
  appliedBy: z.enum(['this-run', 'landed-before']),
  /** Read-compute-write rounds (more than 1 when someone else changed the quantity in between). */
  rounds: z.number().int(),
  steps: z.array(stepRecordSchema),
});
export type AdjustInventoryResult = z.infer<typeof adjustInventoryResultSchema>;
