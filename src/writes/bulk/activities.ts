// Activities over the Temporal client (not Makini): a bulk item whose workflow id already runs or
// has completed gets that execution's outcome instead of a second write.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { itemFailure, outcomeOfFailure, withoutSteps, type ExistingWriteOutcome } from './workflow/contract.js';

export interface WriteResultDeps {
  /** A client of the worker's namespace, with the production data converter. */
  client: Client;
}

const HEARTBEAT_MS = 10_000;

/** The input of `awaitWriteResult` (before one input object, its one positional argument was the workflow id). */
export const awaitWriteResultInputSchema = z.object({ workflowId: z.string().min(1) });

/** Builds the activities over a Temporal client (composition root: src/worker.ts). */
export function createWriteResultActivities(deps: WriteResultDeps) {
  return {
    /** Waits for the write with this workflow id (following its runs) and reports how it ended. */
    async awaitWriteResult({ workflowId }: z.infer<typeof awaitWriteResultInputSchema>): Promise<ExistingWriteOutcome> {
      const ctx = Context.current();
      // Heartbeats tell the server this wait is alive; a lost worker is noticed within the timeout.
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
      try {
        const value = await deps.client.workflow.getHandle(workflowId).result();
        return { outcome: 'succeeded', value: withoutSteps(value) };
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        const cause = err.cause;
        const type = cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : (cause?.name ?? 'WorkflowFailed');
        return { outcome: outcomeOfFailure(type), failure: itemFailure(type, cause?.message ?? err.message) };
      } finally {
        clearInterval(beat);
      }
    },
  };
}

/** The activities' type, for `proxyActivities<WriteResultActivities>()` in workflows. */
export type WriteResultActivities = ReturnType<typeof createWriteResultActivities>;
