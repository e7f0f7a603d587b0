// `bulk start <bulk.json> [--wait] [--json]` and `bulk progress <bulkId> [--json]`: many writes as
// one bulk; with --wait a progress bar (counts, ETA) on stderr, then the items that did not succeed.
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  bulkInputProblems,
  bulkWriteWorkflowId,
  getBulkProgress,
  InvalidWriteInputError,
  startBulkWrite,
  type BulkProgress,
  type BulkWriteInput,
  type BulkWriteResult,
} from '../../client/index.js';
import { CliUsageError, flag, JSON_OPTION, printJson, type CliCommand, type CliIo } from '../command.js';
import { withClient } from '../connect.js';
import { positionals } from '../options.js';
import { createProgressBar, type ProgressState } from '../progress.js';
import { reportInvalidInput } from './start.js';
import { readJsonFile } from '../read-json-file.js';
import { printable } from '../../observability/printable.js';

const POLL_MS = 2_000;
const MAX_PROBLEMS = 50;

const runningText = (p: BulkProgress) =>
  `running ${
    Object.entries(p.runningByConnection)
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ') || 'none'
  }; run ${p.run}`;

const progressLine = (p: BulkProgress) =>
  `${p.done}/${p.total} done (${p.succeeded} succeeded, ${p.failed} failed, ${p.rejected} rejected, ${p.invalid} invalid); ${runningText(p)}`;

/** What the progress bar shows of a bulk's progress. */
export const bulkProgressState = (p: BulkProgress): ProgressState => ({
  done: p.done,
  total: p.total,
  counts: { succeeded: p.succeeded, failed: p.failed, rejected: p.rejected, invalid: p.invalid },
  note: runningText(p),
});

async function follow(handle: WorkflowHandle, io: CliIo, json: boolean): Promise<number> {
  const result = handle.result() as Promise<BulkWriteResult>;
  let finished = false;
  void result
    .finally(() => {
      finished = true;
    })
    .catch(() => undefined);
  const bar = createProgressBar({ label: 'bulk' });
  while (!finished) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (finished) break;
    try {
      bar.update(bulkProgressState(await getBulkProgress(handle)));
    } catch {
      // A query can fail while the bulk continues as new; the next poll reads the new run.
    }
  }
  const r = await result;
  bar.finish({
    done: r.total,
    total: r.total,
    counts: { succeeded: r.succeeded, failed: r.failed, rejected: r.rejected, invalid: r.invalid },
  });
  if (json) {
    printJson(io, { workflowId: handle.workflowId, result: r });
  } else {
    io.out(
      `bulk ${r.bulkId}: ${r.total} items, ${r.succeeded} succeeded, ${r.failed} failed, ${r.rejected} rejected, ${r.invalid} invalid (${r.runs} run(s))`,
    );
    for (const item of r.items.filter((i) => i.outcome !== 'succeeded')) {
      io.out(
        `  item ${item.index} ${item.workflowId ?? item.type}: ${item.outcome}: ${item.failure?.type}: ${printable(item.failure?.message ?? '')}`,
      );
    }
  }
  return r.failed + r.rejected + r.invalid ? 1 : 0;
}

async function start(client: Client, input: BulkWriteInput, wait: boolean, io: CliIo, json: boolean): Promise<number> {
  const handle = await startBulkWrite(client, input, { taskQueue: process.env.TEMPORAL_TASK_QUEUE || undefined });
  if (!json) io.out(`started bulkWrite: workflow id ${handle.workflowId}`);
  if (wait) return follow(handle, io, json);
  if (json) printJson(io, { workflowId: handle.workflowId });
  return 0;
}

export const bulkCommand: CliCommand = {
  name: 'bulk',
  summary: 'many writes as one bulk (child workflows, bounded per connection), and its progress',
  usage: 'start <bulk.json> | progress <bulkId>',
  description:
    "bulk start: every item is validated with its write's schema before connecting (exit 2 naming\n" +
    '  items.<i>.input.<field>); the same bulkId reaches the same bulk. With --wait: a progress bar (done/total,\n' +
    '  counts, ETA) on stderr, then every item that did not succeed; exit 1 if any failed, was rejected or invalid.\n' +
    'bulk progress: done/total, counts, writes running per connection.',
  arguments: {
    'start <bulk.json>': '{ bulkId, concurrencyPerConnection?, itemsPerRun?, items: [{ type, input }] }',
    'progress <bulkId>': 'the bulkId (or its workflow id, bulk/<bulkId>)',
  },
  options: {
    wait: { type: 'boolean', description: 'bulk start: follow it with a progress bar until it ends' },
    json: JSON_OPTION,
  },
  examples: ['makini-writes bulk start nightly.json --wait', 'makini-writes bulk progress nightly-2026-11-02 --json'],
  temporal: true,
  async run(args, io) {
    const [sub, arg] = positionals(args, ['<start|progress>', '<bulk.json | bulkId>']) as [string, string];
    const json = flag(args, 'json');
    if (sub === 'progress') {
      const workflowId = arg.startsWith('bulk/') ? arg : bulkWriteWorkflowId(arg);
      return withClient(async (client) => {
        const p = await getBulkProgress(client.workflow.getHandle(workflowId));
        if (json) printJson(io, p);
        else io.out(progressLine(p));
        return 0;
      });
    }
    if (sub !== 'start') throw new CliUsageError(`unknown subcommand "${sub}" (start or progress)`);
    const input = readJsonFile(arg) as BulkWriteInput;
    const problems = bulkInputProblems(input); // before connecting
    if (problems.length) return reportInvalidInput(io, new InvalidWriteInputError('bulkWrite', problems.slice(0, MAX_PROBLEMS)), json);
    return withClient((client) => start(client, input, flag(args, 'wait'), io, json));
  },
};
