// The ONE harness test/ and bench/ run the production worker through: the runtime installed once
// per process, the production workflows bundled as the worker process bundles them, and the worker
// pair composed by src/composition/compose.ts on a connection of its own. No vitest here: the
// benchmarks import it too.
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  type LogLevel,
  type LogMetadata,
  type Logger,
  type Worker,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { createProductionWorker as compose, WORKFLOW_BUNDLE, type ProductionWorkerOptions } from '../../src/composition/compose.js';
import type { OAuthSettings } from '../../src/config/oauth-setup.js';

let installed: { metricsAt?: string } | undefined;

/** Says that the process installed its own Runtime (logs, metrics) before any worker. */
export function runtimeInstalledElsewhere(): void {
  installed ??= {};
}

/** Log records of one message handed to `take` whatever their level (a benchmark reads them). */
export interface LogRecordSink {
  message: string;
  take(meta: LogMetadata): void;
}

/** `inner`, and every record whose message is the sink's goes to the sink too. */
function sinkingLogger(inner: Logger, sink: LogRecordSink | undefined): Logger {
  if (!sink) return inner;
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (message === sink.message) sink.take(meta ?? {});
    inner.log(level, message, meta);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

/**
 * Runtime.install once per process, quiet: `level` (tests WARN; benchmarks ERROR, so that the
 * WARN of every wait does not flood them), and the SDK's worker metrics on a Prometheus endpoint
 * at `metricsBindAddress` if given; `sink` takes the records of one message at any level.
 * Returns where the metrics are served, if they are.
 */
export function installQuietRuntime(
  opts: { level?: LogLevel; metricsBindAddress?: string; sink?: LogRecordSink } = {},
): string | undefined {
  if (installed) return installed.metricsAt;
  Runtime.install({
    logger: sinkingLogger(new DefaultLogger(opts.level ?? 'WARN'), opts.sink),
    ...(opts.metricsBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: opts.metricsBindAddress } } } } : {}),
  });
  installed = { metricsAt: opts.metricsBindAddress };
  return installed.metricsAt;
}

/** Bundles the production workflows (the entry point and preloads src/worker.ts uses). */
export function bundleProductionWorkflows() {
  return bundleWorkflowCode({ ...WORKFLOW_BUNDLE, logger: new DefaultLogger('WARN') });
}

export interface HarnessWorkerOptions extends Pick<
  ProductionWorkerOptions,
  'namespace' | 'taskQueue' | 'connections' | 'env' | 'connectionPolicy' | 'dataConverter' | 'tuning' | 'tokenProviders'
> {
  /** The Temporal server's address. */
  address: string;
  makiniBaseUrl: string;
  requestTimeoutMs: number;
  workflowBundle: WorkflowBundleOption;
  /** OAuth settings of the worker (client id and secret, token store dir, keys) and an injected token store. */
  oauth?: Pick<ProductionWorkerOptions, 'tokenStore'> & { settings?: Omit<OAuthSettings, 'MAKINI_BASE_URL' | 'MAKINI_REQUEST_TIMEOUT_MS'> };
}

export interface HarnessWorker {
  /** The main worker; its `run()` also runs `writeCalls` (runAlongside), its `shutdown()` stops both. */
  worker: Worker;
  /** The worker of the paced write-calls queue. */
  writeCalls: Worker;
  connection: NativeConnection;
}

/** A production worker pair on its own connection (composed as src/worker.ts does); the caller runs it and shuts it down. */
export async function startProductionWorker(opts: HarnessWorkerOptions): Promise<HarnessWorker> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: opts.address });
  const { worker, writeCalls } = await compose({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    settings: { ...opts.oauth?.settings, MAKINI_BASE_URL: opts.makiniBaseUrl, MAKINI_REQUEST_TIMEOUT_MS: opts.requestTimeoutMs },
    tokenStore: opts.oauth?.tokenStore,
    tokenProviders: opts.tokenProviders,
    connections: opts.connections,
    env: opts.env,
    connectionPolicy: opts.connectionPolicy,
    workflows: { workflowBundle: opts.workflowBundle },
    dataConverter: opts.dataConverter,
    tuning: opts.tuning,
  });
  return { worker, writeCalls, connection };
}

let keySeq = 0;
/** A key no other write of this process uses (idempotency keys, bulk ids). */
export const uniqueKey = (label: string) => `${label}-${Date.now().toString(36)}-${(keySeq++).toString(36)}`;
