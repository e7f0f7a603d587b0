// Foundation: a workflow started through the Temporal client runs an activity on a worker and
// completes, against the real dev server; the server's SQLite file keeps history across restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../../scripts/lib/dev-server.js';
import { ensureTemporalCli, findTemporalCli } from '../../scripts/lib/temporal-cli.js';
import { connectClient, installQuietRuntime, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';

const smokeWorkflows = fileURLToPath(new URL('../support/smoke-workflows.ts', import.meta.url));

describe('foundation', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('runs a workflow with an activity on a real Temporal server', async () => {
    installQuietRuntime();
    const taskQueue = uniqueTaskQueue('smoke');
    const nc = await NativeConnection.connect({ address: temporalAddress() });
    cleanups.push(() => nc.close());
    const worker = await Worker.create({
      connection: nc,
      namespace: temporalNamespace(),
      taskQueue,
      workflowsPath: smokeWorkflows,
      activities: { echo: async (text: string) => `activity echoed ${text}` },
    });
    const { client, connection } = await connectClient();
    cleanups.push(() => connection.close());
    const result = await worker.runUntil(
      client.workflow.execute('smoke', { taskQueue, workflowId: `smoke-${taskQueue}`, args: ['hello'] }),
    );
    expect(result).toBe('workflow saw: activity echoed hello');
    const { events } = await client.workflow.getHandle(`smoke-${taskQueue}`).fetchHistory();
    expect(events?.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);
    // The server is the real one: it reports its own version.
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^1\.\d+/);
  });

  it('reuses the built CLI instead of building it again', () => {
    const found = findTemporalCli();
    expect(found).toBeTruthy();
    const messages: string[] = [];
    expect(ensureTemporalCli((m) => messages.push(m))).toBe(found);
    expect(messages).toEqual([]); // nothing was built
  });

  it('keeps workflow history in the SQLite file across a server restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'makini-writes-persist-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbFilename = join(dir, 'temporal.db');
    const workflowId = 'persisted-across-restart';
    let server = await startDevServer({ headless: true, dbFilename });
    try {
      const connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection });
      // Started and left waiting: no worker polls this queue.
      await client.workflow.start('smoke', { taskQueue: 'nobody-polls', workflowId, args: ['kept'] });
      await connection.close();
    } finally {
      await server.stop();
    }
    server = await startDevServer({ headless: true, dbFilename });
    try {
      const connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection });
      const desc = await client.workflow.getHandle(workflowId).describe();
      expect(desc.status.name).toBe('RUNNING');
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('smoke');
      await connection.close();
    } finally {
      await server.stop();
    }
  });
});
