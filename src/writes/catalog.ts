// Every write workflow type with the entity and operation its workflow id is built from. Bulk
// writes start items by this table; `rerun-failed` and `list-failed` query and re-start by it.
import type { WriteEntity } from './workflow-ids.js';

export interface WriteTypeInfo {
  entity: WriteEntity;
  operation: string;
  /** A failed run may have applied the write: the same key never runs again (`adjustInventory`). */
  sameKeyRunsOnce?: boolean;
}

/** Write workflow types by name (the names are the public API). */
export const WRITE_TYPES = {
  createPurchaseOrder: { entity: 'purchase-order', operation: 'create' },
  updatePurchaseOrder: { entity: 'purchase-order', operation: 'update' },
  cancelPurchaseOrder: { entity: 'purchase-order', operation: 'cancel' },
  createWorkOrder: { entity: 'work-order', operation: 'create' },
  updateWorkOrder: { entity: 'work-order', operation: 'update' },
  changeWorkOrderStatus: { entity: 'work-order', operation: 'changeStatus' },
  addWorkOrderMaterials: { entity: 'work-order', operation: 'addMaterials' },
  updateInventory: { entity: 'inventory', operation: 'update' },
  adjustInventory: { entity: 'inventory', operation: 'adjust', sameKeyRunsOnce: true },
} as const satisfies Record<string, WriteTypeInfo>;

export type WriteType = keyof typeof WRITE_TYPES;

export const WRITE_TYPE_NAMES = Object.keys(WRITE_TYPES) as [WriteType, ...WriteType[]];

/** Whether a name is a write workflow type. */
export function isWriteType(name: string): name is WriteType {
  return Object.prototype.hasOwnProperty.call(WRITE_TYPES, name);
}
