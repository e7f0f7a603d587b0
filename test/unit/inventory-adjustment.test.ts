// The verdicts that keep an inventory adjustment exactly-once: every case of the table in
// docs/inventory-exactly-once.md.
import { describe, expect, it } from 'vitest';
import { judgeGuardedWrite, judgeLostAnswer, unchangedSince } from '../../src/writes/inventory/workflow/adjustment.js';

const base = { quantity: 10, updatedAt: '2026-01-01T00:00:00.000Z' };
const later = '2026-01-01T00:00:01.000Z';

describe('inventory adjustment verdicts', () => {
  it('sees a record as unchanged only with the same quantity and the same updatedAt', () => {
    expect(unchangedSince({ ...base }, base)).toBe(true);
    expect(unchangedSince({ quantity: 10, updatedAt: later }, base)).toBe(false);
    expect(unchangedSince({ quantity: 11, updatedAt: base.updatedAt }, base)).toBe(false);
    // A system that reports no updatedAt is compared by quantity alone.
    expect(unchangedSince({ quantity: 10 }, base)).toBe(true);
  });

  it('after a lost answer: unchanged → not landed, target → landed, anything else → unknown', () => {
    expect(judgeLostAnswer({ ...base }, base, 7)).toBe('not-landed');
    expect(judgeLostAnswer({ quantity: 7, updatedAt: later }, base, 7)).toBe('landed');
    expect(judgeLostAnswer({ quantity: 9, updatedAt: later }, base, 7)).toBe('unknown');
    // Someone wrote the same quantity back (updatedAt moved): the write did not land, and cannot be told apart.
    expect(judgeLostAnswer({ quantity: 10, updatedAt: later }, base, 7)).toBe('unknown');
  });

  it('after a guarded write: recompute only when no attempt of the round can have written', () => {
    expect(judgeGuardedWrite(true, { quantity: 7, updatedAt: later }, base, 7, false)).toEqual({ kind: 'applied', by: 'this-run' });
    expect(judgeGuardedWrite(false, { quantity: 12, updatedAt: later }, base, 7, false)).toEqual({ kind: 'recompute' });
    expect(judgeGuardedWrite(false, { quantity: 7, updatedAt: later }, base, 7, true)).toEqual({ kind: 'applied', by: 'landed-before' });
    expect(judgeGuardedWrite(false, { quantity: 12, updatedAt: later }, base, 7, true).kind).toBe('unknown');
    // Already at the target with no lost answer in this run (someone else, or a reset run): never add the delta again.
    expect(judgeGuardedWrite(false, { quantity: 7, updatedAt: later }, base, 7, false).kind).toBe('unknown');
  });
});
