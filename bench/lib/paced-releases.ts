// What a worker process records of its paced write calls for the rate benchmark: when its gate
// got each call and let it go (the gate's debug record, src/connections/gate.ts), and when its
// event loop was blocked. With the server's dispatch (ActivityTaskStarted) and the sandbox's
// arrival they split a late send into the worker taking the task up, the spacing and the request.
import type { LogMetadata } from '@temporalio/worker';
import { PACED_SEND_RELEASED, type PacedSendReleased } from '../../src/connections/gate.js';
import type { LogRecordSink } from '../../test/support/production-worker.js';

export interface PacedRelease extends PacedSendReleased {
  workflowId: string;
}

/** The event loop ran nothing else from `endedAtMs - blockedMs` to `endedAtMs` (beyond the sampler's tick). */
export interface EventLoopStall {
  endedAtMs: number;
  blockedMs: number;
  /**
   * CPU time the process (all its threads) used from the tick before to this one: near the stall's
   * length, the process was busy; far below it, the machine did not run it.
   */
  cpuMs: number;
}

/** One worker process's records. */
export interface WorkerRecords {
  releases: PacedRelease[];
  stalls: EventLoopStall[];
}

/** A log sink that keeps the gate's release records in `into`. */
export function releaseSink(into: PacedRelease[]): LogRecordSink {
  return {
    message: PACED_SEND_RELEASED,
    take: (meta: LogMetadata) => {
      const { workflowId, connectionId, enteredAtMs, releasedAtMs, spacingWaitMs } = meta as Partial<PacedRelease>;
      if (typeof workflowId !== 'string' || typeof connectionId !== 'string') return;
      if (typeof enteredAtMs !== 'number' || typeof releasedAtMs !== 'number' || typeof spacingWaitMs !== 'number') return;
      into.push({ workflowId, connectionId, enteredAtMs, releasedAtMs, spacingWaitMs });
    },
  };
}

const TICK_MS = 20;
/** Shorter blocks are the ordinary jitter of timers on a loaded machine. */
const STALL_MIN_MS = 50;

/** Samples the event loop every 20 ms, for the life of the process, and keeps each block of 50 ms or more in `into`. */
export function recordEventLoopStalls(into: EventLoopStall[]): void {
  let last = Date.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = Date.now();
    const cpu = process.cpuUsage(lastCpu);
    const blockedMs = now - last - TICK_MS;
    if (blockedMs >= STALL_MIN_MS) into.push({ endedAtMs: now, blockedMs, cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
    last = now;
    lastCpu = process.cpuUsage();
  }, TICK_MS);
  timer.unref();
}

/** The longest stall that overlaps [fromMs, toMs], if any. */
export function longestStallWithin(stalls: readonly EventLoopStall[], fromMs: number, toMs: number): EventLoopStall | undefined {
  let longest: EventLoopStall | undefined;
  for (const s of stalls) {
    if (s.endedAtMs < fromMs || s.endedAtMs - s.blockedMs > toMs) continue;
    if (!longest || s.blockedMs > longest.blockedMs) longest = s;
  }
  return longest;
}
