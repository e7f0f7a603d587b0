// Tracing is off without OTEL_* variables (nothing registered, no interceptors, no workflow module),
// on with the OTLP ones; Makini paths become route templates, never keys.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ApplicationFailure } from '@temporalio/common';
import type { SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { WorkflowInfo } from '@temporalio/workflow';
import { afterEach, describe, expect, it } from 'vitest';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { makiniRouteTemplate } from '../../src/makini/http.js';
import {
  createTracing,
  FAILURE_LABEL_WORKFLOW_MODULE,
  TRACING_WORKFLOW_MODULE,
  tracingFromEnv,
  type Tracing,
} from '../../src/observability/tracing.js';

let started: Tracing | undefined;
afterEach(async () => {
  await started?.shutdown();
  started = undefined;
});

describe('tracingFromEnv', () => {
  it('is off with no OTEL_* variables: no provider, no interceptors, no workflow module, no sink', () => {
    const t = tracingFromEnv({ PATH: '/usr/bin', MAKINI_BASE_URL: 'http://localhost:8787' });
    expect(t).toMatchObject({ enabled: false, workerInterceptors: [], workflowModules: [], clientInterceptors: [], sinks: {} });
    expect(t.tracerProvider).toBeUndefined();
    // Nothing registered: the API's tracer is the no-op one (its spans are never recording).
    expect(trace.getTracer('x').startSpan('s').isRecording()).toBe(false);
  });

  it('is off when told so, whatever else is set', () => {
    expect(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
  });

  it('is on with OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER=otlp', async () => {
    for (const env of [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { OTEL_TRACES_EXPORTER: 'otlp' }]) {
      started = tracingFromEnv({ ...env, OTEL_SERVICE_NAME: 'writes-a' });
      expect(started.enabled).toBe(true);
      expect(started.workflowModules).toEqual([TRACING_WORKFLOW_MODULE, FAILURE_LABEL_WORKFLOW_MODULE]);
      expect(started.workerInterceptors).toHaveLength(2);
      expect(started.clientInterceptors).toHaveLength(1);
      expect(Object.keys(started.sinks)).toEqual(['exporter']);
      expect(trace.getTracer('x').startSpan('s').isRecording()).toBe(true);
      await started.shutdown();
      started = undefined;
    }
  });

  it('refuses what it cannot export, naming the variable', () => {
    expect(() => tracingFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => tracingFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
    expect(() => tracingFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_HEADERS: 'nonsense' })).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS/,
    );
  });
});

describe('OTEL_EXPORTER_OTLP_HEADERS: a bad entry is named by its position, never shown', () => {
  it.each([
    ['an entry without =', 'x-tenant=acme,Bearer s3cr3t-collector-key', 'entry 2'],
    ['an entry with an empty name', '=s3cr3t-collector-key', 'entry 1'],
    ['a value that is not percent-encoded', 'x-tenant=acme,api-key=s3cr3t%zz-collector-key', 'entry 2'],
  ])('%s', (_what, headers, position) => {
    for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
      let message = '';
      try {
        started = tracingFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', [name]: headers });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain(name);
      expect(message).toContain(position);
      expect(message).not.toMatch(/s3cr3t|collector-key|Bearer/);
    }
  });
});

describe('spans carry a failure type and code, never its text', () => {
  const text = 'record PO-REC-88231: supplier Geheim GmbH IBAN DE89370400440532013000 amount 98765.43';
  const failure = ApplicationFailure.create({
    type: 'MakiniRequestRejected',
    message: `POST /api/eam/purchase-orders → 422 VALIDATION_FAILED: ${text}`,
    details: [{ type: 'MakiniRequestRejected', code: 'VALIDATION_FAILED', message: text }],
  });

  it('a worker span (activity, client, Makini call) that recorded the failure: status and exception event without message or stack', () => {
    const exporter = new InMemorySpanExporter();
    started = createTracing({ spanProcessor: new SimpleSpanProcessor(exporter) });
    // What the SDK's interceptors do with a failure (instrumentation.ts, maybeAddErrorToSpan).
    const span = trace.getTracer('t').startSpan('RunActivity:createPurchaseOrder');
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
    span.recordException(failure);
    span.end();
    const [out] = exporter.getFinishedSpans();
    expect(JSON.stringify({ status: out!.status, events: out!.events, attributes: out!.attributes })).not.toMatch(
      /DE89370400440532013000|Geheim|PO-REC|98765|failure\.ts|\bat /,
    );
    // Without the failure label (set by the interceptors), the type recorded with the exception.
    expect(out!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ApplicationFailure' });
    expect(out!.events.map((e) => e.attributes)).toEqual([{ 'exception.type': 'ApplicationFailure' }]);
  });

  it('a workflow span, exported through the sink: the same', async () => {
    const exporter = new InMemorySpanExporter();
    started = createTracing({ spanProcessor: new SimpleSpanProcessor(exporter) });
    const ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    const serialized: SerializableSpan = {
      name: 'RunWorkflow:createPurchaseOrder',
      kind: 0,
      spanContext: ids,
      startTime: [1, 0],
      endTime: [2, 0],
      duration: [1, 0],
      ended: true,
      status: { code: SpanStatusCode.ERROR, message: `step "create" failed: ${failure.message}` },
      // What the workflow interceptors name (src/observability/workflow/tracing-workflow-interceptors.ts).
      attributes: { 'makini.failure.type': 'MakiniRequestRejected', 'makini.error.code': 'VALIDATION_FAILED' },
      links: [],
      events: [
        {
          name: 'exception',
          time: [2, 0],
          attributes: {
            'exception.type': 'ApplicationFailure',
            'exception.message': failure.message,
            'exception.stacktrace': failure.stack,
          },
        },
      ],
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      instrumentationLibrary: { name: '@temporalio/interceptor-workflow' },
    };
    const info = { workflowId: 'w', runId: 'r', workflowType: 'createPurchaseOrder', taskQueue: 'q', namespace: 'default', attempt: 1 };
    await started.sinks.exporter!.export!.fn(info as unknown as WorkflowInfo, [serialized]);
    const [out] = exporter.getFinishedSpans();
    expect(out!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'MakiniRequestRejected VALIDATION_FAILED' });
    expect(out!.events.map((e) => e.attributes)).toEqual([
      { 'exception.type': 'MakiniRequestRejected', 'makini.error.code': 'VALIDATION_FAILED' },
    ]);
  });
});

describe('makiniRouteTemplate', () => {
  const key = 'PO 4/5?x';
  it.each([
    [MakiniPath.purchaseOrders(), '/api/eam/purchase-orders'],
    [MakiniPath.purchaseOrder(key), '/api/eam/purchase-orders/{key}'],
    [MakiniPath.purchaseOrderStatus(key), '/api/eam/purchase-orders/{key}/status'],
    [MakiniPath.purchaseOrderLineItems(), '/api/eam/purchase-orders.line-items'],
    [MakiniPath.purchaseOrderLineItem(key), '/api/eam/purchase-orders.line-items/{key}'],
    [MakiniPath.workOrderMaterial(key, 'M-1'), '/api/eam/work-orders/{key}/materials/{materialKey}'],
    [MakiniPath.materialInventory(key), '/api/eam/materials/{materialKey}/inventory'],
    [MakiniPath.statuses('work-orders'), '/api/eam/statuses/{entity}'],
    ['/api/not-makini/123', 'unknown'],
  ])('%s → %s', (path, template) => {
    expect(makiniRouteTemplate(path)).toBe(template);
  });
});
