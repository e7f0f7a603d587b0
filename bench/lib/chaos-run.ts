// The chaos run: many PO creates against the sandbox's seeded random faults while worker
// processes are SIGKILLed, two workers run at once and the Temporal server restarts. At the end
// the sandbox's state is the judge: every PO exactly once with exactly its lines, every failure
// non-retryable and named, nothing left running.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { freePort, startDevServer, type DevServer } from '../../scripts/lib/dev-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/lib/worker-process.js';
import { startCreatePurchaseOrder, type CreatePurchaseOrderInput, type CreatePurchaseOrderResult } from '../../src/client/index.js';
import { MakiniFailureType, WriteFailureType } from '../../src/failures.js';
import { mulberry32 } from '../../sandbox/prng.js';
import { startSandbox, type ChaosConfig, type StartedSandbox } from '../../sandbox/index.js';

export interface ChaosOptions {
  writes: number;
  seed: number;
  /** SIGKILLs of a worker process during the run. */
  kills: number;
  /** Restart the Temporal server once, mid-run. */
  restartServer: boolean;
  /** Give up waiting for writes to finish after this long. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  options: ChaosOptions;
  elapsedMs: number;
  bySystem: Record<string, { writes: number; completed: number; failed: number; lines: number }>;
  failuresByType: Record<string, number>;
  /** Each failed write and its reason. */
  failures: string[];
  faultsInjected: Record<string, number>;
  requests: number;
  kills: number;
  serverRestarts: number;
  maxWorkersAtOnce: number;
  violations: string[];
}

const CONNECTIONS = [
  { id: 'chaos-sap', system: 'sap', token: 'chaos-token-sap', env: 'MAKINI_TOKEN_CHAOS_SAP' },
  { id: 'chaos-dynamics', system: 'dynamics', token: 'chaos-token-dynamics', env: 'MAKINI_TOKEN_CHAOS_DYNAMICS' },
  { id: 'chaos-netsuite', system: 'netsuite', token: 'chaos-token-netsuite', env: 'MAKINI_TOKEN_CHAOS_NETSUITE' },
] as const;

/** Faults per request: roughly one Makini call in five misbehaves. */
export const CHAOS_RATES: ChaosConfig['rates'] = {
  serverError: 0.05, rateLimit: 0.04, commitThenFail: 0.03, commitThenDrop: 0.02, slow: 0.02, drop: 0.02,
  htmlError: 0.01, emptyError: 0.01, malformedSuccess: 0.01,
};
/** Slow answers take longer than the worker's request timeout: the client gives up, the write lands. */
const SLOW_MS = 2_500;
const REQUEST_TIMEOUT_MS = 1_000;

/** Failure types a write may end with for a non-retryable reason the failure names. */
const ACCEPTED_FAILURES = new Set<string>([
  WriteFailureType.restrictionViolated, WriteFailureType.compensated, WriteFailureType.retryBudgetExhausted,
  WriteFailureType.invalidInput, MakiniFailureType.rejected, MakiniFailureType.malformedResponse,
]);

interface Planned {
  input: CreatePurchaseOrderInput;
  system: string;
  lines: number;
  /** Written to break a rule of its system: must fail before any write. */
  forbidden: boolean;
}

