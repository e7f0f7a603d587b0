// Tracing is off without OTEL_* variables (nothing registered, no interceptors, no workflow module),
// on with the OTLP ones; Makini paths become route templates, never keys.
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { MakiniPath } from '../../src/makini/contract.js';
import { makiniRouteTemplate } from '../../src/makini/http.js';
import { TRACING_WORKFLOW_MODULE, tracingFromEnv, type Tracing } from '../../src/observability/tracing.js';

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
      expect(started.workflowModules).toEqual([TRACING_WORKFLOW_MODULE]);
      expect(started.workerInterceptors).toHaveLength(1);
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
