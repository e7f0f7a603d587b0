// `status <workflowId>`: the execution's state and its step table.
import { getSteps } from '../../client/index.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { formatSteps } from '../format-steps.js';

export const statusCommand: CliCommand = {
  usage: 'status <workflowId>',
  async run([workflowId]) {
    if (!workflowId) return EXIT_USAGE;
    return withClient(async (client) => {
      const handle = client.workflow.getHandle(workflowId);
      const desc = await handle.describe();
      console.log(`${workflowId}: ${desc.status.name} (${desc.type}, started ${desc.startTime.toISOString()})`);
      console.log(formatSteps(await getSteps(handle)));
      return 0;
    });
  },
};
