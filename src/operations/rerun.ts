// Runs a failed write again: a new run of the same workflow id with the input its failed run was
// started with (read from that run's history), or, where safe, a reset to its last good step.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { decodeArrayFromPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { temporal } from '@temporalio/proto';
import { startWrite } from '../writes/start-write.js';
import { makiniFailureInfoSchema } from '../failures/workflow/failure-types.js';
import { isWriteType, WRITE_TYPES } from '../writes/workflow/catalog.js';
import type { FailedWrite } from './failed-writes.js';
import { resetPoint } from './reset-point.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Long = NonNullable<temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest['workflowTaskFinishEventId']>;

export type RerunResult =
  | { workflowId: string; previousRunId: string; status: 'rerun' | 'reset'; runId: string; note?: string }
  | { workflowId: string; previousRunId: string; status: 'skipped' | 'failed'; reason: string };

export interface RerunOptions {
  /** The production data converter (histories may be encrypted). */
  dataConverter?: DataConverter;
  /** Reset to the last good step where safe (else re-run, saying why). */
  resetToLastGood?: boolean;
}

/** Event ids of activity failures whose write may have landed (decoded from their details). */
async function ambiguousFailures(events: HistoryEvent[], converter: ReturnType<typeof loadDataConverter>): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const e of events) {
    const payloads = e.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.details?.payloads;
    if (!payloads?.length) continue;
    const [detail] = await decodeArrayFromPayloads(converter, payloads);
    const info = makiniFailureInfoSchema.safeParse(detail);
    if (info.success && info.data.ambiguous) ids.add(Number(e.eventId));
  }
  return ids;
}

async function reset(
  client: Client,
  w: FailedWrite,
  events: HistoryEvent[],
  converter: ReturnType<typeof loadDataConverter>,
): Promise<{ runId: string; afterActivity: string } | { reason: string }> {
  const decision = resetPoint(events, w.errorCode, await ambiguousFailures(events, converter));
  if (!decision.safe) return { reason: decision.reason };
  const request: temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest = {
    namespace: client.options.namespace,
    workflowExecution: { workflowId: w.workflowId, runId: w.runId },
    // int64 field: protobufjs takes a plain number.
    workflowTaskFinishEventId: decision.eventId as unknown as Long,
    reason: `makini-writes rerun-failed: reset after the last good step (${decision.afterActivity})`,
    requestId: randomUUID(),
  };
  const res: temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse = await client.workflowService.resetWorkflowExecution(request);
  return { runId: res.runId ?? '', afterActivity: decision.afterActivity };
}

/** Re-runs (or resets) one failed write; never throws for a write it cannot re-run, it says why. */
export async function rerunFailedWrite(client: Client, w: FailedWrite, opts: RerunOptions = {}): Promise<RerunResult> {
  const base = { workflowId: w.workflowId, previousRunId: w.runId };
  if (!isWriteType(w.workflowType)) return { ...base, status: 'skipped', reason: `${w.workflowType} is not a write type` };
  const info = WRITE_TYPES[w.workflowType];
  if ('sameKeyRunsOnce' in info && info.sameKeyRunsOnce) {
    return {
      ...base,
      status: 'skipped',
      reason: `${w.workflowType} never runs the same key twice (the failed run may have applied it): check the record, then start it with a new key`,
    };
  }
  const converter = loadDataConverter(opts.dataConverter);
  const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
  const events = history.events ?? [];
  let note: string | undefined;
  if (opts.resetToLastGood) {
    const r = await reset(client, w, events, converter);
    if ('runId' in r) return { ...base, status: 'reset', runId: r.runId, note: `continues after ${r.afterActivity}` };
    note = `not reset: ${r.reason}`;
  }
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started) return { ...base, status: 'failed', reason: 'the history has no start event' };
  const [input] = await decodeArrayFromPayloads(converter, started.input?.payloads);
  try {
    const handle = await startWrite(client, w.workflowType, input as never, { taskQueue: started.taskQueue?.name ?? w.taskQueue });
    const latest = await handle.describe();
    if (latest.runId === w.runId)
      return { ...base, status: 'failed', reason: 'the server did not start a new run (workflow id reuse policy)' };
    return { ...base, status: 'rerun', runId: latest.runId, note };
  } catch (err) {
    return { ...base, status: 'failed', reason: (err as Error).message };
  }
}
