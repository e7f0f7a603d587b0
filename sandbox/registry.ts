// Connections: token → connection, reauthorization, and each one's state, limits, faults and log.
import { z } from 'zod';
import { DEFAULT_BEHAVIOUR, type ConnectionBehaviour } from './behaviour.js';
import { Chaos, FaultQueue, type ChaosConfig } from './faults.js';
import { chaosConfigSchema } from './faults.js';
import type { SandboxOAuth } from './oauth.js';
import { KeyGenerator } from './prng.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { ConnectionStore } from './store.js';
import { systemBehaviour, type SystemBehaviour } from './systems.js';

export const connectionSeedSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a connection id: letters, digits, dot, dash or underscore'),
  token: z.string().min(1).max(2000),
  /** Provider name as Makini names it (`sap`, `dynamics`, `maintain-x`, ...). */
  system: z.string().min(1).max(100),
  writesPerMinute: z.number().int().positive().nullable().optional(),
});
export type ConnectionSeed = z.output<typeof connectionSeedSchema>;

/** One entry of a connection's request log. */
export interface RequestLogEntry {
  /** Position in this connection's log, from 1. */
  seq: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** 0 when the socket was dropped without an answer; the status meant when abandoned. */
  status: number;
  /** `abandoned`: the client had closed the connection before the (late) answer was sent. */
  outcome: 'answered' | 'dropped' | 'abandoned';
  requestId: string;
  durationMs: number;
  /** True when the request changed state (also when its answer was then lost or garbled). */
  writeApplied: boolean;
  /** e.g. `purchaseOrder.create`. */
  operation?: string;
  /** The injected fault, if any, e.g. `script:commit-then-fail`. */
  fault?: string;
  /** Error code of an error answer. */
  errorCode?: string;
  /** The parsed JSON body of a write. */
  body?: unknown;
}

/** A request that reached the sandbox and has no answer yet (what a test waits for: "line 5 is in flight"). */
export type InFlightRequest = Pick<RequestLogEntry, 'time' | 'method' | 'path' | 'query' | 'requestId' | 'body'>;

/** Keeps long runs (benchmarks, npm start) from growing without bound. */
const MAX_LOG_ENTRIES = 50_000;

export class SandboxConnection {
  token: string;
  needsReauthorization = false;
  /** OAuth tokens (admin `oauth`): its access tokens authenticate too, and expire. */
  oauth: SandboxOAuth | undefined;
  readonly system: SystemBehaviour;
  readonly store: ConnectionStore;
  readonly limiter: SlidingWindowLimiter;
  readonly faults = new FaultQueue();
  chaos: Chaos | undefined;
  /** Switches for what Makini leaves open (see behaviour.ts). */
  behaviour: ConnectionBehaviour = { ...DEFAULT_BEHAVIOUR };
  readonly log: RequestLogEntry[] = [];
  /** Requests received and not answered yet, by request id (the log has a request once it is answered). */
  readonly inFlight = new Map<string, InFlightRequest>();
  private seq = 0;

  constructor(
    readonly seed: ConnectionSeed,
    keys: KeyGenerator,
  ) {
    this.token = seed.token;
    this.system = systemBehaviour(seed.system);
    this.store = new ConnectionStore(keys);
    this.limiter = new SlidingWindowLimiter(seed.writesPerMinute ?? null);
  }

  get id(): string {
    return this.seed.id;
  }

  record(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { seq: ++this.seq, ...entry };
    this.log.push(full);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    return full;
  }

  /** Back to how it was seeded: data, token, limit, default behaviour; no faults, chaos, log or reauthorization. */
  reset(): void {
    this.token = this.seed.token;
    this.oauth = undefined;
    this.behaviour = { ...DEFAULT_BEHAVIOUR };
    this.needsReauthorization = false;
    this.store.reset();
    this.limiter.reset(this.seed.writesPerMinute ?? null);
    this.faults.clear();
    this.chaos = undefined;
    this.log.length = 0;
    this.inFlight.clear();
    this.seq = 0;
  }

  summary() {
    return {
      id: this.id,
      system: this.system.provider,
      writesPerMinute: this.limiter.limit,
      needsReauthorization: this.needsReauthorization,
    };
  }
}

export class ConnectionExistsError extends Error {}

export class Registry {
  private readonly connections = new Map<string, SandboxConnection>();
  /** Chaos for every connection without its own (`setChaos('*', ...)`). */
  globalChaos: Chaos | undefined;
  readonly keys: KeyGenerator;

  constructor(seed: number) {
    this.keys = new KeyGenerator(seed);
  }

  add(seed: ConnectionSeed): SandboxConnection {
    if (this.connections.has(seed.id)) throw new ConnectionExistsError(`connection "${seed.id}" exists already`);
    if (this.byToken(seed.token)) throw new ConnectionExistsError('another connection has this token (tokens identify connections)');
    const conn = new SandboxConnection(seed, this.keys);
    this.connections.set(seed.id, conn);
    return conn;
  }

  get(id: string): SandboxConnection | undefined {
    return this.connections.get(id);
  }

  all(): SandboxConnection[] {
    return [...this.connections.values()];
  }

  byToken(token: string): SandboxConnection | undefined {
    return this.all().find((c) => c.token === token || c.oauth?.has(token));
  }

  /** Whether a token is free (or already this connection's). */
  tokenFree(token: string, forConnection: SandboxConnection): boolean {
    const owner = this.byToken(token);
    return !owner || owner === forConnection;
  }

  chaosFor(conn: SandboxConnection): Chaos | undefined {
    return conn.chaos ?? this.globalChaos;
  }

  setChaos(target: SandboxConnection | '*', config: ChaosConfig | null): void {
    const chaos = config === null ? undefined : new Chaos(chaosConfigSchema.parse(config));
    if (target === '*') this.globalChaos = chaos;
    else target.chaos = chaos;
  }

  /** Every connection back to its seed; connections added later stay (as seeded). */
  reset(): void {
    this.globalChaos = undefined;
    for (const c of this.connections.values()) c.reset();
  }
}
