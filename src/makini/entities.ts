// Zod schemas of the Makini entities this project reads back (camelCase, keyed by `key` [spec]).
// Responses are validated loosely (unknown fields kept) but the fields we rely on are checked.
import { z } from 'zod';

const nullableString = z.string().nullable().optional();
const numberLike = z.union([z.number(), z.string()]).nullable().optional();

export const integrationSchema = z.looseObject({
  id: z.union([z.string(), z.number()]),
  provider: z.string(),
  company_name: nullableString,
  sync_status: nullableString,
});

export const poLineItemSchema = z.looseObject({
  key: z.string(),
  lineNo: z.union([z.number(), z.string()]).nullable().optional(),
  materialKey: nullableString,
  code: nullableString,
  name: nullableString,
  description: nullableString,
  quantity: numberLike,
  uomKey: nullableString,
  price: numberLike,
  dueAt: nullableString,
});
export type PoLineItem = z.infer<typeof poLineItemSchema>;

export const purchaseOrderSchema = z.looseObject({
  key: z.string(),
  code: nullableString,
  orderNo: nullableString,
  vendorKey: nullableString,
  siteKey: nullableString,
  statusKey: nullableString,
  status: nullableString,
  title: nullableString,
  approvedAt: nullableString,
  lineItems: z.array(poLineItemSchema).optional(),
});
export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;

export const workOrderSchema = z.looseObject({
  key: z.string(),
  code: nullableString,
  title: nullableString,
  status: nullableString,
  statusKey: nullableString,
  assetKey: nullableString,
  siteKey: nullableString,
});
export type WorkOrder = z.infer<typeof workOrderSchema>;

export const workOrderMaterialSchema = z.looseObject({
  key: z.string().optional(),
  materialKey: z.string(),
  quantity: numberLike,
  requiredQuantity: numberLike,
  usedQuantity: numberLike,
  storeroomKey: nullableString,
});
export type WorkOrderMaterial = z.infer<typeof workOrderMaterialSchema>;

export const inventorySchema = z.looseObject({
  key: z.string(),
  code: nullableString,
  name: nullableString,
  quantity: z.number(),
  unitCost: numberLike,
  locationKey: nullableString,
  updatedAt: nullableString,
});
export type Inventory = z.infer<typeof inventorySchema>;

/** A material (Makini `Part`) with the inventory records it is stocked in [spec]. */
export const materialSchema = z.looseObject({
  key: z.string(),
  code: nullableString,
  name: nullableString,
  inventories: z.array(inventorySchema).nullable().optional(),
});

export const vendorSchema = z.looseObject({ key: z.string(), code: nullableString, name: nullableString });

export const statusSchema = z.looseObject({ key: z.string(), name: nullableString, code: nullableString });

/** `{ data: T }` envelope [spec]. */
export const envelope = <T extends z.ZodType>(item: T) => z.object({ data: item });

/** List envelope with Makini's pagination [spec]. */
export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    links: z.looseObject({ next: z.string().nullable().optional() }).optional(),
    meta: z
      .looseObject({
        current_page: z.number(),
        last_page: z.number(),
        per_page: z.number(),
        total: z.number(),
      })
      .optional(),
  });

/** Error body `{ error: { code, type, message, request_id } }` [assumed]. */
export const errorBodySchema = z.object({
  error: z.looseObject({
    code: z.string().optional(),
    type: z.string().optional(),
    message: z.string().optional(),
    request_id: z.string().optional(),
  }),
});
