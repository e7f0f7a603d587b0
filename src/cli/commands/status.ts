// `status <workflowId> [--json]`: the execution's state and its step table.
import { getSteps } from '../../client/index.js';
import { flag, JSON_OPTION, printJson, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { formatSteps } from '../format-steps.js';
import { positionals } from '../options.js';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: "a write's state and its step table (timings, attempts, request ids, waits)",
  usage: '<workflowId>',
  arguments: { '<workflowId>': 'e.g. purchase-order/create/demo-sap/first-po-0001 (printed by start)' },
  options: { json: JSON_OPTION },
  examples: ['makini-writes status purchase-order/create/demo-sap/first-po-0001'],
  temporal: true,
  async run(args, io) {
    const [workflowId] = positionals(args, ['<workflowId>']) as [string];
    return withClient(async (client) => {
      const handle = client.workflow.getHandle(workflowId);
      const desc = await handle.describe();
      const steps = await getSteps(handle);
      if (flag(args, 'json')) {
        printJson(io, {
          workflowId,
          runId: desc.runId,
          workflowType: desc.type,
          status: desc.status.name,
          startTime: desc.startTime,
          closeTime: desc.closeTime,
          steps,
        });
        return 0;
      }
      io.out(`${workflowId}: ${desc.status.name} (${desc.type}, started ${desc.startTime.toISOString()})`);
      io.out(formatSteps(steps));
      return 0;
    });
  },
};
