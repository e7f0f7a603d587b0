// The chaos run, small enough for CI: seeded faults on every Makini call, worker processes
// SIGKILLed, two workers at once, a Temporal server restart; the sandbox's state must show every
// PO exactly once with exactly its lines and every failure named and non-retryable.
import { describe, expect, it } from 'vitest';
import { formatChaosReport, runChaos } from '../../bench/lib/chaos-run.js';

describe('chaos run (CI size)', () => {
  it('40 PO creates through faults, kills and a server restart: no violation', async () => {
    const report = await runChaos({ writes: 40, seed: 11, kills: 2, restartServer: true, timeoutMs: 240_000 });
    console.log(formatChaosReport(report));
    expect(report.violations).toEqual([]);
    // The run really was hostile.
    expect(report.kills).toBe(2);
    expect(report.serverRestarts).toBe(1);
    expect(report.maxWorkersAtOnce).toBeGreaterThanOrEqual(2);
    expect(Object.values(report.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(Object.values(report.bySystem).reduce((a, s) => a + s.completed, 0)).toBeGreaterThan(30);
  }, 300_000);
});
