// Inputs and results of the inventory workflows (exported for clients; the types come from here).
// An inventory record is addressed by its own key, or through the material it stocks
// (`PUT /materials/{key}/inventory` [spec]); Makini's `Inventory` has no custom fields.
import { z } from 'zod';
import { stepRecordSchema } from '../../workflow/engine/steps.js';
import { writeInputBase } from '../../workflow/engine/write-input.js';
import { addProblem, keySchema, MAX_AMOUNT, rule, wholeNumber, withinPayloadLimit } from '../../workflow/engine/input.js';

/** Which inventory record: exactly one of `inventoryKey` and `materialKey`. */
export type InventoryTarget = { inventoryKey: string; materialKey?: undefined } | { materialKey: string; inventoryKey?: undefined };

const exactlyOneTarget = (i: { inventoryKey?: string; materialKey?: string }, ctx: z.RefinementCtx) => {
  if ((i.inventoryKey === undefined) === (i.materialKey === undefined)) {
    addProblem(ctx, 'exactly-one', 'name exactly one of inventoryKey and materialKey', ['inventoryKey']);
  }
  withinPayloadLimit()(i, ctx);
};

/** Inventory fields a write may set (`PUT /inventories/{key}` body [spec]): absolute values. */
export const inventoryFieldsSchema = z.strictObject({
  code: z.string().max(100).optional(),
  name: z.string().max(500).optional(),
  quantity: wholeNumber(0, MAX_AMOUNT).optional(),
  unitCost: z.number().nonnegative().max(MAX_AMOUNT).optional(),
  locationKey: keySchema.optional(),
});
export type InventoryFields = z.infer<typeof inventoryFieldsSchema>;

/** Input of `updateInventory`: absolute values (a repeated write leaves the same state). */
export const updateInventoryInputSchema = z
  .strictObject({
    ...writeInputBase,
    inventoryKey: keySchema.optional(),
    materialKey: keySchema.optional(),
    changes: inventoryFieldsSchema.refine((c) => Object.keys(c).length > 0, rule('min-fields', 'changes must name at least one field')),
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
    ...writeInputBase,
    inventoryKey: keySchema.optional(),
    materialKey: keySchema.optional(),
    delta: wholeNumber(-MAX_AMOUNT, MAX_AMOUNT).refine((d) => d !== 0, rule('not-zero', 'must not be 0')),
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
