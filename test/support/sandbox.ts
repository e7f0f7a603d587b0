// A sandbox per test file plus the matching connections config and token env for the worker.
import type { ConnectionsFile } from '../../src/config/connections.js';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';

export interface TestConnection {
  id: string;
  system: string;
  /** Leave the system out of the worker's config so it is read from /integrations/current. */
  discoverSystem?: boolean;
  overrides?: Record<string, unknown>;
  /** The worker reads the token from this provider (`tokenProviders` of the worker) instead of the environment. */
  tokenProvider?: string;
  /** The sandbox's write limit AND the worker's configured pacing for it; absent: no limit, no real pacing. */
  writesPerMinute?: number;
  /** The worker reads its token from the OAuth token store (`token: { oauth: true }`). */
  oauth?: boolean;
}

/**
 * Commit horizon of test connections that set none (`overrides.timing`): below any settle delay,
 * so a create looks once after the settle delay before sending again, as tests expect; the tests
 * of the horizon set their own.
 */
const TEST_COMMIT_HORIZON_MS = 100;

/** Pacing of test connections without a limit: high enough never to slow a test. */
const UNLIMITED_WRITES_PER_MINUTE = 60_000;

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
        token: c.oauth ? { oauth: true as const } : c.tokenProvider ? { provider: c.tokenProvider } : { env: envName(c.id) },
        writesPerMinute: c.writesPerMinute ?? UNLIMITED_WRITES_PER_MINUTE,
        ...(c.discoverSystem ? {} : { system: c.system }),
        overrides: {
          ...c.overrides,
          timing: { commitHorizonMs: TEST_COMMIT_HORIZON_MS, ...(c.overrides?.timing as Record<string, unknown> | undefined) },
        },
      })),
    },
  };
}
