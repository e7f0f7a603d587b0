// OpenTelemetry tracing of writes, OFF unless the standard OTEL_* variables turn it on: Temporal's
// interceptors carry the trace context in the Temporal headers from a service's `start…` call
// (client interceptor) through the workflow (workflow interceptors in the bundle, spans exported
// through a sink) to the activities (activity interceptors), and src/makini/http.ts adds a span
// per Makini call under the activity's. Off, nothing is registered: the OpenTelemetry API's no-op
// tracer is all that runs.
//
// Spans carry a failure's type and Makini code, never its text: the SDK's interceptors record a
// failure's message and stack (status message, `exception.message`, `exception.stacktrace`), and
// a message can quote the connected system (a 422 naming a record, a supplier, an IBAN) that
// history holds encrypted. Every span, the worker's and the workflows' (which reach the processor
// through the sink), passes through `scrubbingSpanProcessor` before any exporter sees it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { context, propagation, trace, type Context } from '@opentelemetry/api';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
  type TimedEvent,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  makeWorkflowExporter,
  type OpenTelemetrySinks,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  InjectedSinks,
  Next,
  WorkerOptions,
} from '@temporalio/worker';
import { FailureSpanAttr, failureLabelText, labelSpanFailure, spanFailureLabel } from './workflow/failure-label.js';

