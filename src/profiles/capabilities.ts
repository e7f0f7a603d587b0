// Capability discovery: what one system accepts for one entity operation, as a JSON Schema
// (draft 2020-12) with `x-makini-*` extensions for what JSON Schema cannot say (state rules,
// reference lookups, line handling). Pure: derived from the profile and the Makini field list.
import { requestShape, type FieldSpec } from './workflow/makini-fields.js';
import {
  PASSTHROUGH_DIALECT_TRAITS,
  transportLabel,
  type Entity,
  type Operation,
  type StateRule,
  type WriteProfile,
} from './workflow/schema.js';

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = { [key: string]: unknown };

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const customFieldValue: JsonSchema = { type: ['string', 'number', 'boolean', 'null'] };

function fieldSchema(spec: FieldSpec | undefined, nullable: boolean): JsonSchema {
  if (!spec) return { description: "named by this system's profile; not a field of the Makini spec" };
  const out: JsonSchema = { type: nullable ? [spec.type, 'null'] : spec.type };
  if (spec.format) out.format = spec.format;
  if (spec.description) out.description = spec.description;
  if (spec.source === 'platform-validation') out['x-makini-source'] = 'makini platform-validation.json (not in the oas3 spec)';
  return out;
}

/** `parts.*.partKey` → ['parts', 'partKey']. */
function splitElement(path: string): [string, string] | undefined {
  const i = path.indexOf('.*.');
  return i > 0 ? [path.slice(0, i), path.slice(i + 3)] : undefined;
}

/** Why the operation is refused whatever the request, if it is. */
function refusals(profile: WriteProfile, entity: Entity, operation: Operation): string[] {
  const ent = profile[entity];
  const op = ent.operations[operation];
  const out: string[] = [];
  if (op && !op.allowed) out.push(op.reason ?? `${profile.system} does not allow ${operation} on ${entity}`);
  if (entity === 'purchaseOrder' && operation === 'addLine' && profile.purchaseOrder.lines === 'with-header') {
    out.push(`${profile.system} creates purchase order lines only in the same request as the header`);
  }
  if (operation === 'cancel' && ent.delete.by === 'impossible') out.push(ent.delete.reason);
  return out;
}

/**
 * What `profile.system` accepts for `operation` on `entity`, as a JSON Schema: required fields in
 * `required`, read-only ones with `readOnly: true`, writable custom fields under `customFields`,
 * line requirements under `lineItems`, and `x-makini-*` extensions (allowed, state rules,
 * reference field, lookups). An operation refused outright gets `not: {}` (no body is valid).
 * @example describeCapabilities(sap, 'purchaseOrder', 'create').required // → ['vendorKey', 'siteKey', 'currencyKey', 'lineItems']
 */
