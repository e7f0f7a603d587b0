// The connection state machine (breaker, reauthorization, adaptive rate, webhook events) and the
// gate's decision per call: the rules every write to a connection shares.
import { describe, expect, it } from 'vitest';
import {
  ConnectionControl,
  connectionPolicySchema,
  reducedCap,
  type ConnectionReport,
} from '../../src/connections/workflow/control-state.js';
import {
  fairnessKeyOf,
  fairnessWeightFor,
  gateDecision,
  pacedWritesPerSecond,
  workflowQueueOf,
  writeCallsQueueOf,
} from '../../src/connections/workflow/gate-policy.js';
import { MakiniWebhookEvent } from '../../src/makini/workflow/contract.js';

const policy = connectionPolicySchema.parse({ breakerThreshold: 3, breakerOpenMs: 1_000, breakerMaxOpenMs: 3_000, rateRecoveryMs: 10_000 });
const fresh = () => new ConnectionControl(ConnectionControl.initial('acme-sap', policy));
const T = 1_000_000;
const serverError = (at = T): ConnectionReport => ({ kind: 'server-error', at, message: 'POST /x → 503 SERVICE_UNAVAILABLE', status: 503 });

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive 5xx/no-answer reports, not before', () => {
    const c = fresh();
    c.report(serverError(), T);
    c.report(serverError(), T);
    expect(c.state.breaker.state).toBe('closed');
    c.report(serverError(), T);
    expect(c.state.breaker).toMatchObject({ state: 'open', openedAt: T, nextProbeAt: T + 1_000 });
    expect(c.health(T)).toBe('connection-down');
  });

  it('counts consecutive failures only: a success in between resets the count', () => {
    const c = fresh();
    c.report(serverError(), T);
    c.report(serverError(), T);
    c.report({ kind: 'succeeded', at: T }, T);
    c.report(serverError(), T);
    expect(c.state.breaker).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });

  it('probes when due; a failed probe reopens for twice as long (capped); a good one closes and releases the waiting writes', () => {
    const c = fresh();
    for (let i = 0; i < 3; i++) c.report(serverError(), T);
    expect(c.report({ kind: 'waiting', at: T, waiter: 'wf-1' }, T).release).toEqual([]);
    expect(c.probeDue(T + 999)).toBe(false);
    expect(c.probeDue(T + 1_000)).toBe(true);
    c.probing();
    expect(c.gateView().breaker).toBe('probing');
    c.probeResult('down', '503', T + 1_000);
    expect(c.state.breaker).toMatchObject({ state: 'open', openMs: 2_000, nextProbeAt: T + 3_000 });
    c.probing();
    c.probeResult('down', '503', T + 3_000);
    expect(c.state.breaker.openMs).toBe(3_000); // breakerMaxOpenMs
    c.probing();
    expect(c.probeResult('up', 'answered 200', T + 6_000).release).toEqual(['wf-1']);
    expect(c.state.breaker).toMatchObject({ state: 'closed', consecutiveFailures: 0, openMs: 1_000, probes: 3 });
    expect(c.state.waiters).toEqual([]);
  });

  it('a probe answered 401 closes the breaker but keeps writes waiting for reauthorization', () => {
    const c = fresh();
    for (let i = 0; i < 3; i++) c.report(serverError(), T);
    c.report({ kind: 'waiting', at: T, waiter: 'wf-1' }, T);
    c.probing();
    expect(c.probeResult('auth', '401 AUTHENTICATION_FAILED', T + 1_000).release).toEqual([]);
    expect(c.health(T + 1_000)).toBe('needs-reauthorization');
    expect(c.reauthorized('cli', T + 2_000).release).toEqual(['wf-1']);
  });
});

describe('reauthorization', () => {
  const authFailed = (callStartedAt: number, waiter: string): ConnectionReport => ({
    kind: 'auth-failed',
    at: callStartedAt + 5,
    callStartedAt,
    waiter,
    message: 'POST /x → 401 AUTHENTICATION_FAILED',
  });

  it('a 401 marks the connection and registers the write as waiting; reauthorization releases every waiting write', () => {
    const c = fresh();
    expect(c.report(authFailed(T, 'wf-1'), T).release).toEqual([]);
    c.report(authFailed(T, 'wf-2'), T);
    c.report({ kind: 'waiting', at: T, waiter: 'wf-3' }, T); // found the gate closed
    c.report({ kind: 'waiting', at: T, waiter: 'wf-3' }, T); // registered once
    expect(c.gateView().reauthNeeded).toBe(true);
    expect(c.state.reauth.reason).toMatch(/401/);
    expect(c.reauthorized('cli (ops)', T + 10).release).toEqual(['wf-1', 'wf-2', 'wf-3']);
    expect(c.state.reauth).toMatchObject({ needed: false, lastReauthorizedAt: T + 10, lastReauthorizedBy: 'cli (ops)' });
  });

  it('a 401 from a call that started before the last reauthorization is stale: the write retries at once', () => {
    const c = fresh();
    c.reauthorized('webhook', T);
    expect(c.report(authFailed(T - 50, 'wf-old'), T + 20).release).toEqual(['wf-old']);
    expect(c.gateView().reauthNeeded).toBe(false);
    expect(c.report(authFailed(T + 10, 'wf-new'), T + 30).release).toEqual([]);
    expect(c.gateView().reauthNeeded).toBe(true);
  });

  it('a write registering while the connection is clear is released at once', () => {
    expect(fresh().report({ kind: 'waiting', at: T, waiter: 'wf-1' }, T).release).toEqual(['wf-1']);
  });
});

