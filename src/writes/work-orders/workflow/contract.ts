// Inputs and results of the work-order workflows (exported for clients; the types come from here).
// Field names are Makini's `WorkOrder` (oas3_eam.json) plus the few its platform-validation page
// adds (description, userAssignedKey, parts, materials). Which of them a system takes, and which
// it requires, is the system profile's call, checked before any write.
import { z } from 'zod';
import { stepRecordSchema } from '../../workflow/engine/steps.js';
import { writeInputBase } from '../../workflow/engine/write-input.js';
import {
  addProblem,
  customFieldsSchema,
  isoDateSchema,
  keySchema,
  MAX_AMOUNT,
  rule,
  withinPayloadLimit,
} from '../../workflow/engine/input.js';

const text = (max: number) => z.string().max(max);
/** Quantities: finite, at most MAX_AMOUNT. */
const quantity = z.number().nonnegative().max(MAX_AMOUNT);
const positiveQuantity = z.number().positive().max(MAX_AMOUNT);

/** Work-order fields a caller may send; read-only ones are accepted here so the check can name them. */
export const workOrderFieldsSchema = z.strictObject({
  code: text(100).optional(),
  title: text(500).optional(),
  description: text(4000).optional(),
  instructions: text(4000).optional(),
  notes: text(4000).optional(),
  severity: text(100).optional(),
  /** MaintainX takes an initial status name in the body (platform validation); elsewhere use changeWorkOrderStatus. */
  status: text(100).optional(),
  scheduledAt: isoDateSchema.optional(),
  dueAt: isoDateSchema.optional(),
  siteKey: keySchema.optional(),
  organizationKey: keySchema.optional(),
  locationKey: keySchema.optional(),
  storeroomKey: keySchema.optional(),
  assetKey: keySchema.optional(),
  assetDowntimeKey: keySchema.optional(),
  serviceRequestKey: keySchema.optional(),
  pmKey: keySchema.optional(),
  parentKey: keySchema.optional(),
  teamKey: keySchema.optional(),
  laborAssignedKey: keySchema.optional(),
  accountKey: keySchema.optional(),
  userApprovedKey: keySchema.optional(),
  userAssignedKey: keySchema.optional(),
  roleName: text(200).optional(),
  categoryName: text(200).optional(),
  completionRemarks: text(4000).optional(),
  parts: z
    .array(z.strictObject({ partKey: keySchema, quantity: positiveQuantity }))
    .max(200)
    .optional(),
  materials: z
    .array(z.strictObject({ materialKey: keySchema }))
    .max(200)
    .optional(),
  documents: z
    .array(z.strictObject({ documentKey: keySchema }))
    .max(200)
    .optional(),
  // Set by the system: accepted so that the per-system check names them as read-only.
  statusKey: keySchema.optional(),
  approvedAt: isoDateSchema.optional(),
  completedAt: isoDateSchema.optional(),
  customFields: customFieldsSchema.optional(),
});
export type WorkOrderFields = z.infer<typeof workOrderFieldsSchema>;

/** Input of `createWorkOrder`. */
export const createWorkOrderInputSchema = z
  .strictObject({
    ...writeInputBase,
    workOrder: workOrderFieldsSchema,
  })
  .superRefine(withinPayloadLimit());
export type CreateWorkOrderInput = z.infer<typeof createWorkOrderInputSchema>;

/** How the idempotency key travels with a created work order (see src/writes/work-orders/workflow/reference.ts). */
export const referenceCarrierSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('field'), field: z.string() }),
  z.object({ mode: z.literal('marker'), field: z.string(), marker: z.string() }),
  z.object({ mode: z.literal('none'), reason: z.string() }),
]);
export type ReferenceCarrier = z.infer<typeof referenceCarrierSchema>;

/** Result of `createWorkOrder`. */
export const createWorkOrderResultSchema = z.object({
  workOrderKey: z.string(),
  status: z.string(),
  /** True when an earlier attempt had already created the work order and this run found it. */
  foundExisting: z.boolean(),
  /** Where the idempotency key was written, for lookups after a lost answer. */
  reference: referenceCarrierSchema,
  /** Late duplicates the write undid (work orders its first request created past the commit horizon). */
  duplicatesUndone: z.array(z.string()).optional(),
  steps: z.array(stepRecordSchema),
});
export type CreateWorkOrderResult = z.infer<typeof createWorkOrderResultSchema>;

