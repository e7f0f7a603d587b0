// Everything a benchmark runs against: a real Temporal dev server (temp SQLite file) or a given
// one, the Makini sandbox over HTTP, a client, and production or bench workers on demand.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { freePort, startDevServer, type DevServer } from '../../scripts/lib/dev-server.js';
import { writeCallsQueueOf } from '../../src/connections/workflow/gate-policy.js';
import { buildMakiniActivities } from '../../src/composition/compose.js';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { benchActivities } from '../workflows/activities.js';
import { bundleProductionWorkflows, createProductionWorker, installBenchRuntime } from './production-worker.js';
import { workerConfig, type BenchConnection } from './worker-config.js';
import { sum } from './stats.js';

export { workerConfig, type BenchConnection } from './worker-config.js';

/** A connection rate so high (950 writes/s after headroom) that pacing never holds a write back. */
export const UNPACED_WRITES_PER_MINUTE = 60_000;

export interface RunningWorker {
  worker: Worker;
  /** Shuts the worker down and waits until it has stopped. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Use this Temporal server instead of starting one (the tests' shared dev server). */
  address?: string;
  namespace?: string;
  log?: (line: string) => void;
}

const BENCH_WORKFLOWS_PATH = new URL('../workflows/index.ts', import.meta.url).pathname;

/** Installs this process's runtime with a metrics endpoint, unless a runtime is already installed. */
async function installRuntimeWithMetrics(): Promise<string | undefined> {
  try {
    const address = installBenchRuntime(`127.0.0.1:${await freePort()}`);
    return address ? `http://${address}/metrics` : undefined;
  } catch {
    return undefined; // a runtime was installed before the stack (a test's own): no worker metrics
  }
}

export class BenchStack {
  private productionBundle?: Promise<WorkflowBundleWithSourceMap>;
  private benchBundle?: Promise<WorkflowBundleWithSourceMap>;
  private readonly workers = new Set<RunningWorker>();

  private constructor(
    readonly address: string,
    readonly namespace: string,
    readonly client: Client,
    private readonly clientConnection: Connection,
    readonly sandbox: StartedSandbox,
    readonly dir: string,
    private readonly devServer: DevServer | undefined,
    /** Progress lines (not results). */
    readonly log: (line: string) => void,
    /** The in-process workers' SDK metrics (Prometheus text); undefined when the runtime was installed before the stack. */
    readonly metricsUrl: string | undefined,
  ) {}

