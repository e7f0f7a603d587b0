// Timings read from the Temporal server's own event timestamps (not from the wall clock of a
// loaded machine): when each attempt of an activity started, and how it ended. Shared by the
// tests and the benchmarks.
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { mapLimit } from './stats.js';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** An event's server timestamp in epoch ms. */
export const eventMs = (e: HistoryEvent): number => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);

export interface ActivityAttempt {
  workflowId: string;
  /** When the server handed the activity task to a worker (ActivityTaskStarted). */
  startedMs: number;
  /** When the server recorded its result (ActivityTaskCompleted, Failed or TimedOut). */
  endedMs: number;
  /** The failure type of the attempt (ApplicationFailure type), or undefined when it completed. */
  failureType?: string;
  /** The attempt's failure as recorded, when it failed. */
  failure?: temporal.api.failure.v1.IFailure;
}

/** Every attempt of the activities of this type in the workflows' histories, by start time. */
export async function activityAttempts(handles: readonly WorkflowHandle[], activityType: string): Promise<ActivityAttempt[]> {
  const perWorkflow = await mapLimit(handles, 16, async (handle) => {
    const attempts: ActivityAttempt[] = [];
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = new Set<string>();
    const started = new Map<string, number>();
    for (const e of events) {
      const id = String(e.eventId);
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === activityType) scheduled.add(id);
      const s = e.activityTaskStartedEventAttributes;
      if (s && scheduled.has(String(s.scheduledEventId))) started.set(String(s.scheduledEventId), eventMs(e));
      const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
      const scheduledId = done ? String(done.scheduledEventId) : undefined;
      if (scheduledId && started.has(scheduledId)) {
        const failure = e.activityTaskFailedEventAttributes?.failure ?? undefined;
        attempts.push({
          workflowId: handle.workflowId,
          startedMs: started.get(scheduledId)!,
          endedMs: eventMs(e),
          failureType: failure
            ? (failure.cause?.applicationFailureInfo?.type ?? failure.applicationFailureInfo?.type ?? 'failed')
            : undefined,
          ...(failure ? { failure } : {}),
        });
      }
    }
    return attempts;
  });
  return perWorkflow.flat().sort((a, b) => a.startedMs - b.startedMs);
}
