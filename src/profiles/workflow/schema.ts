// The write profile of a system, as data: what each entity and operation allows, requires and
// refuses. Built-in profiles live in `profiles/*.yaml`; connections may override them.
import { z } from 'zod';
import { passthroughDialectSchema, type PassthroughDialectName } from '../../makini/workflow/passthrough-dialects.js';

/** Entities makini-writes writes. */
export const ENTITIES = ['purchaseOrder', 'workOrder', 'inventory'] as const;
export const entitySchema = z.enum(ENTITIES);
export type Entity = z.infer<typeof entitySchema>;

/** Operations per entity (`addLine`: a PO line after the header; `addMaterials`: WO materials). */
export const OPERATIONS = ['create', 'update', 'changeStatus', 'cancel', 'addLine', 'addMaterials', 'adjust'] as const;
export const operationSchema = z.enum(OPERATIONS);
export type Operation = z.infer<typeof operationSchema>;

/** Lookups a field's value must pass in the target before a write (e.g. a vendor code exists). */
export const referenceLookupSchema = z.enum(['vendor']);

export const operationRuleSchema = z.strictObject({
  allowed: z.boolean().default(true),
  /** Why the operation is not allowed (shown in the violation). */
  reason: z.string().optional(),
  required: z.array(z.string()).default([]),
  readOnly: z.array(z.string()).default([]),
  /**
   * Fields the system accepts besides `required` (whitelist). Absent: every field of the Makini
   * spec that is not read-only may be written. `a.*.b` names the keys allowed in elements of array `a`.
   */
  writable: z.array(z.string()).optional(),
  /** Fields whose values must exist in the target system. */
  mustExist: z.array(z.strictObject({ field: z.string(), lookup: referenceLookupSchema })).default([]),
  /** Required fields of each line item (PO create / addLine). */
  lineRequired: z.array(z.string()).default([]),
  /** Maximum number of lines in one request. */
  maxLines: z.number().int().positive().optional(),
});
export type OperationRule = z.infer<typeof operationRuleSchema>;

export const stateRuleSchema = z.strictObject({
  /** Record states (Makini `status`) this rule applies to. */
  states: z.array(z.string()).min(1),
  /** Operations refused in those states. */
  refuses: z.array(operationSchema).min(1),
  /** Status changes still allowed in those states (target statuses). */
  allowedStatusChanges: z.array(z.string()).default([]),
  reason: z.string(),
});
export type StateRule = z.infer<typeof stateRuleSchema>;

export const deletePolicySchema = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('status'), status: z.string() }),
  z.strictObject({ by: z.literal('impossible'), reason: z.string() }),
]);

export const entityProfileSchema = z.strictObject({
  operations: z.partialRecord(operationSchema, operationRuleSchema).default({}),
  stateRules: z.array(stateRuleSchema).default([]),
  delete: deletePolicySchema.default({ by: 'impossible', reason: 'no DELETE in the Makini API' }),
  /** Field carrying the caller's idempotency key, for lookups after an ambiguous create. */
  referenceField: z.string().default('code'),
  /** Custom fields (`customFields.<name>`) that may be written; others are refused. */
  writableCustomFields: z.array(z.string()).default([]),
  /**
   * Caller's custom-field name → the target system's custom-field name (checked and written under
   * the target name; see `mapCustomFields`).
   */
  customFieldMap: z.record(z.string().min(1), z.string().min(1)).default({}),
});
export type EntityProfile = z.infer<typeof entityProfileSchema>;

/**
 * What the workflows must know of a dialect (the rest lives behind its module): the system it
 * speaks to, whether a repeated create is a no-op there (native external-id dedupe: a create
 * whose answer was lost is looked up once and sent again at once, without waiting for the commit
 * horizon, and no late duplicate can exist), and which characters its reference (the idempotency
 * key) may hold.
 */
export const PASSTHROUGH_DIALECT_TRAITS: Readonly<
  Record<
    PassthroughDialectName,
    { system: string; dedupesCreate: boolean; referenceChars: string; referenceMaxLength?: number; referenceRule: string }
  >
