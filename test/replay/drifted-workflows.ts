// Every production workflow with one change a careless refactor could make: a timer before it
// does anything else. No recorded history may replay against it (test/replay/nondeterminism.test.ts):
// the proof that each fixture still guards its workflow type.
import { sleep } from '@temporalio/workflow';
import * as production from '../../src/workflows/index.js';

const drifted =
  <A extends unknown[], R>(wf: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    await sleep(1);
    return wf(...args);
  };

export const createPurchaseOrder = drifted(production.createPurchaseOrder);
export const updatePurchaseOrder = drifted(production.updatePurchaseOrder);
export const cancelPurchaseOrder = drifted(production.cancelPurchaseOrder);
export const createWorkOrder = drifted(production.createWorkOrder);
export const updateWorkOrder = drifted(production.updateWorkOrder);
export const changeWorkOrderStatus = drifted(production.changeWorkOrderStatus);
export const addWorkOrderMaterials = drifted(production.addWorkOrderMaterials);
export const updateInventory = drifted(production.updateInventory);
export const adjustInventory = drifted(production.adjustInventory);
export const bulkWrite = drifted(production.bulkWrite);
export const connectionControl = drifted(production.connectionControl);
