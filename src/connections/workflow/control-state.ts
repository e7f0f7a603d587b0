// The state of one Makini connection as every write to it shares it: adaptive write rate after
// 429s, circuit breaker after repeated 5xx / no answer, reauthorization after 401, the writes
// waiting for it, recent errors and webhook events. Pure and deterministic: the `connectionControl`
// workflow owns one instance per connection and feeds it reports, events and its own timers.
import { z } from 'zod';
import { MakiniWebhookEvent } from '../../makini/workflow/contract.js';

const ms = z.number().int().nonnegative();
const epochMs = z.number().nonnegative();

/** How a connection reacts to trouble. Defaults suit production; tests shorten the times. */
export const connectionPolicySchema = z.object({
  /** Consecutive 5xx / unanswered calls (from any write) that open the breaker. */
  breakerThreshold: z.number().int().positive().default(5),
  /** Wait before the first probe of an open breaker; doubles after each failed probe. */
  breakerOpenMs: ms.default(30_000),
  breakerMaxOpenMs: ms.default(5 * 60_000),
  /** Pause of every paced write after a 429 that carries no Retry-After. */
  defaultPauseMs: ms.default(5_000),
  /**
   * The longest a 429's Retry-After pauses the connection (and the write that got it waits): a
   * header of 99999999 s would otherwise hold every write to the connection for days. One hour:
   * Makini's write limits are per minute (shared/makini-api.md), so a genuine Retry-After is
   * about a minute, and an hour is also the longest backoff a write may ask for (maxBackoffMs);
   * a connection still limited after it gets another 429 and another pause.
   */
  maxRetryAfterMs: ms.min(1_000).default(60 * 60_000),
  /** After a 429 the write rate is cut to this share of the rate that got it. */
  rateDecrease: z.number().gt(0).lt(1).default(0.8),
  /** Quiet time (no 429) after which the reduced rate grows by `rateIncrease`. */
  rateRecoveryMs: ms.default(30_000),
  rateIncrease: z.number().gt(1).default(1.25),
  /** Floor of the adaptive rate, writes per second. */
  minWritesPerSecond: z.number().positive().default(0.01),
  /**
   * Nor below this share of the rate that got the first 429: 429s that are not about the rate
   * (a busy system) must not starve the connection; the Retry-After pauses still apply.
   */
  minRateShare: z.number().gt(0).max(1).default(0.25),
});
export type ConnectionPolicy = z.infer<typeof connectionPolicySchema>;
export type ConnectionPolicyInput = z.input<typeof connectionPolicySchema>;
export const DEFAULT_CONNECTION_POLICY: ConnectionPolicy = connectionPolicySchema.parse({});

/** What a worker tells the connection after a call (sent by the gate around every Makini activity). */
export const connectionReportSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rate-limited'),
    at: epochMs,
    message: z.string(),
    requestId: z.string().optional(),
    retryAfterMs: ms.optional(),
    /** The paced rate of the call that got the 429 (its fairness weight × the per-key default). */
    writesPerSecond: z.number().positive().optional(),
  }),
  z.object({
    kind: z.literal('server-error'),
    at: epochMs,
    message: z.string(),
    requestId: z.string().optional(),
    status: z.number().int().optional(),
    code: z.string().optional(),
  }),
  z.object({
    kind: z.literal('auth-failed'),
    at: epochMs,
    message: z.string(),
    requestId: z.string().optional(),
    /** When the failed call started: a 401 from before the last reauthorization is stale. */
    callStartedAt: epochMs,
    /** The write workflow that now waits for reauthorization. */
    waiter: z.string().optional(),
  }),
  z.object({ kind: z.literal('succeeded'), at: epochMs }),
  /** A write found the connection blocked and waits to be told it is clear. */
  z.object({ kind: z.literal('waiting'), at: epochMs, waiter: z.string() }),
]);
export type ConnectionReport = z.infer<typeof connectionReportSchema>;

/** A verified webhook delivery about this connection, as the receiver hands it over. */
export const connectionEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(200),
  connectionId: z.string().min(1),
  occurredAt: z.string().optional(),
  receivedAt: epochMs,
});
export type ConnectionEvent = z.infer<typeof connectionEventSchema>;

/** Someone (ops CLI, a signal, a webhook) says the connection has been reauthorized. */
export const reauthorizationSchema = z.object({
  by: z.string().min(1).max(200),
  note: z.string().max(500).optional(),
});
export type Reauthorization = z.infer<typeof reauthorizationSchema>;

