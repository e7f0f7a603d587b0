// Starts a real Temporal dev server (SQLite file persistence, Web UI, this project's search
// attributes) and waits until it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/observability/workflow/search-attributes.js';
import { ensureTemporalCli } from './temporal-cli.js';

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  headless?: boolean;
  dbFilename: string;
  namespace?: string;
  logFile?: string;
  uiCodecEndpoint?: string;
  dynamicConfig?: Record<string, unknown>;
  metricsPort?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The server's dynamic config, the same for the dev server and a deployment
 * (deploy/temporal/dynamic-config.yaml; test/unit/deploy-files.test.ts keeps them equal): task
 * queue fairness with exact per-key limits (see temporal-notes), and eager activity execution.
 * Eager: an activity scheduled on the workflow's own task queue comes back with the workflow
 * task's completion instead of through matching; measured on the dev server, a five-activity
 * workflow takes ~300 ms instead of ~550 ms (`npm run bench`, overhead). Paced write calls are
 * on another queue and never eager: their dispatch is the pacing.
 */
export const TEMPORAL_DYNAMIC_CONFIG = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
  'system.enableActivityEagerExecution': true,
};

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = ensureTemporalCli();
  const port = opts.port ?? (await freePort());
  const namespace = opts.namespace ?? 'default';
  mkdirSync(dirname(opts.dbFilename), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--db-filename',
    opts.dbFilename,
    '--log-level',
    'warn',
  ];
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort ?? port + 1000));
  if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.metricsPort) args.push('--metrics-port', String(opts.metricsPort));
  for (const sa of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa.name}=Keyword`);
  for (const [k, v] of Object.entries(opts.dynamicConfig ?? TEMPORAL_DYNAMIC_CONFIG)) {
    args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  }
  let stdio: ('ignore' | number)[] = ['ignore', 'ignore', 'ignore'];
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    const fd = openSync(opts.logFile, 'a');
    stdio = ['ignore', fd, fd];
  }
  const child = spawn(cli, args, { stdio });
  let exited: string | undefined;
  child.on('exit', (code, sig) => {
    exited = `exit ${code ?? sig}`;
  });
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`Temporal dev server stopped during start-up (${exited})${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
      } finally {
        await conn.close();
      }
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server at ${address} did not become ready in 60 s: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    namespace,
    uiUrl: opts.headless ? undefined : `http://127.0.0.1:${opts.uiPort ?? port + 1000}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
