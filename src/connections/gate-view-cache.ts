// What the connection gate knows of each connection, shared by every activity of a worker
// process: one query per connection at a time, its answer reused for a short while. Without it,
// hundreds of writes on one connection each query the connection's control workflow before every
// call, and Temporal refuses queries beyond a workflow's buffer ("consistent query buffer is full").
// An answer older than `maxAgeMs` is still served while a fresh one is fetched (stale while
// revalidate): calls never wait for a routine refresh, so they do not pile up behind a slow query
// (a worker busy with a thousand workflow tasks answers a query late) and then all go at once. A
// slightly old view is safe: the gate is advisory (pacing is the server's fairness limit), a 429
// this process saw holds its calls at once (gate.ts, local pauses), and from the moment this
// process reports something to a connection, its calls wait for the report and a fresh answer.

export interface GateViewCacheOptions<V> {
  /** Asks the control workflow; must not reject (the gate turns errors into "no view"). */
  fetch: (key: string) => Promise<V>;
  /** How long an answer is reused after it arrived without asking again (then served while a fresh one comes). */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V>;
  /** When the answer arrived; undefined while the query is in flight. */
  settledAt?: number;
  /** A fresh answer is being fetched in the background. */
  refreshing?: boolean;
}

export class GateViewCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly opts: GateViewCacheOptions<V>) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * The connection's view: a query in flight (or a report's) is joined, an answer reused; an
   * answer older than maxAgeMs is served once more while a fresh one is fetched; none: a query.
   */
  get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    if (!hit) return this.install(key, this.opts.fetch(key));
    if (hit.settledAt !== undefined && !hit.refreshing && this.now() - hit.settledAt >= this.opts.maxAgeMs) this.revalidate(key, hit);
    return hit.value;
  }

  /** Fetches a fresh answer for a stale entry; it replaces the entry unless a report replaced it first. */
  private revalidate(key: string, stale: Entry<V>): void {
    stale.refreshing = true;
    const fresh = this.opts.fetch(key);
    fresh.then(
      () => {
        if (this.entries.get(key) === stale) this.entries.set(key, { value: fresh, settledAt: this.now() });
      },
      () => {
        stale.refreshing = false; // keep the old answer; the next call asks again
      },
    );
  }

  /**
   * This process is changing the connection's state (`change`: a report to its control workflow).
   * Calls from now on wait for it and then see a fresh answer, never the view from before it.
   */
  refreshAfter(key: string, change: Promise<unknown>): void {
    const fetch = () => this.opts.fetch(key);
    void this.install(key, change.then(fetch, fetch));
  }

  private install(key: string, value: Promise<V>): Promise<V> {
    const entry: Entry<V> = { value };
    this.entries.set(key, entry);
    value.then(
      () => {
        entry.settledAt = this.now();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }
}
