// Inputs and results of the purchase-order workflows (exported for clients; the types come from here).
import { z } from 'zod';
import {
  addProblem,
  amountSchema,
  customFieldsSchema,
  isoDateSchema,
  keySchema,
  MAX_AMOUNT,
  rule,
  wholeNumber,
  withinPayloadLimit,
} from '../../workflow/engine/input.js';
import { stepRecordSchema } from '../../workflow/engine/steps.js';
import { writeInputBase } from '../../workflow/engine/write-input.js';

/** Per-write override of the steps' retry budget. */
/** Quantities and prices: finite, at most MAX_AMOUNT. */
const positive = z.number().positive().max(MAX_AMOUNT);
const nonnegative = z.number().nonnegative().max(MAX_AMOUNT);

const text = (max: number) => z.string().max(max);

/** One PO line item (Makini `POLineItem` fields, camelCase). */
export const poLineInputSchema = z.strictObject({
  lineNo: wholeNumber(1, 1e9).optional(),
  materialKey: keySchema.optional(),
  productKey: keySchema.optional(),
  code: text(100).optional(),
  name: text(500).optional(),
  description: text(4000).optional(),
  quantity: positive,
  uomKey: keySchema.optional(),
  price: nonnegative,
  discount: nonnegative.optional(),
  currencyKey: keySchema.optional(),
  locationKey: keySchema.optional(),
  accountKey: keySchema.optional(),
  storeroomKey: keySchema.optional(),
  assetKey: keySchema.optional(),
  dueAt: isoDateSchema.optional(),
  deliveryAt: isoDateSchema.optional(),
  notes: text(4000).optional(),
  customFields: customFieldsSchema.optional(),
});
export type PoLineInput = z.infer<typeof poLineInputSchema>;

/** PO header fields a caller may send (Makini `PurchaseOrder` create body; read-only ones are checked per system). */
export const poHeaderFieldsSchema = z.strictObject({
  orderNo: text(100).optional(),
  code: text(100).optional(),
  vendorKey: keySchema.optional(),
  siteKey: keySchema.optional(),
  organizationKey: keySchema.optional(),
  locationKey: keySchema.optional(),
  userRequestedKey: keySchema.optional(),
  orderDate: isoDateSchema.optional(),
  currencyKey: keySchema.optional(),
  title: text(500).optional(),
  description: text(4000).optional(),
  dueAt: isoDateSchema.optional(),
  terms: text(2000).optional(),
  notes: text(4000).optional(),
  shippingMethod: text(200).optional(),
  shipmentAddress: text(1000).optional(),
  billingAddress: text(1000).optional(),
  deliveryAddress: text(1000).optional(),
  // Fields Makini computes or sets itself: accepted by the schema so the per-system check can
  // name them as read-only instead of a generic "unknown field".
  statusKey: keySchema.optional(),
  approvedAt: isoDateSchema.optional(),
  completedAt: isoDateSchema.optional(),
  totalNetValue: amountSchema.optional(),
  totalTaxValue: amountSchema.optional(),
  totalGrossValue: amountSchema.optional(),
  customFields: customFieldsSchema.optional(),
});

/** Input of `createPurchaseOrder`. */
export const createPurchaseOrderInputSchema = z
  .strictObject({
    ...writeInputBase,
    purchaseOrder: poHeaderFieldsSchema
      .extend({
        lineItems: z.array(poLineInputSchema).min(1, 'a purchase order needs at least one line').max(1000),
      })
      .superRefine((po, ctx) => {
        const seen = new Set<number>();
        po.lineItems.forEach((l, i) => {
          if (l.lineNo === undefined) return;
          if (seen.has(l.lineNo)) addProblem(ctx, 'unique', `duplicate lineNo ${l.lineNo}`, ['lineItems', i, 'lineNo']);
          seen.add(l.lineNo);
        });
      }),
  })
  .superRefine(withinPayloadLimit());
export type CreatePurchaseOrderInput = z.infer<typeof createPurchaseOrderInputSchema>;

/** Result of `createPurchaseOrder`. */
export const createPurchaseOrderResultSchema = z.object({
  purchaseOrderKey: z.string(),
  lineItemKeys: z.array(z.string()),
  status: z.string(),
  /** True when an earlier attempt had already created the PO and this run found it. */
  foundExisting: z.boolean(),
  /**
   * Late duplicates the write undid: POs with its idempotency key that its first request created
   * after the system's commit horizon, while the write had sent again (absent in results from before the sweep).
   */
  duplicatesUndone: z.array(z.string()).optional(),
  /** How the create reached the system when not through Makini's unified endpoints (`passthrough:netsuite-rest`). */
  transport: z.string().optional(),
  steps: z.array(stepRecordSchema),
});
export type CreatePurchaseOrderResult = z.infer<typeof createPurchaseOrderResultSchema>;

/** Input of `updatePurchaseOrder`: header fields to change. */
export const updatePurchaseOrderInputSchema = z
  .strictObject({
    ...writeInputBase,
    purchaseOrderKey: keySchema,
    changes: poHeaderFieldsSchema.refine((c) => Object.keys(c).length > 0, rule('min-fields', 'changes must name at least one field')),
  })
  .superRefine(withinPayloadLimit());
export type UpdatePurchaseOrderInput = z.infer<typeof updatePurchaseOrderInputSchema>;

/** Input of `cancelPurchaseOrder`. */
export const cancelPurchaseOrderInputSchema = z
  .strictObject({
    ...writeInputBase,
    purchaseOrderKey: keySchema,
    reason: text(1000).optional(),
  })
  .superRefine(withinPayloadLimit());
export type CancelPurchaseOrderInput = z.infer<typeof cancelPurchaseOrderInputSchema>;

/** Result of update and cancel. */
export const purchaseOrderChangeResultSchema = z.object({
  purchaseOrderKey: z.string(),
  status: z.string(),
  changedFields: z.array(z.string()),
  /** True when the PO already had the requested values and nothing was written. */
  alreadyApplied: z.boolean(),
  steps: z.array(stepRecordSchema),
});
export type PurchaseOrderChangeResult = z.infer<typeof purchaseOrderChangeResultSchema>;
