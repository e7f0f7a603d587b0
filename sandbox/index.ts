// The Makini sandbox: a faithful local fake of the Makini API on loopback, for tests, npm start
// and benchmarks. Public endpoints follow MakiniPath; /_admin/* seeds, inspects and injects faults.
import type { AddressInfo } from 'node:net';
import { SandboxAdminClient } from './admin-client.js';
import { connectionSeedSchema, Registry } from './registry.js';
import { createSandboxServer } from './server.js';

export { SandboxAdminClient } from './admin-client.js';
export type { ChaosConfig, FaultScript, RequestLogEntry, SandboxState } from './admin-client.js';
export { DEFAULT_BEHAVIOUR } from './behaviour.js';
export { SANDBOX_METHOD_NOT_ALLOWED } from './errors.js';

export interface SandboxConnectionSeed {
  id: string;
  token: string;
  /** Provider name as Makini names it: sap, dynamics, netsuite, maximo, emaint, maintain-x, ... */
  system: string;
  /** Write limit per sliding minute; none when absent. */
  writesPerMinute?: number;
}

export interface StartedSandbox {
  url: string;
  port: number;
  admin: SandboxAdminClient;
  close(): Promise<void>;
}

export interface StartSandboxOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. The admin API answers loopback clients only whatever the host. */
  host?: string;
  connections?: SandboxConnectionSeed[];
  /** Seeds generated keys (default: random), so a run's keys can be reproduced. */
  seed?: number;
  /** Called with one line per request. */
  log?: (line: string) => void;
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<StartedSandbox> {
  const registry = new Registry(opts.seed ?? Math.floor(Math.random() * 2 ** 32));
  // Only the seed's own fields: callers pass richer objects (e.g. DEMO_CONNECTIONS with tokenEnv).
  for (const { id, token, system, writesPerMinute } of opts.connections ?? []) {
    registry.add(connectionSeedSchema.parse({ id, token, system, writesPerMinute }));
  }
  const closing = new AbortController();
  const server = createSandboxServer({ registry, log: opts.log, signal: closing.signal });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    admin: new SandboxAdminClient(url),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
