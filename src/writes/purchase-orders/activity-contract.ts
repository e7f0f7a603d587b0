// The purchase-order activities as workflows call them: one input object each, named fields
// (`connectionId` first-class: the gate, the call metrics and the pacing read it by name). The
// implementations (./activities.ts) are checked against this; workflow code imports only its types.
import { z } from 'zod';
import type { ActivityResult } from '../../makini/activity-result.js';
import type { StatusEntry } from '../../profiles/workflow/status-names.js';
import { passthroughDialectSchema } from '../../makini/workflow/passthrough-dialects.js';
import { connectionIdSchema, fieldsSchema } from '../../makini/activity-input.js';

/** A PO as the workflows need it: key, status, reference and lines. */
export interface PoSnapshot {
  key: string;
  /** The record's status text, normalised (`cancelled`); compare statuses with status-names.ts. */
  status: string;
  statusKey?: string;
  reference?: string;
  fields: Record<string, unknown>;
  lines: { key: string; lineNo?: number }[];
}

/** A PO line as the workflows need it. */
export interface PoLineSnapshot {
  key: string;
  lineNo?: number;
}

const key = z.string().min(1);
/** The PO field holding the idempotency key (the system profile's reference field). */
const referenceField = z.string().min(1);

/** A PO create in the project's terms for a passthrough dialect (`NativePoInput`, src/makini/passthrough/dialect.ts). */
const nativePurchaseOrderSchema = z.object({
  reference: z.string().min(1),
  header: fieldsSchema,
  lines: z.array(z.looseObject({ lineNo: z.number() })),
});

/**
 * The input of each purchase-order activity. Field order is the order of the positional
 * arguments they took before (src/activities/positional.ts maps those tasks onto these).
 */
export const purchaseOrderActivityInputs = {
  /** How a reference is looked up: a `*Key` field by the record's key, a code field by its code. */
  vendorExists: z.object({ connectionId: connectionIdSchema, value: z.string().min(1), by: z.enum(['key', 'code']).default('key') }),
  findPurchaseOrderByReference: z.object({ connectionId: connectionIdSchema, referenceField, reference: z.string().min(1) }),
  listPurchaseOrdersByReference: z.object({ connectionId: connectionIdSchema, referenceField, reference: z.string().min(1) }),
  getPurchaseOrder: z.object({ connectionId: connectionIdSchema, key, referenceField }),
  createPurchaseOrder: z.object({ connectionId: connectionIdSchema, body: fieldsSchema, referenceField }),
  addPurchaseOrderLine: z.object({ connectionId: connectionIdSchema, purchaseOrderKey: key, line: fieldsSchema }),
  listPurchaseOrderLines: z.object({ connectionId: connectionIdSchema, purchaseOrderKey: key }),
  updatePurchaseOrder: z.object({ connectionId: connectionIdSchema, key, changes: fieldsSchema, referenceField }),
  listPurchaseOrderStatuses: z.object({ connectionId: connectionIdSchema }),
  setPurchaseOrderStatus: z.object({ connectionId: connectionIdSchema, key, status: z.string().min(1), referenceField }),
  // Through Makini's passthrough, in the profile's native dialect.
  createPurchaseOrderPassthrough: z.object({
    connectionId: connectionIdSchema,
    dialect: passthroughDialectSchema,
    purchaseOrder: nativePurchaseOrderSchema,
  }),
  findPurchaseOrderPassthrough: z.object({
    connectionId: connectionIdSchema,
    dialect: passthroughDialectSchema,
    reference: z.string().min(1),
  }),
  listPurchaseOrdersPassthrough: z.object({
    connectionId: connectionIdSchema,
    dialect: passthroughDialectSchema,
    reference: z.string().min(1),
  }),
};

type In<K extends keyof typeof purchaseOrderActivityInputs> = z.input<(typeof purchaseOrderActivityInputs)[K]>;

/** The purchase-order activities: one Makini call each (two where a read-back belongs to the same question). */
export interface PurchaseOrderActivities {
  vendorExists(input: In<'vendorExists'>): Promise<ActivityResult<boolean>>;
  findPurchaseOrderByReference(input: In<'findPurchaseOrderByReference'>): Promise<ActivityResult<PoSnapshot | null>>;
  listPurchaseOrdersByReference(input: In<'listPurchaseOrdersByReference'>): Promise<ActivityResult<{ key: string; status: string }[]>>;
  getPurchaseOrder(input: In<'getPurchaseOrder'>): Promise<ActivityResult<PoSnapshot>>;
  createPurchaseOrder(input: In<'createPurchaseOrder'>): Promise<ActivityResult<PoSnapshot>>;
  addPurchaseOrderLine(input: In<'addPurchaseOrderLine'>): Promise<ActivityResult<PoLineSnapshot>>;
  listPurchaseOrderLines(input: In<'listPurchaseOrderLines'>): Promise<ActivityResult<PoLineSnapshot[]>>;
  updatePurchaseOrder(input: In<'updatePurchaseOrder'>): Promise<ActivityResult<PoSnapshot>>;
  listPurchaseOrderStatuses(input: In<'listPurchaseOrderStatuses'>): Promise<ActivityResult<StatusEntry[]>>;
  setPurchaseOrderStatus(input: In<'setPurchaseOrderStatus'>): Promise<ActivityResult<PoSnapshot>>;
  /** A PO with all its lines in ONE native request through the passthrough (read back by its reference where the answer carries none). */
  createPurchaseOrderPassthrough(input: In<'createPurchaseOrderPassthrough'>): Promise<ActivityResult<PoSnapshot>>;
  findPurchaseOrderPassthrough(input: In<'findPurchaseOrderPassthrough'>): Promise<ActivityResult<PoSnapshot | null>>;
  listPurchaseOrdersPassthrough(input: In<'listPurchaseOrdersPassthrough'>): Promise<ActivityResult<{ key: string; status: string }[]>>;
}
