// The admin API shared by admin.ts (server) and admin-client.ts: paths, bodies, answers.
// Admin routes are the sandbox's own (not Makini's), under /_admin, loopback only, no auth.
import { z } from 'zod';
import type { BehaviourPatch, ConnectionBehaviour } from './behaviour.js';
import { chaosConfigSchema, faultScriptSchema, type PendingFault } from './faults.js';
import type { InFlightRequest, RequestLogEntry } from './registry.js';
import type {
  InventoryRecord,
  MaterialRecord,
  PurchaseOrderRecord,
  SiteRecord,
  VendorRecord,
  WorkOrderMaterialRecord,
  WorkOrderRecord,
  WriteCounters,
} from './store.js';

export const ADMIN_PREFIX = '/_admin';

const enc = encodeURIComponent;
const conn = (id: string) => `${ADMIN_PREFIX}/connections/${enc(id)}`;

export const AdminPath = {
  connections: () => `${ADMIN_PREFIX}/connections`,
  reauthorize: (id: string) => `${conn(id)}/reauthorize`,
  requireReauthorization: (id: string) => `${conn(id)}/require-reauthorization`,
  rateLimit: (id: string) => `${conn(id)}/rate-limit`,
  faults: (id: string) => `${conn(id)}/faults`,
  clearFaults: (id: string) => `${conn(id)}/faults/clear`,
  reference: (id: string) => `${conn(id)}/reference`,
  /** GET the switches; PUT a subset of them (see behaviour.ts). */
  behaviour: (id: string) => `${conn(id)}/behaviour`,
  state: (id: string) => `${conn(id)}/state`,
  requests: (id: string) => `${conn(id)}/requests`,
  /** GET the requests received and not answered yet (oldest first). */
  inFlight: (id: string) => `${conn(id)}/in-flight`,
  /** POST: OAuth on, with lifetimes (oauth.ts), answers `{ code }`; GET: its counts and issued tokens. */
  oauth: (id: string) => `${conn(id)}/oauth`,
  /** Every access token of the connection expires now. */
  expireOAuth: (id: string) => `${conn(id)}/oauth/expire`,
  /** `*`: every connection without chaos of its own. */
  chaos: (target: string) => `${ADMIN_PREFIX}/chaos/${enc(target)}`,
  reset: () => `${ADMIN_PREFIX}/reset`,
} as const;

export const reauthorizeBodySchema = z.strictObject({ token: z.string().min(1).optional() });
export const rateLimitBodySchema = z.strictObject({ writesPerMinute: z.number().int().positive().nullable() });
export const faultsBodySchema = z.strictObject({ faults: z.array(faultScriptSchema) });
export { behaviourPatchSchema } from './behaviour.js';
export const chaosBodySchema = z.strictObject({ chaos: chaosConfigSchema.nullable() });

/**
 * Extra reference data for a connection (on top of the seeded V-100.., 1000/S1/S2, mat-1.., inv-1..).
 * A key never equals its code (as in Makini); left out, a key is generated (14 digits) and a
 * material's code is `M-<key>`.
 */
const keyNotCode = (r: { key?: string; code?: string }) => r.key === undefined || r.key !== r.code;
const KEY_IS_CODE = { message: 'key must differ from code: opaque keys never equal codes', path: ['key'] };
export const referenceBodySchema = z.strictObject({
  vendors: z
    .array(
      z
        .strictObject({ key: z.string().min(1).optional(), code: z.string().min(1), name: z.string().default('') })
        .refine(keyNotCode, KEY_IS_CODE),
    )
    .default([]),
  sites: z
    .array(
      z
        .strictObject({ key: z.string().min(1).optional(), code: z.string().min(1), name: z.string().default('') })
        .refine(keyNotCode, KEY_IS_CODE),
    )
    .default([]),
  /** Each material gets its own inventory (key `inv-<material key>` unless given). */
  materials: z
    .array(
      z
        .strictObject({
          key: z.string().min(1),
          code: z.string().min(1).optional(),
          name: z.string().default(''),
          inventoryKey: z.string().min(1).optional(),
          quantity: z.number().int().nonnegative().default(0),
        })
        .refine(keyNotCode, KEY_IS_CODE),
    )
    .default([]),
});
export type ReferenceData = z.input<typeof referenceBodySchema>;

export interface ConnectionSummary {
  id: string;
  system: string;
  writesPerMinute: number | null;
  needsReauthorization: boolean;
}

/** Everything a connection's system holds, for assertions ("exists exactly once, with its lines"). */
export interface SandboxState {
  connection: ConnectionSummary;
  purchaseOrders: PurchaseOrderRecord[];
  workOrders: (WorkOrderRecord & { materials: WorkOrderMaterialRecord[] })[];
  inventories: InventoryRecord[];
  materials: MaterialRecord[];
  vendors: VendorRecord[];
  sites: SiteRecord[];
  behaviour: ConnectionBehaviour;
  writes: WriteCounters;
  pendingFaults: PendingFault[];
}

export type { BehaviourPatch, ConnectionBehaviour, InFlightRequest, RequestLogEntry, PendingFault };
