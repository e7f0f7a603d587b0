// Every workflow the worker runs. Type names are the public API.
export { createPurchaseOrder, updatePurchaseOrder, cancelPurchaseOrder, stepsQuery } from '../writes/purchase-orders/workflows.js';
export { createWorkOrder, updateWorkOrder, changeWorkOrderStatus, addWorkOrderMaterials } from '../writes/work-orders/workflows.js';
export { updateInventory, adjustInventory } from '../writes/inventory/workflows.js';
export { bulkWrite, bulkProgressQuery } from '../writes/bulk/workflows.js';
export { connectionControl } from '../connections/control-workflow.js';
