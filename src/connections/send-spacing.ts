// The spacing of one worker process's write sends per connection. The server paces the dispatch
// of write calls (task queue fairness, a per-key limiter with a one-second burst), but a call it
// dispatched on time can leave a busy worker late and the next one on time: two sends then come
// closer than the pacing interval, and Makini's sliding minute counts one write too many (a 429
// in the rate-limited goodput benchmark: the oldest write of that minute had waited 679 ms on
// the worker, the one answered 429 6 ms).
//
// This holds the process's sends to the rule Makini counts by, measured at the moment of sending:
// at most N sends in any window of SEND_WINDOW_MS, N being the per-minute budget the paced rate
// comes from (gate-policy.ts: N per PACING_WINDOW_S). The server's pacing never puts more than N
// in that window, so a send is held only when an earlier send of this process left late enough
// to crowd it, and only until that send leaves the window. (An earlier version held the sends to
// the server's own GCRA instead: one send taken up a second late then shifted every later send of
// the connection by that second for good, a second of latency per write and a second at the end
// of a bulk run; `npm run bench`, rate-limited goodput.) Across processes the server's pacing is
// what holds.
import { FAIRNESS_BURST_S, PACING_WINDOW_S } from './workflow/gate-policy.js';

/**
 * The window the process's own sends are counted over: Makini's minute plus the pacing's slack,
 * the part of PACING_WINDOW_S the server's burst does not use (the server puts at most N sends in
 * any 60.5 s, so on-time sends are never held).
 */
export const SEND_WINDOW_MS = (PACING_WINDOW_S - FAIRNESS_BURST_S) * 1_000;

/**
 * The per-window budget a paced rate stands for (N writes per PACING_WINDOW_S), at least one. The
 * rate comes back from the task's fairness weight, a 32-bit float on the wire: N / 61.5 read back
 * can give N − 0.004 (for N up to 61,500), so a hundredth is added before rounding down; a cut
 * rate's fractional budget (47.97) still rounds down.
 */
export const sendsPerWindow = (writesPerSecond: number) => Math.max(1, Math.floor(writesPerSecond * PACING_WINDOW_S + 0.01));

/** One connection's latest sends in this process. */
interface SendLog {
  /** Sends and reserved sends still in the window, oldest first (epoch ms). */
  at: number[];
  /** The largest budget a send still in the window was made under, and when that send leaves it. */
  high: { budget: number; until: number };
}

export class SendSpacing {
  private readonly logs = new Map<string, SendLog>();

  constructor(private readonly windowMs = SEND_WINDOW_MS) {}

  /**
   * Reserves the next send slot of `key` at `writesPerSecond`: how long to wait before sending
   * (0 mostly). Reservations made at once get successive slots.
   */
  reserve(key: string, writesPerSecond: number, now: number): number {
    return this.reserveWithin(key, writesPerSecond, now, Infinity).waitMs;
  }

  /**
   * Reserves the next send slot only when it comes within `maxWaitMs` (the time left in the
   * activity attempt): a call that could not be sent in time must not hold a slot it never uses.
   * `reserved: false` with the wait the slot would have needed.
   */
  reserveWithin(key: string, writesPerSecond: number, now: number, maxWaitMs: number): { waitMs: number; reserved: boolean } {
    const log = this.logs.get(key) ?? { at: [], high: { budget: 0, until: 0 } };
    // A cut rate (a 429) lowers the budget of the sends to come, not of those already made at the
    // old rate: until they leave the window, their budget counts. The server paces the new rate.
    const budget = sendsPerWindow(writesPerSecond);
    const counted = log.high.until > now ? Math.max(budget, log.high.budget) : budget;
    // In reservation order, so the log stays sorted and only windows ending at the new send can
    // go over: it may go once the counted-th latest send has left the window.
    const { at } = log;
    const crowding = at.length >= counted ? at[at.length - counted]! + this.windowMs : now;
    const sendAt = Math.max(now, at.at(-1) ?? now, crowding);
    if (sendAt - now > maxWaitMs) return { waitMs: sendAt - now, reserved: false };
    at.push(sendAt);
    if (budget >= log.high.budget || log.high.until <= sendAt) log.high = { budget, until: sendAt + this.windowMs };
    // Sends that left the window count for nothing.
    while (at.length > 0 && at[0]! <= sendAt - this.windowMs) at.shift();
    this.logs.set(key, log);
    return { waitMs: sendAt - now, reserved: true };
  }
}
