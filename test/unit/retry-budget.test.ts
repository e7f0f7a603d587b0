// A caller's retry budget stays within bounds (security review): no busy loop (tiny backoff, no
// settle before the lookup), no execution that never ends; every write type takes the same override.
import { describe, expect, it } from 'vitest';
import { WRITE_TYPES, WRITE_TYPE_NAMES, type WriteType } from '../../src/client/index.js';
import { inputProblems } from '../../src/writes/workflow/engine/input.js';
import { DEFAULT_RETRY_BUDGET, RETRY_BUDGET_BOUNDS, retryBudgetSchema } from '../../src/writes/workflow/engine/steps.js';
import { OFFLINE_TARGETS, validInputs } from '../fuzz/write-inputs.js';

const valid = validInputs(OFFLINE_TARGETS, 'k-1');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `field [rule]` of each problem of `type` with this retry budget. */
function budgetProblems(type: WriteType, retryBudget: unknown): string[] {
  const r = WRITE_TYPES[type].schema.safeParse({ ...valid[type], retryBudget });
  return r.success ? [] : inputProblems(r.error).map((p) => `${p.field} [${p.rule}]`);
}

describe('retry budget bounds', () => {
  it.each(WRITE_TYPE_NAMES)('%s refuses a budget out of bounds, naming the field and rule', (type) => {
    const refused: [unknown, string[]][] = [
      [{ maxAttempts: 1e15, baseBackoffMs: 1 }, ['retryBudget.maxAttempts [max]', 'retryBudget.baseBackoffMs [min]']],
      [{ maxAttempts: 0 }, ['retryBudget.maxAttempts [min]']],
      [{ maxAttempts: 51 }, ['retryBudget.maxAttempts [max]']],
      [{ maxAttempts: 2.5 }, ['retryBudget.maxAttempts [integer]']],
      [{ baseBackoffMs: 49 }, ['retryBudget.baseBackoffMs [min]']],
      [{ maxBackoffMs: HOUR + 1 }, ['retryBudget.maxBackoffMs [max]']],
      [{ ambiguousSettleMs: 0 }, ['retryBudget.ambiguousSettleMs [min]']],
      [{ ambiguousSettleMs: 99 }, ['retryBudget.ambiguousSettleMs [min]']],
      [{ ambiguousSettleMs: 600_001 }, ['retryBudget.ambiguousSettleMs [max]']],
      [{ maxTotalMs: 7 * DAY + 1 }, ['retryBudget.maxTotalMs [max]']],
      [{ maxTotalMs: 999 }, ['retryBudget.maxTotalMs [min]']],
      [{ maxConnectionWaitMs: 1e15 }, ['retryBudget.maxConnectionWaitMs [max]']],
      [{ maxConnectionWaitMs: 30 * DAY + 1 }, ['retryBudget.maxConnectionWaitMs [max]']],
      [{ baseBackoffMs: 5_000, maxBackoffMs: 1_000 }, ['retryBudget.baseBackoffMs [backoff-order]']],
      // Fields left out count with their defaults (maxBackoffMs 60 s, baseBackoffMs 1 s).
      [{ baseBackoffMs: 120_000 }, ['retryBudget.baseBackoffMs [backoff-order]']],
      [{ maxBackoffMs: 500 }, ['retryBudget.maxBackoffMs [backoff-order]']],
      [{ maxAtempts: 3 }, ['retryBudget.maxAtempts [unknown-field]']],
      [{ maxAttempts: '8' }, ['retryBudget.maxAttempts [type]']],
      ['fast', ['retryBudget [type]']],
    ];
    for (const [budget, expected] of refused) expect(budgetProblems(type, budget), JSON.stringify(budget)).toEqual(expected);
  });

  it('says why the backoff order is wrong, with the defaults it assumed', () => {
    const r = WRITE_TYPES.createWorkOrder.schema.safeParse({ ...valid.createWorkOrder, retryBudget: { baseBackoffMs: 120_000 } });
    expect(r.success).toBe(false);
    if (!r.success)
      expect(inputProblems(r.error)[0]!.message).toBe(
        '[backoff-order] baseBackoffMs (120000) must not exceed maxBackoffMs (60000 by default)',
      );
  });

  it.each(WRITE_TYPE_NAMES)('%s accepts the bounds themselves and every budget the tests and recorded histories use', (type) => {
    const b = RETRY_BUDGET_BOUNDS;
    const accepted: unknown[] = [
      {},
      {
        maxAttempts: b.maxAttempts.min,
        maxTotalMs: b.maxTotalMs.min,
        baseBackoffMs: b.baseBackoffMs.min,
        maxBackoffMs: b.maxBackoffMs.min,
      },
      {
        maxAttempts: b.maxAttempts.max,
        maxTotalMs: b.maxTotalMs.max,
        baseBackoffMs: b.baseBackoffMs.max,
        maxBackoffMs: b.maxBackoffMs.max,
      },
      { ambiguousSettleMs: b.ambiguousSettleMs.min, maxConnectionWaitMs: b.maxConnectionWaitMs.min },
      { ambiguousSettleMs: b.ambiguousSettleMs.max, maxConnectionWaitMs: b.maxConnectionWaitMs.max },
      // test/integration: fault matrix, exactly-once, connections, operations, purchase orders
      { ambiguousSettleMs: 100, baseBackoffMs: 100, maxBackoffMs: 400 },
      { baseBackoffMs: 200, maxBackoffMs: 1_000, maxAttempts: 30 },
      { maxConnectionWaitMs: 2_000 },
      { baseBackoffMs: 100, ambiguousSettleMs: 100 },
      { maxTotalMs: 60_000 },
      { maxAttempts: 2, baseBackoffMs: 50 },
      // test/histories/create-po-sap-503-three-times.json
      { maxAttempts: 8, maxTotalMs: 900_000, baseBackoffMs: 100, maxBackoffMs: 60_000 },
    ];
    for (const budget of accepted) expect(budgetProblems(type, budget), JSON.stringify(budget)).toEqual([]);
  });

  it('the defaults are within the bounds', () => {
    expect(retryBudgetSchema.safeParse(DEFAULT_RETRY_BUDGET).success).toBe(true);
    expect(DEFAULT_RETRY_BUDGET).toEqual({
      maxAttempts: 8,
      maxTotalMs: 900_000,
      baseBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      ambiguousSettleMs: 5_000,
      maxConnectionWaitMs: DAY,
    });
  });
});
