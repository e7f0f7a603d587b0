// Every workflow the worker runs. Type names are the public API.
export { createPurchaseOrder, updatePurchaseOrder, cancelPurchaseOrder } from '../writes/purchase-orders/workflows.js';
export { createWorkOrder, updateWorkOrder, changeWorkOrderStatus, addWorkOrderMaterials } from '../writes/work-orders/workflows.js';
export { updateInventory, adjustInventory } from '../writes/inventory/workflows.js';
export { bulkWrite } from '../writes/bulk/workflows.js';
export { connectionControl } from '../connections/control-workflow.js';
