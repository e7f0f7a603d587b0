// The bench's own workflows: baselines the product is compared with.
export { minimalWorkflow, sleepingWorkflow, timedNoopWorkflow } from './minimal.js';
export { barePurchaseOrderCreate } from './bare-po.js';
export { naiveCreatePurchaseOrder } from './naive.js';
export { waitThenFinishWorkflow } from './scale.js';
