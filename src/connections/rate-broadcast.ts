// Tells the running writes of a connection that its rate changed (a 429: a cut rate and a pause),
// from the gate that got the 429: their write calls still queued at the old weight move
// (connections/workflow/pacing.ts) instead of being dispatched at the old rate and held back, a pacing slot
// each. Found through visibility (the writes' MakiniConnectionId search attribute, on the
// connection's workflow task queue). Only on a 429 (a new pause of this process), so it costs
// nothing while writes flow.
//
// Told in rounds, a second apart, until the pause is over (at most MAX_ROUNDS): each round tells
// the writes the earlier ones did not. Visibility lags the writes' starts (under load, seconds on
// the dev server's SQLite), so a write started just before the 429 may not be listed yet while its
// call is queued at the old weight; and a write that resolved its profile on another worker
// process before that process's view had the cut schedules at the old weight too. Each such call
// was dispatched at the old rate once the pause ended and held back by the gate, a pacing slot each
// (the rate benchmark's held dispatches, docs/benchmarks.md).
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

/** Rounds of telling: the first at once, then one a second while the pause runs (and one after it). */
const MAX_ROUNDS = 6;
const ROUND_EVERY_MS = 1_000;

/**
 * Signals every running write of the connection but `except`, in rounds until its pause is over
 * (each round the writes not told before); resolves to how many were told.
 */
export async function broadcastRateChange(
  client: Client,
  taskQueue: string,
  change: ConnectionRateChange,
  except?: string,
  roundEveryMs = ROUND_EVERY_MS,
): Promise<number> {
  const told = new Set<string>(except === undefined ? [] : [except]);
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    if (round > 0) {
      // One round after the pause's end at most: a call queued at the old weight goes once it ends.
      if (Date.now() > (change.pausedUntil ?? 0)) break;
      await new Promise((r) => setTimeout(r, roundEveryMs));
    }
    await tellRound(client, taskQueue, change, told);
  }
  return told.size - (except === undefined ? 0 : 1);
}

/** One round: the running writes not in `told`, oldest first; adds the ones signalled to it. */
async function tellRound(client: Client, taskQueue: string, change: ConnectionRateChange, told: Set<string>): Promise<void> {
  const found: { id: string; startedAt: number }[] = [];
  for await (const wf of client.workflow.list({ query: runningWritesQuery(taskQueue, change.connectionId) })) {
    if (!told.has(wf.workflowId)) found.push({ id: wf.workflowId, startedAt: wf.startTime.getTime() });
  }
  // Oldest first: their calls were queued first, so the server dispatches them next.
  const ids = found.sort((a, b) => a.startedAt - b.startedAt).map((w) => w.id);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SIGNAL_CONCURRENCY, ids.length) }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        // A write that finished meanwhile cannot be signalled: nothing to tell it.
        await client.workflow
          .getHandle(id)
          .signal(connectionRateChangedSignal, change)
          .then(
            () => told.add(id),
            () => undefined,
          );
      }
    }),
  );
}
