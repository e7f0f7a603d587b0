// Per-connection switches for what Makini's docs leave open and real systems do differently.
// Defaults are the sandbox's long-standing behaviour; tests switch a connection to the side that
// hurts a client (the system drops or rewrites the reference, lists match loosely, pages are small).
import { z } from 'zod';

/** Laravel's default page size; Makini publishes none. */
export const DEFAULT_PER_PAGE = 15;
/** Larger pages are clamped to this (meta.per_page says so): clients must follow links.next. */
export const MAX_PER_PAGE = 200;

/** Fields every record's identity and state depend on: no switch may drop or rewrite them. */
const SYSTEM_FIELDS = ['key', 'status', 'statusKey', 'createdAt', 'updatedAt', 'lineItems', 'materialCount'];

export const connectionBehaviourSchema = z.strictObject({
  /**
   * What the system does with the reference field a client sends on create (PO and WO):
   * `kept` stores it; `dropped` ignores it (the record has no such field); `rewritten` stores
   * the system's own document number there instead.
   */
  referenceField: z.enum(['kept', 'dropped', 'rewritten']),
  /** The field `referenceField` is about (default `code`, the profiles' default referenceField). */
  referenceFieldName: z
    .string()
    .min(1)
    .max(100)
    .refine((f) => !SYSTEM_FIELDS.includes(f), `must not be a field the sandbox manages (${SYSTEM_FIELDS.join(', ')})`),
  /**
   * How `filter[field]=v` matches: `exact` (string equality) or `loose` (case-insensitive
   * substring, like some systems' search): a client must check equality on what it gets back.
   */
  listFilter: z.enum(['exact', 'loose']),
  /** Page size of a list request without `per_page`. */
  defaultPerPage: z.number().int().positive().max(MAX_PER_PAGE),
  /** Largest page served: a bigger `per_page` is clamped (so a lookup can need page 2 or more). */
  maxPerPage: z.number().int().positive().max(MAX_PER_PAGE),
  /**
   * What a PUT's `customFields` does (PO and WO): `replace` the record's custom fields with the
   * ones sent, or `merge` them into those it has (many systems keep the fields a PUT leaves out).
   */
  customFields: z.enum(['replace', 'merge']),
  /**
   * How a list pages: `pages` by number (Makini's spec: `page`, `links`, `meta.current_page`,
   * `last_page`, `total`), or `cursor` as Makini's FAQ describes (`meta.next_cursor`, `?cursor=`):
   * no page numbers or totals, and `page` is ignored (asking for page 2 gets the first page again).
   */
  pagination: z.enum(['pages', 'cursor']),
  /**
   * What `links` a list names: `absolute` URLs (Laravel's), `relative` ones (path and query),
   * `none` (no `links` at all: a client must read `meta`), or `other-origin`: absolute URLs on
   * another host (a gateway's, a CDN's), where a client must not send its token.
   */
  pageLinks: z.enum(['absolute', 'relative', 'none', 'other-origin']),
  /**
   * Decimals as numeric strings (`"50.000"`, as SAP's OData and Makini's spec type quantities and
   * amounts): every quantity, price, cost and total in an answer is a string with three decimals.
   */
  decimalsAsStrings: z.boolean(),
  /**
   * How statuses are named (see statuses.ts): `makini` (code = Makini's normalised name, records'
   * `status` = the code) or `system` (key, code and name all differ, e.g. `WS-30`/`COMPL`/`Completed`;
   * records' `status` = the name) or `system-codes` (the same, records' `status` = the code).
   */
  statusLabels: z.enum(['makini', 'system', 'system-codes']),
  /**
   * What the system does with a second PO line of a `lineNo` the PO already has, or a second
   * work-order material of a `materialKey` the work order already has: `refused` (409
   * WRITE_NOT_ALLOWED, the sandbox's long-standing answer) or `accepted` (stored as one more
   * line or material, as a real system may: nothing in Makini's docs says it refuses). Under
   * `accepted` only the client's own lookups keep a resend from writing a line twice.
   */
  repeatedLines: z.enum(['refused', 'accepted']),
});
export type ConnectionBehaviour = z.output<typeof connectionBehaviourSchema>;

/** Admin body: any subset of the switches; the rest stay as they are. */
export const behaviourPatchSchema = connectionBehaviourSchema.partial();
export type BehaviourPatch = z.input<typeof behaviourPatchSchema>;

export const DEFAULT_BEHAVIOUR: Readonly<ConnectionBehaviour> = Object.freeze({
  referenceField: 'kept',
  referenceFieldName: 'code',
  listFilter: 'exact',
  defaultPerPage: DEFAULT_PER_PAGE,
  maxPerPage: MAX_PER_PAGE,
  customFields: 'replace',
  pagination: 'pages',
  pageLinks: 'absolute',
  decimalsAsStrings: false,
  statusLabels: 'makini',
  repeatedLines: 'refused',
});

/** Applies a PUT's changes to a record (null clears a field); custom fields as the switch says. */
export function applyChanges(behaviour: ConnectionBehaviour, record: Record<string, unknown>, changes: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete record[k];
    else if (k === 'customFields' && behaviour.customFields === 'merge' && typeof v === 'object') {
      record[k] = { ...(record[k] as Record<string, unknown> | undefined), ...v };
    } else record[k] = v;
  }
}

/**
 * Applies the reference-field switch to a record just created from a client's body.
 * `systemNumber` is the system's own number for the record (only called for `rewritten`).
 */
export function applyReferenceField(behaviour: ConnectionBehaviour, record: Record<string, unknown>, systemNumber: () => string): void {
  const field = behaviour.referenceFieldName;
  if (behaviour.referenceField === 'kept') return;
  // A numbering system numbers every record, whether or not the client sent a reference.
  if (behaviour.referenceField === 'dropped') delete record[field];
  else record[field] = systemNumber();
}

/** Quantities and amounts [spec field names]: what `decimalsAsStrings` renders as numeric strings. */
const DECIMAL_FIELDS = new Set([
  'quantity',
  'requiredQuantity',
  'usedQuantity',
  'receivedQuantity',
  'price',
  'cost',
  'unitCost',
  'discount',
  'lineTaxValue',
  'lineTotalValue',
  'totalNetValue',
  'totalGrossValue',
  'totalTaxValue',
]);

/**
 * An answer body as the connection's system types its values: with `decimalsAsStrings`, every
 * quantity and amount as a string with three decimals (`50` → `"50.000"`), as SAP's OData does.
 * Stored records are not changed: what a client reads is what such a system would return.
 */
export function presentValues(behaviour: ConnectionBehaviour, body: unknown): unknown {
  if (!behaviour.decimalsAsStrings) return body;
  const walk = (v: unknown, field?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return typeof v === 'number' && field !== undefined && DECIMAL_FIELDS.has(field) ? v.toFixed(3) : v;
  };
  return walk(body);
}
