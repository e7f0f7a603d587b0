// The connection's rate as the gate saw it for the Makini call running now (its view of the
// control workflow, with this process's own pause in it), for the profile lookup to hand to the
// write: a write that starts after a 429 schedules its first write call at the cut rate and after
// the pause, instead of at the configured rate to be held back by the gate (connections/workflow/pacing.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { GateView } from './workflow/control-state.js';

export interface ConnectionRateNow {
  capPerSecond?: number;
  pausedUntil?: number;
}

const current = new AsyncLocalStorage<ConnectionRateNow | undefined>();

/** Runs `fn` (the call) with the connection's rate from `view`. */
export function runWithConnectionRate<T>(view: GateView | undefined, fn: () => T): T {
  const rate =
    view && (view.capPerSecond !== undefined || view.pausedUntil !== undefined)
      ? {
          ...(view.capPerSecond !== undefined ? { capPerSecond: view.capPerSecond } : {}),
          ...(view.pausedUntil !== undefined ? { pausedUntil: view.pausedUntil } : {}),
        }
      : undefined;
  return current.run(rate, fn);
}

/** The rate of the connection of the running call, when it is cut or paused (else undefined). */
export function connectionRateOfCall(now = Date.now()): ConnectionRateNow | undefined {
  const rate = current.getStore();
  if (!rate) return undefined;
  const paused = rate.pausedUntil !== undefined && rate.pausedUntil > now;
  if (rate.capPerSecond === undefined && !paused) return undefined;
  return {
    ...(rate.capPerSecond !== undefined ? { capPerSecond: rate.capPerSecond } : {}),
    ...(paused ? { pausedUntil: rate.pausedUntil } : {}),
  };
}
