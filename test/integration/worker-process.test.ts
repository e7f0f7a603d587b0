// The worker as ops run it: a separate process (src/worker.ts under node with the tsx loader) configured by env and a
// connections file. Killed with SIGKILL mid-write, restarted: exactly one PO with all its lines.
// Stopped with SIGTERM: exits cleanly. No server: a clear error. Tokens: never in history or logs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/dev-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/lib/worker-process.js';
import { startCreatePurchaseOrder, type CreatePurchaseOrderInput } from '../../src/client/index.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import type { TestSandbox } from '../support/sandbox.js';
import { temporalAddress, temporalNamespace } from '../support/temporal.js';
import { startWriteStack, type WriteStackWithoutWorker } from '../support/write-stack.js';

/** True when a text occurs anywhere in a decoded history: strings and payload bytes alike. */
function containsText(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8').includes(text);
  if (Array.isArray(value)) return value.some((v) => containsText(v, text));
  if (value && typeof value === 'object') return Object.values(value).some((v) => containsText(v, text));
  return false;
}

describe('the worker process', () => {
  let stack: WriteStackWithoutWorker;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  let dir: string;
  const workers: WorkerProcess[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // The worker runs as its own process (started by each test), not in this one.
    stack = await startWriteStack({ taskQueuePrefix: 'proc', connections: [{ id: 'dyn-1', system: 'dynamics' }], worker: false });
    ({ sb, client, taskQueue } = stack);
    dir = mkdtempSync(join(tmpdir(), 'makini-writes-proc-'));
    const connectionsFile = join(dir, 'connections.json');
    writeFileSync(connectionsFile, JSON.stringify(sb.connections));
    env = {
      ...sb.env,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      MAKINI_BASE_URL: sb.sandbox.url,
      MAKINI_CONNECTIONS_FILE: connectionsFile,
      WORKER_SHUTDOWN_GRACE_MS: '2000',
    };
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 with a clear message when the Temporal server cannot be reached', async () => {
    const port = await freePort();
    const w = await startWorkerProcess({ ...env, TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    expect(await w.exited).toBe(1);
    expect(w.output()).toContain(`cannot reach the Temporal server at 127.0.0.1:${port}`);
  });

  it('exits 2 naming the setting when a setting is bad', async () => {
    const w = await startWorkerProcess({ ...env, MAKINI_REQUEST_TIMEOUT_MS: 'soon' });
    expect(await w.exited).toBe(2);
    expect(w.output()).toMatch(/MAKINI_REQUEST_TIMEOUT_MS/);
  });

  it('killed with SIGKILL mid-write and restarted: exactly one PO with all 20 lines, no token anywhere', async () => {
    const idempotencyKey = `kill-${Date.now().toString(36)}`;
    const input: CreatePurchaseOrderInput = {
      connectionId: 'dyn-1',
      idempotencyKey,
      purchaseOrder: {
        vendorKey: 'V-100',
        siteKey: '1000',
        currencyKey: 'EUR',
        title: 'killed mid-write',
        lineItems: Array.from({ length: 20 }, (_, i) => ({ materialKey: 'mat-1', name: `part ${i + 1}`, quantity: 1, price: 5 })),
      },
    };
    // The 6th POST (header + 4 lines pass, then line 5) is slow: the worker dies while it is in
    // flight, and the sandbox still applies it: the new worker must find that line, not add it again.
    // A system that stores a repeated lineNo: only the workflow's lookup keeps line 5 single.
    await sb.sandbox.admin.setBehaviour('dyn-1', { repeatedLines: 'accepted' });
    await sb.sandbox.admin.scriptFaults('dyn-1', [
      { kind: 'slow', method: 'POST', skip: 5, delayMs: 3_000, pathPrefix: MakiniPath.purchaseOrders() },
    ]);
    const first = await startWorkerProcess(env);
    workers.push(first);
    const handle = await startCreatePurchaseOrder(client, input, { taskQueue });
    // Killed once the sandbox holds the request for line 5 (received, not answered): in flight.
    const line5InFlight = async () =>
      (await sb.sandbox.admin.inFlight('dyn-1')).some(
        (r) => r.method === 'POST' && r.path.endsWith('/line-items') && (r.body as { lineNo?: unknown } | undefined)?.lineNo === 5,
      );
    while (!(await line5InFlight())) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed, not exited

    const second = await startWorkerProcess(env);
    workers.push(second);
    const result = await handle.result();
    expect(result.lineItemKeys).toHaveLength(20);

    const stored = (await sb.sandbox.admin.state('dyn-1')).purchaseOrders.filter((p) => p.code === idempotencyKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.lineItems!.map((l) => Number(l.lineNo)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Line 5 was sent once (by the killed worker); the new worker found it instead of sending it again.
    const line5Posts = (await sb.sandbox.admin.requestLog('dyn-1')).filter(
      (r) => r.method === 'POST' && r.path.endsWith('/line-items') && (r.body as { lineNo?: unknown } | undefined)?.lineNo === 5,
    );
    expect(line5Posts).toHaveLength(1);
    // The kill really hit an activity in flight: the server timed it out, the workflow went on.
    const events = (await handle.fetchHistory()).events ?? [];
    if (process.env.DEBUG_HISTORY) console.log(events.map((e) => `${e.eventId} ${e.eventType} ${e.eventTime?.seconds}`).join('\n'));
    expect(events.some((e) => e.activityTaskTimedOutEventAttributes)).toBe(true);

    const token = sb.tokens['dyn-1']!;
    expect(containsText(events, token)).toBe(false);
    expect(containsText((await handle.describe()).raw, token)).toBe(false);
    expect(first.output() + second.output()).not.toContain(token);

    // SIGTERM: the worker drains and exits 0.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('[worker] stopped cleanly');
  }, 180_000);
});
