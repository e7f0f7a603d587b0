// The spacing of one worker process's write sends per connection. The server paces the dispatch
// of write calls (task queue fairness, a per-key limiter with a one-second burst), but a call it
// dispatched on time can leave a busy worker late and the next one on time: two sends then come
// closer than the pacing interval, and Makini's sliding minute counts one write too many (a 429
// in the rate-limited goodput benchmark: the oldest write of that minute had waited 679 ms on
// the worker, the one answered 429 6 ms). This holds each send of the process to the server's own
// rule (GCRA at the paced rate with the same burst), measured at the moment of sending, so the
// worker's delays can no longer add up to more than the server allows. It only ever waits when an
// earlier send of this process left late; across processes the server's pacing is what holds.
import { FAIRNESS_BURST_S } from './workflow/gate-policy.js';

export class SendSpacing {
  /** Per connection: when the next send conforms without the burst (epoch ms; GCRA's TAT). */
  private readonly theoretical = new Map<string, number>();

  constructor(private readonly burstMs = FAIRNESS_BURST_S * 1_000) {}

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
    const tat = this.theoretical.get(key) ?? now;
    const sendAt = Math.max(now, tat - this.burstMs);
    if (sendAt - now > maxWaitMs) return { waitMs: sendAt - now, reserved: false };
    this.theoretical.set(key, Math.max(tat, sendAt) + 1_000 / writesPerSecond);
    return { waitMs: sendAt - now, reserved: true };
  }
}
