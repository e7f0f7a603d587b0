// What backend services import: workflow ids, task queue, typed and idempotent start helpers.
// Inputs are validated with the workflows' own zod schemas before anything is sent.
import {
  WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy,
  type Client, type WorkflowHandle,
} from '@temporalio/client';
import type { z } from 'zod';
import {
  cancelPurchaseOrderInputSchema, createPurchaseOrderInputSchema, updatePurchaseOrderInputSchema,
  type CancelPurchaseOrderInput, type CreatePurchaseOrderInput, type CreatePurchaseOrderResult,
  type PurchaseOrderChangeResult, type UpdatePurchaseOrderInput,
} from '../writes/purchase-orders/contract.js';
import {
  adjustInventoryInputSchema, updateInventoryInputSchema,
  type AdjustInventoryInput, type AdjustInventoryResult, type UpdateInventoryInput, type UpdateInventoryResult,
} from '../writes/inventory/contract.js';
import {
  addWorkOrderMaterialsInputSchema, changeWorkOrderStatusInputSchema, createWorkOrderInputSchema, updateWorkOrderInputSchema,
  type AddWorkOrderMaterialsInput, type AddWorkOrderMaterialsResult, type ChangeWorkOrderStatusInput, type ChangeWorkOrderStatusResult,
  type CreateWorkOrderInput, type CreateWorkOrderResult, type UpdateWorkOrderInput, type UpdateWorkOrderResult,
} from '../writes/work-orders/contract.js';
import { SA_CONNECTION_ID, SA_ENTITY, SA_OPERATION, SA_OUTCOME } from '../observability/search-attributes.js';
import type { StepRecord } from '../writes/engine/steps.js';
import { inputProblems, type InputProblem } from '../writes/engine/input.js';
import { writeWorkflowId, type WriteEntity } from '../writes/workflow-ids.js';

export * from '../writes/workflow-ids.js';
export * from '../writes/purchase-orders/contract.js';
export * from '../writes/work-orders/contract.js';
export * from '../writes/inventory/contract.js';
export * from '../connections/control-client.js';
export { capabilitiesOf, CapabilitiesError, type CapabilitiesRequest } from '../profiles/connection-capabilities.js';
export { MakiniFailureType, WriteFailureType } from '../failures.js';
export type { Violation, MakiniFailureInfo } from '../failures.js';

/** Default task queue of the makini-writes worker. */
export const DEFAULT_TASK_QUEUE = 'makini-writes';

