// Records the replay fixtures of test/histories/ from the CURRENT code: one history per workflow type
// (every write, bulkWrite across continue-as-new, connectionControl), plus the paths that went in
// behind patches: a PUT whose answer is a 500 after it committed (looked up before repeating it,
// LOOK_BEFORE_REPEATING_PUT_PATCH) and a write refused for a non-derived workflow id
// (DERIVED_WORKFLOW_ID_PATCH), the OAuth token refresh of the control workflow and of a write
// after a 401 (TOKEN_REFRESH_PATCH, REFRESH_TOKEN_ON_401_PATCH), and status changes, a PO cancel and
// its compensation on a system whose status keys, codes and names all differ
// (STATUS_COMPARISON_PATCH: `-t "status labels"` records only those), and the commit horizon:
// a create whose outcome was unknown found on a later look, one whose late duplicate was swept,
// and a line-by-line PO whose late second line was reported (COMMIT_HORIZON_PATCH,
// LATE_DUPLICATE_SWEEP_PATCH, LATE_CHILD_SWEEP_PATCH: `-t "commit horizon"` records only those).
// test/replay/replay.test.ts replays them all on every run.
//
//   RECORD_HISTORIES=1 npx vitest run test/replay/record-histories.test.ts
//
// Skipped otherwise: recording rewrites the fixtures, which must stay what older code recorded
// until someone decides to add newer ones.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionControlWorkflowId,
  getConnectionStatus,
  reauthorizeConnection,
  startAddWorkOrderMaterials,
  startAdjustInventory,
  bulkWriteWorkflowId,
  startCancelPurchaseOrder,
  startChangeWorkOrderStatus,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdateInventory,
  startUpdatePurchaseOrder,
  startUpdateWorkOrder,
  WriteFailureType,
  type BulkWriteResult,
} from '../../src/client/index.js';
import { SANDBOX_OAUTH_CLIENT } from '../../sandbox/oauth.js';
import { Secret } from '../../src/observability/secret.js';
import { FileTokenStore } from '../../src/config/token-store.js';
import { noticeConnectionToken } from '../../src/connections/control-client.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { TokenEndpoint } from '../../src/makini/token-endpoint.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { poInput } from '../support/po-input.js';
import { saveHistory } from '../support/temporal.js';
import { validInputs, type InputTargets } from '../fuzz/write-inputs.js';
import { failureOf } from '../support/failures.js';

const RECORD = Boolean(process.env.RECORD_HISTORIES);
const HISTORIES = join(import.meta.dirname, '..', 'histories');
/** Short waits; every decision is the production one. */
const FAST = { ambiguousSettleMs: 100, baseBackoffMs: 100, maxBackoffMs: 400 };

