// Where a created work order carries the caller's idempotency key, so that a create whose answer
// was lost can be found again instead of repeated.
//
// The profile's `referenceField` (usually `code`) is the first choice. Several CMMS take only the
// fields Makini's platform validation lists (eMaint: assetKey, title, scheduledAt, dueAt,
// description), and `code` is not among them: writing it would be refused. There the key travels
// as a marker `[makini-writes:<key>]` at the end of the first free-text field the system does take
// (description, notes, instructions), and the lookup is `filter[<field>:contains]=<marker>`
// [spec: `filter[field:contains]`], confirmed by an exact substring match on each hit. The brackets
// keep `order-1` from matching `order-10`. A system with neither gets `none`: an ambiguous create
// then stops for a person instead of being repeated.
import { isSystemManaged, requestShape } from '../../../profiles/workflow/makini-fields.js';
import type { WriteProfile } from '../../../profiles/workflow/schema.js';
import type { ReferenceCarrier } from './contract.js';

/** Free-text fields that can carry a marker, in order of preference. */
export const MARKER_FIELDS = ['description', 'notes', 'instructions'] as const;

/** The marker text written for an idempotency key (its characters need no escaping). */
export const referenceMarker = (idempotencyKey: string) => `[makini-writes:${idempotencyKey}]`;

/** Whether the system takes `field` in a work-order create, per its profile. */
export function createAccepts(profile: WriteProfile, field: string): boolean {
  const op = profile.workOrder.operations.create;
  if (isSystemManaged(requestShape('workOrder', 'create').fields, field)) return false;
  if (!op) return true;
  if (!op.allowed || op.readOnly.includes(field)) return false;
  return op.writable === undefined || op.required.includes(field) || op.writable.includes(field);
}

/**
 * How a work-order create on this system carries `idempotencyKey`.
 * @example referenceCarrier(emaint, 'wo-42') // → { mode: 'marker', field: 'description', marker: '[makini-writes:wo-42]' }
 */
export function referenceCarrier(profile: WriteProfile, idempotencyKey: string): ReferenceCarrier {
  const ref = profile.workOrder.referenceField;
  if (createAccepts(profile, ref)) return { mode: 'field', field: ref };
  const field = MARKER_FIELDS.find((f) => createAccepts(profile, f));
  if (field) return { mode: 'marker', field, marker: referenceMarker(idempotencyKey) };
  return {
    mode: 'none',
    reason: `${profile.system} takes neither its reference field ${ref} nor a free-text field (${MARKER_FIELDS.join(', ')}) in a work-order create`,
  };
}

/** The create body with the key in place: the reference field set, or the marker appended to the text. */
export function withReference(fields: Record<string, unknown>, carrier: ReferenceCarrier, idempotencyKey: string): Record<string, unknown> {
  if (carrier.mode === 'field') return { ...fields, [carrier.field]: idempotencyKey };
  if (carrier.mode === 'marker') {
    const text = fields[carrier.field];
    return { ...fields, [carrier.field]: typeof text === 'string' && text.trim() !== '' ? `${text}\n\n${carrier.marker}` : carrier.marker };
  }
  return fields;
}

/** Whether a work order read back carries the key (exact field value, or the marker in the text). */
export function carriesReference(record: Record<string, unknown>, carrier: ReferenceCarrier, idempotencyKey: string): boolean {
  if (carrier.mode === 'field') return record[carrier.field] === idempotencyKey;
  if (carrier.mode === 'marker') {
    const text = record[carrier.field];
    return typeof text === 'string' && text.includes(carrier.marker);
  }
  return false;
}
