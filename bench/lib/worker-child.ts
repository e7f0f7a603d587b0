// A worker in its own process (as ops run it), so that its memory can be measured alone: the
// production worker (main + write-calls), or the baseline worker running bench/workflows. Configured by BENCH_WORKER_CONFIG (JSON); answers IPC messages:
//   { type: 'sample' } → { type: 'sample', memory, workflowThreads, status } after a full GC in
//                        every thread (main: --expose-gc; workflow threads: the inspector)
//   { type: 'status' } → { type: 'status', status, writeCallsStatus } (cheap: no GC)
//   { type: 'records' } → { type: 'records', releases, stalls } (recordReleases only: bench/lib/paced-releases.ts)
//   { type: 'stop' }   → drains and exits.
import { NativeConnection, Worker, type WorkerStatus } from '@temporalio/worker';
import { benchActivities } from '../workflows/activities.js';
import { createProductionWorker, installBenchRuntime, installReleaseRecordingRuntime } from './production-worker.js';
import { recordEventLoopStalls, type EventLoopStall, type PacedRelease } from './paced-releases.js';
import { WorkerThreadHeaps, type ThreadHeaps } from './thread-heaps.js';
import { workerConfig, type BenchConnection } from './worker-config.js';
import type { ConnectionPolicyInput } from '../../src/connections/workflow/control-state.js';

export interface ChildConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  makiniBaseUrl: string;
  conns: BenchConnection[];
  bundlePath: string;
  kind: 'production' | 'baseline';
  /** Production only: the policy a control workflow starts with when this worker starts it. */
  connectionPolicy?: ConnectionPolicyInput;
  /** Production only: keep the gate's record of each paced write call it lets go, and the event loop's stalls. */
  recordReleases?: boolean;
}

export type ChildMessage =
  | { type: 'ready'; maxCachedWorkflows: number; pid: number }
  | { type: 'status'; status: WorkerStatus; writeCallsStatus?: WorkerStatus }
  | { type: 'records'; releases: PacedRelease[]; stalls: EventLoopStall[] }
  | { type: 'sample'; memory: NodeJS.MemoryUsage; workflowThreads: ThreadHeaps; status: WorkerStatus; writeCallsStatus?: WorkerStatus };

const send = (m: ChildMessage) => process.send!(m);

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('worker-child needs node --expose-gc');
  for (let i = 0; i < 3; i += 1) gc();
}

/** The bench's own workflows (a bare timer) with default worker options: Temporal's own cost. */
async function createBaselineWorker(cfg: ChildConfig): Promise<{ worker: Worker; writeCalls?: Worker; connection: NativeConnection }> {
  installBenchRuntime();
  const connection = await NativeConnection.connect({ address: cfg.address });
  const worker = await Worker.create({
    connection,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    workflowBundle: { codePath: cfg.bundlePath },
    activities: benchActivities,
  });
  return { worker, connection };
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '') as ChildConfig;
  const releases: PacedRelease[] = [];
  const stalls: EventLoopStall[] = [];
  if (cfg.recordReleases) {
    // Before the worker is created: it installs the quiet runtime only if none is.
    installReleaseRecordingRuntime(releases);
    recordEventLoopStalls(stalls);
  }
  const { worker, writeCalls, connection } =
    cfg.kind === 'production'
      ? await createProductionWorker({
          address: cfg.address,
          namespace: cfg.namespace,
          taskQueue: cfg.taskQueue,
          makiniBaseUrl: cfg.makiniBaseUrl,
          ...workerConfig(cfg.conns),
          ...(cfg.connectionPolicy ? { connectionPolicy: cfg.connectionPolicy } : {}),
          workflowBundle: { codePath: cfg.bundlePath },
        })
      : await createBaselineWorker(cfg);
  const threads = new WorkerThreadHeaps();
  await threads.start();
  const running = worker.run();
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'sample') {
      void threads.collectAndMeasure().then((workflowThreads) => {
        fullGc();
        send({
          type: 'sample',
          memory: process.memoryUsage(),
          workflowThreads,
          status: worker.getStatus(),
          writeCallsStatus: writeCalls?.getStatus(),
        });
      });
    } else if (msg.type === 'status') {
      send({ type: 'status', status: worker.getStatus(), writeCallsStatus: writeCalls?.getStatus() });
    } else if (msg.type === 'records') {
      send({ type: 'records', releases, stalls });
    } else if (msg.type === 'stop' && worker.getState() === 'RUNNING') {
      worker.shutdown();
    }
  });
  // The benchmark went away (crashed or gave up): do not outlive it.
  process.on('disconnect', () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    setTimeout(() => process.exit(1), 10_000).unref();
  });
  send({ type: 'ready', maxCachedWorkflows: worker.options.maxCachedWorkflows, pid: process.pid });
  await running;
  await connection.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(`[bench worker] ${(err as Error).stack ?? err}`);
  process.exit(1);
});
