// Finds the failed writes ops act on: executions matching a filter whose LATEST run failed (a write
// already re-run, or started again by its caller, is not failed any more).
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { failedWritesQuery, type FailedWritesFilter } from './failed-writes-query.js';
import { SA_CONNECTION_ID, SA_ERROR_CODE, SA_SYSTEM } from '../observability/workflow/search-attributes.js';

export interface FailedWrite {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  connectionId?: string;
  system?: string;
  errorCode?: string;
  closeTime?: Date;
}

export interface FoundFailedWrites {
  query: string;
  writes: FailedWrite[];
  /** Failed runs skipped because a later run of the same workflow id exists. */
  superseded: number;
}

const toFailedWrite = (e: WorkflowExecutionInfo): FailedWrite => ({
  workflowId: e.workflowId,
  runId: e.runId,
  workflowType: e.type,
  taskQueue: e.taskQueue,
  connectionId: e.typedSearchAttributes.get(SA_CONNECTION_ID),
  system: e.typedSearchAttributes.get(SA_SYSTEM),
  errorCode: e.typedSearchAttributes.get(SA_ERROR_CODE),
  closeTime: e.closeTime,
});

/** Failed writes matching `filter`, oldest failure first, at most `limit`. */
export async function findFailedWrites(client: Client, filter: FailedWritesFilter, limit = 1_000): Promise<FoundFailedWrites> {
  const query = failedWritesQuery(filter);
  const latestFailed = new Map<string, FailedWrite>();
  for await (const e of client.workflow.list({ query })) {
    const w = toFailedWrite(e);
    const seen = latestFailed.get(w.workflowId);
    if (!seen || (w.closeTime?.getTime() ?? 0) > (seen.closeTime?.getTime() ?? 0)) latestFailed.set(w.workflowId, w);
  }
  const writes: FailedWrite[] = [];
  let superseded = 0;
  for (const w of latestFailed.values()) {
    const latest = await client.workflow.getHandle(w.workflowId).describe();
    if (latest.runId !== w.runId) {
      superseded += 1;
      continue;
    }
    writes.push(w);
  }
  writes.sort((a, b) => (a.closeTime?.getTime() ?? 0) - (b.closeTime?.getTime() ?? 0) || a.workflowId.localeCompare(b.workflowId));
  return { query, writes: writes.slice(0, limit), superseded };
}

/** The writes as a text table. */
export function formatFailedWrites(writes: FailedWrite[]): string {
  const head = ['workflow id', 'type', 'connection', 'system', 'error', 'failed at'];
  const rows = writes.map((w) => [
    w.workflowId,
    w.workflowType,
    w.connectionId ?? '',
    w.system ?? '',
    w.errorCode ?? '',
    w.closeTime?.toISOString() ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
