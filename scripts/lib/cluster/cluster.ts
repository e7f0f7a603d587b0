// A Temporal server cluster on this machine, without Docker: PostgreSQL (postgres.ts), the schema
// (schema.ts), and frontend, two history hosts, matching and worker as separate processes
// (services.ts) configured by server-config.ts with the compose file's dynamic config; then the
// namespace and the compose file's search attributes, registered by the same script its
// temporal-init service runs. Used by `npm run cluster` and `npm run chaos -- --cluster`.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../node-ts.js';
import { ensureTemporalCli } from '../temporal-cli.js';
import { Postgres } from './postgres.js';
import { setUpSchema } from './schema.js';
import { ensureTemporalServer } from './server-build.js';
import { processSpecs, writeServerConfig, type ClusterPorts } from './server-config.js';
import { ServiceProcess } from './services.js';

const REGISTER_SCRIPT = join(repoRoot, 'deploy', 'temporal', 'register-search-attributes.sh');
/** As auto-setup's default (DEFAULT_NAMESPACE_RETENTION=24h). */
const NAMESPACE_RETENTION_MS = 24 * 3600_000;

export interface ClusterOptions {
  /** Holds config/, logs/ and (unless root has to put it elsewhere, see postgresDirOf) postgres/. Kept across runs. */
  dir: string;
  ports: ClusterPorts;
  postgresPort: number;
  namespace?: string;
  log?: (msg: string) => void;
  /** A service process that exits without being asked to (default: logged). */
  onUnexpectedExit?: (what: string) => void;
}

/** The arguments docker-compose.yml gives its temporal-init service (`Name=Type` per search attribute). */
export function composeSearchAttributeArgs(): string[] {
  const compose = parseYaml(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { command?: string[] }>;
  };
  const args = compose.services['temporal-init']?.command;
  if (!args?.length) throw new Error('docker-compose.yml: service temporal-init has no command (the search attributes to register)');
  return args;
}

/**
 * Where PostgreSQL's files go. It runs as the `postgres` OS user under root, which must be able to
 * reach the folder: inside `clusterDir` when every parent lets others through (a user's cache, a
 * temp folder), else (root's home is closed to other users) under /var/lib/makini-writes/.
 */
export function postgresDirOf(clusterDir: string): string {
  if (process.getuid?.() !== 0) return join(clusterDir, 'postgres');
  for (let p = dirname(clusterDir); ; p = dirname(p)) {
    let mode = 0o755;
    try {
      mode = statSync(p).mode;
    } catch {
      // Not created yet: mkdir will make it 0755.
    }
    if (!(mode & 0o001)) return join('/var/lib/makini-writes', basename(clusterDir), 'postgres');
    if (p === dirname(p)) return join(clusterDir, 'postgres');
  }
}

async function assertPortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (!free) throw new Error(`port 127.0.0.1:${port} is in use (another Temporal server, npm start, or a cluster still running?)`);
  }
}

export class TemporalCluster {
  private constructor(
    readonly address: string,
    readonly namespace: string,
    readonly dir: string,
    readonly postgres: Postgres,
    readonly processes: ServiceProcess[],
    private readonly log: (msg: string) => void,
  ) {}

