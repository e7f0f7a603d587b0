// The benchmarks' own code at their --quick sizes, against the tests' dev server: the figures `npm run bench`
// publishes come out as numbers with the structure docs/benchmarks.md shows (no timing claims).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { benchHistoryEvents } from '../../bench/history-events.js';
import { benchOverhead } from '../../bench/overhead.js';
import { benchScale } from '../../bench/scale.js';
import { BenchStack } from '../../bench/lib/stack.js';
import { QUICK_SIZES } from '../../bench/lib/suite.js';
import { formatTable, type BenchTable } from '../../bench/lib/table.js';

const isNumberCell = (cell: string | number) => typeof cell === 'number' || /^-?\d+(\.\d+)?$/.test(cell);

function expectWellFormed(table: BenchTable) {
  expect(table.rows.length).toBeGreaterThan(0);
  for (const row of table.rows) expect(row).toHaveLength(table.columns.length);
  expect(formatTable(table)).toContain(`## ${table.title}`);
}

describe('benchmarks (quick sizes)', () => {
  let stack: BenchStack;
  beforeAll(async () => {
    stack = await BenchStack.start({ address: inject('temporalAddress'), namespace: inject('temporalNamespace') });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('counts history events per PO; line by line grows with the lines, lines-with-header does not', async () => {
    const lines = QUICK_SIZES.history.lines;
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const { rows, table } = await benchHistoryEvents(stack, { lines });
    expect(rows.map((r) => `${r.system}:${r.lines}`)).toEqual([...lines.map((n) => `sap:${n}`), ...lines.map((n) => `dynamics:${n}`)]);
    for (const r of rows) {
      for (const n of [r.events, r.activities, r.historyBytes, r.durationMs]) expect(Number.isFinite(n) && n > 0).toBe(true);
    }
    const events = (system: string) => rows.filter((r) => r.system === system).map((r) => r.events);
    const dynamics = events('dynamics');
    dynamics.slice(1).forEach((e, i) => expect(e).toBeGreaterThan(dynamics[i]!));
    // One activity per extra line on the line-by-line system.
    const dynActivities = rows.filter((r) => r.system === 'dynamics').map((r) => r.activities);
    expect(dynActivities.at(-1)! - dynActivities[0]!).toBe(lines.at(-1)! - lines[0]!);
    // Lines travel in the header request on the SAP-like system: the same events whatever the count.
    expect(new Set(events('sap')).size).toBe(1);
    expectWellFormed(table);
    expect(table.rows.every((r) => isNumberCell(r[2]!))).toBe(true);
  });

  it("measures each step of a PO create against the same direct Makini calls and Temporal's own step cost", async () => {
    const { iterations } = QUICK_SIZES.overhead;
    const result = await benchOverhead(stack, QUICK_SIZES.overhead);
    const names = result.steps.map((s) => s.step);
    expect(names).toEqual(
      expect.arrayContaining(['resolve write profile', 'look up by idempotency key', 'create purchase order with N lines', 'read back']),
    );
    for (const s of result.steps) {
      expect(s.workflowMs).toHaveLength(iterations);
      expect(s.directMs).toHaveLength(iterations);
      expect(s.temporalMs).toHaveLength(iterations);
      for (const ms of [...s.workflowMs, ...s.directMs, ...s.temporalMs]) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    }
    // Temporal's own step cost was measured beside every iteration, from a real workflow run.
    expect(result.totalTemporalMs).toHaveLength(iterations);
    expect(result.totalTemporalMs.every((ms) => ms > 0)).toBe(true);
    // The direct client made a real call for every step that has one.
    const create = result.steps.find((s) => s.step === 'create purchase order with N lines')!;
    expect(create.direct).toMatch(/^POST /);
    expect(create.directMs.every((ms) => ms > 0)).toBe(true);
    expect(result.totalWorkflowMs).toHaveLength(iterations);
    // Both paths really wrote: one PO per workflow and one per direct round, warm-up included.
    const created = (await stack.sandbox.admin.state('overhead-sap')).purchaseOrders;
    expect(created).toHaveLength(2 * (iterations + QUICK_SIZES.overhead.warmup));
    expectWellFormed(result.table);
    expect(result.table.rows.at(-1)![0]).toBe('whole write (client start → result)');
    for (const row of result.table.rows) expect(row.slice(2).every(isNumberCell)).toBe(true);
  });

  it('holds the writes of the scale run on one pause, then completes each exactly once, beside bare workflows', async () => {
    const { writes } = QUICK_SIZES.scale;
    const { product, baseline, table } = await benchScale(stack, QUICK_SIZES.scale);
    // One 429 was answered; the other writes waited on the pause instead of calling Makini.
    expect(product.served429).toBe(1);
    expect(product.waitingAtPark).toBeGreaterThan(0);
    expect(product).toMatchObject({ completed: writes, failed: 0, purchaseOrders: writes, duplicatedKeys: 0, missingKeys: 0 });
    expect(baseline).toMatchObject({ completed: writes, failed: 0 });
    for (const r of [product, baseline]) {
      expect(r.peakRssBytes).toBeGreaterThanOrEqual(r.waiting.memory.rss);
      expect(r.drainMs).toBeGreaterThan(0);
    }
    expectWellFormed(table);
  }, 600_000);
});
