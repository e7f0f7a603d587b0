// How every Makini activity answers: the value plus the call's timing, for the step table;
// and how it fails: an ApplicationFailure whose type and details are the classified failure.
import { ApplicationFailure } from '@temporalio/activity';
import type { MakiniFailureInfo } from '../failures/workflow/failure-types.js';
import { MakiniError } from './errors.js';
import type { CallMeta, MakiniResult } from './http.js';

/** Call timing without anything confidential. */
export interface CallRecord {
  requestIds: string[];
  processingTimeMs: number;
  status: number;
}

export interface ActivityResult<T> {
  value: T;
  call: CallRecord;
}

/** Merges the meta of one or more calls made by an activity. */
export function callRecord(...metas: CallMeta[]): CallRecord {
  return {
    requestIds: metas.flatMap((m) => (m.requestId ? [m.requestId] : [])),
    processingTimeMs: metas.reduce((s, m) => s + (m.processingTimeMs ?? 0), 0),
    status: metas.at(-1)?.status ?? 0,
  };
}

/** Wraps a value with the call record of the results it came from (every page of a paged list). */
export function answer<T>(value: T, ...results: (MakiniResult<unknown> & { pages?: CallMeta[] })[]): ActivityResult<T> {
  return { value, call: callRecord(...results.flatMap((r) => r.pages ?? [r.meta])) };
}

/** Runs an activity body, turning a classified Makini error into an ApplicationFailure. */
export async function asActivity<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MakiniError) {
      const info: MakiniFailureInfo = err.info;
      throw ApplicationFailure.create({ type: info.type, message: info.message, details: [info], nonRetryable: !info.retryable });
    }
    throw err;
  }
}
