// Composition root shared by the worker process and the tests: config → token source → Makini
// client → activities.
import type { ConnectionConfig, ConnectionsFile } from '../config/connections.js';
import type { Settings } from '../config/settings.js';
import { createTokenSource, type TokenProvider } from '../config/token-source.js';
import { createActivities } from '../writes/activities.js';
import { MakiniClient } from '../makini/client.js';
import { loadBuiltinProfiles } from '../profiles/load-profiles.js';
import { effectiveProfile } from '../profiles/overrides.js';

export interface BuildOptions {
  settings: Pick<Settings, 'MAKINI_BASE_URL' | 'MAKINI_REQUEST_TIMEOUT_MS'>;
  connections: ConnectionsFile;
  env?: NodeJS.ProcessEnv;
  tokenProviders?: Record<string, TokenProvider>;
}

/** Builds the activities of a worker from its configuration. */
export function buildActivities(opts: BuildOptions) {
  const byId = new Map<string, ConnectionConfig>(opts.connections.connections.map((c) => [c.id, c]));
  const tokenSource = createTokenSource(opts.connections.connections, { env: opts.env, providers: opts.tokenProviders });
  const makini = new MakiniClient({ baseUrl: opts.settings.MAKINI_BASE_URL, timeoutMs: opts.settings.MAKINI_REQUEST_TIMEOUT_MS, tokenSource });
  const builtins = loadBuiltinProfiles();
  return createActivities({
    makini,
    connection: (id) => byId.get(id),
    profileFor: (system, connection) => {
      const profile = effectiveProfile(builtins, system, connection.overrides, connection.id);
      // The connection's own write budget wins over its system profile's (connections config).
      return connection.writesPerMinute === undefined ? profile : { ...profile, writesPerMinute: connection.writesPerMinute };
    },
  });
}
