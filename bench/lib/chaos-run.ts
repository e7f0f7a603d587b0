// The chaos run: every write type (chaos-plan.ts) against the sandbox's seeded random faults
// (5xx, 429, HTML and empty error bodies, dropped connections, slow and late answers, garbled 2xx,
// and each of them that may commit doing so on a share of hits: commit-then-500, ...), on paced
// connections, while worker processes are SIGKILLed, two workers run at once and the Temporal
// server restarts. At the end the sandbox's state and request log are the judge (chaos-judge.ts).
// One connection per passthrough dialect (chaos-plan.ts) writes its PO creates through Makini's
// passthrough, by a profile override as a user switches a connection; chaos hits those calls by
// their inner method, some of its 5xx inside the passthrough envelope (chaos-passthrough.ts).
// With `cluster`, the server is a Temporal cluster on PostgreSQL (scripts/lib/cluster/), and
// instead of a server restart one history host is SIGKILLed and restarted and PostgreSQL restarts.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { TemporalCluster } from '../../scripts/lib/cluster/cluster.js';
import { freeClusterPorts } from '../../scripts/lib/cluster/ports.js';
import { NUM_HISTORY_SHARDS } from '../../scripts/lib/cluster/server-config.js';
import { freePort, startDevServer, type DevServer } from '../../scripts/lib/dev-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/lib/worker-process.js';
import { InvalidWriteInputError, startWrite, WRITE_TYPE_NAMES, writeWorkflowId } from '../../src/client/index.js';
import { startSandbox, type ChaosConfig, type RequestLogEntry, type SandboxState, type StartedSandbox } from '../../sandbox/index.js';
import { countFaults, expectedFaultKinds, type FaultCounts } from './chaos-faults.js';
import { firstNativeWriteFault, passthroughCounts, type PassthroughCounts } from './chaos-passthrough.js';
import type { ProgressBar } from '../../src/cli/progress.js';
import { judge, type Verdict, type WriteOutcome } from './chaos-judge.js';
import { CHAOS_CONNECTIONS, planChaos, plannedWriteRequests, type Chain, type ChaosConnection, type PlannedWrite } from './chaos-plan.js';
import { longestPause, timeUntilShardsServed } from './chaos-recovery.js';

export interface ChaosOptions {
  writes: number;
  seed: number;
  /** SIGKILLs of a worker process during the run. */
  kills: number;
  /** Restart the Temporal dev server once, mid-run (not with `cluster`). */
  restartServer: boolean;
  /** Run on a Temporal cluster on PostgreSQL, and break its parts mid-run. */
  cluster?: ClusterDisruptions;
  /** Worker processes at once: all but one from the start, the last one joining at 15 % (default 2). */
  workers?: number;
  /** The connections written to (default CHAOS_CONNECTIONS). */
  connections?: readonly ChaosConnection[];
  /** Give up waiting for writes to finish after this long. */
  timeoutMs: number;
  /** Faults per request (default CHAOS_RATES). */
  rates?: ChaosConfig['rates'];
  /** Writes per minute of every connection: the sandbox's limit AND the workers' pacing (default WRITES_PER_MINUTE). */
  writesPerMinute?: number;
  /** Lines of each purchase order, fewest and most (default 1 to 30, mostly few). */
  poLines?: readonly [number, number];
  /**
   * Connections whose reads (GET) get faults too (default: every one); on the others chaos hits
   * POST and PUT only. Faults decide exactly-once on writes; on reads they cost time (backoffs) and
   * test the retries of lookups and read-backs.
   */
  readFaultsOn?: readonly string[];
  /** Leave the Temporal server (and its SQLite file) running at the end, to inspect histories; its address is logged. */
  keepServer?: boolean;
  log?: (line: string) => void;
  /** Shows how many writes have finished (counts and ETA) instead of a progress line every 10 s. */
  progress?: ProgressBar;
}

/** What the cluster run breaks, once each (at 35 % and 60 % of the writes). */
export interface ClusterDisruptions {
  /** SIGKILL a history host, keep it down `historyDownMs`, start it again. */
  killHistoryHost: boolean;
  historyDownMs?: number;
  /** Restart PostgreSQL with `pg_ctl restart -m immediate` (a crash: every connection cut, recovery from WAL). */
  restartPostgres: boolean;
}

/** One disruption of the cluster and how long the cluster took to serve every shard again. */
export interface Recovery {
  what: string;
  /** Ms since the run started. */
  atMs: number;
  /** From the disruption until every history shard answered again. */
  shardsServedAfterMs: number;
  /** The longest gap between two write outcomes after it (until the next disruption, at most a minute later). */
  longestPauseMs?: number;
}

