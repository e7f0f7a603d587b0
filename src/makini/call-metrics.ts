// Activity interceptor observing every Makini activity: counts and times the calls by system,
// operation, status and error code on the worker's metric meter (Prometheus at METRICS_PORT), and
// logs each call with the connection, Makini's request ids and the outcome. Where payloads are
// encrypted, a failed call is logged by its type, code and request id, without Makini's message:
// the message can quote the connected system (a record, a supplier, an IBAN), which history holds
// encrypted; a log line would carry it in clear.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import { makiniFailureInfoSchema } from '../failures/workflow/failure-types.js';
import { errorCodeLabel } from './workflow/error-code-label.js';
import { connectionIdOf } from './activity-input.js';
import { MakiniMetric } from '../observability/workflow/metric-labels.js';

interface CallOutcome {
  status: string;
  /** The failure type (MakiniRequestRejected, ...), for failed calls. */
  type?: string;
  /** As sent (logs). */
  errorCode: string;
  /** Bounded (metrics). */
  errorCodeLabel: string;
  requestIds: string[];
}

/** What an activity's answer says about its Makini call(s); undefined when it made none. */
function outcomeOfResult(out: unknown): CallOutcome | undefined {
  const call = (out as { call?: { status?: unknown; requestIds?: unknown } } | null)?.call;
  if (!call || typeof call.status !== 'number' || call.status === 0) return undefined;
  return {
    status: String(call.status),
    errorCode: '',
    errorCodeLabel: '',
    requestIds: Array.isArray(call.requestIds) ? call.requestIds.map(String) : [],
  };
}

function outcomeOfError(err: unknown): CallOutcome | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  const info = makiniFailureInfoSchema.safeParse(err.details?.[0]);
  if (!info.success) return undefined;
  return {
    status: info.data.status ? String(info.data.status) : 'none',
    type: info.data.type,
    errorCode: info.data.code ?? info.data.type,
    errorCodeLabel: errorCodeLabel(info.data.code, info.data.type),
    requestIds: info.data.requestId ? [info.data.requestId] : [],
  };
}

/** The configured connections as far as metrics need them (a ConnectionsFile of src/config/connections.ts is one). */
interface ConfiguredSystems {
  connections: readonly { id: string; system?: string }[];
}

/** Which system a connection is: from config, else learned from `resolveWriteProfile` answers. */
export class SystemDirectory {
  private readonly learned = new Map<string, string>();
  constructor(private readonly configured: ConfiguredSystems) {}

  systemOf(connectionId: string | undefined): string {
    if (!connectionId) return 'unknown';
    return this.configured.connections.find((c) => c.id === connectionId)?.system ?? this.learned.get(connectionId) ?? 'unknown';
  }

  learn(out: unknown): void {
    const v = (out as { value?: { connectionId?: unknown; system?: unknown } } | null)?.value;
    if (typeof v?.connectionId === 'string' && typeof v.system === 'string') this.learned.set(v.connectionId, v.system);
  }
}

/** How a failed call's log line reads. */
export interface MakiniCallLogOptions {
  /** True where payloads are encrypted: the line names the failure's type, code and request id, never Makini's message. */
  omitFailureText?: boolean;
}

class MakiniCallObserver implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly systems: SystemDirectory,
    private readonly opts: MakiniCallLogOptions,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const operation = this.ctx.info.activityType;
    // By name, from the activity's one input object (src/activities/positional.ts).
    const connectionId = connectionIdOf(input.args);
    const started = Date.now();
    try {
      const out = await next(input);
      this.systems.learn(out);
      this.record(operation, connectionId, outcomeOfResult(out), Date.now() - started);
      return out;
    } catch (err) {
      this.record(operation, connectionId, outcomeOfError(err), Date.now() - started, err);
      throw err;
    }
  }

  private record(operation: string, connectionId: string | undefined, o: CallOutcome | undefined, ms: number, err?: unknown) {
    if (!o) return; // not a Makini call (a configured profile lookup, a Temporal wait)
    const system = this.systems.systemOf(connectionId);
    const meter = this.ctx.metricMeter;
    meter
      .createCounter(MakiniMetric.calls, '1', 'Makini calls by system, operation, status and error code')
      .add(1, { system, operation, status: o.status, error_code: o.errorCodeLabel });
    meter
      .createHistogram(MakiniMetric.callDuration, 'int', 'ms', 'Duration of Makini calls')
      .record(Math.max(0, Math.round(ms)), { system, operation, status: o.status });
    const attrs = {
      connectionId,
      system,
      operation,
      status: o.status,
      errorCode: o.errorCode || undefined,
      requestId: o.requestIds.at(-1),
      requestIds: o.requestIds,
      durationMs: ms,
    };
    if (err) {
      const text = this.opts.omitFailureText
        ? `${o.type ?? 'failed'}${o.errorCode && o.errorCode !== o.type ? ` ${o.errorCode}` : ''}${attrs.requestId ? ` (request ${attrs.requestId})` : ''}`
        : (err as Error).message;
      this.ctx.log.warn(`makini call failed: ${text}`, attrs);
    } else this.ctx.log.info('makini call', attrs);
  }
}

/** The worker's activity interceptors: Makini call metrics and logs. */
export function makiniCallInterceptors(connections: ConfiguredSystems, opts: MakiniCallLogOptions = {}): ActivityInterceptorsFactory {
  const systems = new SystemDirectory(connections);
  return (ctx) => ({ inbound: new MakiniCallObserver(ctx, systems, opts) });
}
