// When the server handed each paced write call to a worker (ActivityTaskStarted, the server's
// clock) against when the call reached Makini (the sandbox's request log): the server paces the
// dispatch, so whatever a worker adds between the two can bring two sends closer together than
// the pacing interval, and a sliding-minute limit sees that.
import type { WorkflowHandle } from '@temporalio/client';
import type { RequestLogEntry } from '../../sandbox/admin-client.js';
import { MakiniFailureType } from '../../src/failures.js';
import { eventMs } from './event-time.js';
import { mapLimit, percentile } from './stats.js';

export interface SentCall {
  /** Server dispatch (ActivityTaskStarted) in epoch ms. */
  dispatchedMs: number;
  /** Arrival at the sandbox in epoch ms. */
  arrivedMs: number;
  status: number;
}

/** Write calls the server dispatched and the gate held back (not sent), by why. */
export interface HeldCalls {
  paused: number;
  reduced: number;
  other: number;
}

export interface SendTimingSummary {
  calls: number;
  /** Each held call took one pacing slot of the connection on the server, as a sent one does. */
  held: HeldCalls;
  /** Dispatch → arrival, ms. */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Closest two consecutive dispatches and arrivals, ms. */
  minDispatchGapMs: number;
  minArrivalGapMs: number;
  /** Epoch ms of the first and the last server dispatch of a call that was sent. */
  firstDispatchMs: number;
  lastDispatchMs: number;
  /** Each call answered 429: the window the sandbox counted and what the workers added in it. */
  limited: {
    /** The call's position among the connection's POSTs by arrival, from 1. */
    position: number;
    /** Arrival of the oldest admitted call still in the 60 s window → this arrival, ms. */
    windowSpanMs: number;
    /** The same two calls' server dispatches, ms apart. */
    dispatchSpanMs: number;
    /** Dispatch → arrival of the oldest call in the window and of this one, ms. */
    oldestDelayMs: number;
    delayMs: number;
  }[];
}

/** Each string anywhere in a parsed JSON body. */
function* stringsOf(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (v && typeof v === 'object') for (const x of Object.values(v)) yield* stringsOf(x);
}

/**
 * Pairs the `activityType` attempts of each workflow (its idempotency key beside its handle) with
 * the POSTs whose body carries that key, in order.
 */
export async function sentCalls(
  writes: { handle: WorkflowHandle; key: string }[],
  activityType: string,
  log: readonly RequestLogEntry[],
): Promise<{ sent: SentCall[]; held: HeldCalls }> {
  const held: HeldCalls = { paused: 0, reduced: 0, other: 0 };
  const posts = log.filter((r) => r.method === 'POST');
  const byKey = new Map<string, RequestLogEntry[]>();
  for (const r of posts) {
    for (const s of stringsOf(r.body)) {
      const list = byKey.get(s);
      if (list) list.push(r);
      else byKey.set(s, [r]);
    }
  }
  const perWrite = await mapLimit(writes, 16, async ({ handle, key }) => {
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = new Set<string>();
    const started = new Map<string, number>();
    const dispatched: number[] = [];
    for (const e of events) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === activityType) scheduled.add(String(e.eventId));
      const s = e.activityTaskStartedEventAttributes;
      if (s && scheduled.has(String(s.scheduledEventId))) started.set(String(s.scheduledEventId), eventMs(e));
      const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
      const at = done ? started.get(String(done.scheduledEventId)) : undefined;
      if (at === undefined) continue;
      // A call the gate held back never reached Makini.
      const failure = e.activityTaskFailedEventAttributes?.failure;
      const type = failure?.applicationFailureInfo?.type ?? failure?.cause?.applicationFailureInfo?.type;
      if (type !== MakiniFailureType.connectionBlocked) dispatched.push(at);
      else {
        const message = `${failure?.message ?? ''} ${failure?.cause?.message ?? ''}`;
        if (message.includes('are paused')) held.paused += 1;
        else if (message.includes('rate is reduced')) held.reduced += 1;
        else held.other += 1;
      }
    }
    const arrivals = (byKey.get(key) ?? []).slice().sort((a, b) => a.seq - b.seq);
    return dispatched
      .sort((a, b) => a - b)
      .slice(0, arrivals.length)
      .map((d, i) => ({ dispatchedMs: d, arrivedMs: Date.parse(arrivals[i]!.time), status: arrivals[i]!.status }));
  });
  return { sent: perWrite.flat().sort((a, b) => a.arrivedMs - b.arrivedMs), held };
}

const minGap = (times: number[]) => {
  const t = [...times].sort((a, b) => a - b);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < t.length; i += 1) min = Math.min(min, t[i]! - t[i - 1]!);
  return min;
};

export function summarizeSendTiming(
  { sent: calls, held }: { sent: readonly SentCall[]; held: HeldCalls },
  windowMs: number,
): SendTimingSummary {
  const delays = calls.map((c) => c.arrivedMs - c.dispatchedMs);
  const limited: SendTimingSummary['limited'] = [];
  calls.forEach((c, i) => {
    if (c.status !== 429) return;
    const inWindow = calls.slice(0, i).filter((o) => o.status !== 429 && o.arrivedMs > c.arrivedMs - windowMs);
    const oldest = inWindow[0];
    if (!oldest) return;
    limited.push({
      position: i + 1,
      windowSpanMs: c.arrivedMs - oldest.arrivedMs,
      dispatchSpanMs: c.dispatchedMs - oldest.dispatchedMs,
      oldestDelayMs: oldest.arrivedMs - oldest.dispatchedMs,
      delayMs: c.arrivedMs - c.dispatchedMs,
    });
  });
  return {
    calls: calls.length,
    held,
    delayP50Ms: percentile(delays, 50),
    delayP99Ms: percentile(delays, 99),
    delayMaxMs: Math.max(...delays),
    minDispatchGapMs: minGap(calls.map((c) => c.dispatchedMs)),
    minArrivalGapMs: minGap(calls.map((c) => c.arrivedMs)),
    firstDispatchMs: Math.min(...calls.map((c) => c.dispatchedMs)),
    lastDispatchMs: Math.max(...calls.map((c) => c.dispatchedMs)),
    limited,
  };
}
