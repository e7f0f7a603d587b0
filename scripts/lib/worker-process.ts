// The production worker as a separate OS process (what ops run), for tests and the chaos run:
// SIGKILL really kills it, SIGTERM really drains it.
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeTs } from './node-ts.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Exit code, or null when killed by a signal. */
  exited: Promise<number | null>;
}

/** Starts `src/worker.ts` with `env` added; resolves once it polls (or has exited). */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, readyTimeoutMs = 90_000): Promise<WorkerProcess> {
  const child = spawn(...nodeTs('src/worker.ts'), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const started = Date.now();
  while (!done && !out.includes('[worker] polling')) {
    if (Date.now() - started > readyTimeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start in ${readyTimeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out, exited };
}