describe('webhook events', () => {
  const event = (id: string, type: string) => ({ id, type, connectionId: 'acme-sap', receivedAt: T });

  it('needs_reauthorization blocks, online reauthorizes and closes, offline opens the breaker', () => {
    const c = fresh();
    c.event(event('e1', MakiniWebhookEvent.connectionNeedsReauthorization), T);
    c.report({ kind: 'waiting', at: T, waiter: 'wf-1' }, T);
    expect(c.health(T)).toBe('needs-reauthorization');
    expect(c.event(event('e2', MakiniWebhookEvent.connectionOnline), T + 1).release).toEqual(['wf-1']);
    expect(c.state.reauth.lastReauthorizedBy).toMatch(/webhook connection.online \(event e2\)/);
    c.event(event('e3', MakiniWebhookEvent.connectionOffline), T + 2);
    expect(c.health(T + 2)).toBe('connection-down');
    c.event(event('e4', MakiniWebhookEvent.connectionOnline), T + 3);
    expect(c.health(T + 3)).toBe('ok');
  });

  it('the same event id twice changes nothing the second time; other event types are only recorded', () => {
    const c = fresh();
    expect(c.event(event('e1', MakiniWebhookEvent.connectionNeedsReauthorization), T).duplicate).toBe(false);
    c.reauthorized('cli', T + 1);
    expect(c.event(event('e1', MakiniWebhookEvent.connectionNeedsReauthorization), T + 2).duplicate).toBe(true);
    expect(c.gateView().reauthNeeded).toBe(false);
    c.event(event('e5', 'purchase_order.updated'), T + 3);
    expect(c.state.recentEvents.map((e) => e.id)).toEqual(['e1', 'e5']);
  });
});

describe('adaptive rate', () => {
  const limited = (at: number, writesPerSecond?: number, retryAfterMs?: number): ConnectionReport => ({
    kind: 'rate-limited',
    at,
    message: '429',
    writesPerSecond,
    retryAfterMs,
  });

  it('a 429 pauses paced writes from the 429 on for Retry-After and cuts the rate to 80% of the rate that got it', () => {
    const c = fresh();
    c.report(limited(T, 1, 2_000), T + 40);
    expect(c.state.rate).toMatchObject({ pausedUntil: T + 2_000, capPerSecond: 0.8, ceilingPerSecond: 1, rateLimitedCount: 1 });
    expect(c.health(T + 1_000)).toBe('rate-paused');
    expect(c.health(T + 2_000)).toBe('rate-reduced');
    // Another 429 of the same burst (within the pause) extends the pause but does not cut again.
    c.report(limited(T + 100, 0.8), T + 100); // without Retry-After: the policy's default pause
    expect(c.state.rate.capPerSecond).toBeCloseTo(0.8);
    expect(c.state.rate.pausedUntil).toBe(T + 100 + policy.defaultPauseMs);
    expect(c.state.rate.rateLimitedCount).toBe(2);
    // After the pause, a new 429 cuts again.
    c.report(limited(T + 6_000, 0.8, 1_000), T + 6_000);
    expect(c.state.rate.capPerSecond).toBeCloseTo(0.64);
  });

  it("a Retry-After beyond the policy's maxRetryAfterMs pauses the connection for that cap only (1 h by default)", () => {
    expect(connectionPolicySchema.parse({}).maxRetryAfterMs).toBe(3_600_000);
    const c = fresh();
    c.report(limited(T, 1, 99_999_999_000), T);
    expect(c.state.rate.pausedUntil).toBe(T + policy.maxRetryAfterMs);
    // A policy may set another cap; a Retry-After within it is honoured as sent.
    const short = new ConnectionControl(ConnectionControl.initial('acme-sap', connectionPolicySchema.parse({ maxRetryAfterMs: 10_000 })));
    short.report(limited(T, 1, 99_999_999_000), T);
    expect(short.state.rate.pausedUntil).toBe(T + 10_000);
    short.report(limited(T + 1, 1, 4_000), T + 1);
    expect(short.state.rate.pausedUntil).toBe(T + 10_000);
  });

  it('grows back by 25% per quiet period and lifts the cap once back at the rate that got the 429', () => {
    const c = fresh();
    c.report(limited(T, 1, 0), T);
    c.report(limited(T, 0.8, 0), T); // a second 429 at the reduced rate
    expect(c.state.rate.capPerSecond).toBeCloseTo(0.64);
    c.recover(T + 9_999);
    expect(c.state.rate.capPerSecond).toBeCloseTo(0.64);
    c.recover(T + 10_000);
    expect(c.state.rate.capPerSecond).toBeCloseTo(0.8);
    expect(c.nextWakeAt(T + 10_000)).toBe(T + 20_000);
    c.recover(T + 20_000); // 0.8 × 1.25 reaches the rate that got the first 429: lifted
    expect(c.state.rate.capPerSecond).toBeUndefined();
    expect(c.health(T + 20_000)).toBe('ok');
  });

  it('never goes below a quarter of the rate that got the first 429, nor below the absolute floor', () => {
    expect(reducedCap(0.3, 1, 0.3, policy)).toBe(0.25);
    const c = fresh();
    for (let i = 0; i < 20; i++) c.report(limited(T + i * 10, 1, 0), T + i * 10);
    expect(c.state.rate.capPerSecond).toBe(0.25);
    expect(reducedCap(0.011, undefined, 0.011, policy)).toBe(policy.minWritesPerSecond);
  });
});

