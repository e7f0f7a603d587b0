// Workflow ids derive from the caller's idempotency key: starting the same write twice reaches the
// same execution. One helper per write; the ids are part of the public API.

export type WriteEntity = 'purchase-order' | 'work-order' | 'inventory';

/** `<entity>/<operation>/<connectionId>/<idempotencyKey>` */
export function writeWorkflowId(entity: WriteEntity, operation: string, connectionId: string, idempotencyKey: string): string {
  return `${entity}/${operation}/${connectionId}/${idempotencyKey}`;
}

/** Id of `createPurchaseOrder` for a connection and idempotency key. */
export const createPurchaseOrderWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('purchase-order', 'create', connectionId, idempotencyKey);
/** Id of `updatePurchaseOrder`. */
export const updatePurchaseOrderWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('purchase-order', 'update', connectionId, idempotencyKey);
/** Id of `cancelPurchaseOrder`. */
export const cancelPurchaseOrderWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('purchase-order', 'cancel', connectionId, idempotencyKey);

/** Id of `createWorkOrder`. */
export const createWorkOrderWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('work-order', 'create', connectionId, idempotencyKey);
/** Id of `updateWorkOrder`. */
export const updateWorkOrderWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('work-order', 'update', connectionId, idempotencyKey);
/** Id of `changeWorkOrderStatus`. */
export const changeWorkOrderStatusWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('work-order', 'changeStatus', connectionId, idempotencyKey);
/** Id of `addWorkOrderMaterials`. */
export const addWorkOrderMaterialsWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('work-order', 'addMaterials', connectionId, idempotencyKey);
/** Id of `updateInventory`. */
export const updateInventoryWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('inventory', 'update', connectionId, idempotencyKey);
/** Id of `adjustInventory`. */
export const adjustInventoryWorkflowId = (connectionId: string, idempotencyKey: string) =>
  writeWorkflowId('inventory', 'adjust', connectionId, idempotencyKey);

/** Id of the `connectionControl` workflow of a connection, per workflow task queue (the scope of its write pacing). */
export const connectionControlWorkflowId = (taskQueue: string, connectionId: string) => `connection/${taskQueue}/${connectionId}`;
