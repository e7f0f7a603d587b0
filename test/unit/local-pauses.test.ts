// A 429 this worker process got holds its write calls at once: the pause is merged into whatever
// view of the connection the gate has (none, a stale one, or the control's own), until it ends.
import { describe, expect, it } from 'vitest';
import { gateDecision } from '../../src/connections/workflow/gate-policy.js';
import { DEFAULT_CONNECTION_POLICY, type GateView } from '../../src/connections/workflow/control-state.js';
import { LocalPauses } from '../../src/connections/local-pauses.js';

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
});
