// Pauses this worker process learnt itself, from a 429 one of its calls got: they hold its write
// calls at once, before the report reaches the connection's control workflow and before a fresh
// view of it comes back (under load that takes seconds, and a query that does not answer in time
// lets the call go). Without this, the writes waiting for that answer all went when it came or
// timed out, and reached Makini after the 429 (202 of 1,000 POSTs answered 429, memory benchmark).
// Other processes learn the pause from the control workflow (their next view).
import type { GateView } from './workflow/control-state.js';

/** What the gate assumes of a connection it has no view of (no control workflow, no answer). */
type Policy = GateView['policy'];

export class LocalPauses {
  /** Control workflow id → end of the pause (epoch ms). */
  private readonly until = new Map<string, number>();

  /** A call of this process got a 429 at `at`: write calls to the connection wait until `at + pauseMs`. */
  note(key: string, at: number, pauseMs: number): void {
    this.until.set(key, Math.max(this.until.get(key) ?? 0, at + pauseMs));
  }

  /** The view with this process's own pause in it (the later of the two), if one is still running. */
  merge(key: string, view: GateView | undefined, policy: Policy, now: number): GateView | undefined {
    const until = this.until.get(key);
    if (until === undefined) return view;
    if (until <= now) {
      this.until.delete(key);
      return view;
    }
    const base: GateView = view ?? { reauthNeeded: false, breaker: 'closed', consecutiveFailures: 0, policy };
    return { ...base, pausedUntil: Math.max(base.pausedUntil ?? 0, until) };
  }
}
