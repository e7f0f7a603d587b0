// The rate benchmark's variants share the start burst: their start calls go out in turn, so the
// variant listed last does not wait behind every other variant's (bench/lib/start-turns.ts).
import { describe, expect, it } from 'vitest';
import { StartTurns } from '../../bench/lib/start-turns.js';

describe('start calls of side-by-side variants', () => {
  it('hands out the turns asked for in one tick one variant after the other, whatever the order they were asked in', async () => {
    const turns = new StartTurns();
    const order: string[] = [];
    const ask = (variant: string, n: number) => Array.from({ length: n }, () => turns.turn(variant).then(() => order.push(variant)));
    // As the benchmark's loops ask: every turn of the first variant, then the second's, then the third's.
    await Promise.all([...ask('naive', 3), ...ask('1w', 3), ...ask('2w', 2)]);
    expect(order).toEqual(['naive', '1w', '2w', 'naive', '1w', '2w', 'naive', '1w']);
  });

  it('hands out a turn asked for later at once when no other variant waits', async () => {
    const turns = new StartTurns();
    await turns.turn('naive');
    const at = Date.now();
    await turns.turn('1w');
    expect(Date.now() - at).toBeLessThan(1_000);
  });
});
