// One valid input per write type (what the sandbox's seeded data makes succeed), the paths of every
// field in it, and how to set or delete one: the base of the near-valid inputs of the fuzz run and
// of the per-field checks in test/unit/input-bounds.test.ts.
import type { WriteInput, WriteType } from '../../src/client/index.js';

/** Records the valid inputs refer to (connections and records made before the run). */
export interface InputTargets {
  /** An SAP-like connection (lines with the header, inventories inv-1..). */
  sap: string;
  /** An eMaint-like connection (work-order statuses by name). */
  emaint: string;
  /** A purchase order on `sap` (updated and cancelled). */
  purchaseOrderKey: string;
  /** A work order on `sap` (updated, materials added). */
  sapWorkOrderKey: string;
  /** A work order on `emaint` (its status changed). */
  emaintWorkOrderKey: string;
}

/** Targets for checks that never reach a sandbox. */
export const OFFLINE_TARGETS: InputTargets = {
  sap: 'fz-sap',
  emaint: 'fz-em',
  purchaseOrderKey: 'po-1',
  sapWorkOrderKey: 'wo-1',
  emaintWorkOrderKey: 'wo-2',
};

/** A valid input of every write type, under the idempotency key `key`. */
export function validInputs(t: InputTargets, key: string): { [T in WriteType]: WriteInput<T> } {
  const ids = (connectionId: string) => ({ connectionId, idempotencyKey: key });
  return {
    createPurchaseOrder: {
      ...ids(t.sap),
      purchaseOrder: {
        vendorKey: 'V-100',
        siteKey: '1000',
        currencyKey: 'EUR',
        orderDate: '2026-12-01',
        title: `PO ${key}`,
        lineItems: [
          { materialKey: 'mat-1', name: 'part 1', quantity: 2, price: 4.2, dueAt: '2026-12-24' },
          { materialKey: 'mat-2', quantity: 1, price: 10 },
        ],
      },
    },
    updatePurchaseOrder: { ...ids(t.sap), purchaseOrderKey: t.purchaseOrderKey, changes: { title: `title ${key}`, dueAt: '2027-01-15' } },
    cancelPurchaseOrder: { ...ids(t.sap), purchaseOrderKey: t.purchaseOrderKey, reason: 'fuzz' },
    createWorkOrder: { ...ids(t.sap), workOrder: { title: `Inspect pump ${key}`, scheduledAt: '2026-12-01T08:00:00Z' } },
    updateWorkOrder: { ...ids(t.sap), workOrderKey: t.sapWorkOrderKey, changes: { title: `title ${key}` } },
    changeWorkOrderStatus: { ...ids(t.emaint), workOrderKey: t.emaintWorkOrderKey, status: 'in-progress' },
    addWorkOrderMaterials: {
      ...ids(t.sap),
      workOrderKey: t.sapWorkOrderKey,
      materials: [{ materialKey: 'mat-1', requiredQuantity: 2 }],
    },
    updateInventory: { ...ids(t.sap), inventoryKey: 'inv-2', changes: { quantity: 40 } },
    adjustInventory: { ...ids(t.sap), inventoryKey: 'inv-1', delta: 1, reason: 'fuzz' },
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Path = (string | number)[];

/** Every path in a JSON value (objects' fields and arrays' elements, at any depth). */
export function pathsOf(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...at, i], ...pathsOf(v, [...at, i])]);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [[...at, k], ...pathsOf(v, [...at, k])]);
  return [];
}

/** A deep copy of `value` with the field at `path` set to `to` (or removed: `undefined`). */
export function withField<T>(value: T, path: Path, to: unknown): T {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  let node = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (to === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = to as Json;
  return copy as T;
}