  /** Builds what is missing, starts everything, and resolves once the namespace and its search attributes are registered. */
  static async start(opts: ClusterOptions): Promise<TemporalCluster> {
    const log = opts.log ?? console.log;
    const namespace = opts.namespace ?? 'default';
    const binaries = ensureTemporalServer(log);
    const cli = ensureTemporalCli(log);
    const { frontend, history, matching, worker } = opts.ports;
    const postgres = Postgres.prepare({ dir: postgresDirOf(opts.dir), port: opts.postgresPort, log });
    // A PostgreSQL of ours left running by an earlier run holds its port: start() restarts it.
    await assertPortsFree([
      ...(postgres.isRunning() ? [] : [opts.postgresPort]),
      frontend.http,
      ...[frontend, ...history, matching, worker].flatMap((p) => [p.grpc, p.membership]),
    ]);
    log(`[cluster] starting PostgreSQL on 127.0.0.1:${opts.postgresPort} (data: ${postgres.dataDir})`);
    postgres.start();
    const db = { host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password };
    try {
      setUpSchema(binaries.sqlTool, db, log);
    } catch (err) {
      postgres.stop('fast');
      throw err;
    }

    const configRoot = join(opts.dir, 'config');
    // During start-up an exit fails the start (waitReady names it); after it, the caller hears of it.
    let started = false;
    const onExit = (what: string) => {
      if (started) (opts.onUnexpectedExit ?? ((w: string) => log(`[cluster] ${w}`)))(what);
    };
    const processes = processSpecs(opts.ports).map((spec) => {
      writeServerConfig(configRoot, spec, opts.ports, db);
      return new ServiceProcess(spec, binaries.server, configRoot, join(opts.dir, 'logs', `${spec.name}.log`), onExit);
    });
    const address = `127.0.0.1:${frontend.grpc}`;
    const cluster = new TemporalCluster(address, namespace, opts.dir, postgres, processes, log);
    try {
      log(
        `[cluster] starting Temporal ${binaries.version}: ${processes.map((p) => p.spec.name).join(', ')} (logs in ${join(opts.dir, 'logs')})`,
      );
      // One process first: on a new database each process would create the cluster's metadata
      // record, and all but one would lose the race and exit. The others read it.
      const [first, ...rest] = processes;
      first!.start();
      await first!.waitReady();
      for (const p of rest) p.start();
      await Promise.all(rest.map((p) => p.waitReady()));
      started = true;
      await cluster.registerNamespace();
      cluster.registerSearchAttributes(cli);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** History host 1 or 2. */
  historyHost(n: 1 | 2): ServiceProcess {
    return this.processes.find((p) => p.spec.name === `history-${n}`)!;
  }

  /** SIGKILLs history host `n`: its shards stay unowned until the other host takes them over (or it comes back). */
  async killHistoryHost(n: 1 | 2): Promise<void> {
    await this.historyHost(n).kill();
  }

  /** Starts history host `n` again (same ports), once it is down; resolves when it listens. */
  async startHistoryHost(n: 1 | 2): Promise<void> {
    const host = this.historyHost(n);
    host.start();
    await host.waitReady();
  }

  /** Restarts PostgreSQL; `immediate` is a crash (every connection cut, recovery from WAL). */
  restartPostgres(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.postgres.restart(mode);
  }

  /** Stops every service (SIGTERM, then SIGKILL), then PostgreSQL. */
  async stop(): Promise<void> {
    // Frontend first: no new requests while history and matching drain.
    for (const p of this.processes.filter((s) => s.spec.service === 'frontend')) await p.stop();
    await Promise.all(this.processes.filter((s) => s.spec.service !== 'frontend').map((p) => p.stop()));
    this.postgres.stop('fast');
  }

  /** For an `exit` handler (no waiting there): SIGKILL every service, stop PostgreSQL at once. */
  killNow(): void {
    for (const p of this.processes) p.killNow();
    try {
      this.postgres.stop('immediate');
    } catch {
      // Best effort: the next start stops a server left running.
    }
  }

  /** Registers the namespace (as auto-setup does) once the frontend answers, then waits until it is served. */
  private async registerNamespace(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      let conn: Connection | undefined;
      try {
        conn = await Connection.connect({ address: this.address, connectTimeout: 2_000 });
        try {
          await conn.workflowService.describeNamespace({ namespace: this.namespace });
          this.log(`[cluster] namespace ${this.namespace} is served`);
          return;
        } catch (err) {
          if ((err as { code?: number }).code !== 5 /* NOT_FOUND */) throw err;
        }
        await conn.workflowService
          .registerNamespace({ namespace: this.namespace, workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION_MS) })
          .then(() => this.log(`[cluster] registered namespace ${this.namespace}`))
          .catch((err: { code?: number }) => {
            if (err.code !== 6 /* ALREADY_EXISTS */) throw err;
          });
      } catch (err) {
        last = err;
      } finally {
        await conn?.close().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    throw new Error(
      `the cluster's frontend at ${this.address} did not serve namespace ${this.namespace} in ${timeoutMs / 1000} s: ${(last as Error)?.message}`,
    );
  }

  /** docker-compose.yml's temporal-init: its script, with its arguments, run by the pinned `temporal` CLI. */
  private registerSearchAttributes(cli: string): void {
    const r = spawnSync('sh', [REGISTER_SCRIPT, ...composeSearchAttributeArgs()], {
      env: {
        ...process.env,
        PATH: `${dirname(cli)}:${process.env.PATH}`,
        TEMPORAL_ADDRESS: this.address,
        TEMPORAL_NAMESPACE: this.namespace,
        TEMPORAL_INIT_TIMEOUT_S: '120',
      },
      encoding: 'utf8',
    });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (r.status !== 0) throw new Error(`${REGISTER_SCRIPT} failed (exit ${r.status ?? r.signal}): ${out.slice(-2000)}`);
    this.log(`[cluster] ${out.split('\n').at(-1)}`);
  }
}