/** Input of `updateWorkOrder`: fields to change. */
export const updateWorkOrderInputSchema = z
  .strictObject({
    ...writeInputBase,
    workOrderKey: keySchema,
    changes: workOrderFieldsSchema.refine((c) => Object.keys(c).length > 0, rule('min-fields', 'changes must name at least one field')),
  })
  .superRefine(withinPayloadLimit());
export type UpdateWorkOrderInput = z.infer<typeof updateWorkOrderInputSchema>;

/** Result of `updateWorkOrder`. */
export const updateWorkOrderResultSchema = z.object({
  workOrderKey: z.string(),
  status: z.string(),
  changedFields: z.array(z.string()),
  /** Fields the system wants on every update (MaintainX: siteKey, title), sent with their current values. */
  carriedOver: z.array(z.string()),
  /** True when the work order already had the requested values and nothing was written. */
  alreadyApplied: z.boolean(),
  steps: z.array(stepRecordSchema),
});
export type UpdateWorkOrderResult = z.infer<typeof updateWorkOrderResultSchema>;

/** Input of `changeWorkOrderStatus`. */
export const changeWorkOrderStatusInputSchema = z
  .strictObject({
    ...writeInputBase,
    workOrderKey: keySchema,
    /** Target status: its normalised name (`completed`), its code, or its key from GET /statuses/work-orders. */
    status: z.string().min(1).max(200),
  })
  .superRefine(withinPayloadLimit());
export type ChangeWorkOrderStatusInput = z.infer<typeof changeWorkOrderStatusInputSchema>;

/** Result of `changeWorkOrderStatus`. */
export const changeWorkOrderStatusResultSchema = z.object({
  workOrderKey: z.string(),
  previousStatus: z.string(),
  status: z.string(),
  statusKey: z.string(),
  /** True when the work order already had the status and nothing was written. */
  alreadyApplied: z.boolean(),
  steps: z.array(stepRecordSchema),
});
export type ChangeWorkOrderStatusResult = z.infer<typeof changeWorkOrderStatusResultSchema>;

/** One material to plan on a work order (`POST /work-orders/{key}/materials` body [spec]). */
export const workOrderMaterialInputSchema = z.strictObject({
  materialKey: keySchema,
  requiredQuantity: positiveQuantity,
  usedQuantity: quantity.optional(),
  storeroomKey: keySchema.optional(),
});
export type WorkOrderMaterialInput = z.infer<typeof workOrderMaterialInputSchema>;

/** Input of `addWorkOrderMaterials`. */
export const addWorkOrderMaterialsInputSchema = z
  .strictObject({
    ...writeInputBase,
    workOrderKey: keySchema,
    materials: z
      .array(workOrderMaterialInputSchema)
      .min(1, 'name at least one material')
      .max(200)
      .superRefine((list, ctx) => {
        const seen = new Map<string, number>();
        list.forEach((m, i) => {
          const first = seen.get(m.materialKey);
          if (first !== undefined)
            addProblem(ctx, 'unique', `material ${m.materialKey} is listed twice (also at ${first})`, [i, 'materialKey']);
          else seen.set(m.materialKey, i);
        });
      }),
  })
  .superRefine(withinPayloadLimit());
export type AddWorkOrderMaterialsInput = z.infer<typeof addWorkOrderMaterialsInputSchema>;

/** Result of `addWorkOrderMaterials`. */
export const addWorkOrderMaterialsResultSchema = z.object({
  workOrderKey: z.string(),
  materials: z.array(
    z.object({
      materialKey: z.string(),
      key: z.string().optional(),
      /** False when the material was already on the work order with the same quantities. */
      added: z.boolean(),
    }),
  ),
  steps: z.array(stepRecordSchema),
});
export type AddWorkOrderMaterialsResult = z.infer<typeof addWorkOrderMaterialsResultSchema>;
