// Pauses this worker process learnt itself, from a 429 one of its calls got: they hold its write
// calls at once, before the report reaches the connection's control workflow and before a fresh
// view of it comes back (under load that takes seconds, and a query that does not answer in time
// lets the call go). Without this, the writes waiting for that answer all went when it came or
// timed out, and reached Makini after the 429 (202 of 1,000 POSTs answered 429, memory benchmark).
// Other processes learn the pause from the control workflow (their next view).
// The pause carries the rate the 429 cut the connection to, for as long as it runs: a write that
// resolves its profile in that window (before the control's view has the cut) learns both
// (rate-of-call.ts), and schedules its write call at the cut rate, not at the old one to be held
// back by the gate when the pause is over.
import type { GateView } from './workflow/control-state.js';

/** What the gate assumes of a connection it has no view of (no control workflow, no answer). */
type Policy = GateView['policy'];

export class LocalPauses {
  /** Control workflow id → end of the pause (epoch ms) and the cut rate (writes/s), if the 429 cut it. */
  private readonly until = new Map<string, { until: number; capPerSecond?: number }>();

  /**
   * A call of this process got a 429 at `at`: write calls to the connection wait until `at + pauseMs`,
   * and go at `capPerSecond` at most (the lower of the caps noted while the pause runs).
   */
  note(key: string, at: number, pauseMs: number, capPerSecond?: number): void {
    const prev = this.until.get(key);
    const caps = [prev?.capPerSecond, capPerSecond].filter((c): c is number => c !== undefined);
    this.until.set(key, {
      until: Math.max(prev?.until ?? 0, at + pauseMs),
      ...(caps.length ? { capPerSecond: Math.min(...caps) } : {}),
    });
  }

  /** The view with this process's own pause (the later of the two) and cut (the lower) in it, if its pause is still running. */
  merge(key: string, view: GateView | undefined, policy: Policy, now: number): GateView | undefined {
    const own = this.until.get(key);
    if (own === undefined) return view;
    if (own.until <= now) {
      this.until.delete(key);
      return view;
    }
    const base: GateView = view ?? { reauthNeeded: false, breaker: 'closed', consecutiveFailures: 0, policy };
    const cap = own.capPerSecond === undefined ? base.capPerSecond : Math.min(base.capPerSecond ?? Infinity, own.capPerSecond);
    return { ...base, pausedUntil: Math.max(base.pausedUntil ?? 0, own.until), ...(cap !== undefined ? { capPerSecond: cap } : {}) };
  }
}
