// Request bodies the sandbox accepts, as zod schemas (field names from Makini's oas3_eam.json).
// Strict: a field the entity does not have is refused, so a misspelt field fails here and not
// silently in production. Required fields are per system and checked by the handlers.
import { z } from 'zod';
import { validationFailed, problemsOf, type FieldProblem } from './errors.js';

const text = z.string({ error: 'must be a string' }).max(4000, 'is longer than 4000 characters');
const key = z.string({ error: 'must be a string key' }).min(1, 'must not be empty').max(200, 'is longer than 200 characters');
const isoDate = z
  .string({ error: 'must be an ISO 8601 date' })
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
    'must be an ISO 8601 date or date-time, e.g. 2026-12-01T08:00:00Z',
  );
/** Makini's Address is an object; a one-line string address is accepted too. */
const address = z.union([text, z.record(z.string(), z.unknown())], { error: 'must be an address object or a string' });
const customFields = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
  error: 'must be an object of custom field values',
});
const positive = z.number({ error: 'must be a number' }).positive('must be greater than 0').finite('must be finite');
const nonNegative = z.number({ error: 'must be a number' }).nonnegative('must not be negative').finite('must be finite');
const optional = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** Fields Makini or the system computes: sending them is refused with a clear message. */
export const PO_READ_ONLY = [
  'key',
  'status',
  'statusKey',
  'approvedAt',
  'completedAt',
  'userApprovedKey',
  'totalNetValue',
  'totalGrossValue',
  'totalTaxValue',
  'createdAt',
  'updatedAt',
] as const;
export const LINE_READ_ONLY = [
  'key',
  'purchaseOrderKey',
  'statusKey',
  'receivedQuantity',
  'lineTaxValue',
  'lineTotalValue',
  'createdAt',
  'updatedAt',
  'deletedAt',
] as const;
export const WO_READ_ONLY = [
  'key',
  'statusKey',
  'approvedAt',
  'completedAt',
  'materialCount',
  'createdAt',
  'updatedAt',
  'deletedAt',
] as const;
export const INVENTORY_READ_ONLY = ['key', 'createdAt', 'updatedAt'] as const;

export const poHeaderSchema = z.strictObject({
  code: optional(text.max(100, 'is longer than 100 characters')),
  orderNo: optional(text.max(100, 'is longer than 100 characters')),
  siteKey: optional(key),
  organizationKey: optional(key),
  locationKey: optional(key),
  vendorKey: optional(key),
  userRequestedKey: optional(key),
  currencyKey: optional(key),
  orderDate: optional(isoDate),
  dueAt: optional(isoDate),
  shipmentDate: optional(isoDate),
  title: optional(text),
  description: optional(text),
  terms: optional(text),
  notes: optional(text),
  shippingMethod: optional(text),
  shipmentAddress: optional(address),
  billingAddress: optional(address),
  deliveryAddress: optional(address),
  customFields: optional(customFields),
});

export const poLineSchema = z.strictObject({
  lineNo: optional(
    z.union(
      [z.number().int('must be a whole number').positive('must be greater than 0'), z.string().regex(/^\d{1,10}$/, 'must be digits')],
      { error: 'must be a positive whole number' },
    ),
  ),
  locationKey: optional(key),
  accountKey: optional(key),
  vendorKey: optional(key),
  assetKey: optional(key),
  materialKey: optional(key),
  productKey: optional(key),
  storeroomKey: optional(key),
  uomKey: optional(key),
  currencyKey: optional(key),
  code: optional(text.max(100, 'is longer than 100 characters')),
  type: optional(text),
  name: optional(text),
  description: optional(text),
  lineRef: optional(text),
  notes: optional(text),
  quantity: optional(positive),
  price: optional(nonNegative),
  discount: optional(nonNegative),
  deliveryAt: optional(isoDate),
  dueAt: optional(isoDate),
  customFields: optional(customFields),
});
export type PoLineBody = z.infer<typeof poLineSchema>;

export const poStatusBodySchema = z.strictObject({ status: z.string({ error: 'is required' }).min(1, 'is required') });

