// One worker process's write sends per connection keep Makini's sliding minute under its limit
// even when the worker sends some calls late, and hold nothing more than that needs.
// The dispatch times are the server's own rule (GCRA, one second of burst); the delays are the
// ones the rate-limited goodput benchmark measured (the oldest write of the minute that got a
// 429 had waited 679 ms on the worker, the one answered 429 6 ms): the first two calls, which
// the server's burst dispatches 25 ms apart, both wait for the gate's first view of the connection.
// A process reserves in the order its calls become ready, as the gate does.
import { describe, expect, it } from 'vitest';
import { PACING_WINDOW_S, pacedWritesPerSecond } from '../../src/connections/workflow/gate-policy.js';
import { SEND_WINDOW_MS, SendSpacing, sendsPerWindow } from '../../src/connections/send-spacing.js';

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

/**
 * Sends of `n` calls, call k dispatched at `dispatchOf(k)` and ready to leave the worker
 * `delayOf(k)` ms later; `waited[k]` is what the spacing held call k.
 */
function sends(
  n: number,
  delayOf: (k: number) => number,
  spacing?: SendSpacing,
  dispatchOf: (k: number) => number = dispatchAt,
): { at: number[]; waited: number[] } {
  const ready = Array.from({ length: n }, (_, k) => dispatchOf(k) + delayOf(k));
  const at: number[] = new Array<number>(n);
  const waited: number[] = new Array<number>(n);
  for (const k of ready.map((_, k) => k).sort((a, b) => ready[a]! - ready[b]! || a - b)) {
    waited[k] = spacing ? spacing.reserve('conn', rate, ready[k]!) : 0;
    at[k] = ready[k]! + waited[k];
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

  it('holds the sends after a late one no longer than it crowds them: no lasting shift', () => {
    // Call 5 is taken up 1.6 s late, once, after call 6. Call 65 would then be the 61st send in
    // 60.5 s and waits until call 6 leaves the window (60.5 s − 59 intervals = 25 ms); none else waits.
    const late = (k: number) => (k === 5 ? 1_600 : 6);
    const { at, waited } = sends(200, late, new SendSpacing());
    expect(mostInAMinute(at)).toBeLessThanOrEqual(PER_MINUTE);
    const held = waited.flatMap((w, k) => (w > 0 ? [k] : []));
    expect(held).toEqual([65]);
    expect(waited[65]).toBe(SEND_WINDOW_MS - 59 * intervalMs);
    expect(waited[65]).toBe(25);
  });

  it('takes a server burst larger than its rule without holding the sends of every later minute', () => {
    // The first three calls dispatched at once, one more than the rule: the limit holds, and no
    // call after the first minute waits.
    const early = (k: number) => (k < 3 ? T0 : dispatchAt(k));
    const { at, waited } = sends(200, () => 6, new SendSpacing(), early);
    expect(mostInAMinute(at)).toBeLessThanOrEqual(PER_MINUTE);
    expect(waited.slice(PER_MINUTE + 3).every((w) => w === 0)).toBe(true);
  });

  it('after a cut rate, counts the sends made at the old rate by the old budget: the drain is not held', () => {
    const spacing = new SendSpacing();
    // 55 sends at 60/min in the last minute, then the rate is cut to 80 %.
    for (let k = 0; k < 55; k += 1) spacing.reserve('conn', rate, T0 + k * intervalMs);
    const cut = rate * 0.8;
    expect(sendsPerWindow(cut)).toBeLessThan(55);
    expect(spacing.reserve('conn', cut, T0 + 55 * intervalMs + 4_000)).toBe(0);
  });

  it('gives calls reserved at the same moment successive slots once the budget is used, per connection', () => {
    const spacing = new SendSpacing();
    // A rate whose budget is 3 sends per window: three go at once, the fourth when the first leaves the window.
    const three = 3 / PACING_WINDOW_S;
    expect(sendsPerWindow(three)).toBe(3);
    const waits = Array.from({ length: 4 }, () => spacing.reserve('conn', three, T0));
    expect(waits).toEqual([0, 0, 0, SEND_WINDOW_MS]);
    expect(spacing.reserve('other', three, T0)).toBe(0);
  });

  it('reads the budget of every configured per-minute rate back from its fairness weight, a 32-bit float', () => {
    // 32/min came back as 31 before: 32 / 61.5 as a float32, times 61.5, is 31.9999...
    const off = [];
    for (let n = 1; n <= 61_500; n += 1) if (sendsPerWindow(Math.fround(pacedWritesPerSecond(n))) !== n) off.push(n);
    expect(off).toEqual([]);
    // 80 % of 60/min is 48 per 61.5 s; a fractional budget is rounded down (0.78/s is 47.97 per 61.5 s).
    expect(sendsPerWindow(Math.fround(pacedWritesPerSecond(60) * 0.8))).toBe(48);
    expect(sendsPerWindow(0.78)).toBe(47);
  });

  it('does not keep a slot it could not send in time', () => {
    const spacing = new SendSpacing();
    const one = 1 / PACING_WINDOW_S;
    expect(spacing.reserveWithin('conn', one, T0, 1_000)).toEqual({ waitMs: 0, reserved: true });
    expect(spacing.reserveWithin('conn', one, T0 + 10, 1_000)).toEqual({ waitMs: SEND_WINDOW_MS - 10, reserved: false });
    expect(spacing.reserveWithin('conn', one, T0 + SEND_WINDOW_MS, 1_000)).toEqual({ waitMs: 0, reserved: true });
  });
});