/** The workflow interceptors module of `@temporalio/interceptors-opentelemetry` (bundled with the workflows). */
export const TRACING_WORKFLOW_MODULE = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** The workflow interceptors that name a failure's type and code on the SDK's workflow spans (bundled after TRACING_WORKFLOW_MODULE). */
export const FAILURE_LABEL_WORKFLOW_MODULE = fileURLToPath(
  new URL(`./workflow/tracing-workflow-interceptors${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/** Default `service.name` of the spans (OTEL_SERVICE_NAME overrides it). */
export const DEFAULT_SERVICE_NAME = 'makini-writes';

/** What a worker and the clients of a process add when tracing is on; all empty when it is off. */
export interface Tracing {
  /** Whether spans are recorded and exported. */
  enabled: boolean;
  /** The registered (global) provider; undefined when off. */
  tracerProvider?: NodeTracerProvider;
  /** Activity interceptors (inbound: a span per activity, child of the workflow's; outbound: trace ids in activity logs). */
  workerInterceptors: ActivityInterceptorsFactory[];
  /** Workflow interceptor modules: bundled with the workflows (`interceptors.workflowModules`, or `workflowInterceptorModules` of a prebuilt bundle). */
  workflowModules: string[];
  /** The sink the workflow interceptors export their spans through (not called during replay). */
  sinks: NonNullable<WorkerOptions['sinks']>;
  /** For `new Client({ interceptors: { workflow: clientInterceptors } })`: starts, signals and updates carry the trace. */
  clientInterceptors: WorkflowClientInterceptor[];
  /** Flushes the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = {
  enabled: false,
  workerInterceptors: [],
  workflowModules: [],
  sinks: {},
  clientInterceptors: [],
  shutdown: async () => undefined,
};

/** Tracing off: no provider, no interceptors, no sink. */
export const tracingOff = (): Tracing => ({ ...OFF });

export interface TracingOptions {
  /** Where finished spans go (an OTLP batch processor from the environment; in tests a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessor: SpanProcessor;
  serviceName?: string;
  resourceAttributes?: Record<string, string>;
}

/**
 * Tracing on with `spanProcessor`: registers a global tracer provider (with the W3C trace-context
 * propagator and an AsyncLocalStorage context manager, which the interceptors and the Makini call
 * spans use) and returns the interceptors, workflow module and sink. One per process.
 */
export function createTracing(opts: TracingOptions): Tracing {
  const attributes = opts.resourceAttributes ?? {};
  const resource = new Resource({ ...attributes, 'service.name': opts.serviceName ?? attributes['service.name'] ?? DEFAULT_SERVICE_NAME });
  const spanProcessor = scrubbingSpanProcessor(opts.spanProcessor);
  const tracerProvider = new NodeTracerProvider({ resource });
  tracerProvider.addSpanProcessor(spanProcessor);
  tracerProvider.register();
  return {
    enabled: true,
    tracerProvider,
    workerInterceptors: [
      (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
      // Inside the activity's span: names the failure's type and code on it before the SDK records the failure.
      () => ({ inbound: new FailureLabelActivityInbound() }),
    ],
    // In this order: the SDK's spans enclose the failure labels.
    workflowModules: [TRACING_WORKFLOW_MODULE, FAILURE_LABEL_WORKFLOW_MODULE],
    sinks: { exporter: workflowSpanSink(spanProcessor, resource) } satisfies InjectedSinks<OpenTelemetrySinks>,
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor()],
    shutdown: async () => {
      await tracerProvider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** Names an activity's failure (type, Makini code) on the activity's span, which is active here. */
class FailureLabelActivityInbound implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const span = trace.getActiveSpan();
    try {
      return await next(input);
    } catch (err) {
      if (span) labelSpanFailure(span, err);
      throw err;
    }
  }
}

const EXCEPTION_EVENT = 'exception';
const EXCEPTION_TYPE = 'exception.type';

/**
 * A span as an exporter may see it: the status message and each exception event say the failure's
 * type and Makini code (from the span's failure attributes, else the exception's recorded type),
 * and nothing of its message or stack. Changes `span` in place, once it has ended.
 */
function scrubSpan(span: ReadableSpan): void {
  const exception = span.events.find((e) => e.name === EXCEPTION_EVENT);
  const label = spanFailureLabel(span.attributes, exception?.attributes?.[EXCEPTION_TYPE]);
  const writable = span as { status: ReadableSpan['status']; events: TimedEvent[] };
  if (span.status.message !== undefined) {
    writable.status = label ? { code: span.status.code, message: failureLabelText(label) } : { code: span.status.code };
  }
  writable.events = span.events.map((e) =>
    e.name !== EXCEPTION_EVENT
      ? e
      : {
          ...e,
          attributes: {
            [EXCEPTION_TYPE]: label?.type ?? 'Error',
            ...(label?.code ? { [FailureSpanAttr.code]: label.code } : {}),
          },
        },
  );
}

/** `inner`, with every span scrubbed (`scrubSpan`) before it reaches it. */
function scrubbingSpanProcessor(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span: Span, parentContext: Context) => inner.onStart(span, parentContext),
    onEnd: (span: ReadableSpan) => {
      scrubSpan(span);
      inner.onEnd(span);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

/**
 * The SDK's workflow span sink, with only the workflow's identity as span attributes: the SDK's
 * own copies the whole WorkflowInfo onto every span (memo, search attribute objects, build ids).
 */
function workflowSpanSink(spanProcessor: SpanProcessor, resource: Resource): InjectedSinks<OpenTelemetrySinks>['exporter'] {
  const sink = makeWorkflowExporter(spanProcessor, resource);
  return {
    export: {
      ...sink.export,
      fn: (info, spans) => {
        const { workflowId, runId, workflowType, taskQueue, namespace, attempt } = info;
        // makeWorkflowExporter assigns this object's fields to each span's attributes.
        return sink.export.fn({ workflowId, runId, workflowType, taskQueue, namespace, attempt } as typeof info, spans);
      },
    },
  };
}

/**
 * `k=v,k2=v2` (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES), values percent-decoded. A bad
 * entry is named by its position only: header values are collectors' API keys, and an entry
 * without `=` may be nothing but the key.
 */
function keyValues(value: string | undefined, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  (value ?? '').split(',').forEach((part, index) => {
    if (!part.trim()) return;
    const entry = `${name}: entry ${index + 1} (of the comma-separated list)`;
    const i = part.indexOf('=');
    if (i <= 0 || !part.slice(0, i).trim()) throw new Error(`${entry} is not key=value; its text is not shown, it may be a secret`);
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      throw new Error(`${entry}: the value is not valid percent-encoding (a literal % is written %25); its text is not shown`);
    }
  });
  return out;
}

/** The OTLP/HTTP traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
function otlpTracesUrl(env: NodeJS.ProcessEnv): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Tracing as the standard OTEL_* variables say; OFF unless OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set or OTEL_TRACES_EXPORTER is `otlp` (or `console`).
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turns it off whatever else is set.
 * Throws naming the variable when a value is not supported.
 */
export function tracingFromEnv(env: NodeJS.ProcessEnv = process.env): Tracing {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return tracingOff();
  const exporterSetting = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  const endpointSet = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
  const exporter = exporterSetting || (endpointSet ? 'otlp' : 'none');
  if (exporter === 'none') return tracingOff();
  if (exporter !== 'otlp' && exporter !== 'console') {
    throw new Error(`OTEL_TRACES_EXPORTER: "${exporterSetting}" is not supported (otlp, console or none)`);
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (exporter === 'otlp' && protocol === 'grpc') {
    throw new Error('OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported (this worker exports OTLP over HTTP, JSON, to port 4318)');
  }
  const spanProcessor =
    exporter === 'console'
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(
          new OTLPTraceExporter({
            url: otlpTracesUrl(env),
            headers: {
              ...keyValues(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS'),
              ...keyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
            },
          }),
        );
  return createTracing({
    spanProcessor,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || undefined,
    resourceAttributes: keyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES'),
  });
}