describe('gate decision', () => {
  const view = (over: Partial<ReturnType<ConnectionControl['gateView']>> = {}) => ({
    reauthNeeded: false,
    breaker: 'closed' as const,
    consecutiveFailures: 0,
    policy,
    ...over,
  });

  it('lets everything through without state, and reads through a paused or reduced rate', () => {
    expect(gateDecision(undefined, 1, T)).toEqual({ proceed: true });
    expect(gateDecision(view({ pausedUntil: T + 5_000, capPerSecond: 0.5 }), undefined, T)).toEqual({ proceed: true });
  });

  it('holds every call while reauthorization is needed or the breaker is not closed', () => {
    expect(gateDecision(view({ reauthNeeded: true }), undefined, T)).toMatchObject({ proceed: false, block: 'reauthorization' });
    expect(gateDecision(view({ breaker: 'probing' }), 1, T)).toMatchObject({ proceed: false, block: 'connection-down' });
  });

  it('holds paced writes during a pause (saying how long) and sends back writes paced faster than the cap', () => {
    expect(gateDecision(view({ pausedUntil: T + 1_500, capPerSecond: 0.5 }), 1, T)).toMatchObject({
      proceed: false,
      block: 'rate-paused',
      retryAfterMs: 1_500,
      capPerSecond: 0.5,
    });
    expect(gateDecision(view({ capPerSecond: 0.5 }), 0.95, T)).toMatchObject({ proceed: false, block: 'rate-reduced', capPerSecond: 0.5 });
    expect(gateDecision(view({ capPerSecond: 0.5 }), 0.5, T)).toEqual({ proceed: true });
    expect(gateDecision(view({ pausedUntil: T - 1 }), 1, T)).toEqual({ proceed: true });
  });
});

describe('pacing arithmetic', () => {
  it("spreads the configured writes per minute over 61.5 s (the server's 1 s burst and slack), or paces at the adaptive cap when lower", () => {
    expect(pacedWritesPerSecond(60)).toBeCloseTo(60 / 61.5);
    expect(pacedWritesPerSecond(60, 0.5)).toBe(0.5);
    expect(pacedWritesPerSecond(60, 5)).toBeCloseTo(60 / 61.5);
    // What the server lets through in any 60 s (61 s of the rate, with its 1 s burst) stays within the minute's budget.
    for (const perMinute of [1, 6, 60, 600]) expect(Math.ceil(61 * pacedWritesPerSecond(perMinute))).toBeLessThanOrEqual(perMinute);
    expect(fairnessWeightFor(0.95)).toBeCloseTo(0.95);
    expect(fairnessWeightFor(1e-9)).toBe(0.001);
    expect(fairnessWeightFor(1e9)).toBe(1000);
  });

  it('names the write-calls queue beside a task queue, and back', () => {
    expect(writeCallsQueueOf('makini-writes')).toBe('makini-writes-write-calls');
    expect(workflowQueueOf('makini-writes-write-calls')).toBe('makini-writes');
    expect(workflowQueueOf('makini-writes')).toBe('makini-writes');
  });

  it('keeps fairness keys within 64 bytes and distinct for long connection ids', () => {
    const a = `${'x'.repeat(100)}-a`;
    const b = `${'x'.repeat(100)}-b`;
    expect(fairnessKeyOf('acme-sap')).toBe('acme-sap');
    expect(fairnessKeyOf(a).length).toBeLessThanOrEqual(64);
    expect(fairnessKeyOf(a)).not.toBe(fairnessKeyOf(b));
  });
});
