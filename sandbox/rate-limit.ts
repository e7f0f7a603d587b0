// Per-connection write limit over a sliding 60 s window (Makini: write limits per connection per
// minute). Retry-After is the time until the oldest admitted write leaves the window, rounded up,
// so a client that waits exactly that long is admitted.

export const RATE_WINDOW_MS = 60_000;

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

export class SlidingWindowLimiter {
  private stamps: number[] = [];

  constructor(private perMinute: number | null) {}

  get limit(): number | null {
    return this.perMinute;
  }

  /** Changes the limit; admitted writes still count against the new one. */
  setLimit(perMinute: number | null): void {
    this.perMinute = perMinute;
  }

  reset(perMinute: number | null): void {
    this.perMinute = perMinute;
    this.stamps = [];
  }

  /** Admits one write at `now`, or says in how many whole seconds a slot frees up. */
  tryAcquire(now: number): Admission {
    if (this.perMinute === null) return { ok: true };
    while (this.stamps.length && this.stamps[0]! <= now - RATE_WINDOW_MS) this.stamps.shift();
    if (this.stamps.length < this.perMinute) {
      this.stamps.push(now);
      return { ok: true };
    }
    // The slot that frees first belongs to the write `perMinute` places back.
    const frees = this.stamps[this.stamps.length - this.perMinute]! + RATE_WINDOW_MS;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((frees - now) / 1000)) };
  }
}