/** The writes of a run, the same for the same seed. */
export function planWrites(count: number, seed: number, runId: string): Planned[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const c = CONNECTIONS[Math.floor(random() * CONNECTIONS.length)]!;
    const lines = 1 + Math.floor(random() ** 2 * 30); // mostly small, some up to 30
    const forbidden = random() < 0.04;
    const header: Record<string, unknown> = { vendorKey: 'V-100', siteKey: '1000', currencyKey: 'EUR', title: `chaos ${i}` };
    if (forbidden) header.totalNetValue = 1; // read-only everywhere
    return {
      system: c.system, lines, forbidden,
      input: {
        connectionId: c.id, idempotencyKey: `${runId}-${i}`,
        purchaseOrder: { ...header, lineItems: Array.from({ length: lines }, (_, l) => ({ materialKey: `mat-${(l % 3) + 1}`, name: `part ${l + 1}`, quantity: l + 1, price: 1 + l })) },
      } as CreatePurchaseOrderInput,
    };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'makini-writes-chaos-'));
  const violations: string[] = [];
  const started = Date.now();
  const workers = new Set<WorkerProcess>();
  let server: DevServer | undefined;
  let sandbox: StartedSandbox | undefined;
  let connection: Connection | undefined;
  let kills = 0;
  let serverRestarts = 0;
  let maxWorkersAtOnce = 0;
  try {
    const dbFilename = join(dir, 'temporal.db');
    const port = await freePort();
    server = await startDevServer({ headless: true, dbFilename, port, logFile: join(dir, 'temporal.log') });
    sandbox = await startSandbox({ seed: options.seed, connections: CONNECTIONS.map(({ id, token, system }) => ({ id, token, system })) });
    await sandbox.admin.setChaos('*', { seed: options.seed, rates: CHAOS_RATES, slowMs: SLOW_MS, retryAfterSeconds: 1 });
    const connectionsFile = join(dir, 'connections.json');
    // The sandbox sets no write limit here: pacing at the profiles' rates would only slow the run (docs/connections.md).
    writeFileSync(connectionsFile, JSON.stringify({ connections: CONNECTIONS.map((c) => ({ id: c.id, system: c.system, token: { env: c.env }, writesPerMinute: 60_000 })) }));
    const taskQueue = `chaos-${options.seed}`;
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(CONNECTIONS.map((c) => [c.env, c.token])),
      TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: taskQueue,
      MAKINI_BASE_URL: sandbox.url, MAKINI_CONNECTIONS_FILE: connectionsFile,
      MAKINI_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), WORKER_SHUTDOWN_GRACE_MS: '1000', LOG_LEVEL: 'WARN',
    };
    const addWorker = async () => {
      const w = await startWorkerProcess(env);
      workers.add(w);
      void w.exited.then(() => workers.delete(w));
      maxWorkersAtOnce = Math.max(maxWorkersAtOnce, workers.size);
      return w;
    };
    const kill = async (w: WorkerProcess) => {
      w.child.kill('SIGKILL');
      await w.exited;
      kills++;
      log(`SIGKILL worker (pid ${w.child.pid}); ${workers.size} left`);
    };

    let first = await addWorker();
    const connect = async () => {
      connection = await Connection.connect({ address: server!.address });
      return new Client({ connection, namespace: 'default' });
    };
    let client = await connect();
    const runId = `r${options.seed}-${Date.now().toString(36)}`;
    const planned = planWrites(options.writes, options.seed, runId);
    const handles: WorkflowHandle[] = [];
    // Started 25 at a time, as a busy service would: one by one, starting would be the bottleneck.
    for (let i = 0; i < planned.length; i += 25) {
      handles.push(...await Promise.all(planned.slice(i, i + 25).map((p) => startCreatePurchaseOrder(client, p.input, { taskQueue }))));
    }
    log(`started ${planned.length} writes on ${CONNECTIONS.length} connections`);

    // Writes only: the per-connection control workflows (connectionControl) live on by design.
    const runningCount = async (): Promise<number> => {
      let n = 0;
      for await (const _ of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND WorkflowType = "createPurchaseOrder" AND ExecutionStatus = "Running"` })) n++;
      return n;
    };
    // The disruption schedule, by share of writes finished.
    const plan: { at: number; what: string; act: () => Promise<void> }[] = [];
    for (let k = 0; k < options.kills; k++) {
      plan.push({ at: (k + 1) / (options.kills + 2), what: 'kill a worker and start a new one', act: async () => {
        const victim = [...workers][0] ?? first;
        await kill(victim);
        first = await addWorker();
      } });
    }
    plan.push({ at: 0.15, what: 'start a second worker', act: async () => { await addWorker(); } });
    if (options.restartServer) {
      plan.push({ at: 0.5, what: 'restart the Temporal server', act: async () => {
        await connection?.close();
        await server!.stop();
        server = await startDevServer({ headless: true, dbFilename, port, logFile: join(dir, 'temporal.log') });
        serverRestarts++;
        client = await connect();
      } });
    }
    plan.sort((a, b) => a.at - b.at);

    const deadline = started + options.timeoutMs;
    let lastLog = 0;
    for (;;) {
      const running = await runningCount().catch((err: unknown) => { log(`cannot count running writes: ${(err as Error).message}`); return -1; });
      if (running === 0) break;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`${running} of ${planned.length} writes running, ${workers.size} worker(s), ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
      const doneShare = running < 0 ? 0 : 1 - running / planned.length;
      while (plan[0] && doneShare >= plan[0].at) {
        const step = plan.shift()!;
        log(`${Math.round(doneShare * 100)}% done: ${step.what}`);
        await step.act();
      }
      if (Date.now() > deadline) {
        violations.push(`${running} writes still running after ${options.timeoutMs} ms`);
        break;
      }
      await sleep(1_000);
    }
    for (const step of plan) log(`not reached: ${step.what}`);
    // Every disruption must have happened, or the run proved less than it claims.
    if (options.kills > kills) violations.push(`only ${kills} of ${options.kills} worker kills happened`);
    if (options.restartServer && serverRestarts === 0) violations.push('the server restart was never reached');

    // The judge: the sandbox's own state.
    const state = Object.fromEntries(await Promise.all(CONNECTIONS.map(async (c) => [c.id, (await sandbox!.admin.state(c.id)).purchaseOrders] as const)));
    const bySystem: ChaosReport['bySystem'] = {};
    const failuresByType: Record<string, number> = {};
    const failures: string[] = [];
    const ourCodes = new Set(planned.map((p) => p.input.idempotencyKey));
    for (const [id, pos] of Object.entries(state)) {
      for (const po of pos) {
        if (!ourCodes.has(String(po.code))) violations.push(`${id}: PO ${po.key} with unknown code ${po.code}`);
        const lineNos = (po.lineItems ?? []).map((l) => Number(l.lineNo));
        if (new Set(lineNos).size !== lineNos.length) violations.push(`${id}: PO ${po.code} has a duplicate line (lineNos ${lineNos.join(',')})`);
      }
    }
    for (const [i, p] of planned.entries()) {
      const s = (bySystem[p.system] ??= { writes: 0, completed: 0, failed: 0, lines: 0 });
      s.writes++;
      const handle = client.workflow.getHandle(handles[i]!.workflowId);
      const found = state[p.input.connectionId]!.filter((po) => po.code === p.input.idempotencyKey);
      const outcome = await handle.result().then((r: CreatePurchaseOrderResult) => ({ ok: true as const, r }), (e: unknown) => ({ ok: false as const, e }));
      const name = `${p.input.idempotencyKey} (${p.system}, ${p.lines} lines)`;
      if ((await handle.describe()).status.name === 'RUNNING') {
        violations.push(`${name}: still running`);
        continue;
      }
      if (outcome.ok) {
        s.completed++;
        s.lines += p.lines;
        if (p.forbidden) violations.push(`${name}: breaks a rule of ${p.system} yet completed`);
        if (found.length !== 1) { violations.push(`${name}: completed but exists ${found.length} times`); continue; }
        const lineNos = (found[0]!.lineItems ?? []).map((l) => Number(l.lineNo)).sort((a, b) => a - b);
        if (lineNos.join() !== Array.from({ length: p.lines }, (_, l) => l + 1).join()) violations.push(`${name}: has lines ${lineNos.join(',')}`);
        if (outcome.r.purchaseOrderKey !== found[0]!.key) violations.push(`${name}: result names ${outcome.r.purchaseOrderKey}, stored ${found[0]!.key}`);
      } else {
        s.failed++;
        const cause = outcome.e instanceof WorkflowFailedError ? outcome.e.cause : undefined;
        const type = cause instanceof ApplicationFailure ? cause.type ?? 'untyped' : `not an ApplicationFailure: ${String(outcome.e)}`;
        failuresByType[type] = (failuresByType[type] ?? 0) + 1;
        failures.push(`${name}: ${type}: ${cause?.message ?? outcome.e}`);
        if (!(cause instanceof ApplicationFailure) || !cause.nonRetryable || !ACCEPTED_FAILURES.has(type)) {
          violations.push(`${name}: failed for an unexpected reason: ${type}: ${cause?.message ?? outcome.e}`);
        }
        if (!cause?.message) violations.push(`${name}: failure without a message`);
        // A failed write leaves nothing behind, or a header it cancelled (NetSuite: closed).
        const leftovers = found.filter((po) => po.status !== 'cancelled' && po.status !== 'closed');
        if (found.length > 1 || leftovers.length) violations.push(`${name}: failed (${type}) but left ${found.length} PO(s), status ${found.map((f) => f.status).join(',')}`);
        if (p.forbidden && type !== WriteFailureType.restrictionViolated) violations.push(`${name}: forbidden write failed with ${type}`);
      }
    }
    const faultsInjected: Record<string, number> = {};
    let requests = 0;
    for (const c of CONNECTIONS) {
      for (const r of await sandbox.admin.requestLog(c.id)) {
        requests++;
        if (r.fault) faultsInjected[r.fault] = (faultsInjected[r.fault] ?? 0) + 1;
      }
    }
    const stillRunning = await runningCount();
    if (stillRunning > 0) violations.push(`${stillRunning} executions still running at the end`);
    return { options, elapsedMs: Date.now() - started, bySystem, failuresByType, failures, faultsInjected, requests, kills, serverRestarts, maxWorkersAtOnce, violations };
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    await connection?.close().catch(() => undefined);
    await sandbox?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One summary table, as text. */
export function formatChaosReport(r: ChaosReport): string {
  const rows: [string, string][] = [
    ['writes', String(r.options.writes)],
    ['seed', String(r.options.seed)],
    ['elapsed', `${(r.elapsedMs / 1000).toFixed(1)} s`],
    ...Object.entries(r.bySystem).map(([sys, s]) => [`  ${sys}`, `${s.writes} writes: ${s.completed} completed (${s.lines} lines), ${s.failed} failed`] as [string, string]),
    ['failures by type', Object.entries(r.failuresByType).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'],
    ['Makini requests', String(r.requests)],
    ['faults injected', Object.entries(r.faultsInjected).sort().map(([t, n]) => `${t.replace(/^chaos:/, '')} ${n}`).join(', ')],
    ['worker SIGKILLs', String(r.kills)],
    ['server restarts', String(r.serverRestarts)],
    ['max workers at once', String(r.maxWorkersAtOnce)],
    ['violations', String(r.violations.length)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
  const failed = r.failures.length ? `\n\nfailed writes:\n${r.failures.map((f) => `  - ${f}`).join('\n')}` : '';
  return r.violations.length ? `${table}${failed}\n\nVIOLATIONS:\n${r.violations.map((v) => `  - ${v}`).join('\n')}` : `${table}${failed}`;
}
