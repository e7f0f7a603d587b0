// Exactly once past the timeout: a worker may hold a call past its attempt. Real dev server,
// production worker, sandbox over HTTP. (The commit horizon's lookups and the late-duplicate sweep
// are workflow logic: test/workflows/commit-horizon.test.ts; the sandbox's late commits over HTTP
// run in the fault matrix.)
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCreatePurchaseOrder, type CreatePurchaseOrderInput } from '../../src/client/index.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { createPoInput, uniqueKey } from '../../bench/lib/po-input.js';

/** The client gives up after 1 s (the worker's and the profile's request timeout). */
const REQUEST_TIMEOUT_MS = 1_000;
/** The same settle delay as before the horizon existed, so the old code looks once, as early. */
const BUDGET = { ambiguousSettleMs: 300, baseBackoffMs: 200, maxBackoffMs: 400 };
const timing = (commitHorizonMs: number) => ({ timing: { requestTimeoutMs: REQUEST_TIMEOUT_MS, settleMs: 300, commitHorizonMs } });

const po = (connectionId: string, idempotencyKey: string): CreatePurchaseOrderInput => ({
  ...createPoInput(connectionId, idempotencyKey, 1),
  retryBudget: BUDGET,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When a call to the token provider holds the first PO create (a vault or token endpoint hanging). */
const STALL_MS = 32_000;
let stallArmed = false;

describe('exactly once past the timeout', () => {
  let stack: WriteStack;
  const opts = () => ({ taskQueue: stack.taskQueue });
  const posWith = async (id: string, k: string) => (await stack.sb.sandbox.admin.state(id)).purchaseOrders.filter((p) => p.code === k);

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'horizon',
      connections: [{ id: 'sap-stalled', system: 'sap', tokenProvider: 'stalling', overrides: timing(100) }],
      worker: {
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        tokenProviders: {
          // Holds the first PO create after it is armed: the attempt ends (server side) meanwhile.
          stalling: async () => {
            if (stallArmed && Context.current().info.activityType === 'createPurchaseOrder') {
              stallArmed = false;
              await sleep(STALL_MS);
            }
            return stack.sb.tokens['sap-stalled']!;
          },
        },
      },
    });
  });
  afterAll(() => stack?.stop());

  it('a create held inside the worker past its attempt (a stalled token source) is never sent: one PO', async () => {
    const k = uniqueKey('stalled');
    stallArmed = true;
    const started = Date.now();
    const handle = await startCreatePurchaseOrder(stack.client, po('sap-stalled', k), opts());
    const done = await handle.result();
    // The held attempt timed out; the workflow looked, found nothing, and sent again.
    const create = done.steps.find((s) => s.name.startsWith('create purchase order'))!;
    expect(create.attempts).toBe(2);
    // Until the held call has woken up and given up.
    await sleep(Math.max(started + STALL_MS + 2_000 - Date.now(), 0));
    expect(await posWith('sap-stalled', k)).toHaveLength(1);
    const posts = (await stack.sb.sandbox.admin.requestLog('sap-stalled')).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    // It arrived within the second attempt, not when the first one woke up.
    expect(Date.parse(posts[0]!.time) - started).toBeLessThan(STALL_MS);
  }, 60_000);
});
