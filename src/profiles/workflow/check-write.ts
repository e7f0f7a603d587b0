// The restrictions check: one write request against one system's profile → every violated rule.
// Pure and total: it never throws, whatever the request holds (property-tested).
import type { Violation } from '../../failures/workflow/failure-types.js';
import { isSystemManaged, requestShape } from './makini-fields.js';
import { statusIs, statusLabel, type StatusRef } from './status-names.js';
import { ENTITIES, OPERATIONS, type Entity, type EntityProfile, type Operation, type OperationRule, type WriteProfile } from './schema.js';

/** Rule names reported in violations (stable: callers match on them). */
export const Rule = {
  operationNotAllowed: 'operation-not-allowed',
  required: 'required',
  readOnly: 'read-only',
  /** The system accepts only a listed set of fields for this operation (`writable`), and this is not one. */
  fieldNotWritable: 'field-not-writable',
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
  /**
   * The record's current status (update, changeStatus, cancel, addLine): the listed status it is
   * in where the caller resolved it (compared by code or name), else its status text.
   */
  currentStatus?: string | StatusRef;
  /** Target status of changeStatus / cancel, likewise. */
  targetStatus?: string | StatusRef;
  /** Outcome of `mustExist` lookups: field → whether its value exists in the target. */
  references?: Record<string, boolean>;
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (obj: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(obj, k);

/** Any value as text, never throwing (symbols, BigInts, null-prototype objects). */
function show(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    try {
      return String(v);
    } catch {
      return '(unprintable)';
    }
  }
}

/** Reads `a.b` paths; `parts.*.x` style paths are checked per element by `elementPaths`. */
function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = hasOwn(cur, part) ? cur[part] : undefined;
  }
  return cur;
}

/** `parts.*.partKey` → { array: 'parts', key: 'partKey' }; undefined for a plain path. */
function elementPath(path: string): { array: string; key: string } | undefined {
  const i = path.indexOf('.*.');
  if (i <= 0) return undefined;
  return { array: path.slice(0, i), key: path.slice(i + 3) };
}

/** The entity profile, only for a known entity (a cast string like `constructor` must not reach the prototype). */
function entityOf(profile: WriteProfile, entity: unknown): (EntityProfile & { lines?: string }) | undefined {
  if (typeof entity !== 'string' || !(ENTITIES as readonly string[]).includes(entity) || !hasOwn(profile, entity)) return undefined;
  return profile[entity as Entity];
}

