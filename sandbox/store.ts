// Entity state of one connection: records as the API returns them, seeded reference data, counters.
// Handlers run synchronously between awaits, so every write is atomic with respect to the others.
import type { KeyGenerator } from './prng.js';

export const PO_STATUSES = ['draft', 'pending-approval', 'approved', 'cancelled', 'closed'] as const;
export type PoStatus = (typeof PO_STATUSES)[number];
export const WO_STATUSES = ['open', 'in-progress', 'on-hold', 'completed', 'cancelled'] as const;
export type WoStatus = (typeof WO_STATUSES)[number];

/** Status keys differ from status codes on purpose: a client mixing the two fails here too. */
export const poStatusKey = (s: PoStatus) => `po-status-${s}`;
export const woStatusKey = (s: WoStatus) => `wo-status-${s}`;

export interface LineItemRecord {
  key: string;
  purchaseOrderKey: string;
  lineNo: number | string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface PurchaseOrderRecord {
  key: string;
  code?: string;
  status: PoStatus;
  statusKey: string;
  createdAt: string;
  updatedAt: string;
  lineItems: LineItemRecord[];
  [field: string]: unknown;
}

export interface WorkOrderMaterialRecord {
  key: string;
  workOrderKey: string;
  materialKey: string;
  quantity: number;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface WorkOrderRecord {
  key: string;
  code?: string;
  status: WoStatus;
  statusKey: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface InventoryRecord {
  key: string;
  code: string;
  name: string;
  quantity: number;
  unitCost: number;
  locationKey: string;
  createdAt: string;
  updatedAt: string;
}

export interface MaterialRecord {
  key: string;
  code: string;
  name: string;
  partNumber: string;
  uomKey: string;
  isActive: boolean;
  /** The material's inventory (`PUT /materials/{key}/inventory` writes it). */
  inventoryKey: string;
}

export interface VendorRecord {
  key: string;
  code: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** Counts of write requests that reached the system (not 401s, not pre-handler faults). */
export interface WriteCounters {
  /** Write requests the handler ran (applied or refused). */
  attempted: number;
  applied: number;
  /** Refused by validation or state (4xx from the handler). */
  refused: number;
  /** Refused by the per-minute write limit. */
  rateLimited: number;
  /** Requests of any method answered or dropped by an injected fault. */
  faulted: number;
  /** Applied writes per operation, e.g. `purchaseOrder.create`. */
  byOperation: Record<string, number>;
}

const SEED_TIME = '2025-01-01T00:00:00.000Z';

/** Reference data every connection starts with (deterministic keys, documented for tests). */
export const SEED_VENDORS: readonly VendorRecord[] = [
  { key: 'V-100', code: 'V-100', name: 'Acme Industrial Supply', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'V-200', code: 'V-200', name: 'Nordic Bearings AB', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'V-300', code: 'V-300', name: 'Delta Seals GmbH', createdAt: SEED_TIME, updatedAt: SEED_TIME },
];
export const SEED_MATERIALS: readonly MaterialRecord[] = [
  { key: 'mat-1', code: 'M-6204', name: 'Ball bearing 6204', partNumber: '6204-2RS', uomKey: 'EA', isActive: true, inventoryKey: 'inv-1' },
  { key: 'mat-2', code: 'M-2035', name: 'Shaft seal 20x35', partNumber: 'SS-20x35', uomKey: 'EA', isActive: true, inventoryKey: 'inv-2' },
  { key: 'mat-3', code: 'M-1250', name: 'V-belt SPA 1250', partNumber: 'SPA-1250', uomKey: 'EA', isActive: true, inventoryKey: 'inv-3' },
];
export const SEED_INVENTORIES: readonly InventoryRecord[] = [
  { key: 'inv-1', code: 'M-6204', name: 'Ball bearing 6204', quantity: 120, unitCost: 4, locationKey: 'WH-1', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'inv-2', code: 'M-2035', name: 'Shaft seal 20x35', quantity: 40, unitCost: 3, locationKey: 'WH-1', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'inv-3', code: 'M-1250', name: 'V-belt SPA 1250', quantity: 0, unitCost: 12, locationKey: 'WH-2', createdAt: SEED_TIME, updatedAt: SEED_TIME },
];

const emptyCounters = (): WriteCounters => ({ attempted: 0, applied: 0, refused: 0, rateLimited: 0, faulted: 0, byOperation: {} });

/** Everything one connection's system holds. Insertion order of the maps is creation order. */
export class ConnectionStore {
  purchaseOrders = new Map<string, PurchaseOrderRecord>();
  workOrders = new Map<string, WorkOrderRecord>();
  /** Materials per work order key. */
  workOrderMaterials = new Map<string, WorkOrderMaterialRecord[]>();
  inventories = new Map<string, InventoryRecord>();
  materials = new Map<string, MaterialRecord>();
  vendors = new Map<string, VendorRecord>();
  counters = emptyCounters();
  private orderSeq = 0;
  /** When the connection was made (`updated_at` of the integration). */
  readonly connectedAt = new Date().toISOString();

  constructor(readonly keys: KeyGenerator) {
    this.reset();
  }

  /** Back to the seeded reference data, with no POs or WOs. */
  reset(): void {
    this.purchaseOrders.clear();
    this.workOrders.clear();
    this.workOrderMaterials.clear();
    this.inventories = new Map(SEED_INVENTORIES.map((i) => [i.key, { ...i }]));
    this.materials = new Map(SEED_MATERIALS.map((m) => [m.key, { ...m }]));
    this.vendors = new Map(SEED_VENDORS.map((v) => [v.key, { ...v }]));
    this.counters = emptyCounters();
    this.orderSeq = 0;
  }

  /** The system's own document number when the caller sends none (SAP-style 45xxxxxxxx). */
  nextOrderNo(): string {
    this.orderSeq += 1;
    return String(4500000000 + this.orderSeq);
  }

  /** Every line of every PO, in creation order. */
  allLines(): LineItemRecord[] {
    return [...this.purchaseOrders.values()].flatMap((po) => po.lineItems);
  }

  findLine(key: string): LineItemRecord | undefined {
    for (const po of this.purchaseOrders.values()) {
      const line = po.lineItems.find((l) => l.key === key);
      if (line) return line;
    }
    return undefined;
  }
}
