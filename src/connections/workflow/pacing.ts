// Where a write's Makini calls run: write calls (POST/PUT) go to the write-calls task queue with
// the connection id as fairness key and a weight that paces them at the connection's rate (see
// ./gate-policy.ts; the catalog says which activities write); reads stay on the workflow's own queue, unpaced.
import { workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { fairnessKeyOf, fairnessWeightFor, pacedWritesPerSecond, writeCallsQueueOf } from './gate-policy.js';

/** Profiles default to this when a write never resolved its connection's rate. */
const FALLBACK_WRITES_PER_MINUTE = 60;
/** A cap learned from the gate is trusted this long; then the write tries its configured rate again. */
const LEARNED_CAP_TTL_MS = 60_000;

interface Pacing {
  writesPerMinute: number;
  cap?: { perSecond: number; until: number };
}

// Module state is per workflow execution in the TypeScript SDK (each run has its own module cache).
const pacing = new Map<string, Pacing>();

const entry = (connectionId: string): Pacing => {
  let p = pacing.get(connectionId);
  if (!p) pacing.set(connectionId, (p = { writesPerMinute: FALLBACK_WRITES_PER_MINUTE }));
  return p;
};

/** The connection's configured write rate (connection config, else its system profile). */
export function setWritesPerMinute(connectionId: string, writesPerMinute: number): void {
  entry(connectionId).writesPerMinute = writesPerMinute;
}

/**
 * The adaptive cap the gate reported (after 429s). A write goes to one connection, so it applies to
 * every connection this workflow paced (the failure that carries it does not name the connection).
 */
export function learnRateCap(capPerSecond: number): void {
  for (const p of pacing.values()) p.cap = { perSecond: capPerSecond, until: Date.now() + LEARNED_CAP_TTL_MS };
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