function operationOf(ent: EntityProfile, operation: Operation): OperationRule | undefined {
  return isRecord(ent.operations) && hasOwn(ent.operations, operation) ? ent.operations[operation] : undefined;
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
  const request: Partial<WriteCheckRequest> = isRecord(req) ? req : {};
  const ent = entityOf(profile, request.entity);
  if (!ent) {
    add('(entity)', Rule.operationNotAllowed, `${system} has no write profile for ${show(request.entity)}`);
    return out;
  }
  const entity = request.entity as Entity;
  if (typeof request.operation !== 'string' || !(OPERATIONS as readonly string[]).includes(request.operation)) {
    add(
      '(operation)',
      Rule.operationNotAllowed,
      `unknown operation ${show(request.operation)} on ${entity} (${system})`,
      `one of ${OPERATIONS.join(', ')}`,
    );
    return out;
  }
  const operation = request.operation;
  const fields = isRecord(request.fields) ? request.fields : {};
  const lines: unknown[] = Array.isArray(request.lines) ? request.lines : [];
  const op = operationOf(ent, operation);
  if (op && !op.allowed) {
    add('(operation)', Rule.operationNotAllowed, `${system} does not allow ${operation} on ${entity}${op.reason ? `: ${op.reason}` : ''}`);
  }
  if (entity === 'purchaseOrder' && operation === 'addLine' && profile.purchaseOrder.lines === 'with-header') {
    add(
      'lineItems',
      Rule.linesWithHeaderOnly,
      `${system} creates purchase order lines only in the same request as the header`,
      'send every line in createPurchaseOrder; an existing PO cannot get new lines',
    );
  }
  if (operation === 'cancel' && ent.delete.by === 'impossible') {
    add('(operation)', Rule.deleteImpossible, `${system} cannot cancel or delete a ${entity}: ${ent.delete.reason}`);
  }

  // Keys, timestamps and computed counts are the system's on every entity [spec].
  const shape = requestShape(entity, operation);
  const readOnlyReported = new Set<string>();
  for (const f of Object.keys(fields)) {
    if (isSystemManaged(shape.fields, f)) {
      readOnlyReported.add(f);
      add(f, Rule.readOnly, `${f} is set by ${system}, never by a write (${entity} ${operation})`, `remove ${f} from the write`);
    }
  }
  if (shape.lineFields) {
    const lineFields = shape.lineFields;
    lines.forEach((line, i) => {
      if (!isRecord(line)) return;
      for (const f of Object.keys(line)) {
        if (isSystemManaged(lineFields, f))
          add(`lineItems[${i}].${f}`, Rule.readOnly, `line ${i + 1}: ${f} is set by ${system}`, `remove ${f} from the line`);
      }
    });
  }

  if (op) {
    for (const f of op.required) {
      const el = elementPath(f);
      if (el) {
        const arr = valueAt(fields, el.array);
        if (!Array.isArray(arr)) continue; // the array itself is optional unless listed on its own
        arr.forEach((item, i) => {
          if (isBlank(isRecord(item) ? valueAt(item, el.key) : undefined)) {
            add(
              `${el.array}[${i}].${el.key}`,
              Rule.required,
              `${el.array}[${i}].${el.key} is required by ${system} for ${entity} ${operation}`,
              `set ${el.key} on every ${el.array} element`,
            );
          }
        });
        continue;
      }
      if (isBlank(valueAt(fields, f))) add(f, Rule.required, `${f} is required by ${system} for ${entity} ${operation}`, `set ${f}`);
    }
    for (const f of op.readOnly) {
      if (readOnlyReported.has(f)) continue;
      if (valueAt(fields, f) !== undefined) {
        readOnlyReported.add(f);
        add(f, Rule.readOnly, `${f} is read-only on ${system} (${entity} ${operation})`, `remove ${f} from the write`);
      }
    }
    if (op.writable)
      checkWhitelist(
        op,
        op.writable,
        fields,
        readOnlyReported,
        (field, message, hint) => add(field, Rule.fieldNotWritable, message, hint),
        system,
        entity,
        operation,
      );
    for (const m of op.mustExist) {
      if (isRecord(request.references) && request.references[m.field] === false) {
        add(
          m.field,
          Rule.referenceNotFound,
          `${m.field} "${show(valueAt(fields, m.field))}" does not exist in ${system} (${m.lookup} lookup)`,
          `use an existing ${m.lookup} of this connection`,
        );
      }
    }
    if (op.maxLines !== undefined && lines.length > op.maxLines) {
      add('lineItems', Rule.tooManyLines, `${system} accepts at most ${op.maxLines} lines per request; got ${lines.length}`);
    }
    lines.forEach((line, i) => {
      const l = isRecord(line) ? line : {};
      for (const f of op.lineRequired) {
        if (isBlank(valueAt(l, f)))
          add(`lineItems[${i}].${f}`, Rule.lineRequired, `line ${i + 1}: ${f} is required by ${system}`, `set ${f} on every line`);
      }
    });
  }
  const custom = fields.customFields;
  if (isRecord(custom)) {
    const map: Record<string, string> = isRecord(ent.customFieldMap) ? ent.customFieldMap : {};
    for (const name of Object.keys(custom)) {
      const target = hasOwn(map, name) ? map[name]! : name;
      if (!ent.writableCustomFields.includes(target)) {
        add(
          `customFields.${name}`,
          Rule.customFieldNotWritable,
          target === name
            ? `custom field ${name} is not writable on ${system}`
            : `custom field ${name} (${system} field ${target}) is not writable on ${system}`,
          'map it as writable in the connection overrides if the customer system allows it',
        );
      }
    }
  }
  const current = statusOf(request.currentStatus);
  if (current !== undefined) {
    const target = statusOf(request.targetStatus);
    for (const rule of ent.stateRules) {
      // One status comparison (status-names.ts): the profile's names against the status's code or name.
      if (!rule.states.some((s) => statusIs(current, s)) || !rule.refuses.includes(operation)) continue;
      const statusChange = operation === 'changeStatus' || operation === 'cancel';
      if (statusChange && rule.allowedStatusChanges.some((s) => statusIs(target, s))) continue;
      add(
        'status',
        Rule.stateLocked,
        `${entity} in status "${describeStatus(current)}" refuses ${operation} on ${system}: ${rule.reason}`,
        rule.allowedStatusChanges.length ? `still allowed: status change to ${rule.allowedStatusChanges.join(', ')}` : undefined,
      );
    }
  }
  return out;
}

/** A status of the request as the comparison takes it (a cast non-string, non-object counts as its text). */
function statusOf(v: unknown): string | StatusRef | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || (typeof v === 'object' && !Array.isArray(v))) return v as string | StatusRef;
  return show(v);
}

function describeStatus(s: string | StatusRef): string {
  try {
    return statusLabel(s);
  } catch {
    return show(s);
  }
}

/** Fields outside `required` ∪ `writable` (and array elements with keys outside their `a.*.b` list). */
function checkWhitelist(
  op: OperationRule,
  writable: readonly string[],
  fields: Record<string, unknown>,
  readOnlyReported: Set<string>,
  report: (field: string, message: string, hint: string) => void,
  system: string,
  entity: string,
  operation: string,
) {
  const listed = [...op.required, ...writable];
  const top = new Set(listed.map((f) => f.split('.')[0]!));
  const elementKeys = new Map<string, Set<string>>();
  for (const f of listed) {
    const el = elementPath(f);
    if (!el) continue;
    const keys = elementKeys.get(el.array) ?? new Set<string>();
    keys.add(el.key.split('.')[0]!);
    elementKeys.set(el.array, keys);
  }
  const accepted = [...top].join(', ') || '(none)';
  for (const name of Object.keys(fields)) {
    if (name === 'customFields' || top.has(name) || readOnlyReported.has(name)) continue;
    const label = name === '' ? '(empty field name)' : name;
    report(label, `${label} is not accepted by ${system} for ${entity} ${operation}`, `fields accepted: ${accepted}`);
  }
  for (const [array, keys] of elementKeys) {
    const arr = fields[array];
    if (!hasOwn(fields, array) || !Array.isArray(arr)) continue;
    arr.forEach((item, i) => {
      if (!isRecord(item)) return;
      for (const k of Object.keys(item)) {
        if (!keys.has(k))
          report(
            `${array}[${i}].${k}`,
            `${array}[${i}].${k} is not accepted by ${system} for ${entity} ${operation}`,
            `${array} elements accept: ${[...keys].join(', ')}`,
          );
      }
    });
  }
}
