// Write profiles: the built-in ones (profiles/*.yaml), per-connection overrides, the generic
// profile of unknown systems, and capability discovery. The checker itself is pure domain code.
export { BUILTIN_PROFILES_DIR, loadBuiltinProfiles, parseProfile } from './load-profiles.js';
export {
  applyOverrides, effectiveProfile, entityOverrideSchema, operationOverrideSchema, profileOverridesSchema,
  purchaseOrderOverrideSchema, stateRuleRemovalSchema, type EntityOverride, type OperationOverride, type ProfileOverrides,
} from './overrides.js';
export { GENERIC_WRITES_PER_MINUTE, genericProfile } from './generic-profile.js';
export { describeCapabilities, JSON_SCHEMA_DIALECT, type JsonSchema } from './capabilities.js';
export { capabilitiesOf, CapabilitiesError, type CapabilitiesRequest } from './connection-capabilities.js';
export { checkWrite, Rule, type WriteCheckRequest } from './check-write.js';
export { mapCustomFields } from './custom-fields.js';
export { requestShape, SYSTEM_MANAGED_FIELDS, type FieldSpec, type RequestShape } from './makini-fields.js';
export {
  ENTITIES, OPERATIONS, writeProfileSchema, type Entity, type Operation, type WriteProfile, type WriteProfileInput,
} from './schema.js';
