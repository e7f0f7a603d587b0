// Where a failed write can be reset to: just after its last step that succeeded, so the new run
// reuses what the failed one recorded and continues with the step that failed. Only where that is
// safe: nothing after that point may have written without our knowing, and no undo has run.
import type { temporal } from '@temporalio/proto';
import { WriteFailureType } from '../failures/workflow/failure-types.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type ResetDecision =
  | {
      safe: true;
      /** WorkflowTaskCompleted event to reset to. */ eventId: number;
      /** Activity type of the last good step. */ afterActivity: string;
    }
  | { safe: false; reason: string };

/** Failure types a reset cannot help with, and what to do instead. */
const NOT_RESETTABLE: Record<string, string> = {
  [WriteFailureType.restrictionViolated]:
    'the rules refused it, and a reset keeps the recorded rules: fix the cause, then re-run (a re-run reads the rules again)',
  [WriteFailureType.invalidInput]: 'its input is invalid: start it again with a corrected input',
  [WriteFailureType.compensated]: 'what it wrote has been undone: re-run instead (it looks up the record by its idempotency key first)',
  [WriteFailureType.compensationFailed]:
    'its undo failed, so what it wrote may still be in the system: cancel that record by hand, or fix the cause and re-run (it finds the record by its idempotency key and continues)',
  [WriteFailureType.lateDuplicateLeft]:
    'the write succeeded and a late duplicate of it is still in the system (details name it): cancel the duplicate by hand; a reset or re-run would not',
  [WriteFailureType.idempotencyKeyUsed]: 'its idempotency key names a cancelled record: start it with a new key',
  [WriteFailureType.verificationFailed]: 'the write landed but reads back differently: check the record, then re-run',
};

const num = (v: unknown) => Number(v ?? 0);

/**
 * Decides the reset point of a failed run.
 * @param failureType `MakiniErrorCode` of the run (the workflow's failure type)
 * @param ambiguousFailures event ids of activity failures that may have written (decoded by the caller)
 */
export function resetPoint(events: HistoryEvent[], failureType: string | undefined, ambiguousFailures: ReadonlySet<number>): ResetDecision {
  const refused = failureType ? NOT_RESETTABLE[failureType] : undefined;
  if (refused) return { safe: false, reason: refused };
  const lastGood = [...events].reverse().find((e) => e.activityTaskCompletedEventAttributes);
  if (!lastGood) return { safe: false, reason: 'no step succeeded before the failure: re-run instead' };
  const after = num(lastGood.eventId);
  const later = events.filter((e) => num(e.eventId) > after);
  if (later.some((e) => e.activityTaskTimedOutEventAttributes)) {
    return { safe: false, reason: 'a later step timed out, so its write may have landed: re-run instead (it looks before it writes)' };
  }
  if (later.some((e) => ambiguousFailures.has(num(e.eventId)))) {
    return { safe: false, reason: 'a later step failed in a way that may have written: re-run instead (it looks before it writes)' };
  }
  const point = later.find((e) => e.workflowTaskCompletedEventAttributes);
  if (!point) return { safe: false, reason: 'the run ended before the workflow saw its last good step: re-run instead' };
  const scheduledId = num(lastGood.activityTaskCompletedEventAttributes?.scheduledEventId);
  const scheduled = events.find((e) => num(e.eventId) === scheduledId);
  return {
    safe: true,
    eventId: num(point.eventId),
    afterActivity: scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity',
  };
}
