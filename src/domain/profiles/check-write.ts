// The restrictions check: one write request against one system's profile → every violated rule.
// Pure and total: it never throws, whatever the request holds (property-tested).
import type { Violation } from '../failures.js';
import type { Entity, EntityProfile, Operation, WriteProfile } from './schema.js';

/** Rule names reported in violations (stable: callers match on them). */
export const Rule = {
  operationNotAllowed: 'operation-not-allowed',
  required: 'required',
  readOnly: 'read-only',
  customFieldNotWritable: 'custom-field-not-writable',
  stateLocked: 'state-locked',
  referenceNotFound: 'reference-not-found',
  lineRequired: 'line-required',
  tooManyLines: 'too-many-lines',
  linesWithHeaderOnly: 'lines-with-header-only',
  deleteImpossible: 'delete-impossible',
} as const;

export interface WriteCheckRequest {
  entity: Entity;
  operation: Operation;
  /** Fields the write sends; a key present (even null) counts as written. */
  fields?: Record<string, unknown>;
  /** PO line items sent with the write. */
  lines?: readonly Record<string, unknown>[];
  /** The record's current Makini status (update, changeStatus, cancel, addLine). */
  currentStatus?: string;
  /** Target status of changeStatus / cancel. */
  targetStatus?: string;
  /** Outcome of `mustExist` lookups: field → whether its value exists in the target. */
  references?: Record<string, boolean>;
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `a.b` paths; `parts.*.x` style paths are checked per element by the caller. */
function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined;
  }
  return cur;
}

function entityOf(profile: WriteProfile, entity: Entity): EntityProfile & { lines?: string } {
  return profile[entity];
}

/**
 * Checks a write against a profile and returns every violation at once (empty = allowed).
 * @example checkWrite(sap, { entity: 'purchaseOrder', operation: 'addLine', currentStatus: 'draft' })
 *   // → [{ field: 'lineItems', rule: 'lines-with-header-only', system: 'sap', ... }]
 */
export function checkWrite(profile: WriteProfile, req: WriteCheckRequest): Violation[] {
  const system = profile.system;
  const out: Violation[] = [];
  const add = (field: string, rule: string, message: string, hint?: string) => out.push({ field, rule, system, message, hint });
  const ent = entityOf(profile, req.entity);
  if (!ent) {
    add('(entity)', Rule.operationNotAllowed, `${system} has no write profile for ${String(req.entity)}`);
    return out;
  }
  const fields = isRecord(req.fields) ? req.fields : {};
  const op = ent.operations[req.operation];
  if (op && !op.allowed) {
    add('(operation)', Rule.operationNotAllowed, `${system} does not allow ${req.operation} on ${req.entity}${op.reason ? `: ${op.reason}` : ''}`);
  }
  if (req.entity === 'purchaseOrder' && req.operation === 'addLine' && profile.purchaseOrder.lines === 'with-header') {
    add('lineItems', Rule.linesWithHeaderOnly, `${system} creates purchase order lines only in the same request as the header`,
      'send every line in createPurchaseOrder; an existing PO cannot get new lines');
  }
  if (req.operation === 'cancel' && ent.delete.by === 'impossible') {
    add('(operation)', Rule.deleteImpossible, `${system} cannot cancel or delete a ${req.entity}: ${ent.delete.reason}`);
  }
  if (op) {
    for (const f of op.required) {
      if (f.includes('*')) continue; // element paths are checked on lines below
      if (isBlank(valueAt(fields, f))) add(f, Rule.required, `${f} is required by ${system} for ${req.entity} ${req.operation}`, `set ${f}`);
    }
    for (const f of op.readOnly) {
      if (valueAt(fields, f) !== undefined) add(f, Rule.readOnly, `${f} is read-only on ${system} (${req.entity} ${req.operation})`, `remove ${f} from the write`);
    }
    for (const m of op.mustExist) {
      if (req.references?.[m.field] === false) {
        add(m.field, Rule.referenceNotFound, `${m.field} "${String(valueAt(fields, m.field))}" does not exist in ${system} (${m.lookup} lookup)`,
          `use an existing ${m.lookup} of this connection`);
      }
    }
    const lines = Array.isArray(req.lines) ? req.lines : [];
    if (op.maxLines !== undefined && lines.length > op.maxLines) {
      add('lineItems', Rule.tooManyLines, `${system} accepts at most ${op.maxLines} lines per request; got ${lines.length}`);
    }
    lines.forEach((line, i) => {
      const l = isRecord(line) ? line : {};
      for (const f of op.lineRequired) {
        if (isBlank(valueAt(l, f))) add(`lineItems[${i}].${f}`, Rule.lineRequired, `line ${i + 1}: ${f} is required by ${system}`, `set ${f} on every line`);
      }
    });
  }
  const custom = fields.customFields;
  if (isRecord(custom)) {
    for (const name of Object.keys(custom)) {
      if (!ent.writableCustomFields.includes(name)) {
        add(`customFields.${name}`, Rule.customFieldNotWritable, `custom field ${name} is not writable on ${system}`,
          'map it as writable in the connection overrides if the customer system allows it');
      }
    }
  }
  if (req.currentStatus !== undefined) {
    for (const rule of ent.stateRules) {
      if (!rule.states.includes(req.currentStatus) || !rule.refuses.includes(req.operation)) continue;
      const statusChange = req.operation === 'changeStatus' || req.operation === 'cancel';
      if (statusChange && req.targetStatus !== undefined && rule.allowedStatusChanges.includes(req.targetStatus)) continue;
      add('status', Rule.stateLocked, `${req.entity} in status "${req.currentStatus}" refuses ${req.operation} on ${system}: ${rule.reason}`,
        rule.allowedStatusChanges.length ? `still allowed: status change to ${rule.allowedStatusChanges.join(', ')}` : undefined);
    }
  }
  return out;
}
