// How long the cluster takes to serve every history shard again after a disruption (a history
// host killed, PostgreSQL restarted): a round of DescribeWorkflowExecution calls for ids that do
// not exist, spread over every shard, until one whole round answers (NOT_FOUND counts: the shard's
// owner looked). A call to a shard nobody owns, or whose owner cannot reach the database, fails or
// times out instead.
import { randomUUID } from 'node:crypto';
import type { Connection } from '@temporalio/client';

/** Random ids over 8 shards: all of them are hit with probability above 99.99 %. */
const PROBE_IDS = 128;
const CALL_TIMEOUT_MS = 3_000;
const NOT_FOUND = 5;

/** Resolves with the milliseconds from `since` until every probe of one round is answered; rejects after `timeoutMs`. */
export async function timeUntilShardsServed(
  connection: Connection,
  namespace: string,
  since: number,
  timeoutMs = 300_000,
): Promise<number> {
  const ids = Array.from({ length: PROBE_IDS }, () => `shard-probe-${randomUUID()}`);
  let last = '';
  while (Date.now() - since < timeoutMs) {
    const answers = await Promise.all(
      ids.map((workflowId) =>
        connection
          .withDeadline(Date.now() + CALL_TIMEOUT_MS, () =>
            connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId } }),
          )
          .then(
            () => true,
            (err: { code?: number; message?: string }) => {
              if (err.code === NOT_FOUND) return true;
              last = err.message ?? String(err);
              return false;
            },
          ),
      ),
    );
    if (answers.every(Boolean)) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`history shards not all served ${timeoutMs / 1000} s after the disruption (last error: ${last})`);
}

/**
 * How long writes stalled after `from`: the longest time between two consecutive write outcomes
 * (or from `from` to the first one) until `windowMs` after it.
 */
export function longestPause(outcomeTimes: readonly number[], from: number, windowMs: number): number {
  let longest = 0;
  let previous = from;
  for (const t of outcomeTimes.filter((x) => x >= from).sort((a, b) => a - b)) {
    longest = Math.max(longest, t - previous);
    previous = t;
    if (t > from + windowMs) break;
  }
  return longest;
}
