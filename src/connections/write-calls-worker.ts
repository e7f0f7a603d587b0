// The worker of the write-calls activity task queue (paced per connection by task queue fairness)
// and the queue's rate configuration. A deployment runs it beside every main worker.
import temporalProto from '@temporalio/proto';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { FAIRNESS_KEY_RPS_DEFAULT, writeCallsQueueOf } from './workflow/gate-policy.js';

const { TaskQueueType } = temporalProto.temporal.api.enums.v1;

/**
 * Sets the per-fairness-key rate of the write-calls queue beside `taskQueue` (idempotent; each
 * worker sets it at start). Same as `temporal task-queue config set --task-queue <q>-write-calls
 * --task-queue-type activity --fairness-key-rps-limit-default 1`.
 */
export async function configureWriteCallsQueue(
  connection: Pick<NativeConnection, 'workflowService'>,
  namespace: string,
  taskQueue: string,
): Promise<void> {
  await connection.workflowService.updateTaskQueueConfig({
    namespace,
    identity: 'makini-writes worker',
    taskQueue: writeCallsQueueOf(taskQueue),
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    updateFairnessKeyRateLimitDefault: {
      rateLimit: { requestsPerSecond: FAIRNESS_KEY_RPS_DEFAULT },
      reason: 'makini-writes: a write call with fairness weight w runs at w writes/s for its connection',
    },
  });
}

/** Options of the write-calls worker: the main worker's, without workflows. */
export type WriteCallsWorkerOptions = Omit<WorkerOptions, 'workflowsPath' | 'workflowBundle' | 'taskQueue'> & { taskQueue: string };

/** Configures the write-calls queue and creates its worker (activities only). */
export async function createWriteCallsWorker(opts: WriteCallsWorkerOptions): Promise<Worker> {
  await configureWriteCallsQueue(opts.connection!, opts.namespace ?? 'default', opts.taskQueue);
  return Worker.create({ ...opts, taskQueue: writeCallsQueueOf(opts.taskQueue) });
}

/**
 * Makes `main.run()` run `writes` too and stop it when main stops, so code that only knows the
 * main worker (`run`, `runUntil`, `shutdown`) drives both. If `writes` fails, main stops and rethrows.
 */
export function runAlongside(main: Worker, writes: Worker): void {
  const runMain = main.run.bind(main);
  main.run = async () => {
    let failure: unknown;
    const running = writes.run().catch((err: unknown) => {
      failure = err;
      if (main.getState() === 'RUNNING') main.shutdown();
    });
    try {
      await runMain();
    } finally {
      if (writes.getState() === 'RUNNING') writes.shutdown();
      await running;
    }
    if (failure) throw failure;
  };
}
