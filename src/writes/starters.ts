// Every write's start helper by workflow type: what re-runs use to start a write again with its
// original input (validated, labelled and idempotent exactly like a first start).
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { WriteType } from './catalog.js';
import {
  startAddWorkOrderMaterials, startAdjustInventory, startCancelPurchaseOrder, startChangeWorkOrderStatus, startCreatePurchaseOrder,
  startCreateWorkOrder, startUpdateInventory, startUpdatePurchaseOrder, startUpdateWorkOrder, type StartOptions,
} from '../client/index.js';

/** Starts a write of a known type from an input that has not been type-checked (it is validated). */
export type UntypedStarter = (client: Client, input: unknown, opts?: StartOptions) => Promise<WorkflowHandle>;

const untyped = <I>(start: (client: Client, input: I, opts?: StartOptions) => Promise<WorkflowHandle>): UntypedStarter =>
  (client, input, opts) => start(client, input as I, opts);

/** Start helpers by workflow type; the table is complete by type (tsc checks it against WRITE_TYPES). */
export const writeStarters: Record<WriteType, UntypedStarter> = {
  createPurchaseOrder: untyped(startCreatePurchaseOrder),
  updatePurchaseOrder: untyped(startUpdatePurchaseOrder),
  cancelPurchaseOrder: untyped(startCancelPurchaseOrder),
  createWorkOrder: untyped(startCreateWorkOrder),
  updateWorkOrder: untyped(startUpdateWorkOrder),
  changeWorkOrderStatus: untyped(startChangeWorkOrderStatus),
  addWorkOrderMaterials: untyped(startAddWorkOrderMaterials),
  updateInventory: untyped(startUpdateInventory),
  adjustInventory: untyped(startAdjustInventory),
};
