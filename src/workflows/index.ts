// Every workflow the worker runs. Type names are the public API.
export { createPurchaseOrder, updatePurchaseOrder, cancelPurchaseOrder, stepsQuery } from './purchase-orders.js';
