// `bulk start <bulk.json> [--wait]` and `bulk progress <bulkId>`: many writes as one bulk, with a
// progress display; the per-item results are printed when it finishes.
import { readFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import {
  bulkWriteWorkflowId,
  getBulkProgress,
  startBulkWrite,
  type BulkProgress,
  type BulkWriteInput,
  type BulkWriteResult,
} from '../../client/index.js';
import { InvalidWriteInputError } from '../../client/index.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';

const POLL_MS = 2_000;

const progressLine = (p: BulkProgress) =>
  `${p.done}/${p.total} done (${p.succeeded} succeeded, ${p.failed} failed, ${p.rejected} rejected, ${p.invalid} invalid); ` +
  `running ${
    Object.entries(p.runningByConnection)
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ') || 'none'
  }; run ${p.run}`;

async function follow(handle: WorkflowHandle): Promise<number> {
  const result = handle.result() as Promise<BulkWriteResult>;
  let finished = false;
  void result
    .finally(() => {
      finished = true;
    })
    .catch(() => undefined);
  while (!finished) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (!finished) console.log(progressLine(await getBulkProgress(handle)));
  }
  const r = await result;
  console.log(
    `bulk ${r.bulkId}: ${r.total} items, ${r.succeeded} succeeded, ${r.failed} failed, ${r.rejected} rejected, ${r.invalid} invalid (${r.runs} run(s))`,
  );
  for (const item of r.items.filter((i) => i.outcome !== 'succeeded')) {
    console.log(`  item ${item.index} ${item.workflowId ?? item.type}: ${item.outcome}: ${item.failure?.type}: ${item.failure?.message}`);
  }
  return r.failed + r.rejected + r.invalid ? 1 : 0;
}

export const bulkCommand: CliCommand = {
  usage: 'bulk start <bulk.json> [--wait] | bulk progress <bulkId>',
  async run([sub, arg, ...rest]) {
    if (sub === 'progress' && arg) {
      return withClient(async (client) => {
        console.log(progressLine(await getBulkProgress(client.workflow.getHandle(bulkWriteWorkflowId(arg)))));
        return 0;
      });
    }
    if (sub !== 'start' || !arg) return EXIT_USAGE;
    let input: BulkWriteInput;
    try {
      input = JSON.parse(readFileSync(arg, 'utf8')) as BulkWriteInput;
    } catch (err) {
      console.error(`cannot read ${arg}: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    return withClient(async (client) => {
      try {
        const handle = await startBulkWrite(client, input, { taskQueue: process.env.TEMPORAL_TASK_QUEUE });
        console.log(`started bulkWrite: workflow id ${handle.workflowId}`);
        return rest.includes('--wait') ? await follow(handle) : 0;
      } catch (err) {
        if (err instanceof InvalidWriteInputError) {
          console.error(err.message);
          return EXIT_USAGE;
        }
        throw err;
      }
    });
  },
};
