// Remembers the deliveries handed to Temporal, by a digest of their body (Makini sends no delivery
// id), for as long as Makini may redeliver them and their timestamps can pass the staleness check.
// Makini redelivers when it did not get our 200 (lost, or later than its 10 s): such a copy must be
// answered 200 again, or Makini keeps redelivering for 24 h, but it must not signal a second time.
// A digest is claimed while its delivery is handed to Temporal and kept only once that succeeded:
// a copy arriving meanwhile waits for that hand-off and gets its answer; after a failed hand-off the
// next redelivery is handed over afresh.

/** What the guard knows of a delivery: new (now claimed), handed over, or being handed over. */
export type Claim = { kind: 'new' } | { kind: 'handed-over' } | { kind: 'in-flight'; handedOver: Promise<boolean> };

export class ReplayGuard {
  private readonly seen = new Map<string, number>(); // digest → forget after (epoch ms)
  private readonly inFlight = new Map<string, (handedOver: boolean) => void>();
  private readonly settled = new Map<string, Promise<boolean>>();

  /** @param ttlMs how long a delivery is remembered after it was handed over. */
  constructor(
    private readonly ttlMs: number,
    private readonly maxIds = 100_000,
  ) {}

  /** Claims `digest` when it is new; otherwise says whether it was handed over or is being handed over now. */
  claim(digest: string, now: number): Claim {
    this.forgetExpired(now);
    if (this.seen.has(digest)) return { kind: 'handed-over' };
    const pending = this.settled.get(digest);
    if (pending) return { kind: 'in-flight', handedOver: pending };
    this.settled.set(digest, new Promise<boolean>((resolve) => this.inFlight.set(digest, resolve)));
    return { kind: 'new' };
  }

  /** The delivery was handed over: its redeliveries are acknowledged, not handed over again. */
  commit(digest: string, now: number): void {
    this.settle(digest, true);
    this.seen.set(digest, now + this.ttlMs);
    // Past the cap the oldest go first (Map keeps insertion order).
    for (const key of this.seen.keys()) {
      if (this.seen.size <= this.maxIds) break;
      this.seen.delete(key);
    }
  }

  /** The hand-off failed: a redelivery is handed over afresh. */
  release(digest: string): void {
    this.settle(digest, false);
  }

  private settle(digest: string, handedOver: boolean): void {
    this.inFlight.get(digest)?.(handedOver);
    this.inFlight.delete(digest);
    this.settled.delete(digest);
  }

  private forgetExpired(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now) break; // insertion order is expiry order (one ttl for all)
      this.seen.delete(key);
    }
  }
}