export function describeCapabilities(profile: WriteProfile, entity: Entity, operation: Operation): JsonSchema {
  const ent = profile[entity];
  const op = ent.operations[operation];
  const shape = requestShape(entity, operation);
  const required = op?.required ?? [];
  const readOnlyListed = op?.readOnly ?? [];
  const whitelist = op?.writable;
  const refFieldReserved = operation === 'create' || operation === 'update';

  const topRequired = [...new Set(required.filter((f) => !splitElement(f)).map((f) => f.split('.')[0]!))];
  const names = whitelist
    ? [...new Set([...required, ...whitelist].filter((f) => !splitElement(f)).map((f) => f.split('.')[0]!))]
    : Object.keys(shape.fields);
  const readOnly = new Set<string>([
    ...Object.entries(shape.fields)
      .filter(([, s]) => s.systemManaged)
      .map(([f]) => f),
    ...readOnlyListed,
    ...(refFieldReserved && Object.prototype.hasOwnProperty.call(shape.fields, ent.referenceField) ? [ent.referenceField] : []),
  ]);

  const properties: Record<string, JsonSchema> = {};
  for (const name of [...names, ...[...readOnly].filter((f) => !names.includes(f))]) {
    const spec = shape.fields[name];
    const schema = fieldSchema(spec, !topRequired.includes(name));
    if (readOnly.has(name)) {
      schema.readOnly = true;
      if (name === ent.referenceField && refFieldReserved) {
        schema.description = `carries the idempotency key: set by makini-writes, never by the caller`;
      }
    }
    properties[name] = schema;
  }
  // Element keys of arrays (`parts.*.partKey`): what each element accepts and requires.
  const elementKeys = new Map<string, { keys: Set<string>; required: Set<string> }>();
  for (const f of [...required, ...(whitelist ?? [])]) {
    const el = splitElement(f);
    if (!el) continue;
    const entry = elementKeys.get(el[0]) ?? { keys: new Set(), required: new Set() };
    entry.keys.add(el[1]);
    if (required.includes(f)) entry.required.add(el[1]);
    elementKeys.set(el[0], entry);
  }
  for (const [array, { keys, required: req }] of elementKeys) {
    const itemSpecs = shape.fields[array]?.items ?? {};
    const itemProps = Object.fromEntries([...keys].map((k) => [k, fieldSchema(itemSpecs[k], !req.has(k))]));
    properties[array] = {
      ...(properties[array] ?? fieldSchema(shape.fields[array], true)),
      type: 'array',
      items: { type: 'object', properties: itemProps, required: [...req], additionalProperties: false },
    };
  }

  const customNames = [
    ...ent.writableCustomFields,
    ...Object.keys(ent.customFieldMap).filter((n) => ent.writableCustomFields.includes(ent.customFieldMap[n]!)),
  ];
  const takesBody = Object.keys(shape.fields).length > 0 && operation !== 'changeStatus';
  if (takesBody) {
    const customProps: Record<string, JsonSchema> = {};
    for (const name of new Set(customNames)) {
      const target = ent.customFieldMap[name];
      customProps[name] = target
        ? { ...customFieldValue, description: `written as ${profile.system} custom field ${target}` }
        : { ...customFieldValue };
    }
    properties.customFields = customNames.length
      ? { type: 'object', properties: customProps, additionalProperties: false, description: `custom fields writable on ${profile.system}` }
      : {
          type: 'object',
          maxProperties: 0,
          description: `no custom field is writable on ${profile.system} (a connection override can open one)`,
        };
  }

  const schemaRequired = [...topRequired];
  const lineRequired = op?.lineRequired ?? [];
  if (shape.lineFields) {
    const lineProps: Record<string, JsonSchema> = {};
    for (const [name, spec] of Object.entries(shape.lineFields)) {
      const s = fieldSchema(spec, !lineRequired.includes(name));
      if (spec.systemManaged) s.readOnly = true;
      lineProps[name] = s;
    }
    for (const name of lineRequired) if (!lineProps[name]) lineProps[name] = fieldSchema(undefined, false);
    const lineItems: JsonSchema = {
      type: 'array',
      minItems: 1,
      items: { type: 'object', properties: lineProps, required: [...lineRequired] },
      description: `purchase order lines (${
        profile.purchaseOrder.lines === 'with-header'
          ? 'only in the header request'
          : profile.purchaseOrder.lines === 'separately'
            ? 'written one by one after the header'
            : 'with the header or one by one'
      })`,
    };
    if (op?.maxLines !== undefined) lineItems.maxItems = op.maxLines;
    properties.lineItems = lineItems;
    if (operation === 'create' || operation === 'addLine') schemaRequired.push('lineItems');
  }

  const notAllowed = refusals(profile, entity, operation);
  const stateRules = ent.stateRules
    .filter((r: StateRule) => r.refuses.includes(operation))
    .map((r) => ({
      states: r.states,
      refuses: r.refuses,
      allowedStatusChanges: r.allowedStatusChanges,
      reason: r.reason,
    }));
  const writable = Object.keys(properties).filter((f) => !readOnly.has(f));

  const out: JsonSchema = {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:makini-writes:capabilities:${profile.system}:${entity}:${operation}`,
    title: `${profile.displayName}: ${entity} ${operation}`,
    description: notAllowed.length
      ? `${profile.system} refuses ${entity} ${operation}: ${notAllowed.join('; ')}`
      : `what ${profile.system} accepts for ${entity} ${operation} through Makini (checked before every write)`,
    type: 'object',
    properties,
    required: schemaRequired,
    'x-makini-system': profile.system,
    'x-makini-entity': entity,
    'x-makini-operation': operation,
    'x-makini-allowed': notAllowed.length === 0,
    'x-makini-fields': { required: schemaRequired, writable, readOnly: [...readOnly] },
    'x-makini-state-rules': stateRules,
    'x-makini-reference-field': ent.referenceField,
    'x-makini-writable-custom-fields': ent.writableCustomFields,
    'x-makini-custom-field-map': ent.customFieldMap,
    'x-makini-must-exist': op?.mustExist ?? [],
    'x-makini-delete': ent.delete,
    'x-makini-writes-per-minute': profile.writesPerMinute,
  };
  if (whitelist) out.additionalProperties = false;
  if (entity === 'purchaseOrder' && operation === 'create') {
    // How this write reaches the system (profile data: a connection override switches it).
    const t = profile.purchaseOrder.transport.create;
    out['x-makini-transport'] =
      t.via === 'passthrough'
        ? {
            via: t.via,
            dialect: t.dialect,
            label: transportLabel(t),
            linesInOneRequest: true,
            nativeDedupe: PASSTHROUGH_DIALECT_TRAITS[t.dialect].dedupesCreate,
          }
        : { via: t.via, label: transportLabel(t) };
  }
  if (shape.lineFields) {
    const lines: JsonSchema = { mode: profile.purchaseOrder.lines, required: lineRequired };
    if (op?.maxLines !== undefined) lines.maxLines = op.maxLines;
    out['x-makini-lines'] = lines;
  }
  if (notAllowed.length) {
    out['x-makini-refusals'] = notAllowed;
    out.not = {};
  }
  return out;
}