export interface ChaosReport extends Omit<Verdict, 'violations' | 'implicatedChains'> {
  options: ChaosOptions;
  elapsedMs: number;
  /** Planned chains per kind. */
  chains: Record<string, number>;
  faults: FaultCounts;
  /** Per passthrough dialect: its creates, the native calls and the faults on them. */
  passthrough: Record<string, PassthroughCounts>;
  /** Fault kinds the chaos config enables, as the request log labels them (`chaos:server-error+commit`, ...). */
  faultKindsEnabled: string[];
  /** Of those, the ones that never hit a write (each is a violation). */
  faultKindsMissing: string[];
  /** The longest writes (start to outcome): where the run's time went. */
  slowest: string[];
  /** Condensed histories of the writes a violation is about (steps, failures, waits). */
  histories: { workflowId: string; events: string[] }[];
  writesPerMinute: number;
  kills: number;
  serverRestarts: number;
  maxWorkersAtOnce: number;
  /** `dev server` or `cluster (...)`. */
  server: string;
  connectionCount: number;
  historyHostKills: number;
  postgresRestarts: number;
  recoveries: Recovery[];
  /** From the end of the last disruption until every write had its outcome. */
  drainMs?: number;
  violations: string[];
}

/**
 * Faults per request: about one Makini call in three misbehaves. Even rather than realistic, so
 * that each of the 14 kinds (10, four of them committed or not) hits writes many times in a full
 * run; the CI-size run relies on its seed instead (test/chaos/chaos.test.ts).
 */
export const CHAOS_RATES: ChaosConfig['rates'] = {
  serverError: 0.05,
  htmlError: 0.04,
  emptyError: 0.04,
  drop: 0.04,
  commitThenFail: 0.025,
  commitThenDrop: 0.02,
  rateLimit: 0.02,
  slow: 0.02,
  late: 0.02,
  malformedSuccess: 0.02,
};
/** Share of server-error, HTML, empty and dropped answers that apply the write first. */
const COMMIT_SHARE = 0.5;
/**
 * Slow answers (before the system) and late ones (after it) take longer than the worker's request
 * timeout: the client gives up, and the write lands (slow: 2.5 s after it was sent, well inside the
 * workflows' 5 s settle before looking; late: at once).
 */
const SLOW_MS = 2_500;
const REQUEST_TIMEOUT_MS = 1_000;
/** No chaos fault commits later than SLOW_MS after the request: a create whose answer was lost is sent again after this. */
const CHAOS_COMMIT_HORIZON_MS = 2 * SLOW_MS;
/**
 * Pacing is on: every connection's write limit in the sandbox and its configured rate in the
 * workers. 1,200/min (20/s, paced at 19/s) is far above what one connection needs here, but real:
 * the sandbox answers 429 past it, and chaos 429s cut the adaptive rate (to at least a quarter).
 */
export const WRITES_PER_MINUTE = 1_200;
/** Writes started at once (a busy service starts many, but not all at the same millisecond). */
const START_CONCURRENCY = 25;

