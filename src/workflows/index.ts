// Every workflow the worker runs. Type names are the public API.
export { createPurchaseOrder, updatePurchaseOrder, cancelPurchaseOrder, stepsQuery } from './purchase-orders.js';
export { createWorkOrder, updateWorkOrder, changeWorkOrderStatus, addWorkOrderMaterials } from './work-orders.js';
export { updateInventory, adjustInventory } from './inventory.js';
export { bulkWrite, bulkProgressQuery } from './bulk.js';
export { connectionControl } from './connection-control.js';
