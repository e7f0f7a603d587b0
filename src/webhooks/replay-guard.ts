// Remembers delivery ids for as long as their timestamps can pass the staleness check, so that a
// captured delivery sent again within that window is refused. A delivery id is claimed while it is
// handed to Temporal and kept only once that succeeded: a failed hand-off may be redelivered.

export class ReplayGuard {
  private readonly seen = new Map<string, number>(); // id → forget after (epoch ms)
  private readonly inFlight = new Set<string>();

  /** @param ttlMs how long an id is remembered (twice the staleness tolerance: timestamps may be early or late). */
  constructor(
    private readonly ttlMs: number,
    private readonly maxIds = 100_000,
  ) {}

  /** Claims `id` for handling; false when it was handled before or is being handled now. */
  claim(id: string, now: number): boolean {
    this.forgetExpired(now);
    if (this.seen.has(id) || this.inFlight.has(id)) return false;
    this.inFlight.add(id);
    return true;
  }

  /** The delivery was handed over: refuse it from now on. */
  commit(id: string, now: number): void {
    this.inFlight.delete(id);
    this.seen.set(id, now + this.ttlMs);
    // Past the cap the oldest ids go first (Map keeps insertion order).
    for (const key of this.seen.keys()) {
      if (this.seen.size <= this.maxIds) break;
      this.seen.delete(key);
    }
  }

  /** The hand-off failed: a redelivery of `id` is welcome. */
  release(id: string): void {
    this.inFlight.delete(id);
  }

  private forgetExpired(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now) break; // insertion order is expiry order
      this.seen.delete(key);
    }
  }
}