/** The chaos of one connection: the run's rates, its own seed, and its reads too unless `readFaultsOn` leaves them out. */
export function chaosConfigOf(
  options: Pick<ChaosOptions, 'seed' | 'rates' | 'readFaultsOn' | 'connections'>,
  connectionId: string,
): ChaosConfig {
  const n = (options.connections ?? CHAOS_CONNECTIONS).findIndex((c) => c.id === connectionId);
  const reads = options.readFaultsOn?.includes(connectionId) ?? true;
  return {
    seed: options.seed + n,
    rates: options.rates ?? CHAOS_RATES,
    commitShare: COMMIT_SHARE,
    slowMs: SLOW_MS,
    retryAfterSeconds: 1,
    methods: reads ? ['GET', 'POST', 'PUT'] : ['POST', 'PUT'],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  if (options.cluster && options.restartServer)
    throw new Error('restartServer restarts the dev server; a cluster run breaks its parts instead (cluster)');
  const connections = options.connections ?? CHAOS_CONNECTIONS;
  const dir = mkdtempSync(join(tmpdir(), 'makini-writes-chaos-'));
  const violations: string[] = [];
  const started = Date.now();
  const workers = new Set<WorkerProcess>();
  const writesPerMinute = options.writesPerMinute ?? WRITES_PER_MINUTE;
  let server: DevServer | undefined;
  let cluster: TemporalCluster | undefined;
  let sandbox: StartedSandbox | undefined;
  let connection: Connection | undefined;
  let kills = 0;
  let serverRestarts = 0;
  let historyHostKills = 0;
  let postgresRestarts = 0;
  const recoveries: Recovery[] = [];
  let lastDisruptionEnd = 0;
  let allDoneAt = 0;
  let maxWorkersAtOnce = 0;
  let stopping = false;
  // Should this process die before the finally below (an uncaught error), its children go with it.
  const killChildren = () => {
    for (const w of workers) w.child.kill('SIGKILL');
    if (!options.keepServer) {
      server?.process.kill('SIGKILL');
      cluster?.killNow();
    }
  };
  process.once('exit', killChildren);
  try {
    const dbFilename = join(dir, 'temporal.db');
    const port = await freePort();
    if (options.cluster) {
      // Under root PostgreSQL runs as its own OS user, which must pass through this folder.
      chmodSync(dir, 0o711);
      cluster = await TemporalCluster.start({
        dir: join(dir, 'cluster'),
        ports: await freeClusterPorts(),
        postgresPort: port,
        log,
        // A Temporal process that dies on its own is a finding, not part of the plan.
        onUnexpectedExit: (what) => {
          log(what);
          violations.push(what);
        },
      });
    } else {
      server = await startDevServer({ headless: true, dbFilename, port, logFile: join(dir, 'temporal.log') });
    }
    const address = cluster?.address ?? server!.address;
    sandbox = await startSandbox({
      seed: options.seed,
      connections: connections.map(({ id, token, system }) => ({ id, token, system, writesPerMinute })),
    });
    const runId = `r${options.seed}-${Date.now().toString(36)}`;
    const plan = planChaos(options.writes, options.seed, runId, { poLines: options.poLines, connections });
    // Setup, before chaos: the inventory records the inventory chains write (keys differ from codes).
    for (const c of connections) {
      const materials = plan.materials
        .filter((m) => m.connectionId === c.id)
        .map((m) => ({ key: m.key, code: m.code, name: `chaos material ${m.key}`, inventoryKey: m.inventoryKey, quantity: m.quantity }));
      if (materials.length) await sandbox.admin.addReferenceData(c.id, { materials });
    }
    for (const c of connections) await sandbox.admin.setChaos(c.id, chaosConfigOf(options, c.id));
    for (const c of connections) if (c.passthrough) await sandbox.admin.scriptFaults(c.id, [firstNativeWriteFault(c.passthrough)]);
    const connectionsFile = join(dir, 'connections.json');
    writeFileSync(
      connectionsFile,
      JSON.stringify({
        // The sandbox's chaos commits a write at most SLOW_MS after it was sent: that is these systems' commit horizon.
        connections: connections.map((c) => ({
          id: c.id,
          system: c.system,
          token: { env: c.env },
          writesPerMinute,
          overrides: {
            timing: { commitHorizonMs: CHAOS_COMMIT_HORIZON_MS },
            // How a user switches a connection's PO create to the system's own API (docs/passthrough-*.md).
            ...(c.passthrough && { purchaseOrder: { transport: { create: { via: 'passthrough', dialect: c.passthrough } } } }),
          },
        })),
      }),
    );
    const taskQueue = `chaos-${options.seed}`;
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(connections.map((c) => [c.env, c.token])),
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      MAKINI_BASE_URL: sandbox.url,
      MAKINI_CONNECTIONS_FILE: connectionsFile,
      MAKINI_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      WORKER_SHUTDOWN_GRACE_MS: '1000',
      // INFO: the worker's "[worker] polling" line (what startWorkerProcess waits for) is logged at INFO.
      LOG_LEVEL: 'INFO',
    };
    const killed = new Set<WorkerProcess>();
    const addWorker = async () => {
      const w = await startWorkerProcess(env);
      if (w.child.exitCode !== null || w.child.signalCode !== null)
        throw new Error(`the worker exited while starting:\n${w.output().slice(-3000)}`);
      workers.add(w);
      void w.exited.then((code) => {
        workers.delete(w);
        if (options.keepServer) writeFileSync(join(dir, `worker-${w.child.pid}.log`), w.output());
        // A worker that dies on its own is a finding, not part of the plan.
        if (!killed.has(w) && !stopping) {
          const why = `worker pid ${w.child.pid} exited on its own (code ${code}, signal ${w.child.signalCode}): ${w.output().slice(-3000)}`;
          log(why);
          violations.push(why);
        }
      });
      maxWorkersAtOnce = Math.max(maxWorkersAtOnce, workers.size);
      return w;
    };
    const kill = async (w: WorkerProcess) => {
      killed.add(w);
      w.child.kill('SIGKILL');
      await w.exited;
      kills++;
      log(`SIGKILL worker (pid ${w.child.pid}); ${workers.size} left`);
    };

    const workerCount = options.workers ?? 2;
    let first = await addWorker();
    for (let n = 2; n < workerCount; n++) await addWorker();
    connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace: 'default' });
    const deadline = started + options.timeoutMs;

    // The service: every chain at once, each writing one write after the other.
    const outcomes: WriteOutcome[][] = plan.chains.map((c) => c.writes.map(() => ({ status: 'stuck' })));
    let finished = 0;
    let startsInFlight = 0;
    const startSlot = async () => {
      while (startsInFlight >= START_CONCURRENCY) await sleep(20);
      startsInFlight++;
    };
    const runWrite = async (chain: Chain, w: PlannedWrite, recordKey: string | undefined): Promise<WriteOutcome> => {
      const input = w.input(recordKey);
      const workflowId = writeWorkflowId(w.type, chain.connectionId, w.idempotencyKey);
      const from = Date.now();
      await startSlot();
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            // After a failed start (the server restarting), start only what does not exist yet.
            if (attempt > 1 && (await exists(client, workflowId))) break;
            await startWrite(client, w.type, input as never, { taskQueue });
            break;
          } catch (err) {
            if (err instanceof InvalidWriteInputError) throw err;
            if (Date.now() > deadline) return { status: 'stuck', workflowId, from, why: `never started: ${(err as Error).message}` };
            await sleep(1_000);
          }
        }
      } finally {
        startsInFlight--;
      }
      for (;;) {
        try {
          const result: unknown = await client.workflow.getHandle(workflowId).result();
          return { status: 'completed', workflowId, result, from, to: Date.now() };
        } catch (err) {
          if (err instanceof WorkflowFailedError) return { status: 'failed', workflowId, failure: failureOf(err), from, to: Date.now() };
          // The server is restarting, or the connection was replaced: ask again.
          if (Date.now() > deadline) return { status: 'stuck', workflowId, from };
          await sleep(1_000);
        }
      }
    };
    const runChain = async (chain: Chain, i: number) => {
      let recordKey = chain.inventory?.inventoryKey;
      for (const [j, w] of chain.writes.entries()) {
        const needs = w.requires === undefined ? undefined : outcomes[i]![w.requires]!;
        if (needs && needs.status !== 'completed') {
          outcomes[i]![j] = { status: 'skipped', why: `its ${chain.writes[w.requires!]!.role} did not complete (${needs.status})` };
        } else if (w.requires !== undefined && !recordKey) {
          outcomes[i]![j] = { status: 'skipped', why: 'no record to write to' };
        } else {
          const o = await runWrite(chain, w, recordKey);
          outcomes[i]![j] = o;
          if (j === 0 && o.status === 'completed') {
            const r = o.result as { purchaseOrderKey?: string; workOrderKey?: string };
            recordKey ??= r.purchaseOrderKey ?? r.workOrderKey;
          }
          if (o.status === 'stuck') {
            for (let k = j + 1; k < chain.writes.length; k++) outcomes[i]![k] = { status: 'skipped', why: `its ${w.role} is stuck` };
            finished += chain.writes.length - j;
            return;
          }
        }
        finished++;
      }
    };
    const allDone = Promise.all(plan.chains.map((c, i) => runChain(c, i)));
    let done = false;
    let chainError: unknown;
    void allDone.then(
      () => (done = true),
      (err: unknown) => {
        chainError = err;
        done = true;
      },
    );
    const chains: Record<string, number> = {};
    for (const c of plan.chains) chains[c.kind] = (chains[c.kind] ?? 0) + 1;
    const planned = plannedWriteRequests(plan);
    log(
      `${plan.writes} writes in ${plan.chains.length} chains (${Object.entries(chains)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}); ` +
        `at least ${Object.entries(planned)
          .map(([c, n]) => `${n} write requests to ${c}`)
          .join(', ')}`,
    );

    // The disruption schedule, by share of writes finished.
    const schedule: { at: number; what: string; act: () => Promise<void> }[] = [];
    for (let k = 0; k < options.kills; k++) {
      schedule.push({
        at: (k + 1) / (options.kills + 2),
        what: 'kill a worker and start a new one',
        act: async () => {
          const victim = [...workers][0] ?? first;
          await kill(victim);
          first = await addWorker();
        },
      });
    }
    if (workerCount >= 2) {
      schedule.push({
        at: 0.15,
        what: `start worker process ${workerCount} of ${workerCount}`,
        act: async () => {
          await addWorker();
        },
      });
    }
    if (options.restartServer) {
      // The client keeps its connection: calls in flight fail while the server is down and are
      // asked again (closing it under them would crash the process: a gRPC retry timer throws).
      schedule.push({
        at: 0.5,
        what: 'restart the Temporal server',
        act: async () => {
          await server!.stop();
          server = await startDevServer({ headless: true, dbFilename, port, logFile: join(dir, 'temporal.log') });
          serverRestarts++;
        },
      });
    }
    // How long until every history shard answers again; a cluster that never recovers is a violation, and the run goes on.
    const recovery = async (what: string, at: number) => {
      try {
        const ms = await timeUntilShardsServed(connection!, 'default', at);
        recoveries.push({ what, atMs: at - started, shardsServedAfterMs: ms });
        log(`${what}: every history shard served again after ${(ms / 1000).toFixed(1)} s`);
      } catch (err) {
        violations.push(`${what}: ${(err as Error).message}`);
      }
    };
    const disruptions = options.cluster;
    if (disruptions?.killHistoryHost) {
      const host = ((options.seed % 2) + 1) as 1 | 2;
      const downMs = disruptions.historyDownMs ?? 20_000;
      schedule.push({
        at: 0.35,
        what: `SIGKILL history host ${host}, start it again ${downMs / 1000} s later`,
        act: async () => {
          const at = Date.now();
          await cluster!.killHistoryHost(host);
          historyHostKills++;
          await recovery(`history host ${host} SIGKILLed (its shards move to the other host)`, at);
          await sleep(Math.max(0, downMs - (Date.now() - at)));
          const back = Date.now();
          await cluster!.startHistoryHost(host);
          await recovery(`history host ${host} started again (shards rebalance)`, back);
        },
      });
    }
    if (disruptions?.restartPostgres) {
      schedule.push({
        at: 0.6,
        what: 'restart PostgreSQL (pg_ctl restart -m immediate: a crash, recovery from WAL)',
        act: async () => {
          const at = Date.now();
          await cluster!.restartPostgres('immediate');
          postgresRestarts++;
          await recovery('PostgreSQL restarted (-m immediate)', at);
        },
      });
    }
    schedule.sort((a, b) => a.at - b.at);
    let lastLog = 0;
    while (!done) {
      const share = finished / plan.writes;
      while (schedule[0] && share >= schedule[0].at) {
        const step = schedule.shift()!;
        log(`${Math.round(share * 100)}% done: ${step.what}`);
        await step.act();
        lastDisruptionEnd = Date.now();
      }
      if (options.progress) {
        options.progress.update({ done: finished, total: plan.writes, note: `${workers.size} worker(s)` });
      } else if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`${finished} of ${plan.writes} writes finished, ${workers.size} worker(s), ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
      await sleep(250);
    }
    allDoneAt = Date.now();
    options.progress?.finish({ done: finished, total: plan.writes });
    if (chainError !== undefined) throw chainError;
    for (const step of schedule) log(`not reached: ${step.what}`);
    // Every disruption must have happened, or the run proved less than it claims.
    if (options.kills > kills) violations.push(`only ${kills} of ${options.kills} worker kills happened`);
    if (options.restartServer && serverRestarts === 0) violations.push('the server restart was never reached');
    if (disruptions?.killHistoryHost && historyHostKills === 0) violations.push('the history host kill was never reached');
    if (disruptions?.restartPostgres && postgresRestarts === 0) violations.push('the PostgreSQL restart was never reached');
    const outcomeTimes = outcomes.flatMap((chain) => chain.flatMap((o) => (o.to === undefined ? [] : [o.to])));
    // Each disruption's window ends at the next one (or after a minute), so that one stall is not counted twice.
    recoveries.forEach((r, i) => {
      const next = recoveries[i + 1]?.atMs ?? Infinity;
      r.longestPauseMs = longestPause(outcomeTimes, started + r.atMs, Math.min(60_000, next - r.atMs));
    });

    // Nothing written from here on: chaos off, so the judge's reads are plain.
    for (const c of connections) await sandbox.admin.setChaos(c.id, null);
    const states: Record<string, SandboxState> = {};
    const logs: Record<string, RequestLogEntry[]> = {};
    for (const c of connections) {
      states[c.id] = await sandbox.admin.state(c.id);
      logs[c.id] = await sandbox.admin.requestLog(c.id);
    }
    const verdict = judge({ chains: plan.chains, outcomes, states, logs });
    violations.push(...verdict.violations);
    for (const [i, c] of plan.chains.entries()) {
      for (const [j, o] of outcomes[i]!.entries())
        if (o.status === 'stuck' && o.workflowId) violations.push(`${o.workflowId}: still running (chain ${c.id}, ${c.writes[j]!.role})`);
    }
    // Writes only: the per-connection control workflows (connectionControl) live on by design.
    let stillRunning = 0;
    const types = WRITE_TYPE_NAMES.map((t) => `"${t}"`).join(', ');
    for await (const wf of client.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND WorkflowType IN (${types}) AND ExecutionStatus = "Running"`,
    })) {
      stillRunning++;
      if (stillRunning <= 20) violations.push(`${wf.workflowId} (${wf.type}) still running at the end`);
    }
    if (stillRunning > 20) violations.push(`... ${stillRunning} write executions still running at the end`);

    const faults = countFaults(Object.values(logs));
    const passthrough = passthroughCounts(plan, outcomes, logs);
    // A dialect whose creates never completed (or never hit a fault) proved nothing about it.
    for (const [dialect, n] of Object.entries(passthrough)) {
      if (n.completed === 0) violations.push(`passthrough ${dialect}: no PO create completed through it (${n.creates} planned)`);
      if (n.faultsOnWrites === 0) violations.push(`passthrough ${dialect}: no fault hit its ${n.nativeWrites} native writes`);
    }
    const faultKindsEnabled = [...new Set(connections.flatMap((c) => expectedFaultKinds(chaosConfigOf(options, c.id))))];
    const faultKindsMissing = faultKindsEnabled.filter((k) => !faults.onWrites[k]);
    for (const k of faultKindsMissing)
      violations.push(
        `fault kind ${k} is enabled, yet never hit a write (${faults.writeRequests} write requests): this run proved nothing about it`,
      );
    const slowest = plan.chains
      .flatMap((c, i) => outcomes[i]!.map((o, j) => ({ c, w: c.writes[j]!, o })))
      .filter(({ o }) => o.from !== undefined && o.to !== undefined)
      .sort((a, b) => b.o.to! - b.o.from! - (a.o.to! - a.o.from!))
      .slice(0, 5)
      .map(
        ({ c, w, o }) =>
          `${o.workflowId} (${c.system}${w.data.kind === 'po-create' ? `, ${w.data.lines.length} lines` : ''}): ${((o.to! - o.from!) / 1000).toFixed(1)} s, ${o.status}`,
      );
    // The histories of the writes a violation is about (what `temporal workflow show` would print, condensed).
    const histories: ChaosReport['histories'] = [];
    const suspects = [
      ...new Set([
        ...verdict.implicatedChains,
        ...plan.chains.flatMap((_, i) => (outcomes[i]!.some((o) => o.status === 'stuck') ? [i] : [])),
      ]),
    ];
    for (const i of suspects.slice(0, 8)) {
      for (const o of outcomes[i]!) {
        if (!o.workflowId) continue;
        histories.push({
          workflowId: o.workflowId,
          events: await historySummary(client, o.workflowId).catch((err: unknown) => [
            `cannot read the history: ${(err as Error).message}`,
          ]),
        });
      }
    }
    const { violations: _, implicatedChains: __, ...rest } = verdict;
    return {
      ...rest,
      options,
      elapsedMs: Date.now() - started,
      chains,
      faults,
      passthrough,
      faultKindsEnabled,
      faultKindsMissing,
      slowest,
      histories,
      writesPerMinute,
      kills,
      serverRestarts,
      maxWorkersAtOnce,
      server: cluster
        ? `cluster on PostgreSQL: frontend, 2 history hosts (${NUM_HISTORY_SHARDS} shards), matching, worker as separate processes`
        : 'dev server (SQLite file)',
      connectionCount: connections.length,
      historyHostKills,
      postgresRestarts,
      recoveries,
      drainMs: lastDisruptionEnd ? allDoneAt - lastDisruptionEnd : undefined,
      violations,
    };
  } finally {
    stopping = true;
    process.off('exit', killChildren);
    for (const w of workers) w.child.kill('SIGKILL');
    await connection?.close().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    if (options.keepServer && (server || cluster)) {
      for (const w of workers) writeFileSync(join(dir, `worker-${w.child.pid}.log`), w.output());
      const address = server?.address ?? cluster!.address;
      const pids = server ? [server.process.pid] : cluster!.processes.map((p) => p.pid);
      log(
        `Temporal ${server ? 'server' : 'cluster'} kept running at ${address} (pids ${pids.join(' ')}, data and logs in ${dir}): ` +
          `temporal workflow show --address ${address} --workflow-id <id>; stop it with kill ${pids.join(' ')}` +
          (cluster ? ` and pg_ctl stop -D ${cluster.postgres.dataDir}${process.getuid?.() === 0 ? ' (as the postgres user)' : ''}` : ''),
      );
    } else {
      await server?.stop();
      await cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function exists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const { EventType } = proto.temporal.api.enums.v1;
const decode = (p: proto.temporal.api.common.v1.IPayload | null | undefined): string => {
  if (!p?.data) return '';
  const text = new TextDecoder().decode(p.data);
  try {
    return String(JSON.parse(text));
  } catch {
    return text;
  }
};

/** One line per step-relevant event of a workflow's history: activities, their failures, timers, signals, the end. */
async function historySummary(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const lines: string[] = [];
  for (const e of history.events ?? []) {
    const at = e.eventTime?.seconds ? new Date(Number(e.eventTime.seconds) * 1000).toISOString().slice(11, 19) : '';
    const summary = decode(e.userMetadata?.summary);
    const line = (what: string) => lines.push(`${at} #${String(e.eventId)} ${what}`);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        line(`${e.activityTaskScheduledEventAttributes?.activityType?.name}: ${summary}`);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        line(`  failed: ${e.activityTaskFailedEventAttributes?.failure?.message}`);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        line('  timed out');
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        line(`wait: ${summary}`);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        line(`signal ${e.workflowExecutionSignaledEventAttributes?.signalName}`);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
        line(`workflow task failed: ${e.workflowTaskFailedEventAttributes?.failure?.message}`);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        line('completed');
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        line(`failed: ${e.workflowExecutionFailedEventAttributes?.failure?.message}`);
        break;
      default:
        break;
    }
  }
  return lines;
}

function failureOf(err: WorkflowFailedError): NonNullable<WriteOutcome['failure']> {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const { step, leftInSystem } = (cause.details?.[0] ?? {}) as { step?: unknown; leftInSystem?: unknown };
    return {
      applicationFailure: true,
      type: cause.type ?? 'untyped',
      message: cause.message,
      nonRetryable: cause.nonRetryable === true,
      step: typeof step === 'string' ? step : undefined,
      ...(Array.isArray(leftInSystem) ? { leftInSystem: leftInSystem.filter((k): k is string => typeof k === 'string') } : {}),
    };
  }
  return { applicationFailure: false, type: cause?.name ?? 'none', message: cause?.message ?? err.message, nonRetryable: false };
}

