// Zod schemas of the Makini entities this project reads back (camelCase, keyed by `key` [spec]).
// Responses are validated loosely (unknown fields kept) but the fields we rely on are checked.
//
// Value types as Makini publishes them are loose (checked against shared/makini/oas3_eam.json):
// PO line `quantity`/`price` and work-order material quantities are typed `object` with string
// examples, PO totals `string`, Inventory `quantity`/`unitCost` `integer`; systems behind Makini
// keep decimals as numeric strings (`"50.000"`, SAP's OData does). So every quantity and amount is
// a number OR a numeric string, kept as the system sent it (a step's details show what it said)
// and read with `numericValue`; anything else in such a field breaks the contract, naming it.
// Dates are strings with or without a time (`dueAt`, `approvedAt`, `updatedAt` [spec]).
import { z } from 'zod';

const nullableString = z.string().nullable().optional();

/** A decimal as text: `7.5`, `"7.500"`, `"-3"`, `".5"`, `"1e3"` (surrounding blanks allowed); no thousands separators. */
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The number a field holds: a finite JSON number, or a numeric string (`"7.500"` → 7.5); otherwise undefined. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC_TEXT.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A quantity or amount as systems type it: a number or a numeric string, kept as sent. */
const numeric = z.custom<number | string>((v) => numericValue(v) !== undefined, {
  message: 'expected a number or a numeric string',
});
const numberLike = numeric.nullable().optional();

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
  quantity: numeric,
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

/**
 * The system's own answer inside a passthrough answer's envelope ([assumed] shape: MakiniPassthrough
 * in contract.ts). Headers are read case-insensitively (lower-cased here).
 */
export const passthroughAnswerSchema = z.object({
  status: z.coerce.number().int().min(100).max(599),
  headers: z
    .record(z.string(), z.union([z.string(), z.array(z.string()), z.number()]))
    .nullish()
    .transform((h) =>
      Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)])),
    ),
  body: z.unknown(),
});
export type PassthroughAnswer = z.infer<typeof passthroughAnswerSchema>;

/** A non-empty string, or nothing: an empty `next` names no page. */
const pageRef = z
  .string()
  .nullable()
  .optional()
  .transform((v) => (v ? v : undefined));

/**
 * List envelope: `links`/`meta` [spec] or a `next_cursor` [docs], none of it required (see
 * "Pagination" in contract.ts); page numbers may come as numeric strings too.
 */
export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    links: z.looseObject({ next: pageRef }).nullable().optional(),
    meta: z
      .looseObject({
        current_page: numberLike,
        last_page: numberLike,
        next_cursor: pageRef,
      })
      .nullable()
      .optional(),
    next_cursor: pageRef,
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
