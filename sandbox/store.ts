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

export interface SiteRecord {
  key: string;
  code: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

/** Makini `UnitOfMeasure`. */
export interface UnitOfMeasureRecord {
  key: string;
  code: string;
  name: string;
  isActive: boolean;
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

/**
 * Reference data every connection starts with (deterministic keys, documented for tests). A key
 * never equals its record's code, as in Makini (opaque keys, business codes from the system): a
 * client that sends a key where a code belongs, or looks a key up by `filter[code]`, finds nothing.
 */
export const SEED_VENDORS: readonly VendorRecord[] = [
  { key: 'V-100', code: '0000100100', name: 'Acme Industrial Supply', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'V-200', code: '0000100200', name: 'Nordic Bearings AB', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'V-300', code: '0000100300', name: 'Delta Seals GmbH', createdAt: SEED_TIME, updatedAt: SEED_TIME },
];
/** The site keys tests and examples send (`1000` for ERPs, `S1`/`S2` for CMMS). */
export const SEED_SITES: readonly SiteRecord[] = [
  { key: '1000', code: 'DE-HAM-01', name: 'Hamburg plant', description: 'Plant 1000', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'S1', code: 'US-CHI-01', name: 'Chicago site', description: 'Main maintenance site', createdAt: SEED_TIME, updatedAt: SEED_TIME },
  { key: 'S2', code: 'US-DAL-02', name: 'Dallas site', description: 'Second maintenance site', createdAt: SEED_TIME, updatedAt: SEED_TIME },
];
/** The unit every seeded material is counted in (key `EA`, the system's code `PCE`). */
export const SEED_UNITS_OF_MEASURE: readonly UnitOfMeasureRecord[] = [{ key: 'EA', code: 'PCE', name: 'Each', isActive: true }];
export const SEED_MATERIALS: readonly MaterialRecord[] = [
  { key: 'mat-1', code: 'M-6204', name: 'Ball bearing 6204', partNumber: '6204-2RS', uomKey: 'EA', isActive: true, inventoryKey: 'inv-1' },
  { key: 'mat-2', code: 'M-2035', name: 'Shaft seal 20x35', partNumber: 'SS-20x35', uomKey: 'EA', isActive: true, inventoryKey: 'inv-2' },
  { key: 'mat-3', code: 'M-1250', name: 'V-belt SPA 1250', partNumber: 'SPA-1250', uomKey: 'EA', isActive: true, inventoryKey: 'inv-3' },
];
export const SEED_INVENTORIES: readonly InventoryRecord[] = [
  {
    key: 'inv-1',
    code: 'M-6204',
    name: 'Ball bearing 6204',
    quantity: 120,
    unitCost: 4,
    locationKey: 'WH-1',
    createdAt: SEED_TIME,
    updatedAt: SEED_TIME,
  },
  {
    key: 'inv-2',
    code: 'M-2035',
    name: 'Shaft seal 20x35',
    quantity: 40,
    unitCost: 3,
    locationKey: 'WH-1',
    createdAt: SEED_TIME,
    updatedAt: SEED_TIME,
  },
  {
    key: 'inv-3',
    code: 'M-1250',
    name: 'V-belt SPA 1250',
    quantity: 0,
    unitCost: 12,
    locationKey: 'WH-2',
    createdAt: SEED_TIME,
    updatedAt: SEED_TIME,
  },
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
  sites = new Map<string, SiteRecord>();
  unitsOfMeasure = new Map<string, UnitOfMeasureRecord>();
  counters = emptyCounters();
  private orderSeq = 0;
  private workOrderSeq = 0;
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
    this.sites = new Map(SEED_SITES.map((v) => [v.key, { ...v }]));
    this.unitsOfMeasure = new Map(SEED_UNITS_OF_MEASURE.map((u) => [u.key, { ...u }]));
    this.counters = emptyCounters();
    this.orderSeq = 0;
    this.workOrderSeq = 0;
  }

  /** The system's own document number when the caller sends none (SAP-style 45xxxxxxxx). */
  nextOrderNo(): string {
    this.orderSeq += 1;
    return String(4500000000 + this.orderSeq);
  }

  /** The system's own work-order number (Maximo-style WONUM), for systems that number work orders themselves. */
  nextWorkOrderNo(): string {
    this.workOrderSeq += 1;
    return String(100000 + this.workOrderSeq);
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
