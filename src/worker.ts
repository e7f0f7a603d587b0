// The worker process: settings and connections → the production worker (./compose.ts) → run.
// Stops cleanly on SIGINT/SIGTERM: polling stops, in-flight activities get the grace period to
// finish, then are cancelled; their workflows carry on elsewhere (nothing is lost).
import { fileURLToPath } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { dataConverterFromSetting, encryptionOptions } from './codec/data-converter.js';
import { loadConnectionsFile, type ConnectionsFile } from './config/connections.js';
import { loadSettings, type Settings } from './config/settings.js';
import { createRuntimeLogger } from './observability/logger.js';
import { HISTOGRAM_BUCKETS } from './observability/metric-buckets.js';
import { knownSecrets } from './observability/redact.js';
import { tracingFromEnv } from './observability/tracing.js';
import { createProductionWorker, tokenEnvNames } from './composition/compose.js';

export interface WorkerStartup {
  settings: Settings;
  connections: ConnectionsFile;
}

/**
 * Where the Prometheus endpoint listens (`host:port`), if it is on. Loopback by default: the
 * endpoint has no authentication, and the Makini call labels tell who writes where.
 */
export function metricsBindAddress(settings: Pick<Settings, 'METRICS_HOST' | 'METRICS_PORT'>): string | undefined {
  if (!settings.METRICS_PORT) return undefined;
  const host = settings.METRICS_HOST.includes(':') ? `[${settings.METRICS_HOST}]` : settings.METRICS_HOST; // IPv6
  return `${host}:${settings.METRICS_PORT}`;
}

/** Reads and validates every setting; throws naming each bad one. */
export function readStartup(env: NodeJS.ProcessEnv = process.env): WorkerStartup {
  const settings = loadSettings(env);
  const connections = settings.MAKINI_CONNECTIONS_FILE ? loadConnectionsFile(settings.MAKINI_CONNECTIONS_FILE) : { connections: [] };
  return { settings, connections };
}

async function main(): Promise<void> {
  let startup: WorkerStartup;
  try {
    startup = readStartup();
  } catch (err) {
    console.error(`[worker] cannot start: ${(err as Error).message}`);
    process.exit(2);
  }
  const { settings, connections } = startup;
  // Readable lines on a terminal, JSON lines otherwise (workflowId, connectionId, step, requestId); known secrets blanked out.
  const logger = createRuntimeLogger(settings.LOG_LEVEL, {
    secrets: knownSecrets(process.env, tokenEnvNames(connections)),
    // Payloads encrypted: failure text stays out of the logs too (history holds it encrypted).
    omitFailureText: Boolean(settings.MAKINI_WRITES_ENCRYPTION_KEYS),
  });
  if (connections.connections.length === 0) {
    logger.warn(
      '[worker] no connections configured (MAKINI_CONNECTIONS_FILE unset or empty): every write will fail with MakiniConnectionConfigError',
    );
  }
  const metricsAddress = metricsBindAddress(settings);
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress, histogramBucketOverrides: HISTOGRAM_BUCKETS } } } : {}),
    },
  });
  const { connectionOptions, namespace = 'default' } = loadClientConnectConfig();
  const address = connectionOptions.address ?? 'localhost:7233';
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ ...connectionOptions, address });
  } catch (err) {
    logger.error(
      `[worker] cannot reach the Temporal server at ${address} (namespace ${namespace}): ${(err as Error).message}\n` +
        '[worker] start it with `npm start`, or set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY',
    );
    process.exit(1);
  }
  const dataConverter = dataConverterFromSetting(settings.MAKINI_WRITES_ENCRYPTION_KEYS, encryptionOptions(settings));
  const tracing = tracingFromEnv(process.env); // OTEL_* variables; off without them
  const { worker } = await createProductionWorker({
    tracing,
    connection,
    namespace,
    taskQueue: settings.TEMPORAL_TASK_QUEUE,
    settings,
    connections,
    dataConverter,
    tuning: {
      shutdownGraceTime: settings.WORKER_SHUTDOWN_GRACE_MS,
      ...(settings.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: settings.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    },
  });
  logger.info(
    `[worker] polling task queue "${settings.TEMPORAL_TASK_QUEUE}" on ${address} (namespace ${namespace}); ` +
      `Makini at ${settings.MAKINI_BASE_URL}; ${connections.connections.length} connection(s)` +
      (metricsAddress ? `; metrics on http://${metricsAddress}/metrics` : ''),
  );
  try {
    await worker.run(); // resolves after SIGINT/SIGTERM and a clean drain
  } finally {
    await tracing.shutdown().catch((err: unknown) => logger.warn(`[worker] tracing: spans not flushed: ${(err as Error).message}`));
    await connection.close();
  }
  logger.info('[worker] stopped cleanly');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(`[worker] fatal: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
