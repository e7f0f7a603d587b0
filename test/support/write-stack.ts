// The stack every integration test writes through: a sandbox with its connections, a unique task
// queue, a running production worker on it and a client, with ONE stop() that shuts them all down.
import type { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { startTestSandbox, type TestConnection, type TestSandbox } from './sandbox.js';
import { connectClient, createProductionWorker, uniqueTaskQueue, type TestWorkerOptions } from './temporal.js';

export interface WriteStackOptions {
  /** The sandbox's connections, and the worker's connections config made from them. */
  connections: TestConnection[];
  /** Prefix of the unique task queue (default 'test'). */
  taskQueuePrefix?: string;
  /** Another server than the shared one (tests that restart their own): worker and client both use it. */
  address?: string;
  /** The codec of the worker AND of the stack's client (a client without it: `new Client({ connection: stack.connection })`). */
  dataConverter?: DataConverter;
  /**
   * More options of the production worker; `false`: no worker in this process (the test runs its
   * own, e.g. the worker process).
   */
  worker?: Omit<TestWorkerOptions, 'taskQueue' | 'makiniBaseUrl' | 'connections' | 'env' | 'address' | 'dataConverter'> | false;
  /** Runs once the sandbox is up, before the worker is created (e.g. Runtime.install with the sandbox's tokens as secrets). */
  beforeWorker?: (sb: TestSandbox) => void | Promise<void>;
}

export interface WriteStackWithoutWorker {
  sb: TestSandbox;
  taskQueue: string;
  client: Client;
  /** The client's connection (for other clients on it; closed by stop()). */
  connection: Connection;
  /** Shuts the worker down and waits for it, closes its connection, the client's and the sandbox (rethrows the first failure). */
  stop(): Promise<void>;
}

export interface WriteStack extends WriteStackWithoutWorker {
  /** Running (its run() is awaited by stop()). */
  worker: Worker;
  workerConnection: NativeConnection;
}

/** Starts the stack; if a part fails to start, the parts already started are stopped before the error is thrown. */
export async function startWriteStack(opts: WriteStackOptions & { worker: false }): Promise<WriteStackWithoutWorker>;
export async function startWriteStack(opts: WriteStackOptions): Promise<WriteStack>;
export async function startWriteStack(opts: WriteStackOptions): Promise<WriteStack | WriteStackWithoutWorker> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    let failure: unknown;
    for (const s of stops.splice(0).reverse()) {
      try {
        await s();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  };
  try {
    const taskQueue = uniqueTaskQueue(opts.taskQueuePrefix);
    const sb = await startTestSandbox(opts.connections);
    stops.push(() => sb.sandbox.close());
    await opts.beforeWorker?.(sb);

    const { client, connection } = await connectClient({ address: opts.address, dataConverter: opts.dataConverter });
    stops.push(() => connection.close());

    let started: { worker: Worker; workerConnection: NativeConnection } | undefined;
    if (opts.worker !== false) {
      const { worker, connection: workerConnection } = await createProductionWorker({
        ...opts.worker,
        taskQueue,
        makiniBaseUrl: sb.sandbox.url,
        connections: sb.connections,
        env: sb.env,
        address: opts.address,
        dataConverter: opts.dataConverter,
      });
      const running = worker.run();
      stops.push(async () => {
        // A worker that failed (its run() rejected) is no longer running: nothing to shut down.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await workerConnection.close();
        }
      });
      started = { worker, workerConnection };
    }

    return { sb, taskQueue, client, connection, stop, ...started };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