> = {
  'netsuite-rest': {
    system: 'netsuite',
    dedupesCreate: true,
    // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156334828635.html
    referenceChars: 'A-Za-z0-9_-',
    referenceRule: 'a NetSuite external id holds letters, digits, underscore and hyphen only',
  },
  'sap-odata': {
    system: 'sap',
    // An OData create (POST) is not deduplicated: a lost answer waits for the commit horizon and
    // a resend is swept for a late duplicate, as on the unified transport.
    dedupesCreate: false,
    // The reference is A_PurchaseOrder.CorrespncExternalReference ("Your Reference", CHAR 12),
    // looked up with $filter: kept to characters that need no escaping in an OData literal.
    referenceChars: 'A-Za-z0-9_-',
    referenceMaxLength: 12,
    referenceRule: "SAP's Your Reference (CorrespncExternalReference) holds 12 characters: letters, digits, underscore and hyphen here",
  },
  'dynamics-batch': {
    system: 'dynamics',
    // The reference is the PO number, the entity's key: a second create with it is refused as
    // existing (then found by the lookup), never a second purchase order.
    dedupesCreate: true,
    referenceChars: 'A-Za-z0-9_-',
    referenceMaxLength: 20,
    referenceRule: 'a Dynamics 365 purchase order number (PurchId) holds 20 characters: letters, digits, underscore and hyphen here',
  },
};

/**
 * How one write reaches the system: `unified` (Makini's own endpoints) or `passthrough` (the
 * system's own API through Makini, in a dialect). Same input, rules, steps and outcome model.
 */
export const transportSchema = z.discriminatedUnion('via', [
  z.strictObject({ via: z.literal('unified') }),
  z.strictObject({ via: z.literal('passthrough'), dialect: passthroughDialectSchema }),
]);
export type Transport = z.infer<typeof transportSchema>;
export const UNIFIED: Transport = { via: 'unified' };

/** The transport of each PO write that has a choice (a PO create with its lines, for now). */
export const purchaseOrderTransportsSchema = z.strictObject({ create: transportSchema.default(UNIFIED) });

/** How a transport is named in step tables and capabilities: `unified`, `passthrough:netsuite-rest`. */
export const transportLabel = (t: Transport | undefined): string => (t?.via === 'passthrough' ? `passthrough:${t.dialect}` : 'unified');

export const purchaseOrderProfileSchema = entityProfileSchema.extend({
  /** How PO lines reach the system: only in the header request, only one by one, or either. */
  lines: z.enum(['with-header', 'separately', 'both']).default('both'),
  /** Which transport each write uses (default unified). */
  transport: purchaseOrderTransportsSchema.default({ create: UNIFIED }),
});

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * How late a system may still apply a write it received, and how the writes wait for that. A
 * request the client gave up on (timeout, dropped connection, 5xx) may still be committed by the
 * system behind Makini: an SAP BAPI or a NetSuite record with workflows can take longer than any
 * client waits. Until the commit horizon has passed, a create whose outcome is unknown looks up
 * its record on a schedule of durable timers (the settle delay, 30 s, 2 min, then the horizon)
 * before it sends again; once it has passed, a write that sent again looks once more for a late
 * duplicate (src/writes/workflow/engine/horizon.ts).
 */
const timingFields = {
  /** The client's timeout of one request; an activity attempt lasts this plus the send window (src/makini/workflow/call-timing.ts). */
  requestTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(5 * MINUTE),
  /** First wait before looking whether an unknown outcome landed (a write in flight lands a moment later). */
  settleMs: z
    .number()
    .int()
    .min(100)
    .max(10 * MINUTE),
  /** How long after the request the system may still commit it: no create is sent again before. */
  commitHorizonMs: z
    .number()
    .int()
    .min(100)
    .max(24 * 60 * MINUTE),
};

export const writeTimingSchema = z.strictObject({
  requestTimeoutMs: timingFields.requestTimeoutMs.default(20 * SECOND),
  settleMs: timingFields.settleMs.default(5 * SECOND),
  commitHorizonMs: timingFields.commitHorizonMs.default(5 * MINUTE),
});
/** A connection's change of its system's timing: the fields given replace the system's. */
export const writeTimingOverrideSchema = z.strictObject(timingFields).partial();
export type WriteTiming = z.infer<typeof writeTimingSchema>;

export const writeProfileSchema = z.strictObject({
  /** Provider as Makini names it (`sap`, `emaint`, ...). */
  system: z.string().min(1),
  displayName: z.string(),
  /** `unknown`: the generic conservative profile of a system without a built-in one. */
  category: z.enum(['erp', 'cmms', 'eam', 'unknown']),
  /** Default write budget per connection. */
  writesPerMinute: z.number().positive().default(60),
  /** Request timeout, settle delay and commit horizon of the system (defaults: 20 s, 5 s, 5 min). */
  timing: writeTimingSchema.default(writeTimingSchema.parse({})),
  purchaseOrder: purchaseOrderProfileSchema.default(purchaseOrderProfileSchema.parse({})),
  workOrder: entityProfileSchema.default(entityProfileSchema.parse({})),
  inventory: entityProfileSchema.default(entityProfileSchema.parse({})),
});
export type WriteProfile = z.infer<typeof writeProfileSchema>;
