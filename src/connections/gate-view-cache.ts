// What the connection gate knows of each connection, shared by every activity of a worker
// process: one query per connection at a time, its answer reused for a short while. Without it,
// hundreds of writes on one connection each query the connection's control workflow before every
// call, and Temporal refuses queries beyond a workflow's buffer ("consistent query buffer is full").
// A view at most `maxAgeMs` old is safe: the gate is advisory (pacing is the server's fairness
// limit), and from the moment this process reports something to a connection, its calls wait for
// the report and a fresh answer.

export interface GateViewCacheOptions<V> {
  /** Asks the control workflow; must not reject (the gate turns errors into "no view"). */
  fetch: (key: string) => Promise<V>;
  /** How long an answer is reused after it arrived. */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V>;
  /** When the answer arrived; undefined while the query is in flight. */
  settledAt?: number;
}

export class GateViewCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly opts: GateViewCacheOptions<V>) {
    this.now = opts.now ?? Date.now;
  }

  /** The connection's view: a query in flight is joined, a fresh answer reused, else a new query. */
  get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && (hit.settledAt === undefined || this.now() - hit.settledAt < this.opts.maxAgeMs)) return hit.value;
    return this.install(key, this.opts.fetch(key));
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
