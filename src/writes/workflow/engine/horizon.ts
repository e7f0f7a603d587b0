// The commit horizon of a write: how late its system may still commit a request whose answer was
// lost, and when a create looks again before it is sent again (profile `timing`,
// src/profiles/workflow/schema.ts). Pure: shared by every workflow of a worker thread.
import { writeTimingSchema, type WriteTiming } from '../../../profiles/workflow/schema.js';

/** The timing of a profile that says nothing (and of histories recorded before profiles had one). */
export const DEFAULT_WRITE_TIMING: WriteTiming = writeTimingSchema.parse({});

/** Points (after the unknown outcome) at which a create looks again, besides the settle delay and the horizon. */
export const LOOKUP_POINTS_MS = [30_000, 120_000] as const;

/**
 * When to look after an unknown outcome, in ms after it: the settle delay, 30 s, 2 min, then the
 * horizon; never before the settle delay, never past the horizon (a horizon below the settle delay
 * leaves the one lookup after it).
 * @example lookupSchedule(5_000, 300_000) // → [5_000, 30_000, 120_000, 300_000]
 */
export function lookupSchedule(settleMs: number, commitHorizonMs: number): number[] {
  const last = Math.max(settleMs, commitHorizonMs);
  return [...new Set([settleMs, ...LOOKUP_POINTS_MS, last])].filter((p) => p >= settleMs && p <= last).sort((a, b) => a - b);
}

const minutes = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

/**
 * The summary of wait `i` of the schedule (the timer's in the UI, the step table's cause): the
 * settle delay first (as before the horizon: "letting the write settle"), then each look again.
 */
export function horizonWaitCause(
  cause: string,
  system: string,
  waitMs: number,
  i: number,
  schedule: readonly number[],
  commitHorizonMs: number,
): string {
  const horizon = `${system} may commit a write up to ${minutes(commitHorizonMs)} late (its commit horizon)`;
  if (i === 0) return `${cause}: letting the write settle ${minutes(waitMs)} before looking${schedule.length > 1 ? `; ${horizon}` : ''}`;
  const at = schedule[i]!;
  return i === schedule.length - 1
    ? `${cause}: not found yet; ${horizon}: waiting ${minutes(waitMs)} for it, then a last look before sending again`
    : `${cause}: not found yet; ${horizon}: waiting ${minutes(waitMs)} to look again ${minutes(at)} after the answer`;
}
