// Never send after giving up: a write call the connection gate holds (the process's send spacing)
// must leave in time for its answer to come back before the activity attempt's start-to-close
// timeout, or not at all. The spacing holds a call until its connection's budget of sends in the
// window (60.5 s) has room: at the floor rate (0.01 writes/s, a budget of one) one earlier call
// makes the next wait 60.5 s; at 6/min the seventh call of a minute waits until the first leaves
// the window; the write-call attempt lasts 30 s. The gate, the send window and the HTTP client are the
// production ones; only the Temporal context, the control workflow's query and fetch are stand-ins.
import type { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Secret } from '../../src/observability/secret.js';
import { connectionGateInterceptors } from '../../src/connections/gate.js';
import { fairnessWeightFor, pacedWritesPerSecond } from '../../src/connections/workflow/gate-policy.js';
import { SEND_WINDOW_MS, SendSpacing } from '../../src/connections/send-spacing.js';
import { MakiniFailureType, makiniFailureInfoSchema } from '../../src/failures/workflow/failure-types.js';
import { attemptTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS } from '../../src/makini/workflow/call-timing.js';
import { asActivity } from '../../src/makini/activity-result.js';
import { makiniRequest } from '../../src/makini/http.js';
import { sendWindowInterceptors } from '../../src/makini/send-window.js';

const T0 = 1_800_000_000_000;
const ATTEMPT_MS = attemptTimeoutMs(DEFAULT_REQUEST_TIMEOUT_MS); // 30 s, the write call's start-to-close
const CONNECTION = 'acme-sap';

/** A client whose control workflow does not exist yet: the gate lets calls go (nothing went wrong). */
const noControlClient = {
  connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
  workflow: {
    getHandle: (id: string) => ({
      query: () => Promise.reject(new WorkflowNotFoundError('no control workflow', id, undefined)),
    }),
  },
} as unknown as Client;

interface Sent {
  at: number;
  attemptStartedAt: number;
}

/** One production worker process's gate and send window, and the requests that reached "Makini". */
function processUnderTest() {
  const gate = connectionGateInterceptors({ client: noControlClient, connectionIds: [CONNECTION] });
  const window = sendWindowInterceptors();
  const sent: Sent[] = [];
  /** Runs one write-call attempt paced at `writesPerSecond`; `cancel` aborts it after `cancelAfterMs`. */
  const attempt = (writesPerSecond: number, cancelAfterMs?: number): Promise<unknown> => {
    const attemptStartedAt = Date.now();
    const cancel = new AbortController();
    if (cancelAfterMs !== undefined) setTimeout(() => cancel.abort(), cancelAfterMs);
    const ctx = {
      info: {
        workflowExecution: { workflowId: `purchase-order/create/${CONNECTION}/k-${sent.length}`, runId: 'r' },
        workflowType: 'createPurchaseOrder',
        taskQueue: 'writes-write-calls',
        priority: { fairnessWeight: fairnessWeightFor(writesPerSecond) },
        startToCloseTimeoutMs: ATTEMPT_MS,
      },
      cancellationSignal: cancel.signal,
      heartbeat: () => undefined,
      // Resolves even when cancelled: the check right before the request must catch it.
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      log: { warn: () => undefined, debug: () => undefined },
    } as unknown as Context;
    const fetch = (async () => {
      sent.push({ at: Date.now(), attemptStartedAt });
      return new Response(JSON.stringify({ data: { key: 'po-1' } }), { status: 201 });
    }) as typeof globalThis.fetch;
    // As every Makini activity does: the client's classified error becomes an ApplicationFailure.
    const send = () =>
      asActivity(() =>
        makiniRequest(
          { baseUrl: 'http://makini.test', timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS, fetch },
          { method: 'POST', path: '/api/eam/purchase-orders', body: {}, token: new Secret('token-of-the-test') },
          z.unknown(),
        ),
      );
    const input = { args: [{ connectionId: CONNECTION, body: {} }], headers: {} } as unknown as ActivityExecuteInput;
    const g = gate(ctx).inbound!;
    const w = window(ctx).inbound!;
    return w.execute!(input, (i) => g.execute!(i, send));
  };
  return { attempt, sent };
}

/** The classified failure of a call that was not sent, or a failure of the test. */
function notSent(err: unknown) {
  expect(err).toBeInstanceOf(ApplicationFailure);
  const info = makiniFailureInfoSchema.parse((err as ApplicationFailure).details?.[0]);
  expect(info.type).toBe(MakiniFailureType.notSent);
  expect(info.ambiguous).toBe(false);
  return info;
}

/** Every request left early enough for its whole timeout to end before its attempt did. */
function expectNoneLate(sent: Sent[]) {
  for (const s of sent) expect(s.at + DEFAULT_REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(s.attemptStartedAt + ATTEMPT_MS);
}

describe('a write call held by the send spacing', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the waits past a 30 s attempt: 60.5 s at the floor rate after one call, and for the seventh call of a minute at 6/min', () => {
    const floor = new SendSpacing();
    expect([floor.reserve('c', 0.01, T0), floor.reserve('c', 0.01, T0)]).toEqual([0, SEND_WINDOW_MS]);
    const spacing = new SendSpacing();
    const waits = Array.from({ length: 7 }, () => spacing.reserve('c', pacedWritesPerSecond(6), T0));
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, SEND_WINDOW_MS]);
    expect(SEND_WINDOW_MS).toBeGreaterThan(ATTEMPT_MS);
  });

  it('at the floor rate, the second call is not sent (typed, with the wait it needs) instead of leaving 60.5 s later', async () => {
    const p = processUnderTest();
    const first = p.attempt(0.01);
    const second = p.attempt(0.01).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(120_000);
    await first;
    const info = notSent(await second);
    expect(info.retryAfterMs).toBe(SEND_WINDOW_MS);
    expect(p.sent).toHaveLength(1);
    expectNoneLate(p.sent);
  });

  it('of 10 calls at once at 6/min, the ones over the budget are not sent, and none leaves after its attempt could end', async () => {
    const p = processUnderTest();
    const results = Array.from({ length: 10 }, () => p.attempt(pacedWritesPerSecond(6)).then(() => 'sent', notSent));
    await vi.advanceTimersByTimeAsync(60_000);
    const outcomes = await Promise.all(results);
    const refused = outcomes.filter((o) => o !== 'sent');
    expect(p.sent).toHaveLength(6);
    expect(refused).toHaveLength(4);
    expectNoneLate(p.sent);
    // The refused ones hold no slot and say when the next one is free (the first send leaves the window):
    // the workflow waits that long, durably, and schedules the call again.
    for (const r of refused) expect((r as { retryAfterMs: number }).retryAfterMs).toBe(SEND_WINDOW_MS);
  });

  it('a call whose attempt is cancelled while it waits is not sent', async () => {
    const p = processUnderTest();
    const rate = pacedWritesPerSecond(6);
    const early = Array.from({ length: 6 }, () => p.attempt(rate));
    await vi.advanceTimersByTimeAsync(56_000);
    // The seventh waits 4.5 s for the first to leave the window; its attempt is cancelled after 2 s.
    const cancelled = p.attempt(rate, 2_000).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(early);
    expect(notSent(await cancelled).message).toMatch(/cancelled/);
    expect(p.sent).toHaveLength(6);
  });
});
