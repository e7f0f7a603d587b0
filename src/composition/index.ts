// `makini-writes/worker`: what a backend service imports to run the production worker inside its
// own process instead of `node dist/worker.js`. The same composition as the worker process
// (./compose.ts); the activities' dependencies are injectable: the connections, the environment
// tokens are read from, token providers (a vault, a secrets manager), the OAuth token store, the
// Makini base URL.
export {
  buildMakiniActivities,
  createProductionWorker,
  tokenEnvNames,
  WORKFLOW_BUNDLE,
  WORKFLOWS_PATH,
  type MakiniActivityOptions,
  type ProductionWorker,
  type ProductionWorkerOptions,
} from './compose.js';
export { dataConverterFromSetting, FAILURE_CONVERTER_PATH, type EncryptionOptions } from '../codec/data-converter.js';
export { loadConnectionsFile, parseConnections, type ConnectionConfig, type ConnectionsFile } from '../config/connections.js';
export { loadSettings, type Settings } from '../config/settings.js';
export type { TokenProvider } from '../config/token-source.js';
// `token: { oauth: true }` connections: a secrets manager as the token store (`tokenStore` option).
export { FileTokenStore, TokenStoreError, type StoredTokens, type TokenStore } from '../config/token-store.js';
export { Secret } from '../observability/secret.js';
export type { ConnectionPolicyInput } from '../connections/workflow/control-state.js';
export {
  createTracing,
  tracingFromEnv,
  tracingOff,
  TRACING_WORKFLOW_MODULE,
  type Tracing,
  type TracingOptions,
} from '../observability/tracing.js';
