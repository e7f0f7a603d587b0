// Activity tasks scheduled before the activities took one input object carry positional arguments
// (`createPurchaseOrder(connectionId, body, referenceField)`): a workflow that was running during
// the deploy scheduled them, and the server hands them to the new worker under the same activity
// names. The first activity interceptor turns such arguments into the input object, and checks
// every Makini activity's input against its schema, so the connection gate, the call metrics and the
// activity itself read named fields only. Why no new names or patch: src/writes/workflow/engine/makini-calls.ts.
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { z } from 'zod';
import { connectionActivityInputs } from '../connections/activity-contract.js';
import { ActivityFailureType } from '../failures/workflow/failure-types.js';
import { profileActivityInputs } from '../profiles/activity-contract.js';
import { inventoryActivityInputs } from '../writes/inventory/activity-contract.js';
import { purchaseOrderActivityInputs } from '../writes/purchase-orders/activity-contract.js';
import { workOrderActivityInputs } from '../writes/work-orders/activity-contract.js';
import { awaitWriteResultInputSchema, type WriteResultActivities } from '../writes/bulk/activities.js';
import type { MakiniActivities } from './index.js';

type ActivityName = keyof MakiniActivities;
type WorkerActivities = MakiniActivities & WriteResultActivities;

/** The input schema of every Makini activity. */
export const MAKINI_ACTIVITY_INPUTS: { readonly [K in ActivityName]: z.ZodType } = {
  ...purchaseOrderActivityInputs,
  ...workOrderActivityInputs,
  ...inventoryActivityInputs,
  ...profileActivityInputs,
  ...connectionActivityInputs,
};

/** Every activity of the worker that takes one input object: the Makini ones, and the bulk write's wait (its input names no connection). */
const ACTIVITY_INPUTS: { readonly [K in keyof WorkerActivities]: z.ZodType } = {
  ...MAKINI_ACTIVITY_INPUTS,
  awaitWriteResult: awaitWriteResultInputSchema,
};

/**
 * The positional signatures of before, as recorded histories and in-flight tasks hold them: the
 * input field each argument was. A record of the past: it never changes (a new activity has none).
 */
export const POSITIONAL_FIELDS: {
  readonly [K in keyof WorkerActivities]?: readonly (keyof Parameters<WorkerActivities[K]>[0] & string)[];
} = {
  awaitWriteResult: ['workflowId'],
  resolveWriteProfile: ['connectionId'],
  vendorExists: ['connectionId', 'value', 'by'],
  findPurchaseOrderByReference: ['connectionId', 'referenceField', 'reference'],
  listPurchaseOrdersByReference: ['connectionId', 'referenceField', 'reference'],
  getPurchaseOrder: ['connectionId', 'key', 'referenceField'],
  createPurchaseOrder: ['connectionId', 'body', 'referenceField'],
  addPurchaseOrderLine: ['connectionId', 'purchaseOrderKey', 'line'],
  listPurchaseOrderLines: ['connectionId', 'purchaseOrderKey'],
  updatePurchaseOrder: ['connectionId', 'key', 'changes', 'referenceField'],
  listPurchaseOrderStatuses: ['connectionId'],
  setPurchaseOrderStatus: ['connectionId', 'key', 'status', 'referenceField'],
  createPurchaseOrderPassthrough: ['connectionId', 'dialect', 'purchaseOrder'],
  findPurchaseOrderPassthrough: ['connectionId', 'dialect', 'reference'],
  listPurchaseOrdersPassthrough: ['connectionId', 'dialect', 'reference'],
  findWorkOrderByReference: ['connectionId', 'carrier', 'idempotencyKey'],
  listWorkOrdersByReference: ['connectionId', 'carrier', 'idempotencyKey'],
  getWorkOrder: ['connectionId', 'key'],
  createWorkOrder: ['connectionId', 'body'],
  updateWorkOrder: ['connectionId', 'key', 'changes'],
  listWorkOrderStatuses: ['connectionId'],
  setWorkOrderStatus: ['connectionId', 'key', 'statusKey'],
  listWorkOrderMaterials: ['connectionId', 'key'],
  addWorkOrderMaterial: ['connectionId', 'key', 'material'],
  readInventory: ['connectionId', 'target'],
  writeInventory: ['connectionId', 'target', 'changes'],
  compareAndSetInventory: ['connectionId', 'target', 'expected', 'changes'],
  probeConnection: ['connectionId'],
};

const takesOneInput = (name: string): name is keyof WorkerActivities => Object.hasOwn(ACTIVITY_INPUTS, name);

const invalid = (message: string) => ApplicationFailure.create({ type: ActivityFailureType.invalidInput, nonRetryable: true, message });

/**
 * The one input object of an activity call: as sent, or built from the positional arguments of a
 * task scheduled before; checked against the activity's schema (defaults applied). Arguments of an
 * activity the worker does not know (a test's, a benchmark's) are returned as they are. Throws
 * InvalidActivityInput, naming the activity and the fields, for an input that is not the
 * activity's, and for a Makini activity's input without `connectionId` (nothing is sent then).
 */
export function oneInputOf(activityType: string, args: readonly unknown[]): unknown[] {
  if (!takesOneInput(activityType)) return [...args];
  const positional = args.length !== 1 || typeof args[0] !== 'object' || args[0] === null;
  const fields = POSITIONAL_FIELDS[activityType];
  if (positional && !fields) throw invalid(`activity ${activityType} takes one input object; it got ${args.length} argument(s)`);
  const raw = positional ? Object.fromEntries(fields!.flatMap((f, i) => (args[i] === undefined ? [] : [[f, args[i]]]))) : args[0];
  if (Object.hasOwn(MAKINI_ACTIVITY_INPUTS, activityType) && typeof (raw as { connectionId?: unknown }).connectionId !== 'string') {
    throw invalid(`activity ${activityType}: its input names no connectionId (every Makini activity takes { connectionId, ... })`);
  }
  const parsed = ACTIVITY_INPUTS[activityType].safeParse(raw);
  if (parsed.success) return [parsed.data];
  // Field names and what is wrong with them only: the values may be a record's confidential fields.
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  throw invalid(`activity ${activityType}: invalid input (${problems})`);
}

class OneInput implements ActivityInboundCallsInterceptor {
  constructor(private readonly activityType: string) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return next({ ...input, args: oneInputOf(this.activityType, input.args) });
  }
}

/** The interceptor that gives every activity of the worker its one input object; before the gate and the call metrics. */
export function oneInputInterceptors(): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new OneInput(ctx.info.activityType) });
}
