// When the server handed each paced write call to a worker (ActivityTaskStarted, the server's
// clock) against when the call reached Makini (the sandbox's request log): the server paces the
// dispatch, so whatever a worker adds between the two can bring two sends closer together than
// the pacing interval, and a sliding-minute limit sees that.
import type { WorkflowHandle } from '@temporalio/client';
import type { RequestLogEntry } from '../../sandbox/admin-client.js';
import { defaultPayloadConverter } from '@temporalio/common';
import { makiniFailureInfoSchema, MakiniFailureType } from '../../src/failures/workflow/failure-types.js';
import { activityAttempts, eventMs, type ActivityAttempt } from './history-times.js';
import { percentile } from './stats.js';
import { longestStallWithin, type EventLoopStall, type PacedRelease, type WorkerRecords } from './paced-releases.js';

export interface SentCall {
  workflowId: string;
  /** Which of the workflow's sent calls of the type this is, from 0 (the order of its releases too). */
  nth: number;
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
    /** Where the oldest call's dispatch → arrival went, from its worker's records (when they were kept). */
    oldestParts?: SendParts;
  }[];
  /** From the workers' records, when they were kept: each sent call's dispatch → arrival split. */
  worker?: {
    /** Calls with a release record. */
    matched: number;
    /** Server dispatch → the gate had the call (the worker taking the task up), ms. */
    takeUpP50Ms: number;
    takeUpP99Ms: number;
    takeUpMaxMs: number;
    /** Calls this process's send spacing held, and the median of their waits, ms. */
    spaced: number;
    spacingP50Ms: number;
    /** The longest event-loop stall of any worker process during the run, ms. */
    longestStallMs: number;
  };
}

/** One sent call's dispatch → arrival, split by its worker's records. */
export interface SendParts {
  /** Worker process (its index among the variant's). */
  worker: number;
  /** Server dispatch → the gate had the call. */
  takeUpMs: number;
  /** The longest event-loop stall of that process in that time, if any, and the CPU time the process used in it. */
  stallMs?: number;
  stallCpuMs?: number;
  /** This process's send spacing. */
  spacingWaitMs: number;
  /** The rest of the gate (its view, its checks). */
  gateMs: number;
  /** Release → arrival at the sandbox (the request on its way). */
  requestMs: number;
}

/** Each string anywhere in a parsed JSON body. */
function* stringsOf(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (v && typeof v === 'object') for (const x of Object.values(v)) yield* stringsOf(x);
}

/** Why the gate held a call back, from the failure it recorded (details[0] is a MakiniFailureInfo). */
function heldKind(failure: NonNullable<ActivityAttempt['failure']>): keyof HeldCalls {
  const payload = failure.applicationFailureInfo?.details?.payloads?.[0];
  const info = payload ? makiniFailureInfoSchema.safeParse(defaultPayloadConverter.fromPayload(payload)) : undefined;
  const block = info?.success ? info.data.connection?.block : undefined;
  return block === 'rate-paused' ? 'paused' : block === 'rate-reduced' ? 'reduced' : 'other';
}

/**
 * Pairs the `activityType` attempts of each workflow (its idempotency key beside its handle) that
 * were sent with the POSTs whose body carries that key, in order; counts the ones held back.
 */
export async function sentCalls(
  writes: { handle: WorkflowHandle; key: string }[],
  activityType: string,
  log: readonly RequestLogEntry[],
): Promise<{ sent: SentCall[]; held: HeldCalls }> {
  const held: HeldCalls = { paused: 0, reduced: 0, other: 0 };
  const byKey = new Map<string, RequestLogEntry[]>();
  for (const r of log) {
    if (r.method !== 'POST') continue;
    for (const s of stringsOf(r.body)) {
      const list = byKey.get(s);
      if (list) list.push(r);
      else byKey.set(s, [r]);
    }
  }
  const dispatched = new Map<string, number[]>();
  for (const a of await activityAttempts(
    writes.map((w) => w.handle),
    activityType,
  )) {
    // A call the gate held back never reached Makini.
    if (a.failureType === MakiniFailureType.connectionBlocked && a.failure) held[heldKind(a.failure)] += 1;
    else dispatched.set(a.workflowId, [...(dispatched.get(a.workflowId) ?? []), a.startedMs]);
  }
  const sent = writes.flatMap(({ handle, key }) => {
    const arrivals = (byKey.get(key) ?? []).slice().sort((a, b) => a.seq - b.seq);
    return (dispatched.get(handle.workflowId) ?? []).slice(0, arrivals.length).map((d, i) => ({
      workflowId: handle.workflowId,
      nth: i,
      dispatchedMs: d,
      arrivedMs: Date.parse(arrivals[i]!.time),
      status: arrivals[i]!.status,
    }));
  });
  return { sent: sent.sort((a, b) => a.arrivedMs - b.arrivedMs), held };
}

/**
 * Write calls a write took back while they were queued (connections/pacing.ts: the connection's
 * rate changed): before the server dispatched them (no pacing slot) and after (the worker had them,
 * not yet sent: a slot each, as a held call).
 */
export async function movedCalls(
  handles: readonly WorkflowHandle[],
  activityType: string,
): Promise<{ beforeDispatch: number; afterDispatch: number }> {
  let beforeDispatch = 0;
  let afterDispatch = 0;
  for (const handle of handles) {
    const scheduled = new Set<string>();
    for (const e of (await handle.fetchHistory()).events ?? []) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === activityType) scheduled.add(String(e.eventId));
      const c = e.activityTaskCanceledEventAttributes;
      if (!c || !scheduled.has(String(c.scheduledEventId))) continue;
      if (Number(c.startedEventId ?? 0) > 0) afterDispatch += 1;
      else beforeDispatch += 1;
    }
  }
  return { beforeDispatch, afterDispatch };
}

