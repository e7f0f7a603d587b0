// Bulk writes: thousands of writes as child workflows with the same workflow ids as single writes
// (a write already done or running is awaited, never repeated), a bounded number running at once
// per connection, progress through a query, continue-as-new before the history grows large.
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { WriteResultActivities } from '../activities.js';
import {
  bulkCarrySchema,
  bulkItemKeysSchema,
  bulkItemTypeSchema,
  bulkWriteInputSchema,
  itemFailure,
  outcomeOfFailure,
  withoutSteps,
  type BulkItemResult,
  type BulkProgress,
  type BulkWriteArgs,
  type BulkWriteResult,
} from './contract.js';
import { WriteFailureType } from '../../../failures/workflow/failure-types.js';
import { SA_CONNECTION_ID, SA_ENTITY, SA_OPERATION, SA_OUTCOME } from '../../../observability/workflow/search-attributes.js';
import { WRITE_TYPES, writeWorkflowId } from '../../workflow/catalog.js';
import { inputProblems } from '../../workflow/engine/input.js';
import { bulkProgressQuery } from '../../workflow/messages.js';

const { awaitWriteResult } = proxyActivities<WriteResultActivities>({
  // Waits as long as the existing write takes; heartbeats show it is alive.
  startToCloseTimeout: '7 days',
  heartbeatTimeout: '1 minute',
});

/** A planned item: what to start, or why it cannot start. */
type Plan =
  | {
      index: number;
      connectionId: string;
      start: {
        type: string;
        workflowId: string;
        input: unknown;
        summary: string;
        entity: string;
        operation: string;
        reuse: WorkflowIdReusePolicy;
      };
    }
  | { index: number; connectionId: string; invalid: BulkItemResult };

function plan(index: number, item: { type: string; input: unknown }): Plan {
  const type = bulkItemTypeSchema.safeParse(item.type);
  const keys = bulkItemKeysSchema.safeParse(item.input);
  if (!type.success || !keys.success) {
    const problems = [
      ...(type.success ? [] : [`type: unknown write type "${item.type}"`]),
      ...(keys.success ? [] : inputProblems(keys.error).map((p) => `input.${p.field}: ${p.message}`)),
    ];
    return {
      index,
      connectionId: keys.success ? keys.data.connectionId : '',
      invalid: { index, type: item.type, outcome: 'invalid', failure: itemFailure(WriteFailureType.invalidInput, problems.join('; ')) },
    };
  }
  const info = WRITE_TYPES[type.data];
  const { connectionId, idempotencyKey } = keys.data;
  return {
    index,
    connectionId,
    start: {
      type: type.data,
      input: item.input,
      entity: info.entity,
      operation: info.operation,
      workflowId: writeWorkflowId(type.data, connectionId, idempotencyKey),
      summary: `${type.data} on ${connectionId}, key ${idempotencyKey} (bulk item ${index})`,
      reuse: info.sameKeyRunsOnce ? WorkflowIdReusePolicy.REJECT_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    },
  };
}

/** Runs one item as a child workflow; an id that already exists is awaited instead. */
async function runItem(p: Extract<Plan, { start: unknown }>, taskQueue: string | undefined): Promise<BulkItemResult> {
  const { index, start: s } = p;
  const base = { index, type: s.type, workflowId: s.workflowId };
  try {
    const child = await startChild(s.type, {
      workflowId: s.workflowId,
      args: [s.input],
      taskQueue,
      workflowIdReusePolicy: s.reuse,
      // A write in flight finishes even if the bulk is cancelled: stopping it halfway helps nobody.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: s.summary,
      typedSearchAttributes: [
        { key: SA_CONNECTION_ID, value: p.connectionId },
        { key: SA_ENTITY, value: s.entity },
        { key: SA_OPERATION, value: s.operation },
        { key: SA_OUTCOME, value: 'running' },
      ],
    });
    return { ...base, outcome: 'succeeded', value: withoutSteps(await child.result()) };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { ...base, ...(await awaitWriteResult({ workflowId: s.workflowId })) };
    }
    if (err instanceof ChildWorkflowFailure) {
      const cause = err.cause;
      const type = cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : (cause?.name ?? 'ChildWorkflowFailure');
      return { ...base, outcome: outcomeOfFailure(type), failure: itemFailure(type, cause?.message ?? err.message) };
    }
    throw err;
  }
}

