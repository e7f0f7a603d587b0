// The admin API shared by admin.ts (server) and admin-client.ts: paths, bodies, answers.
// Admin routes are the sandbox's own (not Makini's), under /_admin, loopback only, no auth.
import { z } from 'zod';
import { chaosConfigSchema, faultScriptSchema, type PendingFault } from './faults.js';
import type { RequestLogEntry } from './registry.js';
import type {
  InventoryRecord, MaterialRecord, PurchaseOrderRecord, VendorRecord, WorkOrderMaterialRecord, WorkOrderRecord, WriteCounters,
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
  state: (id: string) => `${conn(id)}/state`,
  requests: (id: string) => `${conn(id)}/requests`,
  /** `*`: every connection without chaos of its own. */
  chaos: (target: string) => `${ADMIN_PREFIX}/chaos/${enc(target)}`,
  reset: () => `${ADMIN_PREFIX}/reset`,
} as const;

export const reauthorizeBodySchema = z.strictObject({ token: z.string().min(1).optional() });
export const rateLimitBodySchema = z.strictObject({ writesPerMinute: z.number().int().positive().nullable() });
export const faultsBodySchema = z.strictObject({ faults: z.array(faultScriptSchema) });
export const chaosBodySchema = z.strictObject({ chaos: chaosConfigSchema.nullable() });

/** Extra reference data for a connection (on top of the seeded V-100.., mat-1.., inv-1..). */
export const referenceBodySchema = z.strictObject({
  vendors: z.array(z.strictObject({ key: z.string().min(1).optional(), code: z.string().min(1), name: z.string().default('') })).default([]),
  /** Each material gets its own inventory (key `inv-<material key>` unless given). */
  materials: z.array(z.strictObject({
    key: z.string().min(1), code: z.string().min(1).optional(), name: z.string().default(''),
    inventoryKey: z.string().min(1).optional(), quantity: z.number().int().nonnegative().default(0),
  })).default([]),
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
  writes: WriteCounters;
  pendingFaults: PendingFault[];
}

export type { RequestLogEntry, PendingFault };
