// Retry-After has a floor: `Retry-After: 0` (or a date in the past) waits the step's backoff, not
// 1 ms. The floor is a patch: a history recorded before it (a 1 ms timer on Retry-After 0, where
// the backoff would have run out of the step's time budget) still replays.
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCreatePurchaseOrder } from '../../src/client/index.js';
import { readHistoryFile } from '../../src/operations/replay.js';
import { installQuietRuntime, saveHistory, workflowBundle } from '../support/temporal.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { uniqueKey } from '../support/production-worker.js';
import { poInput, type PoInputOptions } from '../support/po-input.js';

/** Recorded with the code before the floor (RECORD_HISTORIES=1 re-records it: only with that code). */
const BEFORE_FLOOR = join(import.meta.dirname, 'retry-after-0.before-floor.history.json');

const po = (idempotencyKey: string, retryBudget: PoInputOptions['retryBudget']) => poInput('sap-1', idempotencyKey, { retryBudget });

const timerMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);

describe('Retry-After floor', () => {
  let stack: WriteStack;
  const key = uniqueKey;

  beforeAll(async () => {
    stack = await startWriteStack({ taskQueuePrefix: 'retry-after-floor', connections: [{ id: 'sap-1', system: 'sap' }] });
  });
  afterAll(() => stack?.stop());

  // A date in the past parses to 0 ms as well (test/unit/retry-after.test.ts): the floor is on the delay.
  it('Retry-After: 0 waits at least the base backoff before the next attempt', async () => {
    const k = key('ra0');
    await stack.sb.sandbox.admin.scriptFaults('sap-1', [{ kind: 'rate-limit', method: 'POST', retryAfterSeconds: 0 }]);
    const baseBackoffMs = 400;
    const handle = await startCreatePurchaseOrder(stack.client, po(k, { baseBackoffMs }), { taskQueue: stack.taskQueue });
    const result = await handle.result();
    const step = result.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(step.attempts).toBe(2);
    const events = (await handle.fetchHistory()).events ?? [];
    const timers = events.flatMap((e) =>
      e.timerStartedEventAttributes ? [timerMs(e.timerStartedEventAttributes.startToFireTimeout)] : [],
    );
    expect(timers).toHaveLength(1);
    // The floor is the base backoff, without jitter.
    expect(timers[0]).toBe(baseBackoffMs);
    expect(step.waits[0]?.ms).toBe(timers[0]);
    expect(step.waits[0]?.cause).toMatch(/^429 RATE_LIMIT_EXCEEDED, Retry-After 0\.0 s, backoff 0\.4 s, req_/);
    expect((await stack.sb.sandbox.admin.state('sap-1')).purchaseOrders.filter((p) => p.code === k)).toHaveLength(1);
  });

  /**
   * How the fixture was made, with the code before the floor: Retry-After 0 and a backoff (≥ 15 s)
   * beyond the step's time budget (10 s). With the floor this write fails its budget instead.
   */
  it.runIf(process.env.RECORD_HISTORIES)(
    'records the fixture (RECORD_HISTORIES=1 with the code before the floor only; skipped otherwise: it rewrites the fixture)',
    async () => {
      const k = key('ra0-record');
      await stack.sb.sandbox.admin.scriptFaults('sap-1', [{ kind: 'rate-limit', method: 'POST', retryAfterSeconds: 0 }]);
      const budget = { baseBackoffMs: 30_000, maxBackoffMs: 60_000, maxTotalMs: 10_000 };
      const handle = await startCreatePurchaseOrder(stack.client, po(k, budget), { taskQueue: stack.taskQueue });
      await handle.result();
      await saveHistory(handle, BEFORE_FLOOR);
    },
  );

  it('a history recorded before the floor (1 ms wait on Retry-After 0) replays', async () => {
    installQuietRuntime();
    const { history } = readHistoryFile(BEFORE_FLOOR);
    const timer = history.events?.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
    // What makes it a real test: its budget had room for 1 ms, not for the backoff the floor waits.
    expect(timerMs(timer?.startToFireTimeout)).toBe(1);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'retry-after-0.before-floor');
  });
});
