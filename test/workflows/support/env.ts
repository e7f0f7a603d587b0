// The workflow layer's harness: the production workflows (the bundle global-setup made with the
// production options) on Temporal's time-skipping test server, with the production activity
// interceptors (call metrics, the connection gate) around Makini activities replaced by plain
// functions (./fake-makini.ts). Timers of hours or days fire as soon as nothing else is running.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, SearchAttributeType } from '@temporalio/common';
import temporalProto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { ConnectionConfig, ConnectionsFile } from '../../../src/config/connections.js';
import type { ConnectionPolicyInput } from '../../../src/connections/workflow/control-state.js';
import { connectionControlWorkflowId } from '../../../src/connections/workflow/messages.js';
import { connectionGateInterceptors } from '../../../src/connections/gate.js';
import { writeCallsQueueOf } from '../../../src/connections/workflow/gate-policy.js';
import { runAlongside } from '../../../src/connections/write-calls-worker.js';
import type { MakiniClient } from '../../../src/makini/client.js';
import { makiniCallInterceptors } from '../../../src/makini/call-metrics.js';
import { oneInputInterceptors } from '../../../src/activities/positional.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../src/observability/workflow/search-attributes.js';
import { profileActivities } from '../../../src/profiles/activities.js';
import { loadBuiltinProfiles } from '../../../src/profiles/load-profiles.js';
import { effectiveProfile } from '../../../src/profiles/overrides.js';
import { createWriteResultActivities } from '../../../src/writes/bulk/activities.js';
import { runtimeInstalledElsewhere } from '../../support/production-worker.js';
import { FakeMakini } from './fake-makini.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The SDK gives an executable 5 s to answer; a JVM on a busy machine can miss that once. */
const START_ATTEMPTS = 3;

function indexedTypeOf(type: SearchAttributeType) {
  if (type !== SearchAttributeType.KEYWORD) throw new Error(`register search attributes of type ${type} in the workflow layer too`);
  return temporalProto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
}

let runtimeInstalled = false;
/** The SDK's own warnings (each scripted failure is one) would bury the test output: errors only. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    // Core warns at every worker start that the test server lacks a heartbeat capability the layer does not use.
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  runtimeInstalledElsewhere();
  runtimeInstalled = true;
}

/** The file's test server, started before its tests and stopped after them: `env()` inside a test. */
export function timeSkippingEnv(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await startTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the time-skipping test server did not start (see beforeAll)');
    return env;
  };
}

/** One time-skipping test server for a test file (the launcher global-setup installed), with the search attributes registered. */
async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installRuntime();
  for (let attempt = 1; ; attempt++) {
    let env: TestWorkflowEnvironment | undefined;
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
      });
      // As the dev server scripts register them (`--search-attribute`): the writes upsert them.
      await env.connection.operatorService.addSearchAttributes({
        namespace: env.namespace ?? 'default',
        searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, indexedTypeOf(k.type)])),
      });
      return env;
    } catch (err) {
      await env?.teardown().catch(() => undefined);
      if (attempt >= START_ATTEMPTS) throw err;
    }
  }
}

/**
 * Activity code on the server's clock. Workflows read the test server's (skipped) time; the
 * activity side of the production code (the connection gate: this process's 429 pauses, its view
 * cache, its reports' times) reads `Date.now()`. In production both are the same clock; here,
 * after a 2 h timer was skipped, the gate would still hold a pause that ended "2 h ago". So inside
 * an activity (and only there: the gRPC internals of this process keep the real clock, their
 * keepalives and deadlines would break on a clock that jumps) `Date.now()` is the server's time,
 * taken at the start of each activity and never going back. The server holds time skipping while
 * an activity runs (from its scheduling to its completion), so it does not move during one.
 */
const realNow = Date.now.bind(Date);
const onServerClock = new AsyncLocalStorage<true>();
let serverOffsetMs = 0;
Date.now = () => (onServerClock.getStore() ? realNow() + serverOffsetMs : realNow());

function serverClockInterceptor(env: TestWorkflowEnvironment): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        serverOffsetMs = Math.max(serverOffsetMs, (await env.currentTimeMs()) - realNow());
        return onServerClock.run(true, () => next(input));
      },
    },
  });
}

const builtins = loadBuiltinProfiles();
/** Not called: every connection of the layer has its system configured (the profile comes from config). */
const noMakini = new Proxy({} as MakiniClient, {
  get: (_t, prop) => {
    throw new Error(`the workflow layer's resolveWriteProfile called Makini (${String(prop)}): configure the connection's system`);
  },
});

export interface Stack {
  env: TestWorkflowEnvironment;
  /** The time-skipping client: waiting for a result lets the server skip time. */
  client: Client;
  taskQueue: string;
  makini: FakeMakini;
  connections: ConnectionsFile;
}

export interface StackOptions {
  /** The connections (the profile activity reads their system); default one SAP connection `acme-sap`. */
  connections?: ConnectionConfig[];
  /** Policy of the connection control workflows the gate starts. */
  connectionPolicy?: ConnectionPolicyInput;
}

/**
 * Runs `body` while the production worker pair serves a fresh task queue: the main worker (the
 * workflows, reads as local activities) and the worker of `<queue>-write-calls` (the paced write
 * calls). The test server has no task queue fairness, so the write-calls worker is created
 * directly, without its rate configuration (src/connections/write-calls-worker.ts).
 */
