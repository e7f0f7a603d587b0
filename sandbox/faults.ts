// Injected failures: a FIFO script per connection (tests say exactly what happens next) and a
// seeded random chaos mode (chaos runs: the same seed and request order give the same faults).
//
// Makini's docs say a write was NOT applied only for a 429 (Makini refuses before forwarding) and
// for 4xx refusals. Every other failure (5xx, proxy pages, empty bodies, dropped connections,
// timeouts, garbled 2xx) MAY have been applied, so every such kind can also commit first: without
// `commit` the request "did not reach the system this time", with it the write landed and only
// the answer is bad. A client must treat both the same way; the sandbox plays both.
import { z } from 'zod';
import { mulberry32 } from './prng.js';

export const FAULT_KINDS = [
  /** 429 RATE_LIMIT_EXCEEDED; Retry-After in seconds, as an HTTP-date, or absent. Not written: Makini refuses before forwarding [docs]. */
  'rate-limit',
  /**
   * 500/502/503/504 (default 500) with a JSON error body; a 503 carries Retry-After when
   * `retryAfterSeconds`/`retryAfterDate` say so. Without `commit`: the request did not reach the
   * system this time. With `commit: true`: applied first, then this answer (commit-then-500, ...).
   */
  'server-error',
  /**
   * An nginx-style HTML page with `status` (default 502; any 2xx or 5xx, or 4xx without commit),
   * Retry-After on a 503 as above. Without `commit`: not reached; with `commit: true`: applied first.
   */
  'html-error',
  /**
   * `status` (default 502; any 2xx or 5xx, or 4xx without commit) with an empty body, Retry-After on
   * a 503 as above. Without `commit`: not reached; with `commit: true`: applied first (e.g. an empty 200).
   */
  'empty-error',
  /** Waits delayMs (default 1000) BEFORE the system sees the request, then behaves normally. */
  'slow',
  /**
   * Applies the request, then answers `status` (default 504; any 5xx) with a JSON error body,
   * Retry-After on a 503 as above. The same as `server-error` with `commit: true` (any 5xx here).
   */
  'commit-then-fail',
  /** Applies the request, then destroys the socket without answering (`drop` with `commit: true`). */
  'commit-then-drop',
  /** Destroys the socket without answering. Without `commit`: not reached; with `commit: true`: applied first. */
  'drop',
  /**
   * Applies the request, then answers `status` (default 200; any 2xx) with a body that breaks the
   * contract: `body` as given (e.g. truncated JSON, `OK`), default `{"data":{"nokey":true}}`.
   * `commit: false`: a proxy answered the garbled 2xx and the request did not reach the system.
   */
  'malformed-success',
  /** 401 AUTHENTICATION_FAILED, and every later call too, until the connection is reauthorized. Not written. */
  'unauthorized',
  /** A refusal: `status` (default 400) with `code` and `message`. Not written (a 4xx refusal by the docs). */
  'reject',
  /**
   * Applies the request after `commitDelayMs` (default 0: at once), then waits `delayMs` (default
   * 1000) AFTER committing and answers normally. With a delay longer than the client's request
   * timeout, the client gives up on a write that landed (the request log says `abandoned` when the
   * client had closed the connection); with `commitDelayMs` past it, the write lands only after the
   * client gave up, at any delay (an SAP BAPI or a NetSuite record with workflows under load): a
   * lookup right after the timeout finds nothing, and a resend before the commit is a duplicate.
   */
  'late',
  /**
   * A redirect (`status` 301, 302, 303, 307 or 308, default 307) to `location` (default another
   * host, https://elsewhere.invalid/): a client that follows a 307/308 sends the write again there.
   * Without `commit`: not reached; with `commit: true`: applied first (a proxy redirecting after).
   */
  'redirect',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Whether each kind applies the request to the system (before its answer) when `commit` is not given. */
const COMMITS_BY_DEFAULT: Readonly<Record<FaultKind, boolean>> = {
  'rate-limit': false,
  'server-error': false,
  'html-error': false,
  'empty-error': false,
  slow: true,
  'commit-then-fail': true,
  'commit-then-drop': true,
  drop: false,
  'malformed-success': true,
  unauthorized: false,
  reject: false,
  late: true,
  redirect: false,
};

/** Whether a fault applies the request to the system (the write lands) before its answer. */
export const faultCommits = (f: { kind: FaultKind; commit?: boolean }): boolean => f.commit ?? COMMITS_BY_DEFAULT[f.kind];

/**
 * Why `commit` cannot be changed on a kind, for the script's error message. The kinds not named
 * here (server-error, html-error, empty-error, drop, malformed-success, redirect) take `commit`
 * either way: Makini's docs leave open whether they reached the system.
 */
const COMMIT_FIXED_BECAUSE: Partial<Record<FaultKind, string>> = {
  'rate-limit': 'a 429 is never written (Makini refuses before forwarding)',
  unauthorized: 'a 401 is never written',
  reject: 'a 4xx refusal is never written (use commit-then-fail or server-error with commit for a 5xx)',
  slow: 'slow always lets the request through',
  late: 'late always applies the request',
  'commit-then-fail': 'commit-then-fail always applies the request (use server-error without commit)',
  'commit-then-drop': 'commit-then-drop always applies the request (use drop without commit)',
};

const FAULT_METHODS = ['GET', 'POST', 'PUT', '*'] as const;
const SERVER_STATUSES = [500, 502, 503, 504];
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const is2xx = (s: number) => s >= 200 && s < 300;
const is4xx = (s: number) => s >= 400 && s < 500;
const is5xx = (s: number) => s >= 500 && s < 600;
/** Kinds whose status is fixed (or that do not answer): a status there would be silently ignored. */
const NO_STATUS: readonly FaultKind[] = ['rate-limit', 'unauthorized', 'slow', 'late', 'drop', 'commit-then-drop'];

export const faultScriptSchema = z
  .strictObject({
    kind: z.enum(FAULT_KINDS),
    /** How many matching requests it hits (default 1). */
    times: z.number().int().positive().default(1),
    /** Matching requests to let through untouched before it starts hitting (default 0). */
    skip: z.number().int().nonnegative().default(0),
    method: z.enum(FAULT_METHODS).default('*'),
    /** Matches paths starting with this (e.g. `/api/eam/purchase-orders`); default every path. */
    pathPrefix: z.string().optional(),
    /** `rate-limit`, and any 503 answer: Retry-After in seconds. */
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    /** Send Retry-After as an HTTP-date (RFC 9110 IMF-fixdate) `retryAfterSeconds` (default 1) ahead. */
    retryAfterDate: z.boolean().optional(),
    /** The answer's status; which ones a kind takes is in FAULT_KINDS. */
    status: z.number().int().min(200).max(599).optional(),
    /**
     * `server-error`, `html-error`, `empty-error`, `drop`, `malformed-success`, `redirect`: apply
     * the request to the system first (true), or answer without it reaching the system (false).
     * Defaults: false, except `malformed-success` (true).
     */
    commit: z.boolean().optional(),
    /** Wait before the request reaches the system (every kind but `late`; `slow` defaults to 1000). `late`: wait after committing (default 1000). */
    delayMs: z.number().int().nonnegative().max(600_000).optional(),
    /** `late`: wait before the request is applied, even when the client has given up meanwhile (default 0). */
    commitDelayMs: z.number().int().nonnegative().max(3_600_000).optional(),
    /**
     * Wait after the request was applied and before the fault answers (kinds that commit, except
     * `late`, which uses delayMs): e.g. a 504 that arrives only after the gateway's own timeout.
     */
    answerDelayMs: z.number().int().nonnegative().max(600_000).optional(),
    /** `reject`: the error code (default by status). */
    code: z.string().min(1).optional(),
    /** `reject`, `server-error`, `commit-then-fail`: the error message. */
    message: z.string().optional(),
    /** `malformed-success`: the raw body to send (default `{"data":{"nokey":true}}`). */
    body: z.string().optional(),
    /** `redirect`: the Location it names (default https://elsewhere.invalid/). */
    location: z.string().min(1).optional(),
    /**
     * `server-error`, `commit-then-fail` on `/api/passthrough`: Makini answers 200 and the system's
     * own 5xx is inside the passthrough envelope (`{ data: { status: 5xx, ... } }`), not Makini's.
     */
    inner: z.boolean().optional(),
  })
  .superRefine((f, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const fixedBecause = COMMIT_FIXED_BECAUSE[f.kind];
    if (f.commit !== undefined && f.commit !== COMMITS_BY_DEFAULT[f.kind] && fixedBecause)
      issue('commit', `cannot be ${f.commit} on ${f.kind}: ${fixedBecause}`);
    const commits = faultCommits(f);
    if (f.inner && f.kind !== 'server-error' && f.kind !== 'commit-then-fail')
      issue('inner', 'only server-error and commit-then-fail answer inside the passthrough envelope');
    if (f.commitDelayMs !== undefined && f.kind !== 'late') issue('commitDelayMs', 'only late commits after a delay (use delayMs)');
    if (f.answerDelayMs !== undefined) {
      if (f.kind === 'late') issue('answerDelayMs', 'late waits delayMs after committing; use delayMs');
      else if (!commits)
        issue('answerDelayMs', `waits after the write is applied, and ${f.kind} without commit applies nothing (use delayMs)`);
    }
    const s = f.status;
    if (s === undefined) return;
    if (NO_STATUS.includes(f.kind)) return issue('status', `${f.kind} takes no status`);
    if (f.kind === 'redirect') {
      if (!REDIRECT_STATUSES.includes(s)) issue('status', 'redirect takes 301, 302, 303, 307 or 308');
      return;
    }
    if (s >= 300 && s < 400) return issue('status', 'a redirect is a fault of its own: kind redirect');
    switch (f.kind) {
      case 'server-error':
        if (!SERVER_STATUSES.includes(s)) issue('status', 'server-error takes 500, 502, 503 or 504');
        break;
      case 'commit-then-fail':
        if (!is5xx(s))
          issue('status', "commit-then-fail takes a 5xx: Makini's docs say a 4xx is not written, so a committed write never answers one");
        break;
      case 'malformed-success':
        if (!is2xx(s)) issue('status', 'malformed-success takes a 2xx (use html-error or empty-error for other statuses)');
        break;
      case 'html-error':
      case 'empty-error':
        if (commits && is4xx(s)) issue('status', `${f.kind} with commit takes a 2xx or 5xx: Makini's docs say a 4xx is not written`);
        break;
      case 'reject':
        if (is2xx(s)) issue('status', 'reject takes a 4xx or 5xx');
        break;
      default:
        break;
    }
  });
/** A fault as written by a test (defaults optional). */
export type FaultScript = z.input<typeof faultScriptSchema>;
export type ParsedFaultScript = z.output<typeof faultScriptSchema>;

/** A fault chosen for one request. */
export interface ActiveFault {
  kind: FaultKind;
  source: 'script' | 'chaos';
  status?: number;
  retryAfterSeconds?: number;
  retryAfterDate?: boolean;
  commit?: boolean;
  delayMs?: number;
  commitDelayMs?: number;
  answerDelayMs?: number;
  code?: string;
  message?: string;
  body?: string;
  location?: string;
  inner?: boolean;
}

/**
 * How a fault is named in the request log: `script:server-error`, `chaos:drop+commit`,
 * `script:malformed-success+no-commit`: a suffix when `commit` overrode the kind's default.
 */
export function faultLabel(f: ActiveFault): string {
  const commits = faultCommits(f);
  const suffix = commits === COMMITS_BY_DEFAULT[f.kind] ? '' : commits ? '+commit' : '+no-commit';
  return `${f.source}:${f.kind}${suffix}`;
}

const SLOW_DEFAULT_MS = 1000;
const LATE_DEFAULT_MS = 1000;

/** How long a request waits before it reaches the system (`delayMs`; `slow` defaults to 1 s; `late`: `commitDelayMs`). */
export function waitBeforeSystemMs(f: ActiveFault | undefined): number {
  if (!f) return 0;
  if (f.kind === 'late') return f.commitDelayMs ?? 0;
  return f.delayMs ?? (f.kind === 'slow' ? SLOW_DEFAULT_MS : 0);
}

/** How long an answer waits after the system ran (`late`: delayMs, default 1 s; others: answerDelayMs). */
export function waitAfterSystemMs(f: ActiveFault | undefined): number {
  if (!f) return 0;
  return f.kind === 'late' ? (f.delayMs ?? LATE_DEFAULT_MS) : (f.answerDelayMs ?? 0);
}

export interface PendingFault extends ParsedFaultScript {
  /** Hits left. */
  remaining: number;
  /** Matching requests still to let through. */
  skipsLeft: number;
}

/** FIFO of scripted faults: the first script matching a request claims it. */
export class FaultQueue {
  private items: PendingFault[] = [];

  push(faults: readonly ParsedFaultScript[]): void {
    for (const f of faults) this.items.push({ ...f, remaining: f.times, skipsLeft: f.skip });
  }

  clear(): void {
    this.items = [];
  }

  pending(): PendingFault[] {
    return this.items.map((f) => ({ ...f }));
  }

  /** The fault for this request, if a script claims it (a script still skipping lets it through). */
  take(method: string, path: string): ActiveFault | undefined {
    const i = this.items.findIndex((f) => (f.method === '*' || f.method === method) && (!f.pathPrefix || path.startsWith(f.pathPrefix)));
    const f = this.items[i];
    if (!f) return undefined;
    if (f.skipsLeft > 0) {
      f.skipsLeft -= 1;
      return undefined;
    }
    f.remaining -= 1;
    if (f.remaining <= 0) this.items.splice(i, 1);
    // The script minus its bookkeeping (times, skip, method, path, and the counters).
    const { times: _t, skip: _s, method: _m, pathPrefix: _p, remaining: _r, skipsLeft: _l, ...fault } = f;
    return { ...fault, source: 'script' };
  }
}

const rate = z.number().min(0).max(1).optional();
export const chaosConfigSchema = z.strictObject({
  seed: z.number().int(),
  /** Probability per request of each fault (their sum at most 1). */
  rates: z
    .strictObject({
      serverError: rate,
      rateLimit: rate,
      commitThenFail: rate,
      commitThenDrop: rate,
      slow: rate,
      drop: rate,
      htmlError: rate,
      emptyError: rate,
      malformedSuccess: rate,
      /** `late`: applied at once, answered after `slowMs`. */
      late: rate,
    })
    .refine((r) => Object.values(r).reduce<number>((s, v) => s + (v ?? 0), 0) <= 1 + 1e-9, 'the rates add up to more than 1'),
  /**
   * Share of serverError, htmlError, emptyError and drop hits that apply the write first (default
   * 0.5): Makini's docs do not say these were not written, so a chaos run must see both.
   */
  commitShare: z.number().min(0).max(1).default(0.5),
  /** Delay of a slow (before the system) or late (after committing) response (default 250 ms). */
  slowMs: z.number().int().nonnegative().max(60_000).default(250),
  /** Retry-After of chaos 429s and 503s (default 1 s). */
  retryAfterSeconds: z.number().int().nonnegative().default(1),
  /**
   * Methods chaos applies to (default all). A passthrough call (always Makini's POST) counts by the
   * method of its inner request: a native GET (a lookup, SAP's CSRF fetch) is a read.
   */
  methods: z.array(z.enum(['GET', 'POST', 'PUT'])).default(['GET', 'POST', 'PUT']),
  /**
   * Share of server-error and commit-then-fail hits on a passthrough call answered INSIDE the
   * envelope (Makini's 200 around the system's own 5xx, the `inner` of a script) rather than as
   * Makini's own 5xx (default 0.5). Drawn from a sequence of its own, so that the faults of the
   * other calls stay what the seed gave them.
   */
  innerShare: z.number().min(0).max(1).default(0.5),
});
export type ChaosConfig = z.input<typeof chaosConfigSchema>;
type ParsedChaos = z.output<typeof chaosConfigSchema>;

const CHAOS_ORDER: [keyof ParsedChaos['rates'], FaultKind][] = [
  ['serverError', 'server-error'],
  ['rateLimit', 'rate-limit'],
  ['commitThenFail', 'commit-then-fail'],
  ['commitThenDrop', 'commit-then-drop'],
  ['slow', 'slow'],
  ['drop', 'drop'],
  ['htmlError', 'html-error'],
  ['emptyError', 'empty-error'],
  ['malformedSuccess', 'malformed-success'],
  ['late', 'late'],
];
/** The server-error family: chaos commits these on `commitShare` of hits. */
const CHAOS_MAY_COMMIT: readonly FaultKind[] = ['server-error', 'html-error', 'empty-error', 'drop'];

/** Seeded random faults: a fixed number of rolls per fault kind, so runs replay exactly. */
export class Chaos {
  private readonly random: () => number;
  private readonly innerRandom: () => number;

  constructor(readonly config: ParsedChaos) {
    this.random = mulberry32(config.seed);
    this.innerRandom = mulberry32(config.seed ^ 0x5bd1e995);
  }

  private serverStatus(): number {
    return SERVER_STATUSES[Math.floor(this.random() * SERVER_STATUSES.length)]!;
  }

  /** The fault of one request, if any; `passthrough`: a call to `/api/passthrough` (`method` is its inner one). */
  roll(method: string, opts: { passthrough?: boolean } = {}): ActiveFault | undefined {
    if (!this.config.methods.includes(method as 'GET')) return undefined;
    const r = this.random();
    let edge = 0;
    for (const [name, kind] of CHAOS_ORDER) {
      edge += this.config.rates[name] ?? 0;
      if (r >= edge) continue;
      const fault: ActiveFault = { kind, source: 'chaos' };
      if (kind === 'server-error' || kind === 'commit-then-fail') {
        fault.status = this.serverStatus();
        if (opts.passthrough && this.innerRandom() < this.config.innerShare) fault.inner = true;
      }
      if (CHAOS_MAY_COMMIT.includes(kind)) fault.commit = this.random() < this.config.commitShare;
      if (fault.status === 503 || kind === 'rate-limit') fault.retryAfterSeconds = this.config.retryAfterSeconds;
      if (kind === 'slow' || kind === 'late') fault.delayMs = this.config.slowMs;
      return fault;
    }
    return undefined;
  }
}
