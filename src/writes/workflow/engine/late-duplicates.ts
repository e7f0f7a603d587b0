// The sweep for late duplicates. A create that was sent again after an unknown outcome waited its
// system's commit horizon first, but the horizon is a belief about the system, not a promise: the
// first request may still commit later (an SAP BAPI stuck behind a lock). So such a write looks
// once more when the horizon has passed again after the resend, and a second record carrying its
// idempotency key is undone the way its profile undoes (cancel by status); a system that cannot
// undo is reported with the record left. The result says `duplicatesUndone`; the search attribute
// MakiniLateDuplicate says `none`, `undone` or `left` (docs/operations.md: finding such writes).
import { ApplicationFailure, patched, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { WriteFailureType } from '../../../failures/workflow/failure-types.js';
import { SA_LATE_DUPLICATE } from '../../../observability/workflow/search-attributes.js';
import type { StepRunner } from './step-runner.js';

/** Patch id of the late-duplicate sweep after a create that was sent again (see `patched`). */
export const LATE_DUPLICATE_SWEEP_PATCH = 'late-duplicate-sweep';

/** A record carrying the write's idempotency key, as the sweep sees it. */
export interface Carrier {
  key: string;
  status: string;
}

export interface SweepOptions {
  system: string;
  /** What the records are ("purchase order"). */
  what: string;
  /** The steps whose resend can leave a duplicate of this kind (the record's create). */
  steps: readonly string[];
  /** The record this write created and reports: kept. */
  kept: string;
  /** How the key is carried, for messages (`code=po-42`). */
  reference: string;
  /** Every record carrying the idempotency key (one step of the runner). */
  list: () => Promise<Carrier[]>;
  /** How a duplicate is undone: a status to set, or why it cannot be. */
  undo: { by: 'status'; status: string; run: (key: string) => Promise<unknown> } | { by: 'impossible'; reason: string };
}

const minutes = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 1000).toFixed(1)} s`);

/**
 * Runs the sweep when the runner sent a create again after an unknown outcome; returns the keys of
 * the duplicates it undid (empty when it had nothing to do). Throws `LateDuplicateLeft` naming
 * each duplicate it could not undo.
 */
export async function sweepLateDuplicates(runner: StepRunner, o: SweepOptions): Promise<string[]> {
  const horizon = runner.commitHorizonMs;
  const resent = runner.resent.filter((r) => o.steps.includes(r.step));
  if (!resent.length || horizon === undefined || !patched(LATE_DUPLICATE_SWEEP_PATCH)) return [];
  const lastResend = Math.max(...resent.map((r) => r.resentAt));
  const waitMs = Math.max(lastResend + horizon - Date.now(), 1);
  const cause =
    `${o.what} ${o.kept} was sent again after an unknown outcome: the first request may still commit late; ` +
    `looking once more for a second ${o.what} with ${o.reference} when ${o.system}'s commit horizon (${minutes(horizon)}) has passed again`;
  upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'looking' }]);
  await sleep(waitMs, { summary: cause });
  const carriers = await o.list();
  const undoStatus = o.undo.by === 'status' ? o.undo.status : undefined;
  const duplicates = carriers.filter((c) => c.key !== o.kept && c.status !== undoStatus);
  if (!duplicates.length) {
    upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'none' }]);
    runner.note('sweep for late duplicates', 'succeeded', `waited ${minutes(waitMs)}: no second ${o.what} with ${o.reference}`);
    return [];
  }
  const undone: string[] = [];
  const left: { key: string; why: string }[] = [];
  for (const d of duplicates) {
    if (o.undo.by === 'impossible') {
      left.push({ key: d.key, why: `${o.system} cannot undo a ${o.what}: ${o.undo.reason}` });
      continue;
    }
    try {
      await o.undo.run(d.key);
      undone.push(d.key);
    } catch (err) {
      left.push({ key: d.key, why: err instanceof Error ? err.message : String(err) });
    }
  }
  const named = (keys: string[]) => keys.join(', ');
  if (left.length) {
    upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'left' }]);
    runner.note('sweep for late duplicates', 'failed', `left ${named(left.map((l) => l.key))}`);
    throw ApplicationFailure.create({
      type: WriteFailureType.lateDuplicateLeft,
      nonRetryable: true,
      message:
        `${o.what} ${o.kept} was written, and a late duplicate with ${o.reference} is in ${o.system}: ` +
        left.map((l) => `${l.key} NOT undone (${l.why})`).join('; ') +
        (undone.length ? `; undone: ${named(undone)}` : '') +
        `; cancel it by hand (the write itself is ${o.kept})`,
      details: [{ kept: o.kept, leftInSystem: left.map((l) => l.key), duplicatesUndone: undone }],
    });
  }
  upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'undone' }]);
  runner.note('sweep for late duplicates', 'succeeded', `undid ${named(undone)} (status ${undoStatus ?? ''}); kept ${o.kept}`);
  return undone;
}
