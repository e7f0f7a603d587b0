// The circuit breaker (src/connections/workflow/control-state.ts, control-workflow.ts, waits.ts): five
// consecutive 5xx open it; writes then wait durably (no calls to Makini) while the connection's
// control workflow probes it again after 30 s, then after twice as long each time (at most 5 min);
// a waiting write also looks again every 10 minutes on its own; the first probe that gets an
// answer closes the breaker and the waiting write goes on.
import { expect, it } from 'vitest';
import { startCreatePurchaseOrder } from '../../src/writes/purchase-orders/start.js';
import { answers } from './support/fake-makini.js';
import { timeSkippingEnv, withStack } from './support/env.js';
import { poInput } from '../support/po-input.js';

const env = timeSkippingEnv();

it('opens after 5 consecutive 503s, probes at 30 s, 1, 2, 4 and 5 min, and lets the waiting write go on once a probe gets an answer', async () => {
  await withStack(env(), {}, async ({ client, taskQueue, makini }) => {
    makini.failNext('vendorExists', ...Array.from({ length: 5 }, answers.unavailable));
    makini.probe = (n) => (n < 5 ? 'down' : 'up');
    const handle = await startCreatePurchaseOrder(client, poInput('acme-sap', 'breaker'), { taskQueue });
    const result = await handle.result();

    // Five 503s, then nothing reached Makini while the breaker was open, then the call that succeeded.
    expect(makini.callsOf('vendorExists').map((c) => c.answer)).toEqual(['503', '503', '503', '503', '503', 'ok']);
    const probes = makini.callsOf('probeConnection');
    expect(probes.map((p) => p.answer)).toEqual(['down', 'down', 'down', 'down', 'up']);
    // Each probe after the previous one: the open time doubles, capped at breakerMaxOpenMs (5 min).
    const gaps = probes.slice(1).map((p, i) => Math.round((p.at - probes[i]!.at) / 1000));
    expect(gaps).toEqual([60, 120, 240, 300]);
    expect(makini.between('vendorExists', 4, 5)).toBeGreaterThanOrEqual(30_000 + 60_000 + 120_000 + 240_000 + 300_000);
    const step = result.steps.find((s) => s.name === 'check vendorKey exists')!;
    expect(step.outcome).toBe('succeeded');
    // 12.5 minutes open: the write looked again on its own after 10 minutes (held back by the
    // gate again), then went on at the resume signal (a view of the gate still showing the breaker
    // open may hold it once more, released at once).
    const held = step.waits.filter((w) => w.cause.startsWith('waited while the circuit breaker was open'));
    expect(held[0]?.cause).toContain('(no signal yet; looking again)');
    expect(held[0]?.ms).toBeGreaterThanOrEqual(10 * 60_000);
    expect(held.at(-1)?.cause).not.toContain('no signal yet');
    expect(makini.purchaseOrders.size).toBe(1);
  });
});
