// Reads what went wrong out of a failed activity call, as a classified Makini failure.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { makiniFailureInfoSchema, MakiniFailureType, type MakiniFailureInfo } from '../../../failures/workflow/failure-types.js';

/** Classifies an error thrown by an activity call in workflow code. */
export function failureInfoOf(err: unknown): MakiniFailureInfo {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const parsed = makiniFailureInfoSchema.safeParse(cause.details?.[0]);
    if (parsed.success) return parsed.data;
    return { type: MakiniFailureType.rejected, code: cause.type ?? undefined, message: cause.message, retryable: false, ambiguous: false };
  }
  if (cause instanceof TimeoutFailure) {
    // The activity ran out of time (a worker died, or Makini hung): a write may have landed.
    return { type: MakiniFailureType.network, message: `activity timed out (${cause.timeoutType})`, retryable: true, ambiguous: true };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { type: MakiniFailureType.rejected, message: `unexpected failure: ${message}`, retryable: false, ambiguous: false };
}

/** "429 RATE_LIMIT_EXCEEDED" / "503" / "network" — the cause in a few words, for summaries. */
export function shortCause(info: MakiniFailureInfo): string {
  if (info.status) return info.code ? `${info.status} ${info.code}` : `${info.status}`;
  return info.type === MakiniFailureType.network ? `no answer (${info.message.replace(/^.*no answer: /, '')})` : info.type;
}
