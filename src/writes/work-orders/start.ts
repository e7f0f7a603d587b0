// Start helpers of the work-order writes (typed; validated and idempotent by src/writes/start-write.ts).
import type { Client } from '@temporalio/client';
import { startWrite, type StartOptions } from '../start-write.js';
import type {
  AddWorkOrderMaterialsInput,
  ChangeWorkOrderStatusInput,
  CreateWorkOrderInput,
  UpdateWorkOrderInput,
} from './workflow/contract.js';

/**
 * Starts `createWorkOrder`; await `handle.result()` for `{ workOrderKey, status, foundExisting, reference, steps }`.
 * @example
 * const handle = await startCreateWorkOrder(client, { connectionId: 'plant-emaint', idempotencyKey: 'wo-42',
 *   workOrder: { title: 'Replace bearing', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' } });
 */
export const startCreateWorkOrder = (client: Client, input: CreateWorkOrderInput, opts?: StartOptions) =>
  startWrite(client, 'createWorkOrder', input, opts);

/** Starts `updateWorkOrder`. */
export const startUpdateWorkOrder = (client: Client, input: UpdateWorkOrderInput, opts?: StartOptions) =>
  startWrite(client, 'updateWorkOrder', input, opts);

/** Starts `changeWorkOrderStatus` (`status`: a name like `completed`, a code, or a status key). */
export const startChangeWorkOrderStatus = (client: Client, input: ChangeWorkOrderStatusInput, opts?: StartOptions) =>
  startWrite(client, 'changeWorkOrderStatus', input, opts);

/** Starts `addWorkOrderMaterials`. */
export const startAddWorkOrderMaterials = (client: Client, input: AddWorkOrderMaterialsInput, opts?: StartOptions) =>
  startWrite(client, 'addWorkOrderMaterials', input, opts);
