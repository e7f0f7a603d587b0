// `node --import tsx bench/connection-pacing.ts [--writes 90] [--per-minute 60] [--workers 2]`:
// does per-connection pacing (task queue fairness) hold under Makini's sliding-minute write limit,
// across worker PROCESSES? Starts a fresh dev server, the sandbox with one connection limited to
// --per-minute writes, --workers `src/worker.ts` processes, then all --writes PO creates at once.
// Prints the duration against the theoretical minimum, the 429 count and the most writes the
// sandbox saw in any 60 s window (from its request log).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../scripts/lib/dev-server.js';
import { startWorkerProcess } from '../scripts/lib/worker-process.js';
import { startCreatePurchaseOrder } from '../src/client/index.js';
import { startSandbox } from '../sandbox/index.js';

const { values } = parseArgs({
  options: {
    writes: { type: 'string', default: '90' },
    'per-minute': { type: 'string', default: '60' },
    workers: { type: 'string', default: '2' },
  },
});
const writes = Number(values.writes);
const perMinute = Number(values['per-minute']);
const workerCount = Number(values.workers);

const dir = mkdtempSync(join(tmpdir(), 'makini-pacing-'));
const server = await startDevServer({ headless: true, dbFilename: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log') });
const token = `tok-pace-${Date.now()}`;
const sandbox = await startSandbox({ connections: [{ id: 'pace', token, system: 'sap', writesPerMinute: perMinute }] });
const connectionsFile = join(dir, 'connections.json');
writeFileSync(
  connectionsFile,
  JSON.stringify({ connections: [{ id: 'pace', system: 'sap', token: { env: 'MAKINI_TOKEN_PACE' }, writesPerMinute: perMinute }] }),
);
const taskQueue = 'pacing-bench';
const workers = await Promise.all(
  Array.from({ length: workerCount }, () =>
    startWorkerProcess({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      MAKINI_BASE_URL: sandbox.url,
      MAKINI_CONNECTIONS_FILE: connectionsFile,
      MAKINI_TOKEN_PACE: token,
      LOG_LEVEL: 'INFO', // scripts/lib/worker-process.ts waits for the INFO line "[worker] polling"
    }),
  ),
);
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
try {
  const started = Date.now();
  const handles = await Promise.all(
    Array.from({ length: writes }, (_, i) =>
      startCreatePurchaseOrder(
        client,
        {
          connectionId: 'pace',
          idempotencyKey: `pace-${i}`,
          purchaseOrder: {
            vendorKey: 'V-100',
            siteKey: '1000',
            currencyKey: 'EUR',
            title: `PO ${i}`,
            lineItems: [{ materialKey: 'mat-1', quantity: 1, price: 1 }],
          },
        },
        { taskQueue },
      ),
    ),
  );
  await Promise.all(handles.map((h) => h.result()));
  const seconds = (Date.now() - started) / 1000;
  const log = (await sandbox.admin.requestLog('pace')).filter((r) => r.method === 'POST');
  const admitted = log
    .filter((r) => r.status !== 429)
    .map((r) => Date.parse(r.time))
    .sort((a, b) => a - b);
  const maxInMinute = Math.max(...admitted.map((s) => admitted.filter((x) => x >= s && x < s + 60_000).length));
  const minimum = (writes / perMinute) * 60;
  const created = (await sandbox.admin.state('pace')).purchaseOrders.length;
  console.log(`${writes} PO creates at once on one connection limited to ${perMinute} writes/min, ${workerCount} worker process(es):`);
  console.log(
    `  completed in ${seconds.toFixed(1)} s; theoretical minimum ${minimum.toFixed(0)} s (${((seconds / minimum - 1) * 100).toFixed(1)}% over)`,
  );
  console.log(
    `  429 answers: ${log.length - admitted.length} of ${log.length} write calls; most writes in any 60 s window: ${maxInMinute} (limit ${perMinute})`,
  );
  console.log(`  purchase orders created: ${created} (expected ${writes})`);
} finally {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await connection.close();
  await sandbox.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