const sorted = (o: Record<string, number>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));

/** The summary's rows (what, figure): the text table below and the docs/benchmarks.md section. */
export function chaosReportRows(r: ChaosReport): [string, string][] {
  const label = (l: string) => l.replace(/^chaos:/, '');
  const byStatus = (l: string) => {
    const s = r.faults.onWritesByStatus[l];
    return s && Object.keys(s).length > 1
      ? ` (${Object.entries(s)
          .map(([st, n]) => `${st}: ${n}`)
          .join(', ')})`
      : s
        ? ` (${Object.keys(s)[0]})`
        : '';
  };
  const rows: [string, string][] = [
    ['writes', `${r.options.writes} (seed ${r.options.seed})`],
    ['elapsed', `${(r.elapsedMs / 1000).toFixed(1)} s`],
    ['Temporal', r.server],
    [
      'connections',
      `${r.connectionCount} (${[...new Set((r.options.connections ?? CHAOS_CONNECTIONS).map((c) => c.system))].join(', ')}; ` +
        `${(r.options.connections ?? CHAOS_CONNECTIONS).filter((c) => c.passthrough).length} with PO creates through the passthrough)`,
    ],
    [
      'chains',
      sorted(r.chains)
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    ],
    ...sorted(Object.fromEntries(Object.entries(r.byType).map(([t, s]) => [t, s.planned]))).map(([t]) => {
      const s = r.byType[t]!;
      const parts = [
        `${s.completed} completed`,
        s.refused && `${s.refused} refused as planned`,
        s.failed && `${s.failed} failed`,
        s.skipped && `${s.skipped} skipped`,
        s.stuck && `${s.stuck} STUCK`,
      ];
      return [`  ${t}`, `${s.planned}: ${parts.filter(Boolean).join(', ')}`] as [string, string];
    }),
    [
      'invariants (all 0)',
      Object.entries(r.counts)
        .map(([k, n]) => `${k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${n}`)
        .join(', '),
    ],
    [
      'failures by type',
      sorted(r.failuresByType)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') || 'none',
    ],
    ['late duplicates', `${r.lateDuplicates.undone} undone by their write, ${r.lateDuplicates.left} reported left (LateDuplicateLeft)`],
    ['failed, proven not applied', `${r.failedProvenNotApplied}; failed but applied: ${r.failedButApplied.length}`],
    ['records judged exactly', String(r.recordsChecked)],
    ['Makini requests', `${r.faults.requests} (${r.faults.writeRequests} writes, ${r.writeRequestsAttributed} of them tied to a write)`],
    ['passthrough (PO create)', Object.keys(r.passthrough).length ? `${Object.keys(r.passthrough).length} dialects` : 'none'],
    ...sorted(Object.fromEntries(Object.entries(r.passthrough).map(([d, n]) => [d, n.creates]))).map(([d]) => {
      const n = r.passthrough[d]!;
      const outcomes = [
        `${n.completed} completed`,
        n.refused && `${n.refused} refused as planned (${n.refusedLinePlanned} for a line the system refuses)`,
        n.failed && `${n.failed} failed`,
      ];
      return [
        `  ${d}`,
        `${n.creates} creates on ${n.connections.join(', ')}: ${outcomes.filter(Boolean).join(', ')}; ` +
          `${n.nativeWrites} native writes (${n.faultsOnWrites} faulted, ${n.innerFaults} inside the envelope, ${n.appliedThenFaulted} applied then faulted), ${n.nativeReads} native reads`,
      ] as [string, string];
    }),
    [
      'faults on writes',
      sorted(r.faults.onWrites)
        .map(([l, n]) => `${label(l)} ${n}${byStatus(l)}`)
        .join(', '),
    ],
    [
      'applied, then answered',
      sorted(r.faults.appliedThen)
        .map(([a, n]) => `${a} ${n}`)
        .join(', ') || 'never',
    ],
    [
      'faults on reads',
      `${Object.values(r.faults.onReads).reduce((a, b) => a + b, 0)} (on ${r.options.readFaultsOn?.join(', ') ?? 'every connection'})`,
    ],
    ['fault kinds never on a write', r.faultKindsMissing.map(label).join(', ') || 'none'],
    ['pacing', `${r.writesPerMinute}/min per connection; ${r.faults.limitRefusals} writes answered 429 by the sandbox's limit`],
    ['worker SIGKILLs', String(r.kills)],
    ...(r.options.cluster
      ? ([
          ['history host SIGKILLs', String(r.historyHostKills)],
          ['PostgreSQL restarts', String(r.postgresRestarts)],
          ...r.recoveries.map(
            (x) =>
              [
                `  at ${(x.atMs / 1000).toFixed(0)} s`,
                `${x.what}: every shard served after ${(x.shardsServedAfterMs / 1000).toFixed(1)} s` +
                  (x.longestPauseMs === undefined
                    ? ''
                    : `; longest pause between write outcomes ${(x.longestPauseMs / 1000).toFixed(1)} s`),
              ] as [string, string],
          ),
          ['drain', r.drainMs === undefined ? '-' : `${(r.drainMs / 1000).toFixed(1)} s from the last disruption to the last outcome`],
        ] as [string, string][])
      : [['server restarts', String(r.serverRestarts)] as [string, string]]),
    ['max workers at once', String(r.maxWorkersAtOnce)],
    ['violations', String(r.violations.length)],
  ];
  return rows;
}

/** One summary table, as text. */
export function formatChaosReport(r: ChaosReport): string {
  const rows = chaosReportRows(r);
  const w = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
  const list = (title: string, items: string[]) => (items.length ? `\n\n${title}:\n${items.map((f) => `  - ${f}`).join('\n')}` : '');
  const histories = r.histories.map((h) => `\n\n${h.workflowId}:\n${h.events.map((e) => `    ${e}`).join('\n')}`).join('');
  return (
    `${table}${list('slowest writes', r.slowest)}${list('failed writes', r.failures)}${list('failed, but applied', r.failedButApplied)}` +
    `${list('VIOLATIONS', r.violations)}${histories ? `\n\nhistories of the writes the violations are about:${histories}` : ''}`
  );
}
