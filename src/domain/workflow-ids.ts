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
