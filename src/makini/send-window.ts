// Never send after giving up: the time a request of the running activity attempt may still leave.
// The workflow stops waiting for an attempt at its start-to-close timeout and, after a lookup that
// finds nothing, may send the write again; a request this attempt sent later would be a second
// write. So every wait inside an attempt (the gate, the send spacing) is bounded by the time left,
// heartbeats while it waits (a cancelled or timed-out attempt hears of it), and the last check
// before the request leaves is here: cancelled, or not enough time left for the request's whole
// timeout, and nothing is sent (MakiniFailureType.notSent: the workflow knows it did not reach
// Makini and schedules it again without a lookup).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { MakiniFailureType, type MakiniFailureInfo } from '../failures/workflow/failure-types.js';
import { ATTEMPT_END_SLACK_MS, requestTimeoutOfAttempt } from './workflow/call-timing.js';

/** The send window of one activity attempt. */
export interface SendWindow {
  /** The request timeout the workflow chose for this attempt (its profile's). */
  requestTimeoutMs: number;
  /**
   * The latest moment (epoch ms) a request with the workflow's timeout may leave and still be
   * answered before the attempt ends (a shorter timeout may leave later: `attemptEndsAt`).
   */
  latestSendAt: number;
  /** When the attempt ends by this worker's clock, less the slack (epoch ms). */
  attemptEndsAt: number;
  /** Aborted when the attempt is cancelled (by the workflow, or the server finding it timed out). */
  signal: AbortSignal;
  /** Tells the server the attempt is alive; its answer carries a cancellation (throttled by the SDK). */
  heartbeat(): void;
  /** Sleeps, cancelled with the attempt. */
  sleep(ms: number): Promise<void>;
}

const current = new AsyncLocalStorage<SendWindow>();

/** The send window of the activity attempt running this code; undefined outside one. */
export function currentSendWindow(): SendWindow | undefined {
  return current.getStore();
}

/** The send window of an attempt that this worker saw begin at `startedAt`. */
export function sendWindowOf(ctx: Pick<Context, 'info' | 'cancellationSignal' | 'heartbeat' | 'sleep'>, startedAt: number): SendWindow {
  const startToClose = ctx.info.startToCloseTimeoutMs;
  const requestTimeoutMs = requestTimeoutOfAttempt(startToClose);
  const attemptEndsAt = startedAt + startToClose - ATTEMPT_END_SLACK_MS;
  return {
    requestTimeoutMs,
    latestSendAt: attemptEndsAt - requestTimeoutMs,
    attemptEndsAt,
    signal: ctx.cancellationSignal,
    heartbeat: () => ctx.heartbeat(),
    sleep: (ms) => ctx.sleep(ms),
  };
}

/** Runs every activity inside its attempt's send window (first interceptor: it sees the attempt begin). */
export function sendWindowInterceptors(): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: (input, next) => current.run(sendWindowOf(ctx, Date.now()), () => next(input)),
    },
  });
}

/** The failure of a call that was not sent (nothing reached Makini); `retryAfterMs`: when it could go. */
export function notSentInfo(message: string, method?: string, path?: string, retryAfterMs?: number): MakiniFailureInfo {
  return {
    type: MakiniFailureType.notSent,
    message: `not sent: ${message}`,
    retryable: true,
    ambiguous: false,
    ...(method ? { method } : {}),
    ...(path ? { path } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The timeout of a request sent now: the workflow's (its profile's), at most the worker's own
 * (MAKINI_REQUEST_TIMEOUT_MS, `ceilingMs`).
 */
export function requestTimeoutIn(window: SendWindow | undefined, ceilingMs: number): number {
  return window ? Math.min(window.requestTimeoutMs, ceilingMs) : ceilingMs;
}

/**
 * Why a request with timeout `timeoutMs` must not leave at `now`, or undefined when it may:
 * checked immediately before it is sent.
 */
export function whyNotSend(window: SendWindow | undefined, now: number, timeoutMs: number): string | undefined {
  if (!window) return undefined;
  if (window.signal.aborted) return 'its activity attempt was cancelled before the request left';
  if (now + timeoutMs > window.attemptEndsAt) {
    return (
      `its activity attempt had ${seconds(Math.max(window.attemptEndsAt - now, 0))} left, ` +
      `less than the request's timeout of ${seconds(timeoutMs)}: sent now, it could land after the workflow stopped waiting for it`
    );
  }
  return undefined;
}

/**
 * Waits `ms` inside the attempt, heartbeating each second, cancelled with the attempt. Callers
 * bound `ms` by the window first (`latestSendAt`).
 */
export async function waitInWindow(window: SendWindow, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    window.heartbeat();
    await window.sleep(Math.min(left, 1_000));
  }
}
