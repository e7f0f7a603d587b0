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
} from '../domain/purchase-order-requests.js';
import { SA_CONNECTION_ID, SA_ENTITY, SA_OPERATION, SA_OUTCOME } from '../domain/search-attributes.js';
import type { StepRecord } from '../domain/steps.js';
import { inputProblems, type InputProblem } from '../domain/write-common.js';
import { writeWorkflowId, type WriteEntity } from '../domain/workflow-ids.js';

export * from '../domain/workflow-ids.js';
export * from '../domain/purchase-order-requests.js';
export { MakiniFailureType, WriteFailureType } from '../domain/failures.js';
export type { Violation, MakiniFailureInfo } from '../domain/failures.js';

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
}

/**
 * Starts a write idempotently: the same connection + idempotency key always reaches the same
 * execution (running or completed); only a FAILED execution may be started again, and that new
 * run first looks up what the failed one wrote.
 */
async function startWrite<S extends z.ZodType, R>(client: Client, spec: WriteSpec<S>, raw: z.input<S>, opts: StartOptions = {}): Promise<WorkflowHandle<(input: z.infer<S>) => Promise<R>>> {
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) throw new InvalidWriteInputError(spec.workflowType, inputProblems(parsed.error));
  const input = parsed.data as z.infer<S> & { connectionId: string; idempotencyKey: string };
  const workflowId = writeWorkflowId(spec.entity, spec.operation, input.connectionId, input.idempotencyKey);
  try {
    return await client.workflow.start<(input: z.infer<S>) => Promise<R>>(spec.workflowType, {
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      // Nothing confidential: ids and counts only (summaries pass the codec; attributes do not).
      staticSummary: spec.summary(input),
      typedSearchAttributes: [
        { key: SA_CONNECTION_ID, value: input.connectionId },
        { key: SA_ENTITY, value: spec.entity },
        { key: SA_OPERATION, value: spec.operation },
        { key: SA_OUTCOME, value: 'running' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(workflowId);
    throw err;
  }
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

/** Starts `updatePurchaseOrder`. */
export const startUpdatePurchaseOrder = (client: Client, input: UpdatePurchaseOrderInput, opts?: StartOptions) =>
  startWrite<typeof updatePurchaseOrderInputSchema, PurchaseOrderChangeResult>(client, updatePoSpec, input, opts);

/** Starts `cancelPurchaseOrder`. */
export const startCancelPurchaseOrder = (client: Client, input: CancelPurchaseOrderInput, opts?: StartOptions) =>
  startWrite<typeof cancelPurchaseOrderInputSchema, PurchaseOrderChangeResult>(client, cancelPoSpec, input, opts);

/** The step table of a running or finished write. */
export async function getSteps(handle: WorkflowHandle): Promise<StepRecord[]> {
  return handle.query<StepRecord[]>('steps');
}
