// Operating it, end to end on the real dev server and the sandbox over HTTP: immediate verdicts by
// update-with-start, rerun-failed (dry run, re-run, reset), replay of a live run, encryption of
// histories (failure messages included), Prometheus metrics and JSON logs. The worker and every
// client (the CLI included) use the production data converter, as production does with
// MAKINI_WRITES_ENCRYPTION_KEYS and MAKINI_WRITES_ENCRYPTION_STRICT=true set: every payload is
// encrypted and bound to its workflow, and a plain payload would be refused. The worker is built
// as src/worker.ts builds it: the SDK bundles the workflows with the failure converter.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection, Runtime, makeTelemetryFilterString, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/dev-server.js';
import { nodeTs } from '../../scripts/lib/node-ts.js';
import { dataConverterFromSetting } from '../../src/codec/data-converter.js';
import { startCreatePurchaseOrder, WriteFailureType, type CreatePurchaseOrderInput } from '../../src/client/index.js';
import { createPurchaseOrderWithVerdict } from '../../src/writes/purchase-orders/start-with-verdict.js';
import { createRuntimeLogger } from '../../src/observability/logger.js';
import { HISTOGRAM_BUCKETS } from '../../src/observability/metric-buckets.js';
import { createProductionWorker } from '../../src/composition/compose.js';
import type { TestSandbox } from '../support/sandbox.js';
import { runtimeInstalledElsewhere, temporalAddress, temporalNamespace } from '../support/temporal.js';
import { startWriteStack, type WriteStackWithoutWorker } from '../support/write-stack.js';

const run = promisify(execFile);
const suffix = randomBytes(3).toString('hex');
const conn = {
  main: `ops-sap-${suffix}`,
  rerunA: `ops-rr-a-${suffix}`,
  rerunB: `ops-rr-b-${suffix}`,
  fixed: `ops-fix-${suffix}`,
  reset: `ops-reset-${suffix}`,
};
const encryptionKeys = `k1:${randomBytes(32).toString('base64')}`;
const dataConverter = dataConverterFromSetting(encryptionKeys, { strict: true });

const po = (
  connectionId: string,
  idempotencyKey: string,
  extra: Partial<CreatePurchaseOrderInput['purchaseOrder']> = {},
): CreatePurchaseOrderInput => ({
  connectionId,
  idempotencyKey,
  purchaseOrder: {
    vendorKey: 'V-100',
    siteKey: '1000',
    currencyKey: 'EUR',
    title: `PO ${idempotencyKey}`,
    lineItems: [{ materialKey: 'mat-1', name: 'pump seal', quantity: 2, price: 12.5 }],
    ...extra,
  },
});

