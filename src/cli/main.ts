// `makini-writes` CLI (npm run cli -- <command>): start writes from JSON files, show their steps.
import { readFileSync } from 'node:fs';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import {
  DEFAULT_TASK_QUEUE, getSteps, InvalidWriteInputError, startCancelPurchaseOrder, startCreatePurchaseOrder, startUpdatePurchaseOrder,
} from '../client/index.js';
import type { StepRecord } from '../domain/steps.js';
import { dataConverterFromSetting } from '../codec/data-converter.js';

const USAGE = `usage:
  makini-writes start <createPurchaseOrder|updatePurchaseOrder|cancelPurchaseOrder> <input.json> [--wait]
  makini-writes status <workflowId>
env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TASK_QUEUE (default ${DEFAULT_TASK_QUEUE})`;

const starters = {
  createPurchaseOrder: startCreatePurchaseOrder,
  updatePurchaseOrder: startUpdatePurchaseOrder,
  cancelPurchaseOrder: startCancelPurchaseOrder,
} as const;

/** Prints the step table. */
export function formatSteps(steps: StepRecord[]): string {
  const rows = steps.map((s) => [s.name, s.outcome, String(s.attempts), `${s.durationMs} ms`, s.requestIds.join(' '),
    s.waits.map((w) => w.cause).join(' | ') || s.note || '']);
  const head = ['step', 'outcome', 'attempts', 'duration', 'request ids', 'waits / note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

async function connect(): Promise<{ client: Client; connection: Connection }> {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await Connection.connect({ ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' });
  const dataConverter = dataConverterFromSetting(process.env.MAKINI_WRITES_ENCRYPTION_KEYS);
  return { client: new Client({ connection, namespace: namespace ?? 'default', dataConverter }), connection };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'start') {
    const [type, file] = args;
    const start = starters[type as keyof typeof starters];
    if (!start || !file) { console.error(USAGE); return 2; }
    const input = JSON.parse(readFileSync(file, 'utf8'));
    const { client, connection } = await connect();
    try {
      const handle = await start(client, input, { taskQueue: process.env.TEMPORAL_TASK_QUEUE });
      console.log(`started ${type}: workflow id ${handle.workflowId}`);
      if (args.includes('--wait')) {
        const result = await handle.result();
        console.log(JSON.stringify({ ...result, steps: undefined }, null, 2));
        console.log(formatSteps(result.steps));
      }
      return 0;
    } catch (err) {
      if (err instanceof InvalidWriteInputError) { console.error(err.message); return 2; }
      if (err instanceof WorkflowFailedError) { console.error(`write failed: ${err.cause?.message ?? err.message}`); return 1; }
      throw err;
    } finally {
      await connection.close();
    }
  }
  if (command === 'status') {
    const [workflowId] = args;
    if (!workflowId) { console.error(USAGE); return 2; }
    const { client, connection } = await connect();
    try {
      const handle = client.workflow.getHandle(workflowId);
      const desc = await handle.describe();
      console.log(`${workflowId}: ${desc.status.name} (${desc.type}, started ${desc.startTime.toISOString()})`);
      console.log(formatSteps(await getSteps(handle)));
      return 0;
    } finally {
      await connection.close();
    }
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(`makini-writes: ${(err as Error).message}`);
  process.exit(1);
});
