// Where a write's Makini calls run: write calls (POST/PUT) go to the write-calls task queue with
// the connection id as fairness key and a weight that paces them at the connection's rate (see
// ./gate-policy.ts; the catalog says which activities write); reads stay on the workflow's own queue, unpaced.
//
// A write call waits on that queue at the weight it was scheduled with, and the server dispatches
// it at that weight's rate. After a 429 the connection's rate is cut: a call still queued at the
// old weight would be dispatched at the old rate, held back by the gate ("rate reduced") and
// scheduled again, each such dispatch taking a pacing slot of the connection as a sent call does.
// So the gate that got the 429 tells the writes of the connection (connectionRateChangedSignal,
// rate-broadcast.ts), and a write whose call is still queued above the new rate, or would be
// dispatched inside the pause, takes it back (cancels the activity, which the server then never
// dispatches) and schedules it again after the pause at the new weight. The activity is cancelled
// with WAIT_CANCELLATION_COMPLETED: a call the worker had already started ends as it ends (sent
// or not, the step runner sees its real outcome); only a call that never left comes back as
// cancelled (its send window refuses to send once cancelled, src/makini/send-window.ts).
import {
  ActivityCancellationType,
  CancellationScope,
  isCancellation,
  patched,
  sleep,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { fairnessKeyOf, fairnessWeightFor, pacedWritesPerSecond, writeCallsQueueOf } from './gate-policy.js';
import type { ConnectionRateChange } from './messages.js';

/** Profiles default to this when a write never resolved its connection's rate. */
const FALLBACK_WRITES_PER_MINUTE = 60;
/** A cap learned from the gate is trusted this long; then the write tries its configured rate again. */
const LEARNED_CAP_TTL_MS = 60_000;
/** A float weight makes a round trip through the server: the tolerance the gate uses too. */
const RATE_TOLERANCE = 1.001;

/**
 * Patch id of a write call moving (cancelled while queued, and scheduled again after the pause at
 * the new weight), consulted where a move or a pause wait happens, so that a write that never moves
 * records no marker (a patch costs two history events: its marker and the TemporalChangeVersion
 * search attribute). Whether a call CAN move (scheduled with WAIT_CANCELLATION_COMPLETED rather than
 * the default TRY_CANCEL, which only matters once it is cancelled) comes from the recorded profile
 * lookup: its result carries `rate` since this change, so a history from before it replays with
 * Temporal's default cancellation and no moves.
 */
export const RATE_MOVES_PATCH = 'write-calls-move-on-rate-change';

interface Pacing {
  writesPerMinute: number;
  /** The profile lookup said the worker tells this write of rate changes (its result has `rate`). */
  movable?: boolean;
  cap?: { perSecond: number; until: number };
  /** End of a pause of the connection's writes this write was told of (epoch ms). */
  pausedUntil?: number;
}

/** A write call waiting on the write-calls queue (or running: then cancelling it changes nothing). */
interface QueuedCall {
  connectionId: string;
  perSecond: number;
  scope: CancellationScope;
  /** Cancelled because the rate changed: scheduled again, not failed. */
  moved: boolean;
}

// Module state is per workflow execution in the TypeScript SDK (each run has its own module cache).
const pacing = new Map<string, Pacing>();
const queued = new Set<QueuedCall>();
/** Pauses a write call waited out before it was scheduled (again), for the step table (`takeRateWaits`). */
const rateWaits: { cause: string; ms: number }[] = [];

/** The pauses write calls waited out since the last call of this (the step runner records them). */
export function takeRateWaits(): { cause: string; ms: number }[] {
  return rateWaits.splice(0);
}

const entry = (connectionId: string): Pacing => {
  let p = pacing.get(connectionId);
  if (!p) pacing.set(connectionId, (p = { writesPerMinute: FALLBACK_WRITES_PER_MINUTE }));
  return p;
};

/** The connection's configured write rate (connection config, else its system profile). */
export function setWritesPerMinute(connectionId: string, writesPerMinute: number): void {
  entry(connectionId).writesPerMinute = writesPerMinute;
}

/** Write calls to this connection may move on a rate change (a profile lookup recorded since RATE_MOVES_PATCH). */
export function allowRateMoves(connectionId: string): void {
  entry(connectionId).movable = true;
}

/**
 * The adaptive cap the gate reported (after 429s). A write goes to one connection, so it applies to
 * every connection this workflow paced (the failure that carries it does not name the connection).
 */
export function learnRateCap(capPerSecond: number): void {
  for (const p of pacing.values()) p.cap = { perSecond: capPerSecond, until: Date.now() + LEARNED_CAP_TTL_MS };
}

/**
 * The connection's rate changed (a 429: a lower cap and a pause), as the gate that got it, or the
 * profile lookup, tells this write. Takes back the write calls queued above the new rate or due
 * inside the pause: they are scheduled again after it (`pacedCall`).
 */
export function noteRateChange(change: ConnectionRateChange): void {
  const p = entry(change.connectionId);
  const now = Date.now();
  if (change.capPerSecond !== undefined) p.cap = { perSecond: change.capPerSecond, until: now + LEARNED_CAP_TTL_MS };
  if (change.pausedUntil !== undefined && change.pausedUntil > now) p.pausedUntil = Math.max(p.pausedUntil ?? 0, change.pausedUntil);
  for (const call of queued) {
    if (call.connectionId !== change.connectionId || call.moved) continue;
    const tooFast = change.capPerSecond !== undefined && call.perSecond > change.capPerSecond * RATE_TOLERANCE;
    const insidePause = p.pausedUntil !== undefined && p.pausedUntil > now;
    if ((!tooFast && !insidePause) || !patched(RATE_MOVES_PATCH)) continue;
    call.moved = true;
    call.scope.cancel();
  }
}

/** The rate the next write call to this connection is paced at, in writes per second. */
export function currentWritesPerSecond(connectionId: string): number {
  const p = entry(connectionId);
  const cap = p.cap && p.cap.until > Date.now() ? p.cap.perSecond : undefined;
  return pacedWritesPerSecond(p.writesPerMinute, cap);
}

/** Task queue and fairness of one write call (the catalog says which activities write). */
export function pacedCallOptions(connectionId: string): Partial<ActivityOptions> {
  return {
    taskQueue: writeCallsQueueOf(workflowInfo().taskQueue),
    priority: { fairnessKey: fairnessKeyOf(connectionId), fairnessWeight: fairnessWeightFor(currentWritesPerSecond(connectionId)) },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Runs one write call on the paced queue; while it is queued, a change of the connection's rate
 * (`noteRateChange`) takes it back and it goes again after the pause at the new weight. In a
 * history from before it (no `rate` in the profile lookup), one call with Temporal's default cancellation.
 */
export async function pacedCall<R>(connectionId: string, run: (options: Partial<ActivityOptions>) => Promise<R>): Promise<R> {
  if (!entry(connectionId).movable) return run(pacedCallOptions(connectionId));
  for (;;) {
    const p = entry(connectionId);
    const pauseLeft = (p.pausedUntil ?? 0) - Date.now();
    if (pauseLeft > 0 && patched(RATE_MOVES_PATCH)) {
      // Dispatched inside the pause, the call would be held back by the gate and take a slot for nothing.
      const cause = `writes to ${connectionId} paused ${seconds(pauseLeft)} after a 429 on another write`;
      rateWaits.push({ cause, ms: pauseLeft });
      await sleep(pauseLeft, { summary: cause });
    }
    const call: QueuedCall = {
      connectionId,
      perSecond: currentWritesPerSecond(connectionId),
      scope: new CancellationScope(),
      moved: false,
    };
    queued.add(call);
    try {
      return await call.scope.run(() =>
        run({ ...pacedCallOptions(connectionId), cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED }),
      );
    } catch (err) {
      // Cancelled for the rate: the server never dispatched it (or the worker did not send it).
      if (call.moved && isCancellation(err)) continue;
      throw err;
    } finally {
      queued.delete(call);
    }
  }
}
