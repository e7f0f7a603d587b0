// What ops rely on while a PO write runs: the step table by query, current details, search
// attributes, timer summaries. (A Retry-After beyond the budget failing at once is workflow logic:
// test/workflows/retry-after.test.ts.)
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSteps, startCreatePurchaseOrder } from '../../src/client/index.js';
import { SA_CONNECTION_ID, SA_ENTITY, SA_OPERATION, SA_OUTCOME, SA_SYSTEM } from '../../src/observability/workflow/search-attributes.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { uniqueKey } from '../support/production-worker.js';
import { poInput } from '../support/po-input.js';

const po = (idempotencyKey: string) => poInput('sap-1', idempotencyKey, { title: 'ops' });

describe('purchase order writes, as ops see them', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  const key = uniqueKey;

  beforeAll(async () => {
    stack = await startWriteStack({ taskQueuePrefix: 'po-ops', connections: [{ id: 'sap-1', system: 'sap' }] });
    ({ sb, client, taskQueue } = stack);
  });
  afterAll(() => stack?.stop());

  it('while waiting on a Retry-After: steps query, current details and attributes say so; then succeeded', async () => {
    const k = key('waiting');
    await sb.sandbox.admin.scriptFaults('sap-1', [{ kind: 'rate-limit', method: 'POST', retryAfterSeconds: 4 }]);
    const handle = await startCreatePurchaseOrder(client, po(k), { taskQueue });
    let steps = await getSteps(handle);
    while (!steps.some((s) => s.waits.length > 0)) {
      await new Promise((r) => setTimeout(r, 100));
      steps = await getSteps(handle);
    }
    const waiting = steps.find((s) => s.waits.length > 0)!;
    expect(waiting).toMatchObject({ name: 'create purchase order with 1 lines', outcome: 'running', attempts: 1 });
    expect(waiting.waits[0]!.cause).toMatch(/^429 RATE_LIMIT_EXCEEDED, Retry-After 4\.0 s, req_/);
    const meta = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/waiting 4\.0 s: 429 RATE_LIMIT_EXCEEDED/);
    const during = (await handle.describe()).typedSearchAttributes;
    expect(during.get(SA_OUTCOME)).toBe('running');
    expect(during.get(SA_SYSTEM)).toBe('sap');

    await handle.result();
    const after = (await handle.describe()).typedSearchAttributes;
    expect([after.get(SA_CONNECTION_ID), after.get(SA_ENTITY), after.get(SA_OPERATION), after.get(SA_OUTCOME)]).toEqual([
      'sap-1',
      'purchase-order',
      'create',
      'succeeded',
    ]);
    // The timer carries the cause as its summary in the UI.
    const { events } = await handle.fetchHistory();
    const timer = events?.find((e) => e.timerStartedEventAttributes);
    expect(timer?.userMetadata?.summary?.data).toBeDefined();
    expect(Buffer.from(timer!.userMetadata!.summary!.data!).toString()).toContain('429 RATE_LIMIT_EXCEEDED, Retry-After 4.0 s');
    // The execution is findable by its attributes.
    const found: string[] = [];
    for await (const w of client.workflow.list({
      query: `MakiniConnectionId = "sap-1" AND MakiniOutcome = "succeeded" AND WorkflowId = "${handle.workflowId}"`,
    }))
      found.push(w.workflowId);
    expect(found).toEqual([handle.workflowId]);
  });
});