/** Thrown before anything is sent when an input fails its schema. */
export class InvalidWriteInputError extends Error {
  override name = 'InvalidWriteInputError';
  constructor(readonly workflowType: string, readonly problems: InputProblem[]) {
    super(`invalid ${workflowType} input: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

export interface StartOptions {
  taskQueue?: string;
}

interface WriteSpec<S extends z.ZodType> {
  workflowType: string;
  entity: WriteEntity;
  operation: string;
  schema: S;
  summary: (input: z.infer<S>) => string;
  /** Default: a failed execution may be started again with the same key (it first looks up what the failed one wrote). */
  reusePolicy?: WorkflowIdReusePolicy;
}

/**
 * Starts a write idempotently: the same connection + idempotency key always reaches the same
 * execution (running or completed); only a FAILED execution may be started again, and that new
 * run first looks up what the failed one wrote.
 */
async function startWrite<S extends z.ZodType, R>(client: Client, spec: WriteSpec<S>, raw: z.input<S>, opts: StartOptions = {}): Promise<WorkflowHandle<(input: z.infer<S>) => Promise<R>>> {
  const { workflowId, options } = writeStartOptions(spec, raw, opts);
  try {
    return await client.workflow.start<(input: z.infer<S>) => Promise<R>>(spec.workflowType, options);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(workflowId);
    throw err;
  }
}

/** Validates a write's input and builds its start options (shared by start and update-with-start). */
function writeStartOptions<S extends z.ZodType>(spec: WriteSpec<S>, raw: z.input<S>, opts: StartOptions = {}) {
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) throw new InvalidWriteInputError(spec.workflowType, inputProblems(parsed.error));
  const input = parsed.data as z.infer<S> & { connectionId: string; idempotencyKey: string };
  const workflowId = writeWorkflowId(spec.entity, spec.operation, input.connectionId, input.idempotencyKey);
  const options = {
    taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId,
    args: [input] as [z.infer<S>],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: spec.reusePolicy ?? WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    // Nothing confidential: ids and counts only (summaries pass the codec; attributes do not).
    staticSummary: spec.summary(input),
    typedSearchAttributes: [
      { key: SA_CONNECTION_ID, value: input.connectionId },
      { key: SA_ENTITY, value: spec.entity },
      { key: SA_OPERATION, value: spec.operation },
      { key: SA_OUTCOME, value: 'running' },
    ],
  };
  return { workflowId, options };
}

const createPoSpec: WriteSpec<typeof createPurchaseOrderInputSchema> = {
  workflowType: 'createPurchaseOrder', entity: 'purchase-order', operation: 'create', schema: createPurchaseOrderInputSchema,
  summary: (i) => `Create purchase order (${i.purchaseOrder.lineItems.length} lines) on ${i.connectionId}, key ${i.idempotencyKey}`,
};
const updatePoSpec: WriteSpec<typeof updatePurchaseOrderInputSchema> = {
  workflowType: 'updatePurchaseOrder', entity: 'purchase-order', operation: 'update', schema: updatePurchaseOrderInputSchema,
  summary: (i) => `Update purchase order ${i.purchaseOrderKey} (${Object.keys(i.changes).join(', ')}) on ${i.connectionId}`,
};
const cancelPoSpec: WriteSpec<typeof cancelPurchaseOrderInputSchema> = {
  workflowType: 'cancelPurchaseOrder', entity: 'purchase-order', operation: 'cancel', schema: cancelPurchaseOrderInputSchema,
  summary: (i) => `Cancel purchase order ${i.purchaseOrderKey} on ${i.connectionId}`,
};

/**
 * Starts `createPurchaseOrder`; await `handle.result()` for `{ purchaseOrderKey, lineItemKeys, status, steps }`.
 * @example
 * const handle = await startCreatePurchaseOrder(client, { connectionId: 'acme-sap', idempotencyKey: 'order-42',
 *   purchaseOrder: { vendorKey: 'V-100', siteKey: 'S1', currencyKey: 'EUR', lineItems: [{ quantity: 2, price: 9.5 }] } });
 * const { purchaseOrderKey } = await handle.result();
 */
export const startCreatePurchaseOrder = (client: Client, input: CreatePurchaseOrderInput, opts?: StartOptions) =>
  startWrite<typeof createPurchaseOrderInputSchema, CreatePurchaseOrderResult>(client, createPoSpec, input, opts);

/** Validated start options of `createPurchaseOrder` (for update-with-start, see ./verdict.ts). */
export const createPurchaseOrderStartOptions = (input: CreatePurchaseOrderInput, opts?: StartOptions) =>
  writeStartOptions(createPoSpec, input, opts);

/** Starts `updatePurchaseOrder`. */
export const startUpdatePurchaseOrder = (client: Client, input: UpdatePurchaseOrderInput, opts?: StartOptions) =>
  startWrite<typeof updatePurchaseOrderInputSchema, PurchaseOrderChangeResult>(client, updatePoSpec, input, opts);

/** Starts `cancelPurchaseOrder`. */
export const startCancelPurchaseOrder = (client: Client, input: CancelPurchaseOrderInput, opts?: StartOptions) =>
  startWrite<typeof cancelPurchaseOrderInputSchema, PurchaseOrderChangeResult>(client, cancelPoSpec, input, opts);

const createWoSpec: WriteSpec<typeof createWorkOrderInputSchema> = {
  workflowType: 'createWorkOrder', entity: 'work-order', operation: 'create', schema: createWorkOrderInputSchema,
  summary: (i) => `Create work order on ${i.connectionId}, key ${i.idempotencyKey}`,
};
const updateWoSpec: WriteSpec<typeof updateWorkOrderInputSchema> = {
  workflowType: 'updateWorkOrder', entity: 'work-order', operation: 'update', schema: updateWorkOrderInputSchema,
  summary: (i) => `Update work order ${i.workOrderKey} (${Object.keys(i.changes).join(', ')}) on ${i.connectionId}`,
};
const changeWoStatusSpec: WriteSpec<typeof changeWorkOrderStatusInputSchema> = {
  workflowType: 'changeWorkOrderStatus', entity: 'work-order', operation: 'changeStatus', schema: changeWorkOrderStatusInputSchema,
  summary: (i) => `Change status of work order ${i.workOrderKey} to ${i.status} on ${i.connectionId}`,
};
const addWoMaterialsSpec: WriteSpec<typeof addWorkOrderMaterialsInputSchema> = {
  workflowType: 'addWorkOrderMaterials', entity: 'work-order', operation: 'addMaterials', schema: addWorkOrderMaterialsInputSchema,
  summary: (i) => `Add ${i.materials.length} material(s) to work order ${i.workOrderKey} on ${i.connectionId}`,
};
const inventoryName = (i: { inventoryKey?: string; materialKey?: string }) =>
  i.inventoryKey !== undefined ? `inventory ${i.inventoryKey}` : `inventory of material ${i.materialKey}`;
const updateInventorySpec: WriteSpec<typeof updateInventoryInputSchema> = {
  workflowType: 'updateInventory', entity: 'inventory', operation: 'update', schema: updateInventoryInputSchema,
  summary: (i) => `Update ${inventoryName(i)} (${Object.keys(i.changes).join(', ')}) on ${i.connectionId}`,
};
const adjustInventorySpec: WriteSpec<typeof adjustInventoryInputSchema> = {
  workflowType: 'adjustInventory', entity: 'inventory', operation: 'adjust', schema: adjustInventoryInputSchema,
  summary: (i) => `Adjust ${inventoryName(i)} by ${i.delta > 0 ? '+' : ''}${i.delta} on ${i.connectionId}, key ${i.idempotencyKey}`,
  // A failed adjustment may have applied its delta: the same key must never run it again (use a new key after checking).
  reusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
};

/**
 * Starts `createWorkOrder`; await `handle.result()` for `{ workOrderKey, status, foundExisting, reference, steps }`.
 * @example
 * const handle = await startCreateWorkOrder(client, { connectionId: 'plant-emaint', idempotencyKey: 'wo-42',
 *   workOrder: { title: 'Replace bearing', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' } });
 */
export const startCreateWorkOrder = (client: Client, input: CreateWorkOrderInput, opts?: StartOptions) =>
  startWrite<typeof createWorkOrderInputSchema, CreateWorkOrderResult>(client, createWoSpec, input, opts);

/** Starts `updateWorkOrder`. */
export const startUpdateWorkOrder = (client: Client, input: UpdateWorkOrderInput, opts?: StartOptions) =>
  startWrite<typeof updateWorkOrderInputSchema, UpdateWorkOrderResult>(client, updateWoSpec, input, opts);

/** Starts `changeWorkOrderStatus` (`status`: a name like `completed`, a code, or a status key). */
export const startChangeWorkOrderStatus = (client: Client, input: ChangeWorkOrderStatusInput, opts?: StartOptions) =>
  startWrite<typeof changeWorkOrderStatusInputSchema, ChangeWorkOrderStatusResult>(client, changeWoStatusSpec, input, opts);

/** Starts `addWorkOrderMaterials`. */
export const startAddWorkOrderMaterials = (client: Client, input: AddWorkOrderMaterialsInput, opts?: StartOptions) =>
  startWrite<typeof addWorkOrderMaterialsInputSchema, AddWorkOrderMaterialsResult>(client, addWoMaterialsSpec, input, opts);

/** Starts `updateInventory` (absolute values). */
export const startUpdateInventory = (client: Client, input: UpdateInventoryInput, opts?: StartOptions) =>
  startWrite<typeof updateInventoryInputSchema, UpdateInventoryResult>(client, updateInventorySpec, input, opts);

/**
 * Starts `adjustInventory`: `delta` applied exactly once per idempotency key. The same key never
 * runs twice, even after a failure (a failed run may have applied it): check, then use a new key.
 * @example
 * await startAdjustInventory(client, { connectionId: 'acme-sap', idempotencyKey: 'issue-7781', inventoryKey: 'inv-1', delta: -4 });
 */
export const startAdjustInventory = (client: Client, input: AdjustInventoryInput, opts?: StartOptions) =>
  startWrite<typeof adjustInventoryInputSchema, AdjustInventoryResult>(client, adjustInventorySpec, input, opts);

/** The step table of a running or finished write. */
export async function getSteps(handle: WorkflowHandle): Promise<StepRecord[]> {
  return handle.query<StepRecord[]>('steps');
}
