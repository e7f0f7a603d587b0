// Update-with-start for an immediate verdict: the caller learns synchronously whether the write
// passed its rules ("accepted", or "rejected" with every violated rule) while the write itself
// carries on durably; the same idempotency key always reaches the same execution.
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type Workflow,
  type WorkflowHandle,
} from '@temporalio/client';
import type { CreatePurchaseOrderInput } from './workflow/contract.js';
import { SA_SYSTEM } from '../../observability/workflow/search-attributes.js';
import { writeVerdictSchema, type WriteVerdict } from '../workflow/engine/verdict.js';
import { writeStartOptions, type StartOptions, type WriteWorkflow } from '../start-write.js';
import { verdictUpdate } from '../workflow/messages.js';

export type { WriteVerdict } from '../workflow/engine/verdict.js';

type CreatePurchaseOrderWorkflow = WriteWorkflow<'createPurchaseOrder'>;

export interface VerdictAndHandle<W extends Workflow> {
  verdict: WriteVerdict;
  /** The write's execution: `await handle.result()` for what it wrote. */
  handle: WorkflowHandle<W>;
}

/**
 * Starts (or joins) `createPurchaseOrder` and returns its verdict as soon as the rules are checked.
 * Input errors are thrown before anything is sent (`InvalidWriteInputError`).
 * @example
 * const { verdict, handle } = await createPurchaseOrderWithVerdict(client, input);
 * if (verdict.verdict === 'rejected') return { status: 422, rules: verdict.violations };
 * // accepted: the PO is being written; handle.result() resolves when it is.
 */
export async function createPurchaseOrderWithVerdict(
  client: Client,
  input: CreatePurchaseOrderInput,
  opts?: StartOptions,
): Promise<VerdictAndHandle<CreatePurchaseOrderWorkflow>> {
  const { workflowId, options } = writeStartOptions('createPurchaseOrder', input, opts);
  const start = new WithStartWorkflowOperation<CreatePurchaseOrderWorkflow>('createPurchaseOrder', options);
  try {
    const answer = await client.workflow.executeUpdateWithStart(verdictUpdate, { startWorkflowOperation: start });
    return { verdict: writeVerdictSchema.parse(answer), handle: await start.workflowHandle() };
  } catch (err) {
    // The write already completed (so it passed its rules); a completed write is never started again.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const handle = client.workflow.getHandle<CreatePurchaseOrderWorkflow>(workflowId);
    const desc = await handle.describe();
    if (desc.status.name !== 'COMPLETED') throw err;
    return { verdict: { verdict: 'accepted', system: desc.typedSearchAttributes.get(SA_SYSTEM) ?? 'unknown' }, handle };
  }
}
