// What a write that starts after a 429 learns with its profile lookup: the cut rate and the pause
// as the gate saw them for that call, and nothing once neither applies (connections/rate-of-call.ts);
// and which writes the gate that got the 429 tells (connections/rate-broadcast.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_POLICY, type GateView } from '../../src/connections/workflow/control-state.js';
import { connectionRateOfCall, runWithConnectionRate } from '../../src/connections/rate-of-call.js';
import { runningWritesQuery } from '../../src/connections/rate-broadcast.js';

const T = 1_800_000_000_000;
const open: GateView = { reauthNeeded: false, breaker: 'closed', consecutiveFailures: 0, policy: DEFAULT_CONNECTION_POLICY };

describe('the connection rate of a call', () => {
  it('hands a cut rate and a running pause to the call, and nothing for a connection that is neither', () => {
    expect(runWithConnectionRate({ ...open, capPerSecond: 0.78, pausedUntil: T + 3_000 }, () => connectionRateOfCall(T))).toEqual({
      capPerSecond: 0.78,
      pausedUntil: T + 3_000,
    });
    // A pause that has ended is not handed on; the cut rate is.
    expect(runWithConnectionRate({ ...open, capPerSecond: 0.78, pausedUntil: T - 1 }, () => connectionRateOfCall(T))).toEqual({
      capPerSecond: 0.78,
    });
    expect(runWithConnectionRate(open, () => connectionRateOfCall(T))).toBeUndefined();
    expect(runWithConnectionRate(undefined, () => connectionRateOfCall(T))).toBeUndefined();
    expect(connectionRateOfCall(T)).toBeUndefined();
  });

  it('tells the running writes of the connection on its task queue, not its control workflow, and quotes the ids', () => {
    expect(runningWritesQuery('q-1', "it's")).toBe(
      "ExecutionStatus = 'Running' AND TaskQueue = 'q-1' AND MakiniConnectionId = 'it\\'s' AND WorkflowType != 'connectionControl'",
    );
  });
});
