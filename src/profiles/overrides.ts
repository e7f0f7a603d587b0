// Per-connection overrides of a system's write profile (a customer's heavily customised SAP): the
// `overrides` object of a connection in the connections config, validated like a profile and
// applied to a copy of the built-in profile.
//
// Example (connections.yaml):
//   - id: acme-sap
//     token: { env: ACME_SAP_TOKEN }
//     system: sap
//     overrides:
//       writesPerMinute: 20
//       purchaseOrder:
//         writableCustomFields: [ZZ_PROJECT]
//         customFieldMap: { costCenter: ZZ_KOSTL }       # caller's name → SAP field (made writable)
//         removeStateRules: [{ state: approved, operations: [update] }]
//         operations:
//           create: { removeRequired: [siteKey], addRequired: [organizationKey] }
// A NetSuite connection writing through the system's own API (docs/passthrough-netsuite.md):
//       purchaseOrder: { transport: { create: { via: passthrough, dialect: netsuite-rest } } }
import { z } from 'zod';
import { formatZodIssues } from '../config/format-issues.js';
import {
  deletePolicySchema,
  operationSchema,
  referenceLookupSchema,
  stateRuleSchema,
  transportSchema,
  writeProfileSchema,
  writeTimingOverrideSchema,
  type Entity,
  type EntityProfile,
  type Operation,
  type OperationRule,
  type StateRule,
  type WriteProfile,
} from './workflow/schema.js';
import { genericProfile } from './generic-profile.js';

const fieldList = z.array(z.string().min(1, 'a field name'));

/** Changes to one operation's rules; `add*` and `remove*` work on the built-in lists. */
export const operationOverrideSchema = z.strictObject({
  allowed: z.boolean().optional(),
  reason: z.string().optional(),
  addRequired: fieldList.optional(),
  removeRequired: fieldList.optional(),
  addReadOnly: fieldList.optional(),
  removeReadOnly: fieldList.optional(),
  /** Only for operations whose profile lists the accepted fields (`writable`). */
  addWritable: fieldList.optional(),
  removeWritable: fieldList.optional(),
  addLineRequired: fieldList.optional(),
  removeLineRequired: fieldList.optional(),
  addMustExist: z.array(z.strictObject({ field: z.string().min(1), lookup: referenceLookupSchema })).optional(),
  /** Fields whose reference lookup is dropped. */
  removeMustExist: fieldList.optional(),
  /** A new line limit; `null` removes it. */
  maxLines: z.number().int().positive().nullable().optional(),
});
export type OperationOverride = z.infer<typeof operationOverrideSchema>;

/** A state rule to drop: a whole state, or only some operations of a state. */
export const stateRuleRemovalSchema = z.union([
  z.string().min(1),
  z.strictObject({ state: z.string().min(1), operations: z.array(operationSchema).min(1) }),
]);

export const entityOverrideSchema = z.strictObject({
  operations: z.partialRecord(operationSchema, operationOverrideSchema).optional(),
  /** Custom fields made writable for this connection (added to the built-in ones). */
  writableCustomFields: fieldList.optional(),
  removeWritableCustomFields: fieldList.optional(),
  /** Caller's custom-field name → target custom-field name; the target becomes writable. */
  customFieldMap: z.record(z.string().min(1), z.string().min(1)).optional(),
  referenceField: z.string().min(1).optional(),
  addStateRules: z.array(stateRuleSchema).optional(),
  removeStateRules: z.array(stateRuleRemovalSchema).optional(),
  delete: deletePolicySchema.optional(),
});
export type EntityOverride = z.infer<typeof entityOverrideSchema>;

export const purchaseOrderOverrideSchema = entityOverrideSchema.extend({
  lines: z.enum(['with-header', 'separately', 'both']).optional(),
  /** The transport of a write: `{ create: { via: passthrough, dialect: netsuite-rest } }` or `{ create: { via: unified } }`. */
  transport: z.strictObject({ create: transportSchema.optional() }).optional(),
});

/** The `overrides` object of one connection. */
export const profileOverridesSchema = z.strictObject({
  writesPerMinute: z.number().positive().optional(),
  /** Request timeout, settle delay, commit horizon: the fields given replace the system's. */
  timing: writeTimingOverrideSchema.optional(),
  purchaseOrder: purchaseOrderOverrideSchema.optional(),
  workOrder: entityOverrideSchema.optional(),
  inventory: entityOverrideSchema.optional(),
});

