// One worker process's write sends per connection keep the server's pacing rule even when the
// worker sends some calls late: Makini's sliding minute then never counts more than its limit.
// The dispatch times are the server's own rule (GCRA, one second of burst); the delays are the
// ones the rate-limited goodput benchmark measured (the oldest write of the minute that got a
// 429 had waited 679 ms on the worker, the one answered 429 6 ms): the first two calls, which
// the server's burst dispatches 25 ms apart, both wait for the gate's first view of the connection.
import { describe, expect, it } from 'vitest';
import { PACING_WINDOW_S, pacedWritesPerSecond } from '../../src/connections/workflow/gate-policy.js';
import { SendSpacing } from '../../src/connections/send-spacing.js';

const T0 = 1_800_000_000_000;
const PER_MINUTE = 60;
const rate = pacedWritesPerSecond(PER_MINUTE);
const intervalMs = 1_000 / rate;

/** When the server dispatches task k after a pause (its limiter lets one second through at once). */
const dispatchAt = (k: number) => T0 + Math.max(0, k * intervalMs - 1_000);

/** Most sends in any sliding minute (Makini's window: a send counts for 60 s). */
function mostInAMinute(sends: number[]): number {
  const t = [...sends].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i += 1) {
    while (t[j]! <= t[i]! - 60_000) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Sends of `n` dispatched calls, each leaving the worker `delayOf(k)` ms after its dispatch. */
function sends(n: number, delayOf: (k: number) => number, spacing?: SendSpacing): { at: number[]; waited: number[] } {
  const at: number[] = [];
  const waited: number[] = [];
  for (let k = 0; k < n; k += 1) {
    const ready = dispatchAt(k) + delayOf(k);
    const wait = spacing ? spacing.reserve('conn', rate, ready) : 0;
    waited.push(wait);
    at.push(ready + wait);
  }
  return { at, waited };
}

describe('send spacing', () => {
  it("the burst's two calls leaving 679 ms late make 61 in a minute without it, and at most 60 with it", () => {
    const late = (k: number) => (k <= 1 ? 679 : 6);
    expect(PACING_WINDOW_S).toBe(61.5);
    expect(mostInAMinute(sends(200, late).at)).toBe(PER_MINUTE + 1);
    const spaced = sends(200, late, new SendSpacing());
    expect(mostInAMinute(spaced.at)).toBeLessThanOrEqual(PER_MINUTE);
    // It holds only what the late send made necessary, never a whole interval.
    expect(Math.max(...spaced.waited)).toBeLessThanOrEqual(679);
  });

  it('never holds sends that leave on time, nor the burst the server allows', () => {
    const { waited } = sends(200, () => 6, new SendSpacing());
    expect(waited.every((w) => w === 0)).toBe(true);
  });

  it('keeps the limit under any worker delays', () => {
    // A busy worker: every call leaves 0–2,000 ms after its dispatch (a fixed pseudo-random pattern).
    let seed = 7;
    const jitter = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 2_001;
    };
    const delays = Array.from({ length: 300 }, jitter);
    expect(mostInAMinute(sends(300, (k) => delays[k]!).at)).toBeGreaterThan(PER_MINUTE);
    expect(mostInAMinute(sends(300, (k) => delays[k]!, new SendSpacing()).at)).toBeLessThanOrEqual(PER_MINUTE);
  });

  it('gives calls reserved at the same moment successive slots, per connection', () => {
    const spacing = new SendSpacing();
    const waits = Array.from({ length: 4 }, () => spacing.reserve('conn', 2, T0));
    // 2 per second with one second of burst (the server's GCRA): three go at once, then one every 500 ms.
    expect(waits).toEqual([0, 0, 0, 500]);
    expect(spacing.reserve('other', 2, T0)).toBe(0);
  });
});
