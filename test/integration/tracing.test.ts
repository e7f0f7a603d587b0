// Tracing end to end: a PO create whose POST gets a 429 (Retry-After 1 s) and is retried, on the
// real dev server against the sandbox, with the production worker composed with tracing on and an
// in-memory exporter. One trace from the client's StartWorkflow span through the workflow and
// activity spans to the Makini HTTP spans; route templates, never a key. And the recorded
// histories still replay with the tracing interceptors in the bundle.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MakiniFailureType, startCreatePurchaseOrder } from '../../src/client/index.js';
import { MakiniErrorCode, MakiniPath } from '../../src/makini/workflow/contract.js';
import { MakiniSpanAttr } from '../../src/makini/http.js';
import { createTracing, type Tracing } from '../../src/observability/tracing.js';
import { createProductionWorker, WORKFLOW_BUNDLE } from '../../src/composition/compose.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { installQuietRuntime, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installQuietRuntime();
  tracing = createTracing({ spanProcessor: new SimpleSpanProcessor(exporter), serviceName: 'makini-writes-test' });
  bundle = await bundleWorkflowCode({
    ...WORKFLOW_BUNDLE,
    workflowInterceptorModules: tracing.workflowModules,
    logger: new DefaultLogger('WARN'),
  });
}, 120_000);
afterAll(() => tracing?.shutdown());