/** Saves one run's history as `test/histories/<name>.json` (src/operations/replay.ts exports it as `temporal workflow show -o json` does). */
const record = (handle: Pick<WorkflowHandle, 'fetchHistory'>, name: string) => saveHistory(handle, join(HISTORIES, `${name}.json`));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!RECORD)(
  'record replay fixtures from the current code (RECORD_HISTORIES=1; skipped otherwise: it rewrites test/histories/)',
  () => {
    let stack: WriteStack;
    let client: Client;
    let t: InputTargets;
    const run = Date.now().toString(36);
    let seq = 0;
    const key = (label: string) => `rec-${label}-${run}-${seq++}`;
    const opts = () => ({ taskQueue: stack.taskQueue });
    const done = async <R>(h: WorkflowHandle, name: string): Promise<R> => {
      const r = (await h.result()) as R;
      await record(h, name);
      return r;
    };

    beforeAll(async () => {
      stack = await startWriteStack({
        taskQueuePrefix: 'record',
        connections: [
          { id: 'rec-sap', system: 'sap' },
          { id: 'rec-em', system: 'emaint' },
          { id: 'rec-auth', system: 'sap' },
          { id: 'rec-em-labels', system: 'emaint' },
          { id: 'rec-dyn-labels', system: 'dynamics' },
        ],
      });
      // Statuses whose key, code and name all differ (STATUS_COMPARISON_PATCH paths).
      for (const id of ['rec-em-labels', 'rec-dyn-labels']) await stack.sb.sandbox.admin.setBehaviour(id, { statusLabels: 'system' });
      client = stack.client;
      const base = { sap: 'rec-sap', emaint: 'rec-em', purchaseOrderKey: '', sapWorkOrderKey: '', emaintWorkOrderKey: '' };
      const v = validInputs(base, 'unused');
      const po = await (await startCreatePurchaseOrder(client, { ...v.createPurchaseOrder, idempotencyKey: key('po') }, opts())).result();
      const sapWo = await (await startCreateWorkOrder(client, { ...v.createWorkOrder, idempotencyKey: key('wo') }, opts())).result();
      const emWo = await (
        await startCreateWorkOrder(
          client,
          {
            connectionId: 'rec-em',
            idempotencyKey: key('wo-em'),
            workOrder: { title: 'Grease bearings', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' },
          },
          opts(),
        )
      ).result();
      t = { ...base, purchaseOrderKey: po.purchaseOrderKey, sapWorkOrderKey: sapWo.workOrderKey, emaintWorkOrderKey: emWo.workOrderKey };
    }, 180_000);
    afterAll(() => stack?.stop());

    const inputs = (label: string) => validInputs(t, key(label));

    it('updatePurchaseOrder whose PUT answers 500 after it committed: looked up, not repeated', async () => {
      await stack.sb.sandbox.admin.scriptFaults('rec-sap', [
        { kind: 'server-error', status: 500, commit: true, method: 'PUT', pathPrefix: MakiniPath.purchaseOrder(t.purchaseOrderKey) },
      ]);
      const h = await startUpdatePurchaseOrder(client, { ...inputs('upd500').updatePurchaseOrder, retryBudget: FAST }, opts());
      const r = await done<{ steps: { note?: string }[] }>(h, 'update-po-sap-put-500-after-commit');
      expect(r.steps.some((s) => /500.*landed/.test(s.note ?? ''))).toBe(true);
    });

    it('cancelPurchaseOrder', async () => {
      const created = await (await startCreatePurchaseOrder(client, inputs('po-cancel').createPurchaseOrder, opts())).result();
      const h = await startCancelPurchaseOrder(
        client,
        { ...inputs('cancel').cancelPurchaseOrder, purchaseOrderKey: created.purchaseOrderKey },
        opts(),
      );
      expect(await done<{ status: string }>(h, 'cancel-po-sap')).toMatchObject({ status: 'cancelled' });
    });

    it('status labels: changeWorkOrderStatus by code where key, code and name differ', async () => {
      const wo = await (
        await startCreateWorkOrder(
          client,
          {
            connectionId: 'rec-em-labels',
            idempotencyKey: key('wo-labels'),
            workOrder: { title: 'Grease bearings', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' },
          },
          opts(),
        )
      ).result();
      const input = { connectionId: 'rec-em-labels', idempotencyKey: key('st-labels'), workOrderKey: wo.workOrderKey, status: 'COMPL' };
      const h = await startChangeWorkOrderStatus(client, input, opts());
      expect(await done(h, 'change-wo-status-emaint-status-labels')).toMatchObject({ status: 'completed', statusKey: 'WS-30' });
    });

    it('status labels: cancelPurchaseOrder where key, code and name differ', async () => {
      const created = await (
        await startCreatePurchaseOrder(client, { ...inputs('po-labels').createPurchaseOrder, connectionId: 'rec-dyn-labels' }, opts())
      ).result();
      const input = { connectionId: 'rec-dyn-labels', idempotencyKey: key('cancel-labels'), purchaseOrderKey: created.purchaseOrderKey };
      const h = await startCancelPurchaseOrder(client, input, opts());
      expect(await done(h, 'cancel-po-dynamics-status-labels')).toMatchObject({ status: 'cancelled' });
    });

    it('status labels: a refused line compensated by cancelling the header where key, code and name differ', async () => {
      await stack.sb.sandbox.admin.scriptFaults('rec-dyn-labels', [
        { kind: 'reject', method: 'POST', pathPrefix: '/api/eam/purchase-orders/', status: 400, code: 'VALIDATION_FAILED', skip: 1 },
      ]);
      const h = await startCreatePurchaseOrder(
        client,
        { ...inputs('po-comp').createPurchaseOrder, connectionId: 'rec-dyn-labels' },
        opts(),
      );
      expect((await failureOf(h.result())).type).toBe(WriteFailureType.compensated);
      await record(h, 'create-po-dynamics-line-refused-status-labels');
    });

    it('status labels: updatePurchaseOrder, its state resolved through the status list', async () => {
      const created = await (
        await startCreatePurchaseOrder(client, { ...inputs('po-upd-labels').createPurchaseOrder, connectionId: 'rec-dyn-labels' }, opts())
      ).result();
      const input = {
        ...inputs('upd-labels').updatePurchaseOrder,
        connectionId: 'rec-dyn-labels',
        purchaseOrderKey: created.purchaseOrderKey,
      };
      const h = await startUpdatePurchaseOrder(client, input, opts());
      expect(await done(h, 'update-po-dynamics-status-labels')).toMatchObject({ alreadyApplied: false });
    });

    it('createWorkOrder', async () => {
      await done(await startCreateWorkOrder(client, inputs('wo').createWorkOrder, opts()), 'create-wo-sap');
    });

    it('createWorkOrder started under a workflow id of its own: refused before any call', async () => {
      const workflowId = `my-own-id-${key('id')}`;
      const h = await client.workflow.start('createWorkOrder', { ...opts(), workflowId, args: [inputs('wo-id').createWorkOrder] });
      expect((await failureOf(h.result())).type).toBe(WriteFailureType.workflowIdNotDerived);
      await record(h, 'create-wo-non-derived-workflow-id-refused');
    });

    it('updateWorkOrder', async () => {
      await done(await startUpdateWorkOrder(client, inputs('wo-upd').updateWorkOrder, opts()), 'update-wo-sap');
    });

    it('changeWorkOrderStatus', async () => {
      await done(await startChangeWorkOrderStatus(client, inputs('wo-status').changeWorkOrderStatus, opts()), 'change-wo-status-emaint');
    });

    it('addWorkOrderMaterials', async () => {
      await done(await startAddWorkOrderMaterials(client, inputs('wo-mat').addWorkOrderMaterials, opts()), 'add-wo-materials-sap');
    });

    it('updateInventory', async () => {
      await done(await startUpdateInventory(client, inputs('inv-upd').updateInventory, opts()), 'update-inventory-sap');
    });

    it('adjustInventory whose compare-and-set answers 504 after it committed: read again, applied once', async () => {
      await stack.sb.sandbox.admin.scriptFaults('rec-sap', [
        { kind: 'server-error', status: 504, commit: true, method: 'PUT', pathPrefix: MakiniPath.inventory('inv-1') },
      ]);
      const h = await startAdjustInventory(client, { ...inputs('inv-adj').adjustInventory, retryBudget: FAST }, opts());
      expect(await done<{ appliedBy: string }>(h, 'adjust-inventory-sap-504-after-commit')).toMatchObject({ appliedBy: 'landed-before' });
    });

    it('bulkWrite across continue-as-new (the first run and the last)', async () => {
      const v = inputs('bulk');
      const items = [0, 1, 2, 3, 4].map((i) => ({
        type: 'createWorkOrder',
        input: { ...v.createWorkOrder, idempotencyKey: key(`bulk-${i}`) },
      }));
      items.push({ type: 'createWorkOrder', input: { ...v.createWorkOrder, idempotencyKey: 'has spaces' } });
      // Started as a caller past the client would (the start helper refuses the invalid item): the bulk reports it.
      const bulkId = key('bulk');
      const h = await client.workflow.start('bulkWrite', {
        ...opts(),
        workflowId: bulkWriteWorkflowId(bulkId),
        args: [{ bulkId, items, itemsPerRun: 2, concurrencyPerConnection: 2 }],
      });
      const r = (await h.result()) as BulkWriteResult;
      expect(r).toMatchObject({ total: 6, succeeded: 5, invalid: 1, runs: 3 });
      await record(client.workflow.getHandle(h.workflowId, h.firstExecutionRunId), 'bulk-write-first-run-continued-as-new');
      await record(client.workflow.getHandle(h.workflowId), 'bulk-write-last-run');
    });

    it('connectionControl: a 401 holds the writes until the connection is reauthorized (and the write that waited)', async () => {
      const id = 'rec-auth';
      await stack.sb.sandbox.admin.requireReauthorization(id);
      const h = await startCreatePurchaseOrder(client, { ...inputs('auth').createPurchaseOrder, connectionId: id }, opts());
      await waitFor(
        'the write to wait for reauthorization',
        async () => (await getConnectionStatus(client, id, opts()))?.state.waiters.length === 1,
      );
      await stack.sb.sandbox.admin.reauthorize(id);
      await reauthorizeConnection(client, id, { ...opts(), by: 'record-histories' });
      await done(h, 'create-po-sap-401-reauthorized');
      // The control workflow never ends: record it once it is idle again (nothing waiting, no task pending).
      const control = client.workflow.getHandle(connectionControlWorkflowId(stack.taskQueue, id));
      await waitFor('the connection to be healthy again', async () => (await getConnectionStatus(client, id, opts()))?.health === 'ok');
      await waitFor('no pending workflow task', async () => (await control.describe()).raw.pendingWorkflowTask == null);
      await record(control, 'connection-control-401-reauthorized');
    });
  },
);

describe.skipIf(!RECORD)('record the OAuth token paths (RECORD_HISTORIES=1; skipped otherwise: it rewrites test/histories/)', () => {
  let stack: WriteStack;
  const id = 'rec-oauth';
  const keys = [{ id: 'rec', key: new Uint8Array(randomBytes(32)) }];
  let store: FileTokenStore;

  beforeAll(async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rec-oauth-')), 'tokens');
    store = new FileTokenStore({ dir, keys });
    stack = await startWriteStack({
      taskQueuePrefix: 'record-oauth',
      connections: [{ id, system: 'sap', oauth: true }],
      worker: {
        oauth: {
          settings: {
            MAKINI_CLIENT_ID: SANDBOX_OAUTH_CLIENT.clientId,
            MAKINI_CLIENT_SECRET: new Secret(SANDBOX_OAUTH_CLIENT.clientSecret),
            MAKINI_OAUTH_STORE_DIR: dir,
            MAKINI_WRITES_ENCRYPTION_KEYS: keys.map((k) => `${k.id}:${Buffer.from(k.key).toString('base64')}`).join(','),
          },
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('connectionControl refreshing on its timers, and a write whose 401 refreshed the token', async () => {
    const { client, taskQueue } = stack;
    const admin = stack.sb.sandbox.admin;
    const code = await admin.oauthCode(id, { accessLifetimeMs: 3_000, refreshLifetimeMs: 60_000 });
    const endpoint = new TokenEndpoint({
      baseUrl: stack.sb.sandbox.url,
      client: { clientId: SANDBOX_OAUTH_CLIENT.clientId, clientSecret: new Secret(SANDBOX_OAUTH_CLIENT.clientSecret) },
      timeoutMs: 5_000,
    });
    await store.write(id, await endpoint.exchangeCode(new Secret(code), 'https://app.example.com/cb'));
    await noticeConnectionToken(client, id, { refreshedBy: 'record-histories' }, { taskQueue });
    await waitFor('two refreshes', async () => ((await admin.oauthState(id))?.refreshes ?? 0) >= 2, 20_000);
    // A longer lifetime from now on, then an early expiry: the write's 401 refreshes once.
    await admin.oauthCode(id, { accessLifetimeMs: 10 * 60_000, refreshLifetimeMs: 60 * 60_000 });
    await waitFor('a refresh with the long lifetime', async () => ((await admin.oauthState(id))?.refreshes ?? 0) >= 3, 20_000);
    await admin.expireOAuthTokens(id);
    const h = await startCreatePurchaseOrder(client, poInput(id, `rec-oauth-${Date.now().toString(36)}`), { taskQueue });
    await h.result();
    await record(h, 'create-po-sap-401-token-refreshed');
    const control = client.workflow.getHandle(connectionControlWorkflowId(taskQueue, id));
    await waitFor('no pending workflow task', async () => (await control.describe()).raw.pendingWorkflowTask == null);
    await record(control, 'connection-control-oauth-refresh');
  });
});

describe.skipIf(!RECORD)('record the commit horizon paths (RECORD_HISTORIES=1; skipped otherwise: it rewrites test/histories/)', () => {
  let stack: WriteStack;
  /** The client gives up after 1 s; the system may commit up to 3 s late (short, as in test/integration/commit-horizon.test.ts). */
  const timing = { timing: { requestTimeoutMs: 1_000, settleMs: 300, commitHorizonMs: 3_000 } };
  const late = (commitDelayMs: number, pathPrefix: string) => ({
    kind: 'late' as const,
    method: 'POST' as const,
    pathPrefix,
    commitDelayMs,
    delayMs: 0,
  });
  const key = (label: string) => `rec-${label}-${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'record-horizon',
      connections: [
        { id: 'rec-horizon-sap', system: 'sap', overrides: timing },
        { id: 'rec-horizon-dyn', system: 'dynamics', overrides: timing },
      ],
      worker: { requestTimeoutMs: 1_000 },
    });
    await stack.sb.sandbox.admin.setBehaviour('rec-horizon-dyn', { repeatedLines: 'accepted' });
  });
  afterAll(() => stack?.stop());
  const opts = () => ({ taskQueue: stack.taskQueue });

  it('commit horizon: a create committed 2 s after the client gave up, found on a later look', async () => {
    await stack.sb.sandbox.admin.scriptFaults('rec-horizon-sap', [late(3_000, MakiniPath.purchaseOrders())]);
    const h = await startCreatePurchaseOrder(stack.client, poInput('rec-horizon-sap', key('found'), { retryBudget: FAST }), opts());
    const r = await h.result();
    expect(r.steps.find((s) => s.name.startsWith('create purchase order'))?.note).toMatch(/found it/);
    await record(h, 'create-po-sap-late-commit-found-at-horizon');
  });

  it('commit horizon: a create committed past the horizon, its late duplicate swept (cancelled)', async () => {
    await stack.sb.sandbox.admin.scriptFaults('rec-horizon-sap', [late(5_500, MakiniPath.purchaseOrders())]);
    const h = await startCreatePurchaseOrder(stack.client, poInput('rec-horizon-sap', key('swept'), { retryBudget: FAST }), opts());
    const r = await h.result();
    expect(r.duplicatesUndone).toHaveLength(1);
    await record(h, 'create-po-sap-late-duplicate-swept');
  });

  it('commit horizon: a line committed past the horizon on a system that accepts it twice, reported (LateDuplicateLeft)', async () => {
    await stack.sb.sandbox.admin.scriptFaults('rec-horizon-dyn', [late(5_500, `${MakiniPath.purchaseOrders()}/`)]);
    const h = await startCreatePurchaseOrder(
      stack.client,
      poInput('rec-horizon-dyn', key('line-left'), { lines: 2, retryBudget: FAST }),
      opts(),
    );
    expect((await failureOf(h.result())).type).toBe(WriteFailureType.lateDuplicateLeft);
    await record(h, 'create-po-dynamics-late-line-left');
  });
});
