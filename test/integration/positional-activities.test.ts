// Activities take one input object; a task scheduled before that change (by a workflow running
// during the deploy) carries positional arguments and still runs on the new worker, under the same
// activity name (src/activities/positional.ts). Real dev server, real production worker (its
// activity interceptors), the sandbox over HTTP.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailureType } from '../../src/failures/workflow/failure-types.js';
import { uniqueKey } from '../support/production-worker.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';

const positionalWorkflows = fileURLToPath(new URL('../support/positional-workflows.ts', import.meta.url));
const SAP = 'acme-sap';

describe('activity tasks scheduled with positional arguments', () => {
  let stack: WriteStack;
  beforeAll(async () => {
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: positionalWorkflows, logger: new DefaultLogger('WARN') });
    stack = await startWriteStack({ connections: [{ id: SAP, system: 'sap' }], taskQueuePrefix: 'positional', worker: { workflowBundle } });
  }, 120_000);
  afterAll(() => stack?.stop());

  it('run on the new worker: the old calls of a PO create find the vendor and create the PO', async () => {
    const reference = uniqueKey('positional');
    const result = await stack.client.workflow.execute('positionalPurchaseOrder', {
      taskQueue: stack.taskQueue,
      workflowId: uniqueKey('positional-wf'),
      args: [SAP, reference],
    });
    expect(result).toMatchObject({ system: 'sap', vendorKnown: true, foundBefore: false, reference });
    const pos = (await stack.sb.sandbox.admin.state(SAP)).purchaseOrders;
    expect(pos.filter((po) => po.key === result.created)).toHaveLength(1);
  });

  it('a Makini activity whose input names no connection fails without a request, saying so', async () => {
    const before = (await stack.sb.sandbox.admin.requestLog(SAP)).length;
    const failure = await stack.client.workflow.execute('inputWithoutConnection', {
      taskQueue: stack.taskQueue,
      workflowId: uniqueKey('no-connection-wf'),
    });
    expect(failure.type).toBe(ActivityFailureType.invalidInput);
    expect(failure.message).toMatch(/createPurchaseOrder.*connectionId/);
    expect(await stack.sb.sandbox.admin.requestLog(SAP)).toHaveLength(before);
  });
});