/** Someone says an `oauth` connection's token store changed (or should be read): its control schedules from it. */
export const tokenNoticeSchema = z.object({
  /** New tokens are in the store (by whom): writes waiting for reauthorization go on. */
  refreshedBy: z.string().min(1).max(200).optional(),
});
export type TokenNotice = z.infer<typeof tokenNoticeSchema>;

/** What a token refresh activity answered (times only: tokens never reach history). */
export type TokenRefreshAnswer =
  | { outcome: 'ok'; refreshed: boolean; expiresAt: number; refreshAt: number; obtainedAt: number }
  | { outcome: 'missing' | 'refused' | 'unavailable'; message: string }
  | { outcome: 'not-oauth' };

/** Retry of a refresh that failed for now: 5 s, doubling, at most 10 min. */
const TOKEN_RETRY_BASE_MS = 5_000;
const TOKEN_RETRY_MAX_MS = 10 * 60_000;

export const recentErrorSchema = z.object({
  at: epochMs,
  kind: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
});

export const BREAKER_STATES = ['closed', 'open', 'probing'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export const connectionStateSchema = z.object({
  connectionId: z.string(),
  policy: connectionPolicySchema,
  rate: z.object({
    /** Adaptive cap in writes per second after 429s; absent = the configured rate. */
    capPerSecond: z.number().positive().optional(),
    /** The rate that got the 429s: once the cap grows back to it, the cap is lifted. */
    ceilingPerSecond: z.number().positive().optional(),
    pausedUntil: epochMs.optional(),
    nextRecoveryAt: epochMs.optional(),
    rateLimitedCount: z.number().int().nonnegative(),
    lastRateLimitedAt: epochMs.optional(),
  }),
  breaker: z.object({
    state: z.enum(BREAKER_STATES),
    consecutiveFailures: z.number().int().nonnegative(),
    openedAt: epochMs.optional(),
    openMs: ms,
    nextProbeAt: epochMs.optional(),
    probes: z.number().int().nonnegative(),
    lastProbe: z.object({ at: epochMs, outcome: z.string(), message: z.string() }).optional(),
  }),
  reauth: z.object({
    needed: z.boolean(),
    since: epochMs.optional(),
    reason: z.string().optional(),
    lastReauthorizedAt: epochMs.optional(),
    lastReauthorizedBy: z.string().optional(),
  }),
  /** Workflow ids of the writes waiting for this connection to be clear. */
  waiters: z.array(z.string()),
  recentErrors: z.array(recentErrorSchema),
  recentEvents: z.array(z.object({ id: z.string(), type: z.string(), at: epochMs })),
  seenEventIds: z.array(z.string()),
  /** OAuth connections only: the token's times and the refresh schedule (never a token). */
  token: z
    .object({
      /** A notice arrived: read the store (and refresh if due) at once. */
      checkRequested: z.boolean(),
      expiresAt: epochMs.optional(),
      refreshAt: epochMs.optional(),
      /** When the refresh activity runs next (the refresh time, or a retry). */
      nextAttemptAt: epochMs.optional(),
      /** Failed refreshes in a row. */
      failures: z.number().int().nonnegative(),
      lastRefreshedAt: epochMs.optional(),
      last: z.object({ at: epochMs, outcome: z.string(), message: z.string() }).optional(),
    })
    .optional(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;

/** One word for ops: what currently holds writes to this connection back. */
export type ConnectionHealth = 'ok' | 'rate-reduced' | 'rate-paused' | 'connection-down' | 'needs-reauthorization';

/** What the gate needs to decide about one call (the `connectionGate` query answer). */
export interface GateView {
  reauthNeeded: boolean;
  breaker: BreakerState;
  consecutiveFailures: number;
  pausedUntil?: number;
  capPerSecond?: number;
  /** The rate that got the first 429 (absent without a cap). */
  ceilingPerSecond?: number;
  policy: Pick<ConnectionPolicy, 'rateDecrease' | 'minWritesPerSecond' | 'minRateShare'>;
}

/** The adaptive cap after a 429 on a call paced at `writesPerSecond` (the control and the gate agree on it). */
export function reducedCap(
  current: number | undefined,
  ceiling: number | undefined,
  writesPerSecond: number,
  policy: Pick<ConnectionPolicy, 'rateDecrease' | 'minWritesPerSecond' | 'minRateShare'>,
): number {
  const floor = Math.max(policy.minWritesPerSecond, Math.max(ceiling ?? 0, writesPerSecond) * policy.minRateShare);
  return Math.max(floor, Math.min(current ?? writesPerSecond, writesPerSecond) * policy.rateDecrease);
}

/** Whether a Retry-After is longer than the policy lets a connection pause for it. */
export const retryAfterExceedsCap = (retryAfterMs: number | undefined, policy: Pick<ConnectionPolicy, 'maxRetryAfterMs'>): boolean =>
  retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs;

/** What applying an input asks the workflow to do: tell these waiting writes to go on. */
export interface Effects {
  release: string[];
}

const RECENT_KEPT = 20;
const SEEN_EVENT_IDS_KEPT = 1000;
const MAX_WAITERS = 10_000;

const keepLast = <T>(list: T[], item: T, n: number) => {
  list.push(item);
  if (list.length > n) list.splice(0, list.length - n);
};

/** The state machine of a connection. Inputs carry their time; nothing here reads a clock. */
export class ConnectionControl {
  constructor(readonly state: ConnectionState) {}

  static initial(connectionId: string, policy: ConnectionPolicy = DEFAULT_CONNECTION_POLICY): ConnectionState {
    return {
      connectionId,
      policy,
      rate: { rateLimitedCount: 0 },
      breaker: { state: 'closed', consecutiveFailures: 0, openMs: policy.breakerOpenMs, probes: 0 },
      reauth: { needed: false },
      waiters: [],
      recentErrors: [],
      recentEvents: [],
      seenEventIds: [],
    };
  }

  get clear(): boolean {
    return !this.state.reauth.needed && this.state.breaker.state === 'closed';
  }

  health(now: number): ConnectionHealth {
    const { reauth, breaker, rate } = this.state;
    if (reauth.needed) return 'needs-reauthorization';
    if (breaker.state !== 'closed') return 'connection-down';
    if (rate.pausedUntil !== undefined && rate.pausedUntil > now) return 'rate-paused';
    if (rate.capPerSecond !== undefined) return 'rate-reduced';
    return 'ok';
  }

  gateView(): GateView {
    const { reauth, breaker, rate } = this.state;
    const { rateDecrease, minWritesPerSecond, minRateShare } = this.state.policy;
    return {
      reauthNeeded: reauth.needed,
      breaker: breaker.state,
      consecutiveFailures: breaker.consecutiveFailures,
      pausedUntil: rate.pausedUntil,
      capPerSecond: rate.capPerSecond,
      ceilingPerSecond: rate.ceilingPerSecond,
      policy: { rateDecrease, minWritesPerSecond, minRateShare },
    };
  }

  /** The next time something changes by itself (a probe, a rate step, the end of a pause). */
  nextWakeAt(now: number): number | undefined {
    const { breaker, rate } = this.state;
    const times = [
      this.state.token?.nextAttemptAt,
      breaker.state === 'open' ? breaker.nextProbeAt : undefined,
      rate.nextRecoveryAt,
      rate.pausedUntil !== undefined && rate.pausedUntil > now ? rate.pausedUntil : undefined,
    ].filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }

  probeDue(now: number): boolean {
    const { breaker } = this.state;
    return breaker.state === 'open' && breaker.nextProbeAt !== undefined && now >= breaker.nextProbeAt;
  }

  setPolicy(policy: ConnectionPolicy): void {
    this.state.policy = policy;
  }

  /**
   * Applies a worker's report. `capRetryAfter: false` honours a 429's Retry-After beyond the
   * policy's maxRetryAfterMs (how histories from before the cap replay).
   */
  report(r: ConnectionReport, now: number, opts: { capRetryAfter?: boolean } = {}): Effects {
    const s = this.state;
    switch (r.kind) {
      case 'succeeded':
        if (s.breaker.state === 'closed') s.breaker.consecutiveFailures = 0;
        return { release: [] };
      case 'waiting':
        return this.wait(r.waiter);
      case 'server-error':
        this.error(r.at, r.kind, r.message, r.requestId);
        if (s.breaker.state === 'closed') {
          s.breaker.consecutiveFailures += 1;
          if (s.breaker.consecutiveFailures >= s.policy.breakerThreshold) this.open(now, s.policy.breakerOpenMs);
        }
        return { release: [] };
      case 'rate-limited': {
        this.error(r.at, r.kind, r.message, r.requestId);
        // 429s within the pause of an earlier one answer the same burst: the rate is cut once for them.
        const sameEpisode = s.rate.pausedUntil !== undefined && r.at < s.rate.pausedUntil;
        s.rate.rateLimitedCount += 1;
        s.rate.lastRateLimitedAt = r.at;
        // From the 429's own time: the write that got it retries exactly after Retry-After, unblocked.
        const retryAfterMs =
          opts.capRetryAfter !== false && retryAfterExceedsCap(r.retryAfterMs, s.policy) ? s.policy.maxRetryAfterMs : r.retryAfterMs;
        s.rate.pausedUntil = Math.max(s.rate.pausedUntil ?? 0, r.at + (retryAfterMs ?? s.policy.defaultPauseMs));
        if (r.writesPerSecond !== undefined) {
          if (!sameEpisode) {
            s.rate.capPerSecond = reducedCap(s.rate.capPerSecond, s.rate.ceilingPerSecond, r.writesPerSecond, s.policy);
            s.rate.ceilingPerSecond = Math.max(s.rate.ceilingPerSecond ?? 0, r.writesPerSecond);
          }
          s.rate.nextRecoveryAt = now + s.policy.rateRecoveryMs;
        }
        return { release: [] };
      }
      case 'auth-failed': {
        this.error(r.at, r.kind, r.message, r.requestId);
        const stale = s.reauth.lastReauthorizedAt !== undefined && r.callStartedAt < s.reauth.lastReauthorizedAt;
        if (!stale && !s.reauth.needed) {
          s.reauth.needed = true;
          s.reauth.since = now;
          s.reauth.reason = r.message;
        }
        return r.waiter ? this.wait(r.waiter) : { release: [] };
      }
    }
  }

  /** The connection was reauthorized: writes waiting for it go on (if nothing else holds them). */
  reauthorized(by: string, now: number): Effects {
    const { reauth } = this.state;
    reauth.needed = false;
    reauth.since = undefined;
    reauth.reason = undefined;
    reauth.lastReauthorizedAt = now;
    reauth.lastReauthorizedBy = by;
    return this.releaseIfClear();
  }

  /** The token store changed or should be read; with `refreshedBy`, writes waiting for reauthorization go on. */
  tokenNotice(n: TokenNotice, now: number): Effects {
    this.state.token ??= { checkRequested: false, failures: 0 };
    this.state.token.checkRequested = true;
    return n.refreshedBy ? this.reauthorized(n.refreshedBy, now) : { release: [] };
  }

  /** Whether the token refresh activity should run now. */
  tokenDue(now: number): boolean {
    const t = this.state.token;
    return t !== undefined && (t.checkRequested || (t.nextAttemptAt !== undefined && now >= t.nextAttemptAt));
  }

  /** Nothing to do about the token until the next notice (the refresh could not run). */
  tokenIdle(): void {
    if (!this.state.token) return;
    this.state.token.checkRequested = false;
    this.state.token.nextAttemptAt = undefined;
  }

  /** What the refresh activity answered: schedule the next one, or say the connection needs a person. */
  tokenResult(r: TokenRefreshAnswer, now: number): Effects {
    const t = (this.state.token ??= { checkRequested: false, failures: 0 });
    t.checkRequested = false;
    switch (r.outcome) {
      case 'ok': {
        t.expiresAt = r.expiresAt;
        t.refreshAt = r.refreshAt;
        t.failures = 0;
        // Never sooner than a second from now: a token that expires at once must not spin the loop.
        t.nextAttemptAt = Math.max(r.refreshAt, now + 1_000);
        if (!r.refreshed) return { release: [] };
        t.lastRefreshedAt = now;
        t.last = { at: now, outcome: 'refreshed', message: `new access token, expires ${new Date(r.expiresAt).toISOString()}` };
        // A 401 from a call that started before now was the old token's (stale, see report()). A
        // webhook's "needs reauthorization" is about the system's credentials: new tokens do not clear it.
        const { reauth } = this.state;
        if (reauth.needed && reauth.reason?.startsWith('webhook ')) {
          reauth.lastReauthorizedAt = now;
          return { release: [] };
        }
        return this.reauthorized('token refresh', now);
      }
      case 'not-oauth':
      case 'missing':
        t.nextAttemptAt = undefined;
        t.last = { at: now, outcome: r.outcome, message: r.outcome === 'missing' ? r.message : 'not an oauth connection' };
        return { release: [] };
      case 'refused':
        t.failures += 1;
        t.nextAttemptAt = undefined;
        t.last = { at: now, outcome: r.outcome, message: r.message };
        if (!this.state.reauth.needed) {
          this.state.reauth.needed = true;
          this.state.reauth.since = now;
          this.state.reauth.reason = `token refresh refused (${r.message}); connect again: makini-writes oauth-connect ${this.state.connectionId}`;
        }
        return { release: [] };
      case 'unavailable':
        t.failures += 1;
        t.nextAttemptAt = now + Math.min(TOKEN_RETRY_MAX_MS, TOKEN_RETRY_BASE_MS * 2 ** (t.failures - 1));
        t.last = { at: now, outcome: r.outcome, message: r.message };
        this.error(now, 'token-refresh', r.message);
        return { release: [] };
    }
  }

  /** A verified webhook event; a repeated event id changes nothing. */
  event(e: ConnectionEvent, now: number): Effects & { duplicate: boolean } {
    const s = this.state;
    if (s.seenEventIds.includes(e.id)) return { release: [], duplicate: true };
    keepLast(s.seenEventIds, e.id, SEEN_EVENT_IDS_KEPT);
    keepLast(s.recentEvents, { id: e.id, type: e.type, at: e.receivedAt }, RECENT_KEPT);
    switch (e.type) {
      case MakiniWebhookEvent.connectionNeedsReauthorization:
        if (!s.reauth.needed) {
          s.reauth.needed = true;
          s.reauth.since = now;
          s.reauth.reason = `webhook ${e.type} (event ${e.id})`;
        }
        return { release: [], duplicate: false };
      case MakiniWebhookEvent.connectionOffline:
        if (s.breaker.state === 'closed') this.open(now, s.policy.breakerOpenMs);
        return { release: [], duplicate: false };
      case MakiniWebhookEvent.connectionOnline: {
        if (s.breaker.state !== 'closed') this.close();
        const fx = s.reauth.needed ? this.reauthorized(`webhook ${e.type} (event ${e.id})`, now) : this.releaseIfClear();
        return { ...fx, duplicate: false };
      }
      default:
        return { release: [], duplicate: false };
    }
  }

  /** The workflow starts a probe of an open breaker. */
  probing(): void {
    this.state.breaker.state = 'probing';
    this.state.breaker.probes += 1;
  }

  /** The probe's answer: `up` closes the breaker, `down` reopens it for longer, `auth` means a 401. */
  probeResult(outcome: 'up' | 'down' | 'auth', message: string, now: number): Effects {
    const { breaker, policy } = this.state;
    breaker.lastProbe = { at: now, outcome, message };
    if (outcome === 'down') {
      this.open(now, Math.min(breaker.openMs * 2, policy.breakerMaxOpenMs));
      return { release: [] };
    }
    this.close();
    if (outcome === 'auth' && !this.state.reauth.needed) {
      this.state.reauth.needed = true;
      this.state.reauth.since = now;
      this.state.reauth.reason = `probe: ${message}`;
    }
    return this.releaseIfClear();
  }

  /** Lets the reduced rate grow after a quiet period; lifts it once back at the rate that got the 429. */
  recover(now: number): void {
    const { rate, policy } = this.state;
    if (rate.pausedUntil !== undefined && rate.pausedUntil <= now) rate.pausedUntil = undefined;
    if (rate.capPerSecond === undefined || rate.nextRecoveryAt === undefined || now < rate.nextRecoveryAt) return;
    const next = rate.capPerSecond * policy.rateIncrease;
    if (rate.ceilingPerSecond === undefined || next >= rate.ceilingPerSecond) {
      rate.capPerSecond = undefined;
      rate.ceilingPerSecond = undefined;
      rate.nextRecoveryAt = undefined;
    } else {
      rate.capPerSecond = next;
      rate.nextRecoveryAt = now + policy.rateRecoveryMs;
    }
  }

  private wait(waiter: string): Effects {
    if (this.clear) return { release: [waiter] };
    if (!this.state.waiters.includes(waiter) && this.state.waiters.length < MAX_WAITERS) this.state.waiters.push(waiter);
    return { release: [] };
  }

  private releaseIfClear(): Effects {
    if (!this.clear) return { release: [] };
    return { release: this.state.waiters.splice(0) };
  }

  private open(now: number, openMs: number): void {
    const { breaker } = this.state;
    breaker.state = 'open';
    breaker.openedAt ??= now;
    breaker.openMs = openMs;
    breaker.nextProbeAt = now + openMs;
  }

  private close(): void {
    const { breaker, policy } = this.state;
    breaker.state = 'closed';
    breaker.consecutiveFailures = 0;
    breaker.openedAt = undefined;
    breaker.nextProbeAt = undefined;
    breaker.openMs = policy.breakerOpenMs;
  }

  private error(at: number, kind: string, message: string, requestId?: string): void {
    keepLast(this.state.recentErrors, { at, kind, message, ...(requestId ? { requestId } : {}) }, RECENT_KEPT);
  }
}
