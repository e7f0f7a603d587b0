// What the step runner reports besides the step table: workflow metrics (waits and retries by
// cause, step durations; emitted by the worker, never during replay) and log lines carrying the
// workflow id (added by the SDK), connection id, step and Makini request ids.
import { log, metricMeter } from '@temporalio/workflow';
import type { MakiniFailureInfo } from '../../../failures/workflow/failure-types.js';
import { StepMetric } from '../../../observability/workflow/metric-labels.js';
import { errorCodeLabel } from '../../../makini/workflow/error-code-label.js';
import type { StepRecord } from './steps.js';

/** Log attributes of a write (connectionId, entity, operation, system), set as they become known. */
export type LogContext = Record<string, string>;

/**
 * A step name as a metric label, from a bounded set: numbers become N ("add line 7" → "add line
 * N", "write quantity -2.5 if unchanged" → "write quantity N if unchanged"), record keys become K
 * ("add material mat-1" → "add material K"). Keys are the caller's and Makini's, any number of
 * them: left in, every material would be a new series. A key is what follows "material" (the
 * last words of those step names), or any word that is not plain letters (digits, dots,
 * underscores...: "PO-42", "V_100").
 */
export const stepLabel = (name: string) =>
  name
    .replace(/\b(materials?)\s+\S.*$/, '$1 K')
    .split(' ')
    .map((word) => {
      const [, open, core, close] = /^(\(?)(.*?)([):,]*)$/.exec(word)!;
      if (/^[-+]?\d+(\.\d+)?$/.test(core!)) return `${open}N${close}`;
      if (/^[A-Za-z]+(-[A-Za-z]+)*$/.test(core!) || !/[A-Za-z0-9]/.test(core!)) return word;
      return `${open}K${close}`;
    })
    .join(' ')
    .slice(0, 100);

const ms = (n: number) => Math.max(0, Math.round(n));

/** A step ended (or a check was noted). */
export function observeStep(rec: StepRecord, ctx: LogContext): void {
  metricMeter
    .createHistogram(StepMetric.stepDuration, 'int', 'ms', 'Duration of write steps, waits included')
    .record(ms(rec.durationMs), { step: stepLabel(rec.name), outcome: rec.outcome });
  const attrs = {
    ...ctx,
    step: rec.name,
    outcome: rec.outcome,
    attempts: rec.attempts,
    durationMs: rec.durationMs,
    requestId: rec.requestIds.at(-1),
    requestIds: rec.requestIds,
    note: rec.note,
  };
  if (rec.outcome === 'failed') log.warn(`step failed: ${rec.name}`, attrs);
  else log.info(`step ${rec.outcome}: ${rec.name}`, attrs);
}

/** The runner waits `delayMs` before attempt `attempt + 1` of a step. */
export function observeWait(
  step: string,
  info: MakiniFailureInfo,
  delayMs: number,
  retryAfter: boolean,
  attempt: number,
  ctx: LogContext,
): void {
  const wait = retryAfter ? 'retry-after' : 'backoff';
  const cause = info.type;
  metricMeter
    .createCounter(StepMetric.retries, '1', 'Retries of write steps by cause')
    .add(1, { step: stepLabel(step), cause, code: errorCodeLabel(info.code, ''), wait });
  metricMeter.createHistogram(StepMetric.waitDuration, 'int', 'ms', 'Durable waits before retries').record(ms(delayMs), { cause, wait });
  log.warn(`waiting ${ms(delayMs)} ms before retrying: ${step}`, {
    ...ctx,
    step,
    attempt,
    cause,
    status: info.status,
    code: info.code,
    requestId: info.requestId,
    waitMs: ms(delayMs),
    wait,
  });
}

/** A lookup after an ambiguous write answered. */
export function observeLandedCheck(step: string, landed: boolean, ctx: LogContext): void {
  metricMeter
    .createCounter(StepMetric.landedChecks, '1', 'Lookups after ambiguous writes')
    .add(1, { step: stepLabel(step), found: String(landed) });
  log.info(`ambiguous write ${landed ? 'had landed' : 'had not landed'}: ${step}`, { ...ctx, step, landed });
}
