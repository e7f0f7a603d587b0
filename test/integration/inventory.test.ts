// Inventory end to end: real Temporal dev server, production worker, sandbox over HTTP. The point:
// an adjustment (a delta) lands exactly once whatever happens to its answer.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  writeWorkflowId,
  startAdjustInventory,
  startUpdateInventory,
  WriteFailureType,
  type AdjustInventoryInput,
} from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import type { RequestLogEntry } from '../../sandbox/admin-client.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { failureOf, violatedRules as rules } from '../support/failures.js';
import { uniqueKey } from '../support/production-worker.js';

const inventoryPuts = (log: RequestLogEntry[], key: string) =>
  log.filter((r) => r.method === 'PUT' && (r.path.endsWith(`/${key}`) || r.path.endsWith(`/${key}/inventory`)));

describe('inventory workflows', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  const key = uniqueKey;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'inv',
      connections: [
        { id: 'sap-1', system: 'sap' },
        { id: 'sc-1', system: 'service-channel' },
        { id: 'sc-open', system: 'service-channel', overrides: { inventory: { operations: { adjust: { allowed: true } } } } },
      ],
    });
    ({ sb, client, taskQueue } = stack);
  });
  afterAll(() => stack?.stop());

  const quantity = async (connectionId: string, inventoryKey: string) =>
    (await sb.sandbox.admin.state(connectionId)).inventories.find((i) => i.key === inventoryKey)!.quantity;
  const adjust = (input: AdjustInventoryInput) => startAdjustInventory(client, input, { taskQueue });
  /** Someone else writing the quantity directly in the system (not through makini-writes). */
  const setDirectly = async (connectionId: string, inventoryKey: string, q: number) => {
    const res = await fetch(new URL(MakiniPath.inventory(inventoryKey), sb.sandbox.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${sb.tokens[connectionId]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: q }),
    });
    expect(res.status).toBe(200);
  };
  const waitForLog = async (connectionId: string, match: (r: RequestLogEntry) => boolean) => {
    for (let i = 0; i < 200; i += 1) {
      if ((await sb.sandbox.admin.requestLog(connectionId)).some(match)) return;
      await sleep(25);
    }
    throw new Error('the expected request never reached the sandbox');
  };

  it('applies an adjustment exactly once when its write commits and then answers 504', async () => {
    const before = await quantity('sap-1', 'inv-1');
    await sb.sandbox.admin.scriptFaults('sap-1', [
      { kind: 'commit-then-fail', status: 504, method: 'PUT', pathPrefix: MakiniPath.inventory('inv-1') },
    ]);
    const result = await (
      await adjust({ connectionId: 'sap-1', idempotencyKey: key('adj504'), inventoryKey: 'inv-1', delta: -4, reason: 'issued to WO-17' })
    ).result();
    expect(result).toMatchObject({
      inventoryKey: 'inv-1',
      previousQuantity: before,
      delta: -4,
      quantity: before - 4,
      appliedBy: 'landed-before',
      rounds: 1,
    });
    expect(await quantity('sap-1', 'inv-1')).toBe(before - 4);
    const write = result.steps.find((s) => s.name.startsWith('write quantity'))!;
    expect(write).toMatchObject({ attempts: 1, outcome: 'succeeded' });
    expect(write.note).toMatch(/504.*landed/);
    expect(result.steps.map((s) => s.name)).toContain(`check whether quantity ${before - 4} landed`);
    const puts = inventoryPuts(await sb.sandbox.admin.requestLog('sap-1'), 'inv-1').filter((r) => r.time >= write.startedAt);
    expect(puts.map((p) => `${p.status} applied=${p.writeApplied}`)).toEqual(['504 applied=true']);
  });

  it('applies an adjustment through the material exactly once when the connection drops after the write', async () => {
    const before = await quantity('sap-1', 'inv-2');
    await sb.sandbox.admin.scriptFaults('sap-1', [
      { kind: 'commit-then-drop', method: 'PUT', pathPrefix: MakiniPath.materialInventory('mat-2') },
    ]);
    const result = await (
      await adjust({ connectionId: 'sap-1', idempotencyKey: key('adjdrop'), materialKey: 'mat-2', delta: 10 })
    ).result();
    expect(result).toMatchObject({ inventoryKey: 'inv-2', quantity: before + 10, appliedBy: 'landed-before' });
    expect(await quantity('sap-1', 'inv-2')).toBe(before + 10);
    expect(inventoryPuts(await sb.sandbox.admin.requestLog('sap-1'), 'mat-2').filter((r) => r.writeApplied)).toHaveLength(1);
  });

  it('runs one adjustment per idempotency key, also when started again after it finished', async () => {
    const before = await quantity('sap-1', 'inv-1');
    const k = key('once');
    const input: AdjustInventoryInput = { connectionId: 'sap-1', idempotencyKey: k, inventoryKey: 'inv-1', delta: 3 };
    const [a, b] = await Promise.all([adjust(input), adjust(input)]);
    expect(a.workflowId).toBe(writeWorkflowId('adjustInventory', 'sap-1', k));
    await Promise.all([a.result(), b.result()]);
    const again = await adjust(input);
    expect((await again.result()).quantity).toBe(before + 3);
    expect((await again.describe()).runId).toBe((await a.describe()).runId);
    expect(await quantity('sap-1', 'inv-1')).toBe(before + 3);
  });

  it('reads again and recomputes when someone else changes the quantity before the write (nothing lost, nothing doubled)', async () => {
    await setDirectly('sap-1', 'inv-3', 50);
    // The first PUT is refused with 429 (Makini refuses before forwarding: known not written; a 5xx
    // would leave it uncertain, see the next test); while the workflow waits, someone sets 80.
    await sb.sandbox.admin.scriptFaults('sap-1', [
      { kind: 'rate-limit', retryAfterSeconds: 3, method: 'PUT', pathPrefix: MakiniPath.inventory('inv-3') },
    ]);
    const handle = await adjust({ connectionId: 'sap-1', idempotencyKey: key('race'), inventoryKey: 'inv-3', delta: 5 });
    await waitForLog('sap-1', (r) => r.fault === 'script:rate-limit' && r.path === MakiniPath.inventory('inv-3'));
    await setDirectly('sap-1', 'inv-3', 80);
    const result = await handle.result();
    expect(result).toMatchObject({ previousQuantity: 80, quantity: 85, rounds: 2, appliedBy: 'this-run' });
    expect(result.steps.map((s) => s.name)).toContain('someone else changed the quantity');
    expect(await quantity('sap-1', 'inv-3')).toBe(85);
  });

  it('stops with WriteOutcomeUnknown when an answer is lost and someone else changes the quantity before it can be checked', async () => {
    await setDirectly('sap-1', 'inv-3', 20);
    // Reads: 1 workflow read, 2 guard read, then the check after the lost answer is held back 1.5 s.
    await sb.sandbox.admin.scriptFaults('sap-1', [
      { kind: 'commit-then-fail', status: 502, method: 'PUT', pathPrefix: MakiniPath.inventory('inv-3') },
      { kind: 'slow', method: 'GET', pathPrefix: MakiniPath.inventory('inv-3'), skip: 2, delayMs: 1500 },
    ]);
    const handle = await adjust({ connectionId: 'sap-1', idempotencyKey: key('unknown'), inventoryKey: 'inv-3', delta: -2 });
    await waitForLog('sap-1', (r) => r.fault === 'script:commit-then-fail' && r.path === MakiniPath.inventory('inv-3'));
    await setDirectly('sap-1', 'inv-3', 33);
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(WriteFailureType.outcomeUnknown);
    expect(failure.message).toMatch(/quantity is now 33 \(was 20\).*check the quantity in the system/);
    expect(failure.details?.[0]).toMatchObject({ inventoryKey: 'inv-3', readQuantity: 20, target: 18, foundQuantity: 33 });
    expect(await quantity('sap-1', 'inv-3')).toBe(33);
  });

  it('refuses, before any write, a result below zero and a system whose profile takes no adjustment; an override opens it', async () => {
    await setDirectly('sap-1', 'inv-3', 0);
    const logBefore = (await sb.sandbox.admin.requestLog('sap-1')).length;
    const negative = await failureOf(
      (await adjust({ connectionId: 'sap-1', idempotencyKey: key('neg'), inventoryKey: 'inv-3', delta: -1 })).result(),
    );
    expect(negative.type).toBe(WriteFailureType.restrictionViolated);
    expect(rules(negative)).toEqual(['delta:negative-stock']);
    expect((await sb.sandbox.admin.requestLog('sap-1')).slice(logBefore).filter((r) => r.method !== 'GET')).toEqual([]);

    const sc = await failureOf(
      (await adjust({ connectionId: 'sc-1', idempotencyKey: key('sc'), inventoryKey: 'inv-1', delta: 1 })).result(),
    );
    expect(rules(sc)).toEqual(['(operation):operation-not-allowed']);
    expect(sc.message).toMatch(/no inventory writes for ServiceChannel/);
    expect((await sb.sandbox.admin.requestLog('sc-1')).filter((r) => r.method !== 'GET')).toEqual([]);
    const opened = await (await adjust({ connectionId: 'sc-open', idempotencyKey: key('sc'), inventoryKey: 'inv-1', delta: 1 })).result();
    expect(opened.quantity).toBe(121);
  });

  it('sets absolute values, and a second run with the same values writes nothing', async () => {
    const first = await (
      await startUpdateInventory(
        client,
        { connectionId: 'sap-1', idempotencyKey: key('set'), materialKey: 'mat-1', changes: { quantity: 200, unitCost: 5 } },
        { taskQueue },
      )
    ).result();
    expect(first).toMatchObject({ inventoryKey: 'inv-1', quantity: 200, changedFields: ['quantity', 'unitCost'], alreadyApplied: false });
    const second = await (
      await startUpdateInventory(
        client,
        { connectionId: 'sap-1', idempotencyKey: key('set'), inventoryKey: 'inv-1', changes: { quantity: 200 } },
        { taskQueue },
      )
    ).result();
    expect(second).toMatchObject({ changedFields: [], alreadyApplied: true });
    expect(await quantity('sap-1', 'inv-1')).toBe(200);
  });
});
