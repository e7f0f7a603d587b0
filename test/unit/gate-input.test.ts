// The connection gate reads the connection from the activity's one input object, by name: a call
// on a connection that needs reauthorization is held, whichever activity; the token refresh (which
// ends that wait) and an activity whose input names no connection go. The gate is the production
// one; only the Temporal context and the control workflow's answer are stand-ins.
import type { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { connectionGateInterceptors } from '../../src/connections/gate.js';
import type { GateView } from '../../src/connections/workflow/control-state.js';
import { MakiniFailureType } from '../../src/failures/workflow/failure-types.js';

const CONNECTION = 'acme-sap';

/** The control workflow of CONNECTION says it needs reauthorization; reports go nowhere. */
const reauthNeeded: GateView = {
  reauthNeeded: true,
  breaker: 'closed',
  consecutiveFailures: 0,
  policy: { rateDecrease: 0.5, minWritesPerSecond: 0.01, minRateShare: 0.1 },
};
const client = {
  connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
  workflow: {
    getHandle: () => ({ query: () => Promise.resolve(reauthNeeded) }),
    signalWithStart: () => Promise.resolve(),
  },
} as unknown as Client;

function callThroughGate(activityType: string, args: unknown[]): Promise<unknown> {
  const ctx = {
    info: {
      activityType,
      workflowExecution: { workflowId: `purchase-order/create/${CONNECTION}/k-1`, runId: 'r' },
      workflowType: 'createPurchaseOrder',
      taskQueue: 'writes',
    },
    log: { warn: () => undefined },
  } as unknown as Context;
  const gate = connectionGateInterceptors({ client, connectionIds: [CONNECTION] })(ctx).inbound!;
  return gate.execute!({ args, headers: {} } as unknown as ActivityExecuteInput, () => Promise.resolve('sent'));
}

describe('connection gate and the one input object', () => {
  it('holds a call whose input names a connection that needs reauthorization', async () => {
    const held = await callThroughGate('vendorExists', [{ connectionId: CONNECTION, value: 'V-100', by: 'key' }]).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(ApplicationFailure);
    expect((held as ApplicationFailure).type).toBe(MakiniFailureType.connectionBlocked);
  });

  it('lets the token refresh through: it is what ends the wait', async () => {
    expect(await callThroughGate('refreshConnectionToken', [{ connectionId: CONNECTION, when: 'stale', staleSince: 1 }])).toBe('sent');
  });

  it('lets an activity whose input names no connection through', async () => {
    expect(await callThroughGate('awaitWriteResult', [{ workflowId: `purchase-order/create/${CONNECTION}/k-0` }])).toBe('sent');
  });
});
