// The ONE composition of a production worker, used by the worker process (main.ts), the tests and
// the benchmarks: config → token source → Makini client → activities (Makini calls and bulk
// results) → interceptors (call metrics, connection gate) → the main worker and, beside it, the
// worker of the paced write-calls queue. Whoever runs a worker runs exactly this.
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerInterceptors, type WorkerOptions } from '@temporalio/worker';
import type { ConnectionConfig, ConnectionsFile } from '../config/connections.js';
import { oauthConnectionIds, oauthTokensFor, type OAuthSettings } from '../config/oauth-setup.js';
import { createTokenSource, type TokenProvider } from '../config/token-source.js';
import type { TokenStore } from '../config/token-store.js';
import { announceOAuthConnections } from '../connections/control-client.js';
import type { ConnectionPolicyInput } from '../connections/workflow/control-state.js';
import { connectionGateInterceptors } from '../connections/gate.js';
import { createWriteCallsWorker, runAlongside } from '../connections/write-calls-worker.js';
import { MakiniClient } from '../makini/client.js';
import { sendWindowInterceptors } from '../makini/send-window.js';
import { makiniCallInterceptors } from '../makini/call-metrics.js';
import type { Tracing } from '../observability/tracing.js';
import { loadBuiltinProfiles } from '../profiles/load-profiles.js';
import { effectiveProfile } from '../profiles/overrides.js';
import { createActivities } from '../activities/index.js';
import { oneInputInterceptors } from '../activities/positional.js';
import { createWriteResultActivities } from '../writes/bulk/activities.js';
import { isLoopbackHost } from '../codec/loopback.js';

/** `.ts` when this module runs from src/ (tsx, vitest), `.js` when it runs compiled from dist/. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
/** Path of the workflows bundle entry (bundled by the SDK), beside this module in src/ or dist/. */
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index${EXT}`, import.meta.url));
/** How the production workflows are bundled, wherever they are (worker, tests, benchmarks). */
export const WORKFLOW_BUNDLE = {
  workflowsPath: WORKFLOWS_PATH,
  /** Loaded once per workflow thread and shared by all workflows (see the module). */
  preloadModules: [fileURLToPath(new URL(`../workflows/shared-modules${EXT}`, import.meta.url))],
};

export interface MakiniActivityOptions {
  /** Makini's URL and timeout; for `oauth` connections also the token store and OAuth client settings. */
  settings: OAuthSettings;
  connections: ConnectionsFile;
  env?: NodeJS.ProcessEnv;
  tokenProviders?: Record<string, TokenProvider>;
  /** Where `oauth` connections' tokens live (a secrets manager); default: files under MAKINI_OAUTH_STORE_DIR. */
  tokenStore?: TokenStore;
  /** Where a start-up warning goes (default console.warn). */
  warn?: (message: string) => void;
}

/** Base URLs already warned about: a process building several workers says it once. */
const warnedBaseUrls = new Set<string>();

/** Says once when Makini is reached without TLS on another machine: every call carries a bearer token. */
function warnIfCleartext(baseUrl: string, warn: (message: string) => void): void {
  const url = new URL(baseUrl);
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname) || warnedBaseUrls.has(url.origin)) return;
  warnedBaseUrls.add(url.origin);
  // The origin only: a URL's user:password part is never printed.
  warn(
    `MAKINI_BASE_URL ${url.origin} is not https: every call sends a connection's bearer token and the write in the clear; use https outside this machine`,
  );
}

/** The Makini activities of a worker, from its configuration (tokens resolved per call, inside activities). */
export function buildMakiniActivities(opts: MakiniActivityOptions) {
  warnIfCleartext(opts.settings.MAKINI_BASE_URL, opts.warn ?? console.warn);
  const byId = new Map<string, ConnectionConfig>(opts.connections.connections.map((c) => [c.id, c]));
  const oauth = oauthTokensFor(opts.connections, opts.settings, opts.tokenStore);
  if (oauth && !(opts.settings.MAKINI_CLIENT_ID && opts.settings.MAKINI_CLIENT_SECRET)) {
    (opts.warn ?? console.warn)(
      'oauth connections are configured but MAKINI_CLIENT_ID / MAKINI_CLIENT_SECRET are not set: their tokens cannot be refreshed and will expire',
    );
  }
  const tokenSource = createTokenSource(opts.connections.connections, { env: opts.env, providers: opts.tokenProviders, oauth });
  const makini = new MakiniClient({
    baseUrl: opts.settings.MAKINI_BASE_URL,
    timeoutMs: opts.settings.MAKINI_REQUEST_TIMEOUT_MS,
    tokenSource,
  });
  const builtins = loadBuiltinProfiles();
  return createActivities({
    makini,
    oauth,
    connection: (id) => byId.get(id),
    profileFor: (system, connection) => {
      const profile = effectiveProfile(builtins, system, connection.overrides, connection.id);
      // The connection's own write budget wins over its system profile's (connections config).
      return connection.writesPerMinute === undefined ? profile : { ...profile, writesPerMinute: connection.writesPerMinute };
    },
  });
}

