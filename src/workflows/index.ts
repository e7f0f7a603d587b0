// Every workflow the worker runs. Type names are the public API.
export { createPurchaseOrder, updatePurchaseOrder, cancelPurchaseOrder } from '../writes/purchase-orders/workflow/workflows.js';
export {
  createWorkOrder,
  updateWorkOrder,
  changeWorkOrderStatus,
  addWorkOrderMaterials,
} from '../writes/work-orders/workflow/workflows.js';
export { updateInventory, adjustInventory } from '../writes/inventory/workflow/workflows.js';
export { bulkWrite } from '../writes/bulk/workflow/workflows.js';
export { connectionControl } from '../connections/workflow/control-workflow.js';