const minGap = (times: number[]) => {
  const t = [...times].sort((a, b) => a - b);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < t.length; i += 1) min = Math.min(min, t[i]! - t[i - 1]!);
  return min;
};

/** Each worker's release records by workflow, in release order, with the worker's index. */
function releasesByWorkflow(workers: readonly WorkerRecords[]): Map<string, { release: PacedRelease; worker: number }[]> {
  const by = new Map<string, { release: PacedRelease; worker: number }[]>();
  workers.forEach((w, worker) => {
    for (const release of w.releases) {
      const list = by.get(release.workflowId) ?? [];
      list.push({ release, worker });
      by.set(release.workflowId, list);
    }
  });
  for (const list of by.values()) list.sort((a, b) => a.release.releasedAtMs - b.release.releasedAtMs);
  return by;
}

function partsOf(
  c: SentCall,
  byWorkflow: Map<string, { release: PacedRelease; worker: number }[]>,
  stalls: readonly (readonly EventLoopStall[])[],
): SendParts | undefined {
  const r = byWorkflow.get(c.workflowId)?.[c.nth];
  if (!r) return undefined;
  const { enteredAtMs, releasedAtMs, spacingWaitMs } = r.release;
  const stall = longestStallWithin(stalls[r.worker] ?? [], c.dispatchedMs, enteredAtMs);
  return {
    worker: r.worker,
    takeUpMs: enteredAtMs - c.dispatchedMs,
    ...(stall ? { stallMs: stall.blockedMs, stallCpuMs: stall.cpuMs } : {}),
    spacingWaitMs,
    gateMs: releasedAtMs - enteredAtMs - spacingWaitMs,
    requestMs: c.arrivedMs - releasedAtMs,
  };
}

/**
 * The run's send timing; with `workers` (each worker process's records, bench/lib/paced-releases.ts)
 * each late send is split into the worker taking the task up, the spacing and the request.
 */
export function summarizeSendTiming(
  { sent: calls, held }: { sent: readonly SentCall[]; held: HeldCalls },
  windowMs: number,
  workers?: readonly WorkerRecords[],
): SendTimingSummary {
  const byWorkflow = releasesByWorkflow(workers ?? []);
  const stalls = (workers ?? []).map((w) => w.stalls);
  // Each call's split, once (none without the workers' records).
  const partsByCall = new Map(calls.map((c) => [c, workers ? partsOf(c, byWorkflow, stalls) : undefined]));
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
      ...(partsByCall.get(oldest) ? { oldestParts: partsByCall.get(oldest) } : {}),
    });
  });
  const split = [...partsByCall.values()].flatMap((p) => p ?? []);
  const takeUps = split.map((p) => p.takeUpMs);
  const spacingWaits = split.map((p) => p.spacingWaitMs).filter((ms) => ms > 0);
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
    ...(workers
      ? {
          worker: {
            matched: split.length,
            takeUpP50Ms: percentile(takeUps, 50),
            takeUpP99Ms: percentile(takeUps, 99),
            takeUpMaxMs: Math.max(0, ...takeUps),
            spaced: spacingWaits.length,
            spacingP50Ms: spacingWaits.length ? percentile(spacingWaits, 50) : 0,
            longestStallMs: Math.max(0, ...stalls.flat().map((s) => s.blockedMs)),
          },
        }
      : {}),
  };
}

/** Where the time to the first write call's dispatch went, from the history of the write dispatched first (server clock). */
export interface FirstDispatchPhases {
  /** Its WorkflowExecutionStarted, epoch ms (the client's start call before it). */
  startedMs: number;
  /** Workflow started → its first workflow task started (waiting for a worker). */
  firstTaskWaitMs: number;
  /** Workflow tasks (their code and local activities) and waits between them, up to the call's scheduling. */
  tasksMs: number;
  /** Workflow tasks up to the call's scheduling. */
  tasks: number;
  /** Local activities up to the call's scheduling, and their time (marker to marker in the task). */
  localActivities: number;
  /** The call scheduled → dispatched (ActivityTaskStarted): the write-calls queue. */
  queueMs: number;
}

/** The phases of the write whose `activityType` call the server dispatched first. */
export async function firstDispatchPhases(
  handles: readonly WorkflowHandle[],
  activityType: string,
): Promise<FirstDispatchPhases | undefined> {
  const first = (await activityAttempts(handles, activityType))[0];
  const handle = first && handles.find((h) => h.workflowId === first.workflowId);
  if (!handle) return undefined;
  const events = (await handle.fetchHistory()).events ?? [];
  const startedMs = eventMs(events[0]!);
  let firstTaskMs: number | undefined;
  let tasks = 0;
  let localActivities = 0;
  for (const e of events) {
    if (e.workflowTaskStartedEventAttributes) firstTaskMs ??= eventMs(e);
    if (e.workflowTaskCompletedEventAttributes) tasks += 1;
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') localActivities += 1;
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === activityType) {
      const scheduledMs = eventMs(e);
      return {
        startedMs,
        firstTaskWaitMs: (firstTaskMs ?? scheduledMs) - startedMs,
        tasksMs: scheduledMs - (firstTaskMs ?? scheduledMs),
        tasks,
        localActivities,
        queueMs: first.startedMs - scheduledMs,
      };
    }
  }
  return undefined;
}