describe('operations', () => {
  let stack: WriteStackWithoutWorker;
  let worker: Worker;
  let workerConnection: NativeConnection;
  let workerRun: Promise<void>;
  let sb: TestSandbox;
  let client: Client;
  let rawClient: Client;
  let taskQueue: string;
  let metricsUrl: string;
  const logLines: string[] = [];
  let seq = 0;
  const key = (label: string) => `${label}-${suffix}-${seq++}`;
  const testStarted = new Date(Date.now() - 1_000).toISOString();

  /** The CLI as an operator runs it: its own process, the same codec keys. */
  const cli = async (...args: string[]) => {
    const [cmd, argv] = nodeTs('src/cli/main.ts', args);
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      MAKINI_WRITES_ENCRYPTION_KEYS: encryptionKeys,
      MAKINI_WRITES_ENCRYPTION_STRICT: 'true',
    };
    try {
      const { stdout } = await run(cmd, argv, { env, timeout: 90_000 });
      return { code: 0, out: stdout };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };
  const posWithCode = async (connectionId: string, code: string) =>
    (await sb.sandbox.admin.state(connectionId)).purchaseOrders.filter((p) => p.code === code);
  const failureType = (err: unknown) => (err as { cause?: { type?: string } }).cause?.type;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'ops',
      connections: Object.values(conn).map((id) => ({ id, system: 'sap' })),
      dataConverter,
      worker: false,
      beforeWorker: async (started) => {
        const port = await freePort();
        metricsUrl = `http://127.0.0.1:${port}/metrics`;
        // As src/worker.ts installs it: JSON logs (captured here) and a Prometheus endpoint.
        Runtime.install({
          // Payloads are encrypted here, so failure text stays out of the logs as well (src/worker.ts).
          logger: createRuntimeLogger('INFO', {
            format: 'json',
            secrets: Object.values(started.tokens),
            omitFailureText: true,
            write: (l) => logLines.push(l),
          }),
          telemetryOptions: {
            logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
            metrics: { prometheus: { bindAddress: `127.0.0.1:${port}`, histogramBucketOverrides: HISTOGRAM_BUCKETS } },
          },
        });
        runtimeInstalledElsewhere();
      },
    });
    ({ sb, client, taskQueue } = stack);
    rawClient = new Client({ connection: stack.connection, namespace: temporalNamespace() });
    // No prebuilt bundle: Worker.create bundles the workflows with the data converter's failure
    // converter, exactly as in src/worker.ts.
    workerConnection = await NativeConnection.connect({ address: temporalAddress() });
    ({ worker } = await createProductionWorker({
      connection: workerConnection,
      namespace: temporalNamespace(),
      taskQueue,
      settings: { MAKINI_BASE_URL: sb.sandbox.url, MAKINI_REQUEST_TIMEOUT_MS: 5_000 },
      connections: sb.connections,
      env: sb.env,
      dataConverter,
    }));
    workerRun = worker.run();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch(() => undefined);
    await workerConnection?.close();
    await stack?.stop();
  });

  describe('update-with-start verdict', () => {
    it('answers "accepted" for a valid PO while the write carries on to completion', async () => {
      const k = key('verdict-ok');
      const { verdict, handle } = await createPurchaseOrderWithVerdict(client, po(conn.main, k), { taskQueue });
      expect(verdict).toEqual({ verdict: 'accepted', system: 'sap' });
      const result = await handle.result();
      expect(await posWithCode(conn.main, k)).toHaveLength(1);
      expect(result.purchaseOrderKey).toBe((await posWithCode(conn.main, k))[0]?.key);
      // The same key again reaches the same (completed) write: accepted, nothing new written.
      const again = await createPurchaseOrderWithVerdict(client, po(conn.main, k), { taskQueue });
      expect(again.verdict.verdict).toBe('accepted');
      expect((await again.handle.describe()).runId).toBe((await handle.describe()).runId);
      expect(await posWithCode(conn.main, k)).toHaveLength(1);
    });

    it('answers "rejected" naming every violated rule for a forbidden PO, and writes nothing', async () => {
      const k = key('verdict-no');
      const before = (await sb.sandbox.admin.requestLog(conn.main)).length;
      const { siteKey: _site, ...header } = po(conn.main, k).purchaseOrder;
      const { verdict, handle } = await createPurchaseOrderWithVerdict(
        client,
        { connectionId: conn.main, idempotencyKey: k, purchaseOrder: { ...header, vendorKey: 'V-404', totalNetValue: 25 } },
        { taskQueue },
      );
      expect(verdict.verdict).toBe('rejected');
      if (verdict.verdict !== 'rejected') return;
      expect(verdict.failureType).toBe(WriteFailureType.restrictionViolated);
      expect(verdict.system).toBe('sap');
      expect(verdict.violations.map((v) => `${v.field}:${v.rule}`).sort()).toEqual([
        'siteKey:required',
        'totalNetValue:read-only',
        'vendorKey:reference-not-found',
      ]);
      expect(failureType(await handle.result().catch((e: unknown) => e))).toBe(WriteFailureType.restrictionViolated);
      expect((await sb.sandbox.admin.requestLog(conn.main)).slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    });
  });

  it("keeps an encrypted run's history free of plaintext PO fields and tokens (raw history, no codec)", async () => {
    const k = key('secret');
    const secretTitle = `Confidential-turbine-overhaul-${suffix}`;
    const secretLine = `secret-bearing-assembly-${suffix}`;
    const handle = await startCreatePurchaseOrder(
      client,
      {
        ...po(conn.main, k, { title: secretTitle, notes: `deliver-to-gate-7-${suffix}` }),
        purchaseOrder: {
          ...po(conn.main, k).purchaseOrder,
          title: secretTitle,
          lineItems: [{ materialKey: 'mat-2', name: secretLine, quantity: 3, price: 99.5 }],
        },
      },
      { taskQueue },
    );
    await handle.result();
    // Read back WITHOUT the codec: what the server stores and anyone with history access sees.
    const raw = await rawClient.workflow.getHandle(handle.workflowId).fetchHistory();
    const text = historyToJSON(raw);
    for (const secret of [
      secretTitle,
      secretLine,
      `deliver-to-gate-7-${suffix}`,
      'V-100',
      'pump seal',
      'lineItems',
      'vendorKey',
      ...Object.values(sb.tokens),
    ]) {
      expect(text, `history must not contain "${secret}"`).not.toContain(secret);
    }
    // Every payload outside search attributes is encrypted (inputs, results, summaries, details),
    // but the SDK's own bookkeeping in markers, which holds no data of the write: a patch marker's
    // id, and a local activity marker's record (its sequence number, attempt, type and times).
    const encodings = new Map<string, number>();
    const SDK_MARKER_FIELDS = {
      patch: ['deprecated', 'id'],
      localActivity: ['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'original_schedule_time', 'seq'],
    };
    let sdkMarkers = 0;
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as { metadata?: Record<string, Uint8Array>; data?: unknown };
      if (n.metadata?.encoding && !path.includes('searchAttributes')) {
        const enc = Buffer.from(n.metadata.encoding).toString();
        const marker = /markerRecordedEventAttributes\.details\.(patch-data|data)\.payloads\.0$/.exec(path)?.[1];
        if (enc === 'json/plain' && marker) {
          const fields = Object.keys(JSON.parse(Buffer.from(n.data as Uint8Array).toString()) as object).sort();
          expect(fields, path).toEqual(marker === 'patch-data' ? SDK_MARKER_FIELDS.patch : SDK_MARKER_FIELDS.localActivity);
          sdkMarkers++;
          return;
        }
        encodings.set(enc, (encodings.get(enc) ?? 0) + 1);
        return;
      }
      for (const [k2, v] of Object.entries(node)) walk(v, `${path}.${k2}`);
    };
    walk(raw.events, 'events');
    expect(sdkMarkers).toBeGreaterThan(0);
    expect([...encodings.keys()]).toEqual(['binary/encrypted']);
    expect(encodings.get('binary/encrypted')).toBeGreaterThan(10);
    // The codec client reads it back.
    expect((await client.workflow.getHandle(handle.workflowId).result()).purchaseOrderKey).toBeTruthy();
  });

  it("keeps a failed write's failure messages and stack traces out of its raw history; the client still reads them", async () => {
    const k = key('failed-secret');
    const refusal = `buyer group ${suffix} blocked for cost centre 4711-${suffix}`;
    await sb.sandbox.admin.scriptFaults(conn.main, [
      { kind: 'reject', method: 'POST', pathPrefix: '/api/eam/purchase-orders', status: 400, code: 'VALIDATION_FAILED', message: refusal },
    ]);
    const handle = await startCreatePurchaseOrder(client, po(conn.main, k), { taskQueue });
    const err = await handle.result().catch((e: unknown) => e);
    // The codec client decodes the original messages.
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as Error & { type?: string; cause?: Error };
    expect(cause.type).toBe('MakiniRequestRejected');
    expect(`${cause.message} ${cause.cause?.message ?? ''}`).toContain(refusal);
    expect(cause.stack).toBeTruthy();

    const raw = await rawClient.workflow.getHandle(handle.workflowId).fetchHistory();
    const text = historyToJSON(raw);
    for (const plain of [refusal, `4711-${suffix}`]) expect(text, plain).not.toContain(plain);
    // Every failure in the history (activity and workflow, causes included) is the SDK's placeholder.
    const failures: { message?: string | null; stackTrace?: string | null; encodedAttributes?: unknown }[] = [];
    const walk = (node: unknown, key?: string) => {
      if (!node || typeof node !== 'object') return;
      if (key === 'failure' || key === 'cause') failures.push(node as (typeof failures)[number]);
      for (const [k2, v] of Object.entries(node)) walk(v, k2);
    };
    walk(raw.events);
    const failedEvent = raw.events!.find((e) => e.workflowExecutionFailedEventAttributes)!;
    expect(failedEvent.workflowExecutionFailedEventAttributes!.failure!.message).toBe('Encoded failure');
    expect(raw.events!.some((e) => e.activityTaskFailedEventAttributes?.failure?.message === 'Encoded failure')).toBe(true);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    for (const f of failures) {
      expect(f.message).toBe('Encoded failure');
      expect(f.stackTrace ?? '').toBe('');
      expect(Buffer.from((f.encodedAttributes as { metadata: Record<string, Uint8Array> }).metadata.encoding!).toString()).toBe(
        'binary/encrypted',
      );
    }
  });

  it("keeps a failed write's failure text out of the worker's logs: the type, Makini's code and request id instead", async () => {
    const k = key('failed-log');
    const refusal = `supplier Geheim ${suffix} IBAN DE89370400440532013000 amount 98765.43`;
    await sb.sandbox.admin.scriptFaults(conn.main, [
      { kind: 'reject', method: 'POST', pathPrefix: '/api/eam/purchase-orders', status: 422, code: 'VALIDATION_FAILED', message: refusal },
    ]);
    const handle = await startCreatePurchaseOrder(client, po(conn.main, k), { taskQueue });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    // Workflow lines (the failed step) arrive through sinks, shortly after their activation.
    const mine = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.workflowId === handle.workflowId);
    for (let i = 0; i < 40 && !mine().some((e) => e.outcome === 'failed'); i++) await new Promise((r) => setTimeout(r, 100));
    const lines = mine();
    const call = lines.find((e) => String(e.message).startsWith('makini call failed'));
    expect(call).toMatchObject({ level: 'WARN', errorCode: 'VALIDATION_FAILED', operation: 'createPurchaseOrder' });
    expect(call?.message).toBe(`makini call failed: MakiniRequestRejected VALIDATION_FAILED (request ${String(call?.requestId)})`);
    expect(lines.some((e) => e.outcome === 'failed')).toBe(true);
    const all = logLines.join('\n');
    for (const plain of [`Geheim ${suffix}`, 'DE89370400440532013000', '98765.43']) expect(all, plain).not.toContain(plain);
  });

  it('exposes Makini call counters, retries by cause and step durations on the Prometheus endpoint', async () => {
    const k = key('metrics');
    await sb.sandbox.admin.scriptFaults(conn.main, [{ kind: 'rate-limit', method: 'POST', retryAfterSeconds: 1 }]);
    await (await startCreatePurchaseOrder(client, po(conn.main, k), { taskQueue })).result();
    let body = '';
    for (let i = 0; i < 20 && !/makini_write_retries/.test(body); i++) {
      body = await (await fetch(metricsUrl)).text();
      if (!/makini_write_retries/.test(body)) await new Promise((r) => setTimeout(r, 250));
    }
    const lines = body.split('\n').filter((l) => l.startsWith('makini_'));
    if (process.env.DEBUG_METRICS) console.log(lines.join('\n'));
    const has = (name: RegExp, ...labels: string[]) => lines.some((l) => name.test(l) && labels.every((x) => l.includes(x)));
    expect(
      has(/^makini_calls/, 'system="sap"', 'operation="createPurchaseOrder"', 'status="429"', 'error_code="RATE_LIMIT_EXCEEDED"'),
      lines.join('\n'),
    ).toBe(true);
    expect(has(/^makini_calls/, 'system="sap"', 'operation="createPurchaseOrder"', 'status="200"')).toBe(true);
    expect(has(/^makini_calls/, 'operation="findPurchaseOrderByReference"', 'status="200"')).toBe(true);
    expect(has(/^makini_call_duration/, 'operation="getPurchaseOrder"')).toBe(true);
    expect(has(/^makini_write_retries/, 'cause="MakiniRateLimited"', 'code="RATE_LIMIT_EXCEEDED"', 'wait="retry-after"')).toBe(true);
    expect(has(/^makini_write_wait_duration_bucket/, 'cause="MakiniRateLimited"', 'le="900000"')).toBe(true);
    expect(has(/^makini_write_step_duration/, 'step="create purchase order with N lines"', 'outcome="succeeded"')).toBe(true);
    // The SDK's own metrics share the endpoint.
    expect(body).toMatch(/temporal_workflow_completed|temporal_activity_execution/);
  });

  it('logs JSON lines carrying workflowId, connectionId, step and Makini request id, with no token', async () => {
    const k = key('logs');
    const handle = await startCreatePurchaseOrder(client, po(conn.main, k), { taskQueue });
    const result = await handle.result();
    // Workflow log lines reach the Runtime logger through sinks, shortly after their activation.
    const isCreate = (e: Record<string, unknown>) => e.step === 'create purchase order with 1 lines' && e.outcome === 'succeeded';
    let mine: Record<string, unknown>[] = [];
    for (let i = 0; i < 40 && !mine.some(isCreate); i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      mine = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.workflowId === handle.workflowId);
    }
    const create = mine.find(isCreate);
    expect(create).toMatchObject({ connectionId: conn.main, system: 'sap', workflowType: 'createPurchaseOrder', level: 'INFO' });
    const createRequestIds = result.steps.find((s) => s.name === 'create purchase order with 1 lines')!.requestIds;
    expect(create?.requestId).toBe(createRequestIds.at(-1));
    // Activity-side lines: one per Makini call, with its request id.
    expect(
      mine.some(
        (e) =>
          e.message === 'makini call' &&
          e.operation === 'createPurchaseOrder' &&
          e.connectionId === conn.main &&
          e.requestId === createRequestIds.at(-1),
      ),
    ).toBe(true);
    const all = logLines.join('\n');
    for (const token of Object.values(sb.tokens)) expect(all).not.toContain(token);
    expect(all).not.toMatch(/taskToken":"(?!\[redacted\])/);
  });

  it('rerun-failed --dry-run lists exactly the failed writes of a filter', async () => {
    const reject = {
      kind: 'reject' as const,
      method: 'POST' as const,
      pathPrefix: '/api/eam/purchase-orders',
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'buyer group blocked',
    };
    const failsA = [key('rr-a1'), key('rr-a2')];
    await sb.sandbox.admin.scriptFaults(conn.rerunA, [{ ...reject, times: 2 }]);
    for (const k of failsA) {
      expect(
        failureType(await (await startCreatePurchaseOrder(client, po(conn.rerunA, k), { taskQueue })).result().catch((e: unknown) => e)),
      ).toBe('MakiniRequestRejected');
    }
    // Not in the filter: a success and a refusal on A, the same failure on B.
    await (await startCreatePurchaseOrder(client, po(conn.rerunA, key('rr-ok')), { taskQueue })).result();
    await (
      await startCreatePurchaseOrder(client, po(conn.rerunA, key('rr-refused'), { vendorKey: 'V-404' }), { taskQueue })
    )
      .result()
      .catch(() => undefined);
    await sb.sandbox.admin.scriptFaults(conn.rerunB, [reject]);
    await (await startCreatePurchaseOrder(client, po(conn.rerunB, key('rr-b')), { taskQueue })).result().catch(() => undefined);

    const wanted = failsA.map((k) => `purchase-order/create/${conn.rerunA}/${k}`);
    const filter = ['--connection', conn.rerunA, '--error-code', 'MakiniRequestRejected', '--since', testStarted];
    let res = { code: -1, out: '' };
    for (let i = 0; i < 20; i++) {
      // visibility is eventually consistent
      res = await cli('rerun-failed', ...filter, '--dry-run');
      if (wanted.every((w) => res.out.includes(w))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(res.code, res.out).toBe(0);
    const listed = res.out
      .split('\n')
      .filter((l) => l.startsWith('purchase-order/'))
      .map((l) => l.split(/\s+/)[0]);
    expect(listed.sort()).toEqual(wanted.sort());
    expect(res.out).toContain('dry run: 2 failed write(s) would be re-run with their original input');
    // A dry run starts nothing.
    for (const w of wanted) expect((await client.workflow.getHandle(w).describe()).status.name).toBe('FAILED');
    // `list-failed` shows the same by connection.
    const list = await cli('list-failed', '--connection', conn.rerunA, '--since', testStarted);
    expect(list.out).toContain('3 failed write(s)'); // the two rejections and the refusal
  });

  it('re-runs a PO write that failed after the PO was created: it completes without a duplicate', async () => {
    const k = key('fixed');
    // The PO is created, then reading it back is refused: the API user lacks read permission.
    await sb.sandbox.admin.scriptFaults(conn.fixed, [
      {
        kind: 'reject',
        method: 'GET',
        pathPrefix: '/api/eam/purchase-orders/',
        status: 403,
        code: 'PERMISSION_DENIED',
        message: 'user may not read purchase orders',
      },
    ]);
    const first = await startCreatePurchaseOrder(client, po(conn.fixed, k), { taskQueue });
    expect(failureType(await first.result().catch((e: unknown) => e))).toBe('MakiniRequestRejected');
    expect(await posWithCode(conn.fixed, k)).toHaveLength(1);
    const failedRun = (await first.describe()).runId;
    // The cause is fixed (the customer grants the permission: the scripted refusal is used up); re-run it.
    let res = { code: -1, out: '' };
    for (let i = 0; i < 20 && !res.out.includes(first.workflowId); i++) {
      res = await cli('rerun-failed', '--connection', conn.fixed, '--error-code', 'MakiniRequestRejected');
      if (!res.out.includes(first.workflowId)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(res.out).toMatch(new RegExp(`\\[1/1\\] purchase-order/create/${conn.fixed}/${k}: re-run as run `));
    const handle = client.workflow.getHandle<typeof import('../../src/workflows/index.js').createPurchaseOrder>(first.workflowId);
    const result = await handle.result();
    expect((await handle.describe()).runId).not.toBe(failedRun);
    expect(result.foundExisting).toBe(true);
    const found = await posWithCode(conn.fixed, k);
    expect(found).toHaveLength(1);
    expect(result.purchaseOrderKey).toBe(found[0]?.key);
    const posts = (await sb.sandbox.admin.requestLog(conn.fixed)).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
  });

  it('rerun-failed --reset-to-last-good continues a write from the step that failed', async () => {
    const k = key('reset');
    // Makini is down for the read-back longer than the (small) budget allows: the write gives up after creating the PO.
    await sb.sandbox.admin.scriptFaults(conn.reset, [
      { kind: 'server-error', status: 503, method: 'GET', pathPrefix: '/api/eam/purchase-orders/', times: 2 },
    ]);
    const first = await startCreatePurchaseOrder(
      client,
      { ...po(conn.reset, k), retryBudget: { maxAttempts: 2, baseBackoffMs: 50 } },
      { taskQueue },
    );
    expect(failureType(await first.result().catch((e: unknown) => e))).toBe(WriteFailureType.retryBudgetExhausted);
    let res = { code: -1, out: '' };
    for (let i = 0; i < 20 && !res.out.includes(first.workflowId); i++) {
      res = await cli('rerun-failed', '--connection', conn.reset, '--reset-to-last-good');
      if (!res.out.includes(first.workflowId)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(res.out).toMatch(/reset as run \S+ \(continues after createPurchaseOrder\)/);
    const result = await client.workflow
      .getHandle<typeof import('../../src/workflows/index.js').createPurchaseOrder>(first.workflowId)
      .result();
    // The reset run kept the recorded create and only read back: one POST, no lookup found an "earlier" PO.
    expect(result.foundExisting).toBe(false);
    expect(await posWithCode(conn.reset, k)).toHaveLength(1);
    expect((await sb.sandbox.admin.requestLog(conn.reset)).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('replay <workflowId> replays a live (encrypted) run against the current code', async () => {
    const handle = await startCreatePurchaseOrder(client, po(conn.main, key('replay')), { taskQueue });
    await handle.result();
    const res = await cli('replay', handle.workflowId);
    expect(res.out).toMatch(/replayed \d+ events without nondeterminism/);
    expect(res.code).toBe(0);
  });
});
