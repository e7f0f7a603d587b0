// Tells the running writes of a connection that its rate changed (a 429: a cut rate and a pause),
// from the gate that got the 429: their write calls still queued at the old weight move
// (connections/workflow/pacing.ts) instead of being dispatched at the old rate and held back, a pacing slot
// each. Found through visibility (the writes' MakiniConnectionId search attribute, on the
// connection's workflow task queue); a write not yet visible there is held back by the gate as
// before. Only on a 429 (a new pause of this process), so it costs nothing while writes flow.
import type { Client } from '@temporalio/client';
import { CONNECTION_CONTROL_WORKFLOW, connectionRateChangedSignal, type ConnectionRateChange } from './workflow/messages.js';
import { SA_CONNECTION_ID } from '../observability/workflow/search-attributes.js';

/** Signals in flight at once. */
const SIGNAL_CONCURRENCY = 20;

const quoted = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The visibility query of the running writes of `connectionId` on `taskQueue`. */
export function runningWritesQuery(taskQueue: string, connectionId: string): string {
  return (
    `ExecutionStatus = 'Running' AND TaskQueue = ${quoted(taskQueue)} AND ${SA_CONNECTION_ID.name} = ${quoted(connectionId)} ` +
    `AND WorkflowType != ${quoted(CONNECTION_CONTROL_WORKFLOW)}`
  );
}

/** Signals every running write of the connection but `except`; resolves to how many were told. */
export async function broadcastRateChange(
  client: Client,
  taskQueue: string,
  change: ConnectionRateChange,
  except?: string,
): Promise<number> {
  const found: { id: string; startedAt: number }[] = [];
  for await (const wf of client.workflow.list({ query: runningWritesQuery(taskQueue, change.connectionId) })) {
    if (wf.workflowId !== except) found.push({ id: wf.workflowId, startedAt: wf.startTime.getTime() });
  }
  // Oldest first: their calls were queued first, so the server dispatches them next.
  const ids = found.sort((a, b) => a.startedAt - b.startedAt).map((w) => w.id);
  let next = 0;
  let told = 0;
  await Promise.all(
    Array.from({ length: Math.min(SIGNAL_CONCURRENCY, ids.length) }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        // A write that finished meanwhile cannot be signalled: nothing to tell it.
        await client.workflow
          .getHandle(id)
          .signal(connectionRateChangedSignal, change)
          .then(
            () => (told += 1),
            () => undefined,
          );
      }
    }),
  );
  return told;
}
