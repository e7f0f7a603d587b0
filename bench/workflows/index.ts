// The bench's own workflows: baselines the product is compared with.
export { minimalWorkflow, sleepingWorkflow, timedNoopWorkflow } from './minimal.js';
export { naiveCreatePurchaseOrder } from './naive.js';
