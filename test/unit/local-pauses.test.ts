// A 429 this worker process got holds its write calls at once: the pause is merged into whatever
// view of the connection the gate has (none, a stale one, or the control's own), until it ends.
import { describe, expect, it } from 'vitest';
import { gateDecision } from '../../src/connections/workflow/gate-policy.js';
import { DEFAULT_CONNECTION_POLICY, type GateView } from '../../src/connections/workflow/control-state.js';
import { LocalPauses } from '../../src/connections/local-pauses.js';
import { connectionRateOfCall, runWithConnectionRate } from '../../src/connections/rate-of-call.js';

const T = 1_800_000_000_000;
const policy = DEFAULT_CONNECTION_POLICY;
const open: GateView = { reauthNeeded: false, breaker: 'closed', consecutiveFailures: 0, policy };

describe('local pauses', () => {
  it('holds write calls from the moment of the 429, with no view or a view from before it', () => {
    const pauses = new LocalPauses();
    pauses.note('conn', T, 30_000);
    for (const view of [undefined, open]) {
      expect(gateDecision(pauses.merge('conn', view, policy, T + 1), 1, T + 1)).toMatchObject({
        proceed: false,
        block: 'rate-paused',
        retryAfterMs: 29_999,
      });
    }
    // Reads are not paced: a pause does not hold them.
    expect(gateDecision(pauses.merge('conn', open, policy, T + 1), undefined, T + 1)).toEqual({ proceed: true });
    // Other connections are not affected.
    expect(pauses.merge('other', open, policy, T + 1)).toBe(open);
  });

  it('keeps the later of its own pause and the control workflow`s, and forgets its own once it ended', () => {
    const pauses = new LocalPauses();
    pauses.note('conn', T, 5_000);
    pauses.note('conn', T + 1_000, 2_000); // an earlier end does not shorten the pause
    expect(pauses.merge('conn', { ...open, pausedUntil: T + 60_000 }, policy, T)?.pausedUntil).toBe(T + 60_000);
    expect(pauses.merge('conn', open, policy, T)?.pausedUntil).toBe(T + 5_000);
    expect(pauses.merge('conn', open, policy, T + 5_000)).toBe(open);
  });

  it('hands the cut rate of its own 429 to a write resolving its profile before the control has it, while the pause runs', () => {
    const pauses = new LocalPauses();
    pauses.note('conn', T, 4_000, 0.78);
    // A view from before the 429 (no cut): the profile lookup still learns the cut and the pause.
    const rate = (view: GateView | undefined, now: number) =>
      runWithConnectionRate(pauses.merge('conn', view, policy, now), () => connectionRateOfCall(now));
    expect(rate(open, T + 1)).toEqual({ capPerSecond: 0.78, pausedUntil: T + 4_000 });
    expect(rate(undefined, T + 1)).toEqual({ capPerSecond: 0.78, pausedUntil: T + 4_000 });
    // The lower of the two caps; a later 429 of the same pause (noted without a cut) keeps it.
    pauses.note('conn', T + 1_000, 4_000);
    expect(rate({ ...open, capPerSecond: 0.5 }, T + 2)).toEqual({ capPerSecond: 0.5, pausedUntil: T + 5_000 });
    expect(rate(open, T + 2)).toEqual({ capPerSecond: 0.78, pausedUntil: T + 5_000 });
    // Once the pause ended the control's view says what the rate is.
    expect(rate(open, T + 5_000)).toBeUndefined();
  });
});
