// Starting a write from a backend service: the input is validated with the catalog's schema before
// anything is sent, the execution is labelled for ops, and the workflow id derived from the write's
// type, connection and idempotency key makes every start of the same write reach one execution.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { SA_CONNECTION_ID, SA_ENTITY, SA_OPERATION, SA_OUTCOME } from '../observability/workflow/search-attributes.js';
// The write workflows' types from their folders, not from the bundle entry src/workflows (which sits
// above writes and exports them): a write type missing here fails to compile in WriteWorkflow.
import type * as inventoryWorkflows from './inventory/workflow/workflows.js';
import type * as purchaseOrderWorkflows from './purchase-orders/workflow/workflows.js';
import type * as workOrderWorkflows from './work-orders/workflow/workflows.js';
import { WRITE_TYPES, writeWorkflowId, type WriteInput, type WriteType } from './workflow/catalog.js';
import { inputProblems, type InputProblem } from './workflow/engine/input.js';

/** Default task queue of the makini-writes worker. */
export const DEFAULT_TASK_QUEUE = 'makini-writes';

/** Thrown before anything is sent when an input fails its schema. */
export class InvalidWriteInputError extends Error {
  override name = 'InvalidWriteInputError';
  constructor(
    readonly workflowType: string,
    readonly problems: InputProblem[],
  ) {
    super(`invalid ${workflowType} input: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

export interface StartOptions {
  taskQueue?: string;
}

/** The workflow function of a write type (its input and result types). */
export type WriteWorkflow<T extends WriteType> = (typeof inventoryWorkflows & typeof purchaseOrderWorkflows & typeof workOrderWorkflows)[T];

/** Validates a write's input and builds its start options (shared by start and update-with-start). */
export function writeStartOptions<T extends WriteType>(type: T, raw: WriteInput<T>, opts: StartOptions = {}) {
  const entry = WRITE_TYPES[type];
  const parsed = entry.schema.safeParse(raw);
  if (!parsed.success) throw new InvalidWriteInputError(type, inputProblems(parsed.error));
  const input = parsed.data as Parameters<WriteWorkflow<T>>[0];
  const workflowId = writeWorkflowId(type, input.connectionId, input.idempotencyKey);
  const options = {
    taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId,
    args: [input] as Parameters<WriteWorkflow<T>>,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    // Default: a failed execution may be started again with the same key (it first looks up what the failed one wrote).
    workflowIdReusePolicy: entry.sameKeyRunsOnce
      ? WorkflowIdReusePolicy.REJECT_DUPLICATE
      : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    // Nothing confidential: ids and counts only (summaries pass the codec; attributes do not).
    staticSummary: (entry.summary as (i: typeof input) => string)(input),
    typedSearchAttributes: [
      { key: SA_CONNECTION_ID, value: input.connectionId },
      { key: SA_ENTITY, value: entry.entity },
      { key: SA_OPERATION, value: entry.operation },
      { key: SA_OUTCOME, value: 'running' },
    ],
  };
  return { workflowId, options };
}

/**
 * Starts a write idempotently: the same connection + idempotency key always reaches the same
 * execution (running or completed); only a FAILED execution may be started again, and that new
 * run first looks up what the failed one wrote.
 * @example
 * const handle = await startWrite(client, 'createPurchaseOrder', input);
 * const { purchaseOrderKey } = await handle.result();
 */
export async function startWrite<T extends WriteType>(
  client: Client,
  type: T,
  raw: WriteInput<T>,
  opts: StartOptions = {},
): Promise<WorkflowHandle<WriteWorkflow<T>>> {
  const { workflowId, options } = writeStartOptions(type, raw, opts);
  try {
    return await client.workflow.start<WriteWorkflow<T>>(type, options);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<WriteWorkflow<T>>(workflowId);
    throw err;
  }
}