export async function withStack<T>(env: TestWorkflowEnvironment, opts: StackOptions, body: (stack: Stack) => Promise<T>): Promise<T> {
  const namespace = env.namespace ?? 'default';
  const connections: ConnectionsFile = {
    connections: opts.connections ?? [{ id: 'acme-sap', system: 'sap', token: { env: 'ACME_SAP_TOKEN' } }],
  };
  const byId = new Map(connections.connections.map((c) => [c.id, c]));
  const makini = new FakeMakini(() => env.currentTimeMs());
  // The gate and the bulk activities use a plain client: they must not unlock time skipping.
  const client = new Client({ connection: env.connection, namespace });
  const activities = {
    ...profileActivities({
      makini: noMakini,
      connection: (id) => byId.get(id),
      // As src/composition/compose.ts: the connection's own writesPerMinute wins over its profile's.
      profileFor: (system, c) => {
        const profile = effectiveProfile(builtins, system, c.overrides, c.id);
        return c.writesPerMinute === undefined ? profile : { ...profile, writesPerMinute: c.writesPerMinute };
      },
    }),
    ...makini.activities(),
    ...createWriteResultActivities({ client }),
  };
  const interceptors = {
    activity: [
      serverClockInterceptor(env),
      // As src/composition/compose.ts: the one input object before the two that read the connection.
      oneInputInterceptors(),
      makiniCallInterceptors(connections),
      connectionGateInterceptors({ client, connectionIds: byId.keys(), policy: opts.connectionPolicy }),
    ],
  };
  const taskQueue = `wf-${randomUUID()}`;
  const shared = { connection: env.nativeConnection, namespace, activities, interceptors };
  const worker = await Worker.create({ ...shared, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
  const writeCalls = await Worker.create({ ...shared, taskQueue: writeCallsQueueOf(taskQueue) });
  runAlongside(worker, writeCalls);
  const repair = repairLostContinueAsNew(
    env,
    client,
    connections.connections.map((c) => connectionControlWorkflowId(taskQueue, c.id)),
  );
  try {
    return await worker.runUntil(body({ env, client: env.client, taskQueue, makini, connections }));
  } finally {
    await repair.stop();
    // The connections' control workflows never end. Left running on a queue nobody serves, their
    // next timer would leave a workflow task pending forever, and the test server does not skip
    // time while one is pending: the next test of the file would wait in real time.
    await Promise.all(
      connections.connections.map((c) =>
        client.workflow
          .getHandle(connectionControlWorkflowId(taskQueue, c.id))
          .terminate('test over')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }),
      ),
    );
  }
}

const { EventType } = temporalProto.temporal.api.enums.v1;

/**
 * Works around a bug of the Java test server (io.temporal:temporal-test-server 1.31.0,
 * TestWorkflowMutableStateImpl.completeWorkflowTask): when a query reaches a workflow while its
 * workflow task runs (the connection gate queries the connection's control workflow before every
 * Makini call), the query is buffered; if that task then continues the run as new, the server,
 * which counts a continued run as still open there, schedules one more workflow task on the closed
 * run, whose event is refused ("workflow execution already completed"). The whole completion is
 * discarded: the new run is started, but the old run's history ends at WorkflowTaskStarted and the
 * time-skipping lock the task held is never released, so from then on the server's clock runs in
 * real time (a reauthorization wait of 2 days stalled at the control's continue-as-new, about
 * 47 h in). A real server answers such a query after the task; nothing in the product is at fault.
 *
 * This watches the given workflows (the connections' control workflows): a run that continued as
 * new while its history does not say so (still so a second later) lost its completion this way,
 * and the lock it leaked is released once.
 */
function repairLostContinueAsNew(env: TestWorkflowEnvironment, client: Client, workflowIds: string[]): { stop: () => Promise<void> } {
  const testService = env.connection.testService!;
  const checked = new Set<string>();
  const lastRun = new Map<string, string>();
  let stopped = false;
  const lostCompletion = async (workflowId: string, runId: string): Promise<number | false> => {
    const handle = client.workflow.getHandle(workflowId, runId);
    if ((await handle.describe()).status.name !== 'CONTINUED_AS_NEW') return false;
    const last = (await handle.fetchHistory()).events?.at(-1);
    return last?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED ? Number(last.eventId) : false;
  };
  const check = async (workflowId: string) => {
    const current = await client.workflow.getHandle(workflowId).describe();
    if (lastRun.get(workflowId) === current.runId) return;
    lastRun.set(workflowId, current.runId);
    const first = (await client.workflow.getHandle(workflowId, current.runId).fetchHistory()).events?.[0];
    const previous = first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous || checked.has(previous)) return;
    const lost = await lostCompletion(workflowId, previous);
    if (lost === false) return checked.add(previous) && undefined;
    // A completion being committed right now is not lost: it lands within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if ((await lostCompletion(workflowId, previous)) !== lost) return checked.add(previous) && undefined;
    checked.add(previous);
    await testService.unlockTimeSkipping({});
  };
  const loop = (async () => {
    while (!stopped) {
      for (const id of workflowIds) await check(id).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** The ApplicationFailure a write failed with (the test fails if it succeeded or failed otherwise). */
export async function failureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const err: unknown = await result.then(
    (value) => {
      throw new Error(`expected the write to fail; it returned ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowFailedError) || !(err.cause instanceof ApplicationFailure)) throw err;
  return err.cause;
}

/**
 * Lets the test server skip time until `ms` of server time have passed, while the test holds no
 * result. (`env.sleep` does the same in one call, but its long request stalled here with a write
 * rechecking every 10 minutes for days; polling the server's clock does not.) Returns once the
 * server's time is at or past the target; a skip goes from timer to timer, so it may overshoot by
 * the time to the next one (a waiting write's recheck: 10 minutes, later a tenth of its wait).
 */
export async function skipTime(env: TestWorkflowEnvironment, ms: number): Promise<void> {
  const testService = env.connection.testService!;
  const until = (await env.currentTimeMs()) + ms;
  await testService.unlockTimeSkipping({});
  try {
    while ((await env.currentTimeMs()) < until) await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await testService.lockTimeSkipping({});
  }
}
