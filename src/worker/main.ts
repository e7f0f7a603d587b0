// The worker process: config → token source → Makini client → activities → Worker.
// Stops cleanly on SIGINT/SIGTERM: polling stops, in-flight activities get the grace period to
// finish, then are cancelled; their workflows carry on elsewhere (nothing is lost).
import { fileURLToPath } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConnectionsFile, type ConnectionsFile } from '../config/connections.js';
import { loadSettings, type Settings } from '../config/settings.js';
import { buildActivities } from './makini-activities.js';
import { dataConverterFromSetting } from '../codec/data-converter.js';
import { createJsonLogger } from '../observability/json-logger.js';
import { HISTOGRAM_BUCKETS } from '../observability/metric-buckets.js';
import { knownSecrets } from '../observability/redact.js';
import { tokenEnvNames, workerServices } from './services.js';
import { createWriteCallsWorker, runAlongside } from '../connections/write-calls-worker.js';

/** Path of the workflows bundle entry (bundled by the SDK). */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));
/** How the production workflows are bundled, wherever they are (worker, tests, benchmarks). */
export const WORKFLOW_BUNDLE = {
  workflowsPath: WORKFLOWS_PATH,
  /** Loaded once per workflow thread and shared by all workflows (see the module). */
  preloadModules: [fileURLToPath(new URL('./shared-modules.ts', import.meta.url))],
};

export interface WorkerStartup {
  settings: Settings;
  connections: ConnectionsFile;
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
  if (connections.connections.length === 0) {
    console.warn('[worker] no connections configured (MAKINI_CONNECTIONS_FILE unset or empty): every write will fail with MakiniConnectionConfigError');
  }
  Runtime.install({
    // JSON lines with workflowId, connectionId, step and requestId; known secrets blanked out.
    logger: createJsonLogger(settings.LOG_LEVEL, { secrets: knownSecrets(process.env, tokenEnvNames(connections)) }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(settings.METRICS_PORT ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${settings.METRICS_PORT}`, histogramBucketOverrides: HISTOGRAM_BUCKETS } } } : {}),
    },
  });
  const { connectionOptions, namespace = 'default' } = loadClientConnectConfig();
  const address = connectionOptions.address ?? 'localhost:7233';
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ ...connectionOptions, address });
  } catch (err) {
    console.error(`[worker] cannot reach the Temporal server at ${address} (namespace ${namespace}): ${(err as Error).message}\n` +
      '[worker] start it with `npm start`, or set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY');
    process.exit(1);
  }
  const dataConverter = dataConverterFromSetting(settings.MAKINI_WRITES_ENCRYPTION_KEYS);
  const services = workerServices({ connection, namespace, connections, dataConverter });
  const activities = { ...buildActivities({ settings, connections }), ...services.activities };
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: settings.TEMPORAL_TASK_QUEUE,
    workflowsPath: WORKFLOW_BUNDLE.workflowsPath,
    bundlerOptions: { preloadModules: WORKFLOW_BUNDLE.preloadModules },
    activities,
    interceptors: services.interceptors,
    shutdownGraceTime: settings.WORKER_SHUTDOWN_GRACE_MS,
    ...(settings.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: settings.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    dataConverter,
  });
  // Write calls (POST/PUT) run on their own queue, paced per connection by the server (docs/connections.md).
  runAlongside(worker, await createWriteCallsWorker({
    connection, namespace, taskQueue: settings.TEMPORAL_TASK_QUEUE, activities, interceptors: services.interceptors,
    shutdownGraceTime: settings.WORKER_SHUTDOWN_GRACE_MS, dataConverter,
  }));
  console.log(`[worker] polling task queue "${settings.TEMPORAL_TASK_QUEUE}" on ${address} (namespace ${namespace}); ` +
    `Makini at ${settings.MAKINI_BASE_URL}; ${connections.connections.length} connection(s)`);
  try {
    await worker.run(); // resolves after SIGINT/SIGTERM and a clean drain
  } finally {
    await connection.close();
  }
  console.log('[worker] stopped cleanly');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(`[worker] fatal: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
