// Bulk writes for backend services: every item validated with its write's own schema before
// anything is sent; the bulk is idempotent by its id like single writes are by their key.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  bulkWriteInputSchema,
  bulkWriteWorkflowId,
  type BulkProgress,
  type BulkWriteArgs,
  type BulkWriteInput,
  type BulkWriteResult,
} from './workflow/contract.js';
import { inputProblems, type InputProblem } from '../workflow/engine/input.js';
import { isWriteType, WRITE_TYPES } from '../workflow/catalog.js';
import { DEFAULT_TASK_QUEUE, InvalidWriteInputError, type StartOptions } from '../start-write.js';
import { bulkProgressQuery } from '../workflow/messages.js';

const MAX_PROBLEMS = 50;

/** Every problem of a bulk input: its own fields and each item's, by item index. */
export function bulkInputProblems(raw: BulkWriteInput): InputProblem[] {
  const parsed = bulkWriteInputSchema.safeParse(raw);
  if (!parsed.success) return inputProblems(parsed.error);
  return parsed.data.items.flatMap((item, i) => {
    if (!isWriteType(item.type)) return [{ field: `items.${i}.type`, message: `unknown write type "${item.type}"` }];
    const r = WRITE_TYPES[item.type].schema.safeParse(item.input);
    return r.success ? [] : inputProblems(r.error).map((p) => ({ field: `items.${i}.input.${p.field}`, message: p.message }));
  });
}

type BulkWorkflow = (args: BulkWriteArgs) => Promise<BulkWriteResult>;

/**
 * Starts `bulkWrite` (same `bulkId` → same execution); await `handle.result()` for one result per item.
 * @example
 * const handle = await startBulkWrite(client, { bulkId: 'nightly-2026-11-02', concurrencyPerConnection: 5,
 *   items: orders.map((o) => ({ type: 'createPurchaseOrder', input: o })) });
 * console.log(await getBulkProgress(handle)); // { done: 120, total: 3000, runningByConnection: { 'acme-sap': 5 }, ... }
 */
export async function startBulkWrite(
  client: Client,
  input: BulkWriteInput,
  opts: StartOptions = {},
): Promise<WorkflowHandle<BulkWorkflow>> {
  const problems = bulkInputProblems(input);
  if (problems.length) throw new InvalidWriteInputError('bulkWrite', problems.slice(0, MAX_PROBLEMS));
  const workflowId = bulkWriteWorkflowId(input.bulkId);
  const connections = new Set(input.items.map((i) => (i.input as { connectionId: string }).connectionId));
  try {
    return await client.workflow.start<BulkWorkflow>('bulkWrite', {
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      staticSummary: `Bulk ${input.bulkId}: ${input.items.length} writes on ${connections.size} connection(s)`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(workflowId);
    throw err;
  }
}

/** Progress of a running or finished bulk (follows its continue-as-new runs). */
export async function getBulkProgress(handle: WorkflowHandle): Promise<BulkProgress> {
  return handle.query(bulkProgressQuery);
}
