// Custom-field names as the caller knows them → as the target system knows them (per connection).
import type { Entity, WriteProfile } from './schema.js';

/**
 * Renames `fields.customFields` keys through the entity's `customFieldMap` (caller name → target
 * name); unmapped names pass unchanged. Call it after `checkWrite` passed, right before the write.
 * @example mapCustomFields(profile, 'purchaseOrder', { customFields: { costCenter: '4711' } })
 *   // → { customFields: { ZZ_KOSTL: '4711' } } when the connection maps costCenter → ZZ_KOSTL
 */
export function mapCustomFields<T extends Record<string, unknown>>(profile: WriteProfile, entity: Entity, fields: T): T {
  const map = profile[entity].customFieldMap;
  const custom = fields.customFields;
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom) || Object.keys(map).length === 0) return fields;
  const renamed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(custom)) {
    renamed[Object.prototype.hasOwnProperty.call(map, name) ? map[name]! : name] = value;
  }
  return { ...fields, customFields: renamed };
}