function progressOf(bulkId: string, results: (BulkItemResult | null)[], running: Map<string, number>, run: number): BulkProgress {
  const count = (o: BulkItemResult['outcome']) => results.filter((r) => r?.outcome === o).length;
  return {
    bulkId,
    total: results.length,
    done: results.filter((r) => r !== null).length,
    succeeded: count('succeeded'),
    failed: count('failed'),
    rejected: count('rejected'),
    invalid: count('invalid'),
    runningByConnection: Object.fromEntries([...running].filter(([, n]) => n > 0)),
    run,
  };
}

/**
 * Runs many writes and returns one result per item, in input order.
 * @example
 * await startBulkWrite(client, { bulkId: 'import-2026-11-02', items: [{ type: 'createPurchaseOrder', input: {...} }] });
 */
export async function bulkWrite(args: BulkWriteArgs): Promise<BulkWriteResult> {
  const { carry, ...rawInput } = args ?? ({} as BulkWriteArgs);
  const parsed = bulkWriteInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: WriteFailureType.invalidInput,
      nonRetryable: true,
      message: `invalid bulkWrite input: ${inputProblems(parsed.error)
        .slice(0, 20)
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ')}`,
    });
  }
  const input = parsed.data;
  // What a previous run carried over is checked like the input: a forged or garbled carry must fail
  // the bulk, not its workflow task forever.
  const carried = carry === undefined ? undefined : bulkCarrySchema.safeParse(carry);
  if (carried && (!carried.success || carried.data.results.length !== input.items.length)) {
    throw ApplicationFailure.create({
      type: WriteFailureType.invalidInput,
      nonRetryable: true,
      message: `invalid bulkWrite carry: ${
        carried.success
          ? `${carried.data.results.length} results for ${input.items.length} items`
          : inputProblems(carried.error)
              .slice(0, 20)
              .map((p) => `carry.${p.field}: ${p.message}`)
              .join('; ')
      }`,
    });
  }
  const run = carried?.data?.run ?? 1;
  const results: (BulkItemResult | null)[] = carried?.data?.results ?? input.items.map(() => null);
  const running = new Map<string, number>();
  setHandler(bulkProgressQuery, () => progressOf(input.bulkId, results, running, run));

  // One queue per connection, in input order; each connection gets its own lanes.
  const queues = new Map<string, Plan[]>();
  input.items.forEach((item, index) => {
    if (results[index]) return;
    const p = plan(index, item);
    if ('invalid' in p) {
      results[index] = p.invalid;
      return;
    }
    queues.set(p.connectionId, [...(queues.get(p.connectionId) ?? []), p]);
  });

  let startedThisRun = 0;
  // Stop taking new items when this run has done its share or the server suggests a new run.
  const shouldHandOver = () => startedThisRun >= input.itemsPerRun || workflowInfo().continueAsNewSuggested;
  const lane = async (connectionId: string, queue: Plan[]) => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      if (shouldHandOver()) {
        queue.unshift(p);
        return;
      }
      if (!('start' in p)) continue;
      startedThisRun += 1;
      running.set(connectionId, (running.get(connectionId) ?? 0) + 1);
      try {
        results[p.index] = await runItem(p, input.taskQueue);
      } finally {
        running.set(connectionId, (running.get(connectionId) ?? 1) - 1);
      }
    }
  };
  await Promise.all(
    [...queues].flatMap(([connectionId, queue]) =>
      Array.from({ length: Math.min(input.concurrencyPerConnection, queue.length) }, () => lane(connectionId, queue)),
    ),
  );

  if (results.some((r) => r === null)) {
    // Every child of this run has finished: the next run starts from the carried results.
    return continueAsNew<typeof bulkWrite>({ ...rawInput, carry: { run: run + 1, results } });
  }
  const done = results as BulkItemResult[];
  const progress = progressOf(input.bulkId, done, running, run);
  return {
    bulkId: input.bulkId,
    total: done.length,
    succeeded: progress.succeeded,
    failed: progress.failed,
    rejected: progress.rejected,
    invalid: progress.invalid,
    runs: run,
    items: done,
  };
}