interface Issue {
  path: string;
  message: string;
}

const unique = (xs: readonly string[]) => [...new Set(xs)];

/** `base` minus `removed` plus `added`; a removed name missing from `base` is an issue (a typo, most often). */
function editList(
  base: readonly string[],
  added: readonly string[] | undefined,
  removed: readonly string[] | undefined,
  path: string,
  what: string,
  issues: Issue[],
): string[] {
  for (const f of removed ?? []) {
    if (!base.includes(f)) issues.push({ path, message: `${f} is not ${what} (it is: ${base.join(', ') || 'none'})` });
  }
  return unique([...base.filter((f) => !(removed ?? []).includes(f)), ...(added ?? [])]);
}

function applyOperation(rule: OperationRule, o: OperationOverride, path: string, issues: Issue[]): OperationRule {
  const next: OperationRule = { ...rule };
  if (o.allowed !== undefined) next.allowed = o.allowed;
  if (o.reason !== undefined) next.reason = o.reason;
  next.required = editList(rule.required, o.addRequired, o.removeRequired, `${path}.removeRequired`, 'required', issues);
  next.readOnly = editList(rule.readOnly, o.addReadOnly, o.removeReadOnly, `${path}.removeReadOnly`, 'read-only', issues);
  next.lineRequired = editList(
    rule.lineRequired,
    o.addLineRequired,
    o.removeLineRequired,
    `${path}.removeLineRequired`,
    'required on lines',
    issues,
  );
  if (o.addWritable || o.removeWritable) {
    if (rule.writable === undefined) {
      issues.push({
        path: `${path}.${o.addWritable ? 'addWritable' : 'removeWritable'}`,
        message:
          'this operation has no list of accepted fields: every field that is not read-only is already writable (use addReadOnly to refuse one)',
      });
    } else {
      next.writable = editList(rule.writable, o.addWritable, o.removeWritable, `${path}.removeWritable`, 'writable', issues);
    }
  }
  for (const f of o.removeMustExist ?? []) {
    if (!rule.mustExist.some((m) => m.field === f))
      issues.push({ path: `${path}.removeMustExist`, message: `${f} has no reference lookup` });
  }
  next.mustExist = [
    ...rule.mustExist.filter((m) => !(o.removeMustExist ?? []).includes(m.field)),
    ...(o.addMustExist ?? []).filter((m) => !rule.mustExist.some((e) => e.field === m.field && e.lookup === m.lookup)),
  ];
  if (o.maxLines === null) delete next.maxLines;
  else if (o.maxLines !== undefined) next.maxLines = o.maxLines;
  const both = next.required.filter((f) => next.readOnly.includes(f));
  if (both.length) issues.push({ path, message: `${both.join(', ')} would be both required and read-only` });
  return next;
}

function removeStateRules(
  rules: readonly StateRule[],
  removals: z.infer<typeof stateRuleRemovalSchema>[],
  path: string,
  issues: Issue[],
): StateRule[] {
  let current = [...rules];
  removals.forEach((r, i) => {
    const state = typeof r === 'string' ? r : r.state;
    const ops = typeof r === 'string' ? undefined : r.operations;
    const hits = current.filter((rule) => rule.states.includes(state));
    if (!hits.length) {
      const known = unique(current.flatMap((rule) => rule.states));
      issues.push({
        path: `${path}.${i}`,
        message: `no state rule applies to status "${state}" (rules exist for: ${known.join(', ') || 'none'})`,
      });
      return;
    }
    if (ops) {
      const notRefused = ops.filter((op) => !hits.some((rule) => rule.refuses.includes(op)));
      if (notRefused.length)
        issues.push({ path: `${path}.${i}.operations`, message: `status "${state}" does not refuse ${notRefused.join(', ')}` });
    }
    const next: StateRule[] = [];
    for (const rule of current) {
      if (!rule.states.includes(state)) {
        next.push(rule);
        continue;
      }
      const others = rule.states.filter((s) => s !== state);
      if (others.length) next.push({ ...rule, states: others });
      if (ops) {
        const refuses = rule.refuses.filter((op) => !ops.includes(op));
        if (refuses.length) next.push({ ...rule, states: [state], refuses });
      }
    }
    current = next;
  });
  return current;
}