  static async start(opts: StackOptions = {}): Promise<BenchStack> {
    const dir = mkdtempSync(join(tmpdir(), 'makini-writes-bench-'));
    let devServer: DevServer | undefined;
    let address = opts.address;
    let namespace = opts.namespace ?? 'default';
    if (!address) {
      devServer = await startDevServer({ headless: true, dbFilename: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log') });
      ({ address, namespace } = devServer);
      opts.log?.(`Temporal dev server at ${address} (SQLite ${join(dir, 'temporal.db')})`);
    }
    const sandbox = await startSandbox({ seed: 1 });
    const connection = await Connection.connect({ address });
    const metricsUrl = await installRuntimeWithMetrics();
    return new BenchStack(
      address,
      namespace,
      new Client({ connection, namespace }),
      connection,
      sandbox,
      dir,
      devServer,
      opts.log ?? (() => undefined),
      metricsUrl,
    );
  }

  /**
   * Registers a sandbox connection with a fresh token. `sandboxLimit`: writes/min the sandbox
   * admits (none by default). `configuredRate`: writes/min in the worker's connection config, what
   * the product paces writes at; default UNPACED_WRITES_PER_MINUTE so that only the rate-limit
   * benchmark measures pacing.
   */
  async connection(id: string, system: string, rates: { sandboxLimit?: number; configuredRate?: number } = {}): Promise<BenchConnection> {
    const token = `bench-${randomUUID()}`;
    await this.sandbox.admin.addConnection({ id, token, system, writesPerMinute: rates.sandboxLimit });
    return {
      id,
      system,
      token,
      tokenEnv: `MAKINI_TOKEN_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
      writesPerMinute: rates.configuredRate ?? UNPACED_WRITES_PER_MINUTE,
      ...(rates.sandboxLimit !== undefined ? { sandboxLimit: rates.sandboxLimit } : {}),
    };
  }

  taskQueue(prefix: string): string {
    return `bench-${prefix}-${randomUUID().slice(0, 8)}`;
  }

  workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
    this.productionBundle ??= bundleProductionWorkflows();
    return this.productionBundle;
  }

  benchWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
    this.benchBundle ??= bundleWorkflowCode({ workflowsPath: BENCH_WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
    return this.benchBundle;
  }

  /** A bundle written to a file, for worker processes started by a benchmark. */
  async bundleFile(kind: 'production' | 'baseline'): Promise<string> {
    const path = join(this.dir, `${kind}-workflows.js`);
    writeFileSync(path, (await (kind === 'production' ? this.workflowBundle() : this.benchWorkflowBundle())).code);
    return path;
  }

  /** A production worker serving `conns` on `taskQueue`, running until `stop()`. */
  async productionWorker(taskQueue: string, conns: readonly BenchConnection[]): Promise<RunningWorker> {
    const { worker, connection } = await createProductionWorker({
      address: this.address,
      namespace: this.namespace,
      taskQueue,
      makiniBaseUrl: this.sandbox.url,
      ...workerConfig(conns),
      workflowBundle: await this.workflowBundle(),
    });
    return this.run(worker, connection);
  }

  /** A worker running the bench's own workflows (bench/workflows) with the no-op and Makini activities. */
  async benchWorker(taskQueue: string, conns: readonly BenchConnection[] = []): Promise<RunningWorker> {
    installBenchRuntime();
    const connection = await NativeConnection.connect({ address: this.address });
    const worker = await Worker.create({
      connection,
      namespace: this.namespace,
      taskQueue,
      workflowBundle: await this.benchWorkflowBundle(),
      activities: {
        ...benchActivities,
        ...buildMakiniActivities({
          settings: { MAKINI_BASE_URL: this.sandbox.url, MAKINI_REQUEST_TIMEOUT_MS: 20_000 },
          ...workerConfig(conns),
        }),
      },
    });
    return this.run(worker, connection);
  }

  /** Tasks waiting in a task queue (workflow and activity), and in its write-calls queue. */
  async backlog(taskQueue: string): Promise<number> {
    const { TaskQueueType } = proto.temporal.api.enums.v1;
    const queues = [
      [taskQueue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
      [taskQueue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
      [writeCallsQueueOf(taskQueue), TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
    ] as const;
    const counts = await Promise.all(
      queues.map(async ([name, taskQueueType]) => {
        const res = await this.client.workflowService.describeTaskQueue({
          namespace: this.namespace,
          taskQueue: { name },
          taskQueueType,
          reportStats: true,
        });
        return Number(res.stats?.approximateBacklogCount ?? 0);
      }),
    );
    return sum(counts);
  }

  private run(worker: Worker, connection: NativeConnection): RunningWorker {
    let failure: unknown;
    const running = worker.run().catch((err: unknown) => {
      failure = err;
      this.log(`worker on ${worker.options.taskQueue} failed: ${(err as Error).stack ?? err}`);
    });
    let stopped: Promise<void> | undefined;
    const handle: RunningWorker = {
      worker,
      stop: () =>
        (stopped ??= (async () => {
          this.workers.delete(handle);
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
          await connection.close();
          if (failure) throw failure;
        })()),
    };
    this.workers.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    try {
      for (const w of [...this.workers]) await w.stop().catch(() => undefined); // already logged
      await this.clientConnection.close();
      await this.sandbox.close();
    } finally {
      await this.devServer?.stop();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
