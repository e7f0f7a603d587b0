// A sandbox per test file plus the matching connections config and token env for the worker.
import type { ConnectionsFile } from '../../src/config/connections.js';
import { startSandbox, type StartedSandbox } from '../../src/sandbox/index.js';

export interface TestConnection {
  id: string;
  system: string;
  /** Leave the system out of the worker's config so it is read from /integrations/current. */
  discoverSystem?: boolean;
  overrides?: Record<string, unknown>;
  writesPerMinute?: number;
}

export interface TestSandbox {
  sandbox: StartedSandbox;
  connections: ConnectionsFile;
  env: NodeJS.ProcessEnv;
  tokens: Record<string, string>;
}

const envName = (id: string) => `MAKINI_TOKEN_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

export async function startTestSandbox(conns: TestConnection[]): Promise<TestSandbox> {
  const tokens = Object.fromEntries(conns.map((c) => [c.id, `tok-${c.id}-${Math.random().toString(36).slice(2)}`]));
  const sandbox = await startSandbox({
    connections: conns.map((c) => ({ id: c.id, token: tokens[c.id]!, system: c.system, writesPerMinute: c.writesPerMinute })),
  });
  return {
    sandbox,
    tokens,
    env: Object.fromEntries(conns.map((c) => [envName(c.id), tokens[c.id]])),
    connections: {
      connections: conns.map((c) => ({
        id: c.id,
        token: { env: envName(c.id) },
        ...(c.discoverSystem ? {} : { system: c.system }),
        ...(c.overrides ? { overrides: c.overrides } : {}),
      })),
    },
  };
}
