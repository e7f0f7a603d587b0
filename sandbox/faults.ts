// Injected failures: a FIFO script per connection (tests say exactly what happens next) and a
// seeded random chaos mode (chaos runs: the same seed and request order give the same faults).
import { z } from 'zod';
import { mulberry32 } from './prng.js';

export const FAULT_KINDS = [
  /** 429 RATE_LIMIT_EXCEEDED; Retry-After in seconds, as an HTTP-date, or absent. */
  'rate-limit',
  /** 500/502/503/504 with a JSON error body (503 may carry Retry-After). Nothing written. */
  'server-error',
  /** An HTML page from a proxy, with the given status (default 502). Nothing written. */
  'html-error',
  /** The given status (default 502) with an empty body. Nothing written. */
  'empty-error',
  /** Waits delayMs (default 1000), then behaves normally. */
  'slow',
  /** Applies the request, then answers `status` (default 504) with an error body. */
  'commit-then-fail',
  /** Applies the request, then destroys the socket without answering. */
  'commit-then-drop',
  /** Destroys the socket without applying anything. */
  'drop',
  /** Applies the request, then answers 200 with a body that breaks the contract (or `body`). */
  'malformed-success',
  /** 401 AUTHENTICATION_FAILED, and every later call too, until the connection is reauthorized. */
  'unauthorized',
  /** A permanent refusal: `status` (default 400) with `code` and `message`. Nothing written. */
  'reject',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const FAULT_METHODS = ['GET', 'POST', 'PUT', '*'] as const;

export const faultScriptSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  /** How many matching requests it hits (default 1). */
  times: z.number().int().positive().default(1),
  /** Matching requests to let through untouched before it starts hitting (default 0). */
  skip: z.number().int().nonnegative().default(0),
  method: z.enum(FAULT_METHODS).default('*'),
  /** Matches paths starting with this (e.g. `/api/eam/purchase-orders`); default every path. */
  pathPrefix: z.string().optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** Send Retry-After as an HTTP-date (RFC 9110 IMF-fixdate) `retryAfterSeconds` (default 1) ahead. */
  retryAfterDate: z.boolean().optional(),
  status: z.number().int().min(400).max(599).optional(),
  /** Wait before acting (every kind; `slow` defaults to 1000). */
  delayMs: z.number().int().nonnegative().max(600_000).optional(),
  /** `reject`: the error code (default by status). */
  code: z.string().min(1).optional(),
  /** `reject`, `server-error`, `commit-then-fail`: the error message. */
  message: z.string().optional(),
  /** `malformed-success`: the raw body to send (default `{"data":{"nokey":true}}`). */
  body: z.string().optional(),
}).superRefine((f, ctx) => {
  const serverStatuses = [500, 502, 503, 504];
  if (f.kind === 'server-error' && f.status !== undefined && !serverStatuses.includes(f.status)) {
    ctx.addIssue({ code: 'custom', path: ['status'], message: 'server-error takes 500, 502, 503 or 504' });
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
  delayMs?: number;
  code?: string;
  message?: string;
  body?: string;
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
    const { kind, status, retryAfterSeconds, retryAfterDate, delayMs, code, message, body } = f;
    return { kind, source: 'script', status, retryAfterSeconds, retryAfterDate, delayMs, code, message, body };
  }
}

const rate = z.number().min(0).max(1).optional();
export const chaosConfigSchema = z.strictObject({
  seed: z.number().int(),
  /** Probability per request of each fault (their sum at most 1). */
  rates: z.strictObject({
    serverError: rate, rateLimit: rate, commitThenFail: rate, commitThenDrop: rate, slow: rate, drop: rate,
    htmlError: rate, emptyError: rate, malformedSuccess: rate,
  }).refine((r) => Object.values(r).reduce<number>((s, v) => s + (v ?? 0), 0) <= 1 + 1e-9, 'the rates add up to more than 1'),
  /** Delay of a slow response (default 250 ms). */
  slowMs: z.number().int().nonnegative().max(60_000).default(250),
  /** Retry-After of chaos 429s and 503s (default 1 s). */
  retryAfterSeconds: z.number().int().nonnegative().default(1),
  /** Methods chaos applies to (default all). */
  methods: z.array(z.enum(['GET', 'POST', 'PUT'])).default(['GET', 'POST', 'PUT']),
});
export type ChaosConfig = z.input<typeof chaosConfigSchema>;
type ParsedChaos = z.output<typeof chaosConfigSchema>;

const CHAOS_ORDER: [keyof ParsedChaos['rates'], FaultKind][] = [
  ['serverError', 'server-error'], ['rateLimit', 'rate-limit'], ['commitThenFail', 'commit-then-fail'],
  ['commitThenDrop', 'commit-then-drop'], ['slow', 'slow'], ['drop', 'drop'], ['htmlError', 'html-error'],
  ['emptyError', 'empty-error'], ['malformedSuccess', 'malformed-success'],
];
const SERVER_STATUSES = [500, 502, 503, 504];

/** Seeded random faults: one roll per request (methods it covers), so runs replay exactly. */
export class Chaos {
  private readonly random: () => number;

  constructor(readonly config: ParsedChaos) {
    this.random = mulberry32(config.seed);
  }

  roll(method: string): ActiveFault | undefined {
    if (!this.config.methods.includes(method as 'GET')) return undefined;
    const r = this.random();
    let edge = 0;
    for (const [name, kind] of CHAOS_ORDER) {
      edge += this.config.rates[name] ?? 0;
      if (r >= edge) continue;
      const fault: ActiveFault = { kind, source: 'chaos' };
      if (kind === 'server-error') {
        fault.status = SERVER_STATUSES[Math.floor(this.random() * SERVER_STATUSES.length)];
        if (fault.status === 503) fault.retryAfterSeconds = this.config.retryAfterSeconds;
      }
      if (kind === 'commit-then-fail') fault.status = this.random() < 0.5 ? 502 : 504;
      if (kind === 'rate-limit') fault.retryAfterSeconds = this.config.retryAfterSeconds;
      if (kind === 'slow') fault.delayMs = this.config.slowMs;
      return fault;
    }
    return undefined;
  }
}