type PoExtras = { lines?: string; transport?: { create?: unknown } };

function applyEntity(ent: EntityProfile & PoExtras, o: EntityOverride & PoExtras, path: string, issues: Issue[]) {
  const next = { ...ent, operations: { ...ent.operations } };
  if (o.transport?.create !== undefined) next.transport = { ...ent.transport, create: o.transport.create };
  for (const [op, opOverride] of Object.entries(o.operations ?? {}) as [Operation, OperationOverride | undefined][]) {
    if (!opOverride) continue;
    const base = ent.operations[op] ?? { allowed: true, required: [], readOnly: [], mustExist: [], lineRequired: [] };
    next.operations[op] = applyOperation(base, opOverride, `${path}.operations.${op}`, issues);
  }
  const map = { ...ent.customFieldMap, ...(o.customFieldMap ?? {}) };
  next.customFieldMap = map;
  next.writableCustomFields = editList(
    ent.writableCustomFields,
    [...(o.writableCustomFields ?? []), ...Object.values(o.customFieldMap ?? {})],
    o.removeWritableCustomFields,
    `${path}.removeWritableCustomFields`,
    'a writable custom field',
    issues,
  );
  if (o.referenceField !== undefined) next.referenceField = o.referenceField;
  if (o.delete !== undefined) next.delete = o.delete;
  if (o.lines !== undefined) next.lines = o.lines;
  next.stateRules = [
    ...removeStateRules(ent.stateRules, o.removeStateRules ?? [], `${path}.removeStateRules`, issues),
    ...(o.addStateRules ?? []),
  ];
  return next;
}

/**
 * Applies a connection's `overrides` to a profile and returns a new, validated profile (the input
 * is left alone). Throws one error naming `source` and every bad field.
 * @example applyOverrides(sap, { purchaseOrder: { writableCustomFields: ['ZZ_PROJECT'] } }, 'connection "acme-sap"')
 */
export function applyOverrides(profile: WriteProfile, overrides: unknown, source: string): WriteProfile {
  if (overrides === undefined || overrides === null) return writeProfileSchema.parse(profile);
  const parsed = profileOverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    throw new Error(
      `${source}: invalid write-profile overrides for ${profile.system}:\n${formatZodIssues(parsed.error, 'overrides.', overrides)}`,
    );
  }
  const o = parsed.data;
  const issues: Issue[] = [];
  const next: WriteProfile = structuredClone(profile);
  if (o.writesPerMinute !== undefined) next.writesPerMinute = o.writesPerMinute;
  if (o.timing) next.timing = { ...next.timing, ...o.timing };
  for (const entity of ['purchaseOrder', 'workOrder', 'inventory'] as const satisfies readonly Entity[]) {
    const eo = o[entity];
    if (eo) (next as Record<Entity, unknown>)[entity] = applyEntity(next[entity], eo, `overrides.${entity}`, issues);
  }
  if (issues.length) {
    throw new Error(
      `${source}: invalid write-profile overrides for ${profile.system}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    );
  }
  const result = writeProfileSchema.safeParse(next);
  if (!result.success) {
    throw new Error(
      `${source}: write-profile overrides for ${profile.system} give an invalid profile:\n${formatZodIssues(result.error, '', next)}`,
    );
  }
  return result.data;
}

/**
 * The profile a connection writes with: the built-in profile of `system` (or the conservative
 * generic one, see generic-profile.ts) with the connection's overrides applied.
 * @example effectiveProfile(loadBuiltinProfiles(), 'sap', connection.overrides, connection.id)
 */
export function effectiveProfile(
  builtins: Map<string, WriteProfile>,
  system: string,
  overrides?: unknown,
  connectionId?: string,
): WriteProfile {
  const base = builtins.get(system) ?? builtins.get(system.trim().toLowerCase()) ?? genericProfile(system);
  if (overrides === undefined || overrides === null) return base;
  return applyOverrides(base, overrides, connectionId ? `connection "${connectionId}"` : `overrides of ${system}`);
}