/** How the workflows reach the worker: a path the SDK bundles, or a bundle made once and shared. */
type WorkflowSource = Pick<WorkerOptions, 'workflowBundle'> | Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'>;

export interface ProductionWorkerOptions extends MakiniActivityOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Default: the production workflows, bundled by the SDK from WORKFLOW_BUNDLE. */
  workflows?: WorkflowSource;
  /** The production data converter (payloads and the results bulk items read may be encrypted). */
  dataConverter?: DataConverter;
  /** Policy of the connection control workflows this worker starts (breaker, rate adaptation). */
  connectionPolicy?: ConnectionPolicyInput;
  /**
   * OpenTelemetry tracing (src/observability/tracing.ts, `tracingFromEnv`); default off. On, the
   * workflow interceptors module is bundled when the SDK bundles the workflows; a prebuilt
   * `workflows.workflowBundle` must have been bundled with `tracing.workflowModules`
   * (`workflowInterceptorModules`).
   */
  tracing?: Tracing;
  /** Worker tuning passed through (shutdown grace, cache size, concurrency). */
  tuning?: Pick<WorkerOptions, 'shutdownGraceTime' | 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions'>;
}

export interface ProductionWorker {
  /** The main worker; its `run()` also runs `writeCalls` (runAlongside), its `shutdown()` stops both. */
  worker: Worker;
  /** The worker of the paced write-calls queue. */
  writeCalls: Worker;
}

/** The production worker pair on a connection; the caller runs `worker` and shuts it down. */
export async function createProductionWorker(opts: ProductionWorkerOptions): Promise<ProductionWorker> {
  const tracing = opts.tracing;
  const client = new Client({
    connection: opts.connection,
    namespace: opts.namespace,
    dataConverter: opts.dataConverter,
    ...(tracing?.enabled ? { interceptors: { workflow: tracing.clientInterceptors } } : {}),
  });
  const activities = { ...buildMakiniActivities(opts), ...createWriteResultActivities({ client }) };
  const interceptors: WorkerInterceptors = {
    activity: [
      // First: it sees the attempt begin, and every wait and request after it stays inside the attempt.
      sendWindowInterceptors(),
      // Then tracing, so that the activity's span encloses everything the other interceptors do.
      ...(tracing?.workerInterceptors ?? []),
      // Before the two that read the connection: every Makini activity gets its one input object
      // (tasks scheduled with the positional arguments of before too) or fails, unsent, saying why.
      oneInputInterceptors(),
      // Encrypted payloads (a payload codec): Makini's failure messages stay out of the logs too.
      makiniCallInterceptors(opts.connections, { omitFailureText: (opts.dataConverter?.payloadCodecs?.length ?? 0) > 0 }),
      connectionGateInterceptors({ client, connectionIds: opts.connections.connections.map((c) => c.id), policy: opts.connectionPolicy }),
    ],
  };
  const shared = { connection: opts.connection, namespace: opts.namespace, activities, interceptors, dataConverter: opts.dataConverter };
  const workflows = opts.workflows ?? {
    workflowsPath: WORKFLOW_BUNDLE.workflowsPath,
    bundlerOptions: { preloadModules: WORKFLOW_BUNDLE.preloadModules },
  };
  const bundled = 'workflowBundle' in workflows && workflows.workflowBundle !== undefined;
  const worker = await Worker.create({
    ...shared,
    ...workflows,
    ...opts.tuning,
    taskQueue: opts.taskQueue,
    // Workflow spans: interceptors in the bundle (a prebuilt one has them already), exported through the sink.
    ...(tracing?.enabled
      ? {
          interceptors: { ...interceptors, ...(bundled ? {} : { workflowModules: tracing.workflowModules }) },
          sinks: tracing.sinks,
        }
      : {}),
  });
  // Write calls (POST/PUT) run on their own queue, paced per connection by the server (docs/connections.md).
  const writeCalls = await createWriteCallsWorker({
    ...shared,
    taskQueue: opts.taskQueue,
    ...(opts.tuning?.shutdownGraceTime !== undefined ? { shutdownGraceTime: opts.tuning.shutdownGraceTime } : {}),
  });
  runAlongside(worker, writeCalls);
  // Each `oauth` connection's control workflow schedules its token refreshes: make sure it runs.
  await announceOAuthConnections(
    client,
    opts.taskQueue,
    oauthConnectionIds(opts.connections),
    opts.connectionPolicy,
    opts.warn ?? console.warn,
  );
  return { worker, writeCalls };
}

/** Env var names holding the connections' tokens (their values are redacted from logs). */
export function tokenEnvNames(connections: ConnectionsFile): string[] {
  return connections.connections.flatMap((c) => ('env' in c.token ? [c.token.env] : []));
}
