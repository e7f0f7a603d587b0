// Parent side of bench/lib/worker-child.ts: starts a worker (production or baseline) as its own
// process and asks it for its status and memory samples over IPC.
import { spawn } from 'node:child_process';
import { nodeTs } from '../../scripts/lib/node-ts.js';
import type { ChildConfig, ChildMessage } from './worker-child.js';

export type MemorySample = Extract<ChildMessage, { type: 'sample' }>;
export type StatusSample = Extract<ChildMessage, { type: 'status' }>;
export type RecordsSample = Extract<ChildMessage, { type: 'records' }>;

export interface ChildWorker {
  pid: number;
  maxCachedWorkflows: number;
  /** Memory after a full GC in every thread, and the workers' status. */
  sample(): Promise<MemorySample>;
  /** The workers' status only. */
  status(): Promise<StatusSample>;
  /** What a worker started with `recordReleases` recorded (empty otherwise). */
  records(): Promise<RecordsSample>;
  stop(): Promise<void>;
}

export async function startChildWorker(cfg: ChildConfig, readyTimeoutMs = 120_000): Promise<ChildWorker> {
  const [node, args] = nodeTs('bench/lib/worker-child.ts');
  const child = spawn(node, ['--expose-gc', ...args], {
    env: { ...process.env, BENCH_WORKER_CONFIG: JSON.stringify(cfg) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Kept for error messages only: the worker logs nothing a benchmark reader needs.
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = <T extends ChildMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`bench worker sent no "${type}" in ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: ChildMessage) => {
        if (m.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m as Extract<ChildMessage, { type: T }>);
      };
      child.on('message', onMessage);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`bench worker exited (${code}) before "${type}":\n${output}`));
      });
    });
  const ready = await next('ready', readyTimeoutMs).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    pid: ready.pid,
    maxCachedWorkflows: ready.maxCachedWorkflows,
    sample: () => {
      const answer = next('sample', 120_000);
      child.send({ type: 'sample' });
      return answer;
    },
    status: () => {
      const answer = next('status', 30_000);
      child.send({ type: 'status' });
      return answer;
    },
    records: () => {
      const answer = next('records', 30_000);
      child.send({ type: 'records' });
      return answer;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