/** WorkOrder entity fields a client may write; platforms add their own (see systems.ts). */
const woFieldSchemas = {
  parentKey: optional(key),
  locationKey: optional(key),
  siteKey: optional(key),
  assetKey: optional(key),
  accountKey: optional(key),
  serviceRequestKey: optional(key),
  pmKey: optional(key),
  teamKey: optional(key),
  laborAssignedKey: optional(key),
  userApprovedKey: optional(key),
  userAssignedKey: optional(key),
  userRequestedKey: optional(key),
  assetDowntimeKey: optional(key),
  organizationKey: optional(key),
  storeroomKey: optional(key),
  code: optional(text.max(100, 'is longer than 100 characters')),
  title: optional(text),
  description: optional(text),
  instructions: optional(text),
  notes: optional(text),
  severity: optional(text),
  estimatedTime: optional(text),
  actualTime: optional(text),
  roleName: optional(text),
  categoryName: optional(text),
  completionRemarks: optional(text),
  status: optional(text),
  dueAt: optional(isoDate),
  scheduledAt: optional(isoDate),
  tasks: optional(z.array(z.record(z.string(), z.unknown()), { error: 'must be a list of objects' })),
  documents: optional(z.array(z.record(z.string(), z.unknown()), { error: 'must be a list of objects' })),
  resources: optional(z.array(z.record(z.string(), z.unknown()), { error: 'must be a list of objects' })),
  parts: optional(z.array(z.record(z.string(), z.unknown()), { error: 'must be a list of objects' })),
  materials: optional(z.array(z.record(z.string(), z.unknown()), { error: 'must be a list of objects' })),
  customFields: optional(customFields),
} as const;
type WoField = keyof typeof woFieldSchemas;

/** Fields every system takes (the WorkOrder entity's); `status` and platform extras only where published. */
const WO_BASE_FIELDS: readonly WoField[] = (Object.keys(woFieldSchemas) as WoField[]).filter(
  (f) => !['status', 'parts', 'materials', 'userAssignedKey', 'userRequestedKey'].includes(f),
);

/** The work-order body schema of a system: the entity's fields plus the platform's published extras. */
export function workOrderSchema(extraFields: readonly string[]) {
  const fields = new Set<string>([...WO_BASE_FIELDS, ...extraFields]);
  const shape = Object.fromEntries(
    (Object.keys(woFieldSchemas) as WoField[]).filter((f) => fields.has(f)).map((f) => [f, woFieldSchemas[f]]),
  );
  return z.strictObject(shape);
}

export const woStatusBodySchema = z.strictObject({ statusKey: z.string({ error: 'is required' }).min(1, 'is required') });

/** `{materialKey, quantity}`; Makini's spec also names required/used quantities and a storeroom. */
export const woMaterialBodySchema = z.strictObject({
  materialKey: optional(key),
  quantity: optional(positive),
  requiredQuantity: optional(nonNegative),
  usedQuantity: optional(nonNegative),
  storeroomKey: optional(key),
});

export const inventoryBodySchema = z.strictObject({
  code: optional(text.max(100, 'is longer than 100 characters')),
  name: optional(text),
  quantity: z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative('must not be negative').optional(),
  unitCost: nonNegative.optional(),
  locationKey: optional(key),
});

/** The body as a JSON object, or a 400 saying what it is instead. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) throw validationFailed([{ field: '(body)', message: 'a JSON object is required' }]);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

/** Splits off read-only fields (each one a problem) before the schema sees the rest. */
export function withoutReadOnly(
  obj: Record<string, unknown>,
  readOnly: readonly string[],
  prefix = '',
  why = 'is read-only: the system sets it',
): {
  rest: Record<string, unknown>;
  problems: FieldProblem[];
} {
  const rest: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (readOnly.includes(k)) problems.push({ field: `${prefix}${k}`, message: why });
    else rest[k] = v;
  }
  return { rest, problems };
}

/** Parses with `schema`, adding every problem to `problems`; returns the data when valid. */
export function collect<S extends z.ZodType>(
  schema: S,
  value: unknown,
  problems: FieldProblem[],
  prefix: (string | number)[] = [],
): z.infer<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(...problemsOf(parsed.error, prefix));
  return undefined;
}

/** A value counts as missing when absent, null or blank. */
export const isMissing = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** One "is required" problem per missing field. */
export function missingFields(obj: Record<string, unknown>, required: readonly string[], prefix = '', system?: string): FieldProblem[] {
  return required
    .filter((f) => isMissing(obj[f]))
    .map((f) => ({ field: `${prefix}${f}`, message: system ? `is required on ${system}` : 'is required' }));
}
