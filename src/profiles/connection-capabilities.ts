// Capability discovery for one configured connection: what it accepts for an entity and operation,
// as JSON Schema (src/profiles/capabilities.ts), from its system's profile with the connection's
// overrides applied. Offline: no Makini call, so the connection's system must be configured.
// Used by the `capabilities` CLI command; backend services import it from src/client.
import { loadConnectionsFile, type ConnectionsFile } from '../config/connections.js';
import { ENTITIES, OPERATIONS, type Entity, type Operation, type WriteProfile } from './workflow/schema.js';
import { describeCapabilities, type JsonSchema } from './capabilities.js';
import { loadBuiltinProfiles } from './load-profiles.js';
import { effectiveProfile } from './overrides.js';

export type CapabilitiesFailure =
  'unknown-connection' | 'system-not-configured' | 'unknown-entity' | 'unknown-operation' | 'invalid-config';

/** A capabilities question that cannot be answered; `reason` says which part is wrong. */
export class CapabilitiesError extends Error {
  override name = 'CapabilitiesError';
  constructor(
    readonly reason: CapabilitiesFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface CapabilitiesRequest {
  /** The connections config, parsed, or the path of its file (e.g. MAKINI_CONNECTIONS_FILE). */
  connections: ConnectionsFile | string;
  connectionId: string;
  /** `workOrder` (or `work-order`), `purchaseOrder`, `inventory`. */
  entity: string;
  /** `create`, `update`, `changeStatus`, `cancel`, `addLine`, `addMaterials`, `adjust`. */
  operation: string;
  /** Built-in profiles (default: profiles/*.yaml, loaded once). */
  builtins?: Map<string, WriteProfile>;
}

let cachedBuiltins: Map<string, WriteProfile> | undefined;

/** `work-order` / `work_order` / `WorkOrder` → `workOrder`. */
const camel = (s: string) =>
  s
    .trim()
    .replace(/[-_\s]+(.)/g, (_, c: string) => c.toUpperCase())
    .replace(/^./, (c) => c.toLowerCase());

function oneOf<T extends string>(value: string, allowed: readonly T[], reason: CapabilitiesFailure, what: string): T {
  const hit = allowed.find((a) => a === value || a === camel(value));
  if (!hit) throw new CapabilitiesError(reason, `unknown ${what} "${value}": one of ${allowed.join(', ')}`);
  return hit;
}

/**
 * The JSON Schema of what `connectionId` accepts for `operation` on `entity` (required, writable and
 * read-only fields, state rules as `x-makini-*`). Throws `CapabilitiesError` naming what is wrong.
 * @example capabilitiesOf({ connections: process.env.MAKINI_CONNECTIONS_FILE!, connectionId: 'plant-emaint', entity: 'workOrder', operation: 'create' }).required
 *   // → ['assetKey', 'title', 'scheduledAt']
 */
export function capabilitiesOf(req: CapabilitiesRequest): JsonSchema {
  const entity: Entity = oneOf(req.entity, ENTITIES, 'unknown-entity', 'entity');
  const operation: Operation = oneOf(req.operation, OPERATIONS, 'unknown-operation', 'operation');
  const source = typeof req.connections === 'string' ? req.connections : 'the connections config';
  let file: ConnectionsFile;
  try {
    file = typeof req.connections === 'string' ? loadConnectionsFile(req.connections) : req.connections;
  } catch (err) {
    throw new CapabilitiesError('invalid-config', (err as Error).message);
  }
  const connection = file.connections.find((c) => c.id === req.connectionId);
  if (!connection) {
    throw new CapabilitiesError(
      'unknown-connection',
      `unknown connection "${req.connectionId}" in ${source} ` + `(known: ${file.connections.map((c) => c.id).join(', ') || 'none'})`,
    );
  }
  if (!connection.system) {
    throw new CapabilitiesError(
      'system-not-configured',
      `connection "${connection.id}" has no system in ${source}: ` +
        'set `system` to the provider as Makini names it (sap, emaint, maintain-x, ...); capabilities are computed without calling Makini',
    );
  }
  const builtins = req.builtins ?? (cachedBuiltins ??= loadBuiltinProfiles());
  let profile: WriteProfile;
  try {
    profile = effectiveProfile(builtins, connection.system, connection.overrides, connection.id);
  } catch (err) {
    throw new CapabilitiesError('invalid-config', (err as Error).message);
  }
  return describeCapabilities(profile, entity, operation);
}
