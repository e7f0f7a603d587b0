// A sandbox connection as a benchmark worker serves it, and the worker config it needs.
import type { ConnectionsFile } from '../../src/config/connections.js';

export interface BenchConnection {
  id: string;
  system: string;
  token: string;
  /** Env var holding the token (what the worker's connections config names). */
  tokenEnv: string;
  /** The connection's write rate in the worker's config (what writes are paced at); else the system profile's. */
  writesPerMinute?: number;
  /** Writes per minute the sandbox admits on it (none: unlimited). */
  sandboxLimit?: number;
}

/** Connections config and token env for a worker, from the connections it serves. */
export function workerConfig(conns: readonly BenchConnection[]): { connections: ConnectionsFile; env: NodeJS.ProcessEnv } {
  return {
    connections: {
      connections: conns.map((c) => ({
        id: c.id,
        system: c.system,
        token: { env: c.tokenEnv },
        ...(c.writesPerMinute ? { writesPerMinute: c.writesPerMinute } : {}),
      })),
    },
    env: Object.fromEntries(conns.map((c) => [c.tokenEnv, c.token])),
  };
}
