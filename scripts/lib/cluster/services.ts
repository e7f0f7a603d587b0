// One Temporal service (frontend, a history host, matching, worker) as its own OS process of the
// server binary, with its own config folder and log file: SIGKILL really kills that one host,
// and starting it again brings the same host back (same ports, same identity in the membership).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { CONFIG_ENV, type ServiceProcessSpec } from './server-config.js';

export class ServiceProcess {
  private child?: ChildProcess;
  private exit?: Promise<void>;
  /** Set when the process ended without being asked to (a crash is a finding). */
  private unexpectedExit?: string;
  private stopping = false;

  constructor(
    readonly spec: ServiceProcessSpec,
    private readonly serverBinary: string,
    /** Folder holding `<spec.name>/cluster.yaml` (server-config.ts). */
    private readonly configRoot: string,
    readonly logFile: string,
    private readonly onUnexpectedExit: (what: string) => void = () => undefined,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process; `waitReady` tells when it listens. */
  start(): void {
    if (this.running) throw new Error(`${this.spec.name} is already running (pid ${this.pid})`);
    mkdirSync(dirname(this.logFile), { recursive: true });
    const fd = openSync(this.logFile, 'a');
    this.stopping = false;
    this.unexpectedExit = undefined;
    const child = spawn(
      this.serverBinary,
      [
        '--root',
        this.configRoot,
        '--config',
        this.spec.name,
        '--env',
        CONFIG_ENV,
        '--allow-no-auth',
        'start',
        '--service',
        this.spec.service,
      ],
      { stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.stopping) {
          this.unexpectedExit = `${this.spec.name} (pid ${child.pid}) exited on its own (${signal ?? `exit ${code}`}); see ${this.logFile}`;
          this.onUnexpectedExit(this.unexpectedExit);
        }
        resolve();
      }),
    );
  }

  /** Resolves once the gRPC port accepts connections; throws if the process exits first or `timeoutMs` passes. */
  async waitReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // The worker service serves no gRPC API of its own: it is up once it listens for the membership.
    const port = this.spec.service === 'worker' ? this.spec.ports.membership : this.spec.ports.grpc;
    while (!(await accepts(port))) {
      if (this.unexpectedExit) throw new Error(`${this.unexpectedExit}; its last words: ${this.lastWords()}`);
      if (!this.running) throw new Error(`${this.spec.name} is not running; see ${this.logFile}`);
      if (Date.now() > deadline)
        throw new Error(`${this.spec.name} did not listen on 127.0.0.1:${port} in ${timeoutMs / 1000} s; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGKILL: the host dies at once, mid-whatever (what a crash or an OOM kill does). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.child!.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM (the server drains: shards handed over, pollers released), SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    this.child!.kill('SIGTERM');
    await this.exit;
    clearTimeout(timer);
  }

  /** The end of the log, for an error message (the log's folder may be gone by the time someone reads it). */
  lastWords(): string {
    try {
      const lines = readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-3);
      // Server log lines are JSON with a stack trace; the message and error are what tell.
      return lines
        .map((l) => {
          try {
            const j = JSON.parse(l) as { msg?: string; error?: string };
            return `${j.msg ?? ''}${j.error ? `: ${j.error}` : ''}`;
          } catch {
            return l;
          }
        })
        .join(' | ')
        .slice(-1500);
    } catch {
      return '(no log)';
    }
  }

  /** For an `exit` handler: no waiting possible there. */
  killNow(): void {
    this.stopping = true;
    if (this.running) this.child!.kill('SIGKILL');
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