async function until<T>(what: string, get: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tracing of a write', () => {
  let sb: TestSandbox;
  let worker: Worker;
  let running: Promise<void>;
  let workerConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  const taskQueue = uniqueTaskQueue('tracing');

  beforeAll(async () => {
    sb = await startTestSandbox([{ id: 'sap-1', system: 'sap' }]);
    workerConnection = await NativeConnection.connect({ address: temporalAddress() });
    ({ worker } = await createProductionWorker({
      connection: workerConnection,
      namespace: temporalNamespace(),
      taskQueue,
      settings: { MAKINI_BASE_URL: sb.sandbox.url, MAKINI_REQUEST_TIMEOUT_MS: 5_000 },
      connections: sb.connections,
      env: sb.env,
      workflows: { workflowBundle: bundle },
      tracing,
    }));
    running = worker.run();
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection, namespace: temporalNamespace(), interceptors: { workflow: tracing.clientInterceptors } });
  }, 60_000);

  /** A one-line PO create on sap-1. */
  const startOnePo = (idempotencyKey: string) =>
    startCreatePurchaseOrder(
      client,
      {
        connectionId: 'sap-1',
        idempotencyKey,
        purchaseOrder: {
          vendorKey: 'V-100',
          siteKey: '1000',
          currencyKey: 'EUR',
          lineItems: [{ materialKey: 'mat-1', quantity: 2, price: 10 }],
        },
      },
      { taskQueue },
    );

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await workerConnection?.close();
    await connection?.close();
    await sb?.sandbox.close();
  });

  it('is one trace from StartWorkflow to the Makini calls: a POST 429 then its retry, route templates only, request ids', async () => {
    exporter.reset();
    await sb.sandbox.admin.scriptFaults('sap-1', [
      { kind: 'rate-limit', retryAfterSeconds: 1, method: 'POST', pathPrefix: MakiniPath.purchaseOrders() },
    ]);
    const handle = await startOnePo(`trace-${Date.now().toString(36)}`);
    const { purchaseOrderKey } = await handle.result();

    const named = (prefix: string) => exporter.getFinishedSpans().filter((s) => s.name.startsWith(prefix));
    // Workflow spans reach the exporter through the sink, after the workflow's last activation.
    await until('the RunWorkflow span', () => named('RunWorkflow:createPurchaseOrder')[0]);
    const spans = exporter.getFinishedSpans();
    const [start, ...otherStarts] = named('StartWorkflow:createPurchaseOrder');
    expect(otherStarts).toEqual([]);
    const traceId = start!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);

    // The workflow, its activities and the Makini calls are all in the client's trace.
    const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]));
    const ancestors = (s: ReadableSpan): string[] => {
      const names: string[] = [];
      for (let p = s.parentSpanId && byId.get(s.parentSpanId); p; p = p.parentSpanId && byId.get(p.parentSpanId)) names.push(p.name);
      return names;
    };
    const runWorkflow = inTrace.find((s) => s.name === 'RunWorkflow:createPurchaseOrder');
    expect(runWorkflow?.parentSpanId).toBe(start!.spanContext().spanId);
    expect(runWorkflow?.attributes).toMatchObject({ workflowId: handle.workflowId, workflowType: 'createPurchaseOrder', taskQueue });
    const http = inTrace.filter((s) => s.attributes[MakiniSpanAttr.route] !== undefined);
    expect(http.length).toBeGreaterThanOrEqual(2);
    for (const s of http) {
      const chain = ancestors(s);
      expect(chain[0]).toMatch(/^RunActivity:/);
      expect(chain[1]).toMatch(/^StartActivity:/);
      expect(chain).toContain('RunWorkflow:createPurchaseOrder');
      expect(chain.at(-1)).toBe('StartWorkflow:createPurchaseOrder');
    }
    // Every Makini call of the worker is in it (none left outside the trace).
    expect(spans.filter((s) => s.attributes[MakiniSpanAttr.route] !== undefined && s.spanContext().traceId !== traceId)).toEqual([]);

    // The create: two POST spans, 429 then success, on the route template, with their request ids.
    const posts = http
      .filter((s) => s.name === `POST ${MakiniPath.purchaseOrders()}`)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(posts.map((s) => s.attributes[MakiniSpanAttr.status])).toEqual([429, expect.toBeOneOf([200, 201])]);
    expect(posts[0]!.attributes).toMatchObject({
      [MakiniSpanAttr.method]: 'POST',
      [MakiniSpanAttr.route]: MakiniPath.purchaseOrders(),
      [MakiniSpanAttr.errorCode]: MakiniErrorCode.rateLimitExceeded,
      [MakiniSpanAttr.retryAfterMs]: 1000,
    });
    expect(posts[0]!.status.code).toBe(2); // SpanStatusCode.ERROR
    for (const p of posts) expect(p.attributes[MakiniSpanAttr.requestId]).toEqual(expect.any(String));
    // The two attempts are two activity executions (the retry is the workflow's, after Retry-After).
    expect(new Set(posts.map((p) => p.parentSpanId)).size).toBe(2);
    const gap = posts[1]!.startTime[0] + posts[1]!.startTime[1] / 1e9 - (posts[0]!.endTime[0] + posts[0]!.endTime[1] / 1e9);
    expect(gap).toBeGreaterThanOrEqual(0.9);

    // No span name or attribute holds the created PO's key (routes are templates).
    for (const s of inTrace) {
      expect(s.name).not.toContain(purchaseOrderKey);
      for (const v of Object.values(s.attributes)) {
        expect(String(v)).not.toContain(purchaseOrderKey);
        // Plain values only (the workflow spans carry the workflow's identity, not its whole info).
        expect(['string', 'number', 'boolean']).toContain(typeof v);
      }
    }
  });

  it('a refused write: every span carries the failure type and code, never the failure text (message, stack)', async () => {
    exporter.reset();
    // What a system's 422 can say: a record key, a supplier, an IBAN, an amount (history holds it encrypted).
    const secrets = ['PO-REC-88231', 'Lieferant Geheim GmbH', 'DE89370400440532013000', '98765.43'];
    await sb.sandbox.admin.scriptFaults('sap-1', [
      {
        kind: 'reject',
        status: 422,
        code: MakiniErrorCode.validationFailed,
        message: `record ${secrets[0]}: supplier ${secrets[1]} IBAN ${secrets[2]} amount ${secrets[3]} refused`,
        method: 'POST',
        pathPrefix: MakiniPath.purchaseOrders(),
      },
    ]);
    const handle = await startOnePo(`trace-refused-${Date.now().toString(36)}`);
    await expect(handle.result()).rejects.toThrow();
    const runWorkflow = await until('the RunWorkflow span', () =>
      exporter
        .getFinishedSpans()
        .find((s) => s.name === 'RunWorkflow:createPurchaseOrder' && s.attributes.workflowId === handle.workflowId),
    );
    const inTrace = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === runWorkflow.spanContext().traceId);

    // Nothing of the message leaves: not in a status, an event, an attribute or a span name.
    const exported = JSON.stringify(inTrace.map((s) => ({ name: s.name, status: s.status, attributes: s.attributes, events: s.events })));
    for (const secret of secrets) expect(exported).not.toContain(secret);
    for (const s of inTrace) {
      for (const e of s.events) expect(Object.keys(e.attributes ?? {})).not.toContain('exception.stacktrace');
    }

    // What an operator needs is still there: the failure type and Makini's code.
    const label = `${MakiniFailureType.rejected} ${MakiniErrorCode.validationFailed}`;
    // The activity whose POST got the 422 (an earlier attempt may have been held back by the connection's gate).
    const refusedPost = inTrace.find((s) => s.attributes[MakiniSpanAttr.status] === 422);
    const failedActivity = inTrace.find((s) => s.spanContext().spanId === refusedPost?.parentSpanId);
    expect(failedActivity?.status.message).toBe(label);
    expect(failedActivity?.events.find((e) => e.name === 'exception')?.attributes).toEqual({
      'exception.type': MakiniFailureType.rejected,
      [MakiniSpanAttr.errorCode]: MakiniErrorCode.validationFailed,
    });
    expect(runWorkflow.status).toEqual({ code: 2, message: label });
    expect(runWorkflow.attributes).toMatchObject({
      [MakiniSpanAttr.failureType]: MakiniFailureType.rejected,
      [MakiniSpanAttr.errorCode]: MakiniErrorCode.validationFailed,
    });
  });
});

describe('replay with the tracing interceptors in the bundle', () => {
  it('every recorded history replays without nondeterminism', async () => {
    const dir = join(import.meta.dirname, '..', 'histories');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const histories = files.map((f) => ({
      workflowId: f,
      history: historyFromJSON(JSON.parse(readFileSync(join(dir, f), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, sinks: tracing.sinks }, histories)) {
      if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(20);
  }, 180_000);
});
