// `start <workflowType> <input.json> [--wait]`: starts a write (idempotent: same key, same execution).
import { readFileSync } from 'node:fs';
import { WorkflowFailedError } from '@temporalio/client';
import {
  InvalidWriteInputError,
  startAddWorkOrderMaterials,
  startAdjustInventory,
  startCancelPurchaseOrder,
  startChangeWorkOrderStatus,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdateInventory,
  startUpdatePurchaseOrder,
  startUpdateWorkOrder,
} from '../../client/index.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { formatSteps } from '../format-steps.js';

/** Every write the CLI can start, by workflow type. Add new write types here. */
const starters = {
  createPurchaseOrder: startCreatePurchaseOrder,
  updatePurchaseOrder: startUpdatePurchaseOrder,
  cancelPurchaseOrder: startCancelPurchaseOrder,
  createWorkOrder: startCreateWorkOrder,
  updateWorkOrder: startUpdateWorkOrder,
  changeWorkOrderStatus: startChangeWorkOrderStatus,
  addWorkOrderMaterials: startAddWorkOrderMaterials,
  updateInventory: startUpdateInventory,
  adjustInventory: startAdjustInventory,
} as const;

export const startCommand: CliCommand = {
  usage: `start <${Object.keys(starters).join('|')}> <input.json> [--wait]`,
  async run(args) {
    const [type, file] = args;
    const start = starters[type as keyof typeof starters];
    if (!start || !file) return EXIT_USAGE;
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      console.error(`cannot read ${file}: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    return withClient(async (client) => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the starter validates the input itself
        const handle = await start(client, input as any, { taskQueue: process.env.TEMPORAL_TASK_QUEUE });
        console.log(`started ${type}: workflow id ${handle.workflowId}`);
        if (args.includes('--wait')) {
          const result = await handle.result();
          console.log(JSON.stringify({ ...result, steps: undefined }, null, 2));
          console.log(formatSteps(result.steps));
        }
        return 0;
      } catch (err) {
        if (err instanceof InvalidWriteInputError) {
          console.error(err.message);
          return EXIT_USAGE;
        }
        if (err instanceof WorkflowFailedError) {
          console.error(`write failed: ${err.cause?.message ?? err.message}`);
          return 1;
        }
        throw err;
      }
    });
  },
};
